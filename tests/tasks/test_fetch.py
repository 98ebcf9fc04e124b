"""Downloads against a local HTTP server on 127.0.0.1 (never the internet): checksums, resume
after a cut connection, mismatches, offline errors, archives."""

from __future__ import annotations

import hashlib
import io
import tarfile
from pathlib import Path

import pytest

from nsr.errors import DownloadError
from nsr.tasks import fetch as fetch_module
from nsr.tasks.fetch import fetch, sha256_of
from nsr.tasks.scan import ScanTask
from nsr.tasks.sources import SOURCES, DatasetSource, RemoteFile

BIG = bytes(range(256)) * 2048  # 512 KiB: several chunks, so a cut lands mid-file
SMALL = b"IN: jump OUT: I_JUMP\n"


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _toy(monkeypatch, mirror, files: dict[str, bytes], *, url_none: tuple[str, ...] = ()) -> None:
    """Register a dataset 'toy' whose official URLs point at the local mirror."""
    mirror.files.update(files)
    remote = tuple(
        RemoteFile(path, None if path in url_none else f"{mirror.url}/{path}", _sha(data))
        for path, data in files.items()
    )
    monkeypatch.setitem(SOURCES, "toy", DatasetSource("toy", "test data", remote))


def test_downloads_verify_and_rename(monkeypatch, mirror, tmp_path: Path) -> None:
    _toy(monkeypatch, mirror, {"a/big.bin": BIG, "small.txt": SMALL})
    report = fetch("toy", tmp_path)
    assert report.directory == tmp_path / "toy"
    assert sorted(report.downloaded) == ["a/big.bin", "small.txt"]
    assert (tmp_path / "toy/a/big.bin").read_bytes() == BIG
    assert not list(tmp_path.rglob("*.part"))


def test_present_files_are_kept_and_force_downloads_again(monkeypatch, mirror, tmp_path) -> None:
    _toy(monkeypatch, mirror, {"small.txt": SMALL})
    fetch("toy", tmp_path)
    mirror.requests.clear()
    again = fetch("toy", tmp_path)
    assert again.downloaded == () and again.present == ("small.txt",)
    assert mirror.requests == []
    forced = fetch("toy", tmp_path, force=True)
    assert forced.downloaded == ("small.txt",) and len(mirror.requests) == 1


def test_cut_connection_resumes_with_range_on_the_next_run(monkeypatch, mirror, tmp_path) -> None:
    _toy(monkeypatch, mirror, {"big.bin": BIG})
    mirror.cut_once.add("big.bin")
    with pytest.raises(DownloadError, match="interrupted after .* run the command again"):
        fetch("toy", tmp_path, retries=0)
    part = tmp_path / "toy/big.bin.part"
    assert 0 < part.stat().st_size < len(BIG)
    assert not (tmp_path / "toy/big.bin").exists()
    have = part.stat().st_size
    fetch("toy", tmp_path)
    assert mirror.requests[-1] == ("big.bin", f"bytes={have}-")
    assert (tmp_path / "toy/big.bin").read_bytes() == BIG


def test_retries_resume_within_one_call(monkeypatch, mirror, tmp_path) -> None:
    _toy(monkeypatch, mirror, {"big.bin": BIG})
    mirror.cut_once.add("big.bin")
    fetch("toy", tmp_path, retries=2)
    assert [r for _, r in mirror.requests] == [None, f"bytes={len(BIG) // 2}-"]
    assert sha256_of(tmp_path / "toy/big.bin") == _sha(BIG)


def test_server_without_range_support_restarts_cleanly(monkeypatch, mirror, tmp_path) -> None:
    _toy(monkeypatch, mirror, {"big.bin": BIG})
    mirror.ranges = False
    mirror.cut_once.add("big.bin")
    fetch("toy", tmp_path, retries=1)
    assert (tmp_path / "toy/big.bin").read_bytes() == BIG


def test_checksum_mismatch_deletes_the_download(monkeypatch, mirror, tmp_path) -> None:
    _toy(monkeypatch, mirror, {"small.txt": SMALL})
    mirror.corrupt.add("small.txt")
    with pytest.raises(DownloadError, match="checksum mismatch for .*small.txt"):
        fetch("toy", tmp_path)
    assert not (tmp_path / "toy/small.txt").exists()
    assert not (tmp_path / "toy/small.txt.part").exists()


def test_a_corrupted_local_file_is_replaced(monkeypatch, mirror, tmp_path) -> None:
    _toy(monkeypatch, mirror, {"small.txt": SMALL})
    (tmp_path / "toy").mkdir()
    (tmp_path / "toy/small.txt").write_bytes(b"garbage")
    assert fetch("toy", tmp_path).downloaded == ("small.txt",)
    assert (tmp_path / "toy/small.txt").read_bytes() == SMALL


def test_offline_error_names_host_and_cache_dir(monkeypatch, mirror, closed_port_url, tmp_path):
    _toy(monkeypatch, mirror, {"small.txt": SMALL})
    with pytest.raises(DownloadError) as exc:
        fetch("toy", tmp_path, base_url=closed_port_url)
    message = str(exc.value)
    assert message.startswith("cannot reach 127.0.0.1:")
    assert f"you are offline? copy the files into {tmp_path / 'toy'}" in message


def test_http_errors_are_download_errors(monkeypatch, mirror, tmp_path) -> None:
    _toy(monkeypatch, mirror, {"small.txt": SMALL})
    del mirror.files["small.txt"]
    with pytest.raises(DownloadError, match="HTTP 404"):
        fetch("toy", tmp_path)


def test_files_without_a_public_source_are_named(monkeypatch, mirror, tmp_path) -> None:
    _toy(monkeypatch, mirror, {"small.txt": SMALL, "private.txt": b"x\n"}, url_none=("private.txt",))
    with pytest.raises(DownloadError, match="no public source is known for private.txt"):
        fetch("toy", tmp_path)
    assert (tmp_path / "toy/small.txt").exists()  # the others were still fetched
    # A mirror serves them like any other file.
    assert fetch("toy", tmp_path, base_url=mirror.url).downloaded == ("private.txt",)


def _tar_xz(members: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w:xz") as tar:
        for name, data in members.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    return buf.getvalue()


def _archive_source(monkeypatch, mirror, data: bytes) -> None:
    mirror.files["dataset.tar.xz"] = data
    remote = RemoteFile(
        "dataset.tar.xz",
        f"{mirror.url}/dataset.tar.xz",
        None,  # like HINT: no checksum known, verified by structure
        required_members=("expr_train.json", "expr_test.json"),
    )
    monkeypatch.setitem(SOURCES, "arch", DatasetSource("arch", "archive", (remote,)))


def test_archives_are_checked_by_structure_and_unpacked(monkeypatch, mirror, tmp_path) -> None:
    _archive_source(
        monkeypatch, mirror, _tar_xz({"data/expr_train.json": b"[]", "data/expr_test.json": b"[]"})
    )
    fetch("arch", tmp_path)
    assert (tmp_path / "arch/data/expr_train.json").read_bytes() == b"[]"
    assert fetch("arch", tmp_path).present == ("dataset.tar.xz",)


def test_archive_missing_members_is_rejected(monkeypatch, mirror, tmp_path) -> None:
    _archive_source(monkeypatch, mirror, _tar_xz({"data/expr_train.json": b"[]"}))
    with pytest.raises(DownloadError, match=r"missing \['expr_test.json'\]"):
        fetch("arch", tmp_path)


def test_archive_escaping_the_directory_is_refused(monkeypatch, mirror, tmp_path) -> None:
    _archive_source(
        monkeypatch,
        mirror,
        _tar_xz({"../evil": b"x", "expr_train.json": b"[]", "expr_test.json": b"[]"}),
    )
    with pytest.raises(DownloadError, match="unsafe archive member"):
        fetch("arch", tmp_path)
    assert not (tmp_path / "evil").exists()


def test_not_an_archive_is_a_download_error(monkeypatch, mirror, tmp_path) -> None:
    _archive_source(monkeypatch, mirror, b"this is not xz")
    with pytest.raises(DownloadError, match="not a readable archive"):
        fetch("arch", tmp_path)


def test_manifest_checksums_match_the_shared_copies(shared_data: Path) -> None:
    for name in ("scan", "pcfg"):
        for file in SOURCES[name].files:
            assert sha256_of(shared_data / name / file.path) == file.sha256, file.path
    # Nothing official is left out: every shared file is in the manifest.
    for name in ("scan", "pcfg"):
        listed = {f.path for f in SOURCES[name].files}
        on_disk = {
            p.relative_to(shared_data / name).as_posix()
            for p in (shared_data / name).rglob("*")
            if p.is_file()
        }
        assert on_disk == listed, name


def test_official_urls_are_pinned() -> None:
    for file in SOURCES["scan"].files:
        assert file.url.startswith("https://raw.githubusercontent.com/brendenlake/SCAN/c4b756cb")
    for file in SOURCES["pcfg"].files:
        assert file.url is None or "/am-i-compositional/4f75bdd7" in file.url


def test_fetching_scan_from_a_mirror_gives_a_loadable_copy(shared_data, mirror, tmp_path) -> None:
    for file in SOURCES["scan"].files:
        mirror.files[file.path] = (shared_data / "scan" / file.path).read_bytes()
    mirror.cut_once.add("tasks.txt")
    report = fetch("scan", tmp_path, base_url=mirror.url)
    assert len(report.downloaded) == len(SOURCES["scan"].files)
    examples = ScanTask().load("jump", "test", data_dir=tmp_path)
    assert len(examples) == 7_706


def test_unknown_dataset(tmp_path) -> None:
    from nsr.errors import ConfigError

    with pytest.raises(ConfigError, match="unknown dataset 'nope'"):
        fetch("nope", tmp_path)


def test_default_cache_dir_follows_nsr_data(monkeypatch, tmp_path) -> None:
    monkeypatch.setenv("NSR_DATA", str(tmp_path))
    assert fetch_module.default_cache_dir() == tmp_path / "data"
