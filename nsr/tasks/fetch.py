"""Download the official data files into a cache directory (``nsr data fetch NAME``).

Each file streams into ``<file>.part``; an interrupted download resumes from where it stopped
with an HTTP Range request (also on the next run), is checked against its sha256, and only then
renamed into place, so a half-written file never looks complete. Archives (HINT) are verified by
structure and unpacked. urllib only: no extra dependency, and proxies work via the environment.
"""

from __future__ import annotations

import hashlib
import os
import tarfile
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from urllib.parse import urlsplit

from nsr.errors import ConfigError, DownloadError
from nsr.tasks.paths import cache_root
from nsr.tasks.sources import SOURCES, DatasetSource, RemoteFile

CHUNK = 1 << 16
TIMEOUT_S = 30.0
UNPACKED_MARKER = ".unpacked"

#: progress(file path, bytes so far, total bytes or None)
ProgressFn = Callable[[str, int, int | None], None]


@dataclass(frozen=True)
class FetchReport:
    """What :func:`fetch` did: the dataset folder and the files per outcome."""

    directory: Path
    downloaded: tuple[str, ...]
    present: tuple[str, ...]


def default_cache_dir() -> Path:
    """``${NSR_DATA:-~/.cache/nsr}/data``: ``fetch`` creates ``<name>/`` inside it."""
    return cache_root() / "data"


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(CHUNK), b""):
            digest.update(block)
    return digest.hexdigest()


def _offline(url: str, reason: object, dest: Path) -> DownloadError:
    host = urlsplit(url).hostname or url
    return DownloadError(
        f"cannot reach {host}: {reason}; you are offline? copy the files into {dest}"
    )


def download(
    url: str,
    target: Path,
    *,
    sha256: str | None,
    retries: int = 3,
    progress: ProgressFn | None = None,
    copy_hint: Path | None = None,
) -> Path:
    """Stream ``url`` to ``target`` via ``target.part``, resuming with Range after a cut.

    Retries ``retries`` times after an interrupted transfer (each retry resumes). A checksum
    mismatch deletes the partial file and raises :class:`DownloadError`.
    """
    target.parent.mkdir(parents=True, exist_ok=True)
    part = target.with_name(target.name + ".part")
    attempt = 0
    while True:
        try:
            _transfer(url, part, progress, str(target.name))
            break
        except (urllib.error.HTTPError, DownloadError):
            raise
        except urllib.error.URLError as exc:
            raise _offline(url, exc.reason, copy_hint or target.parent) from None
        except (OSError, EOFError) as exc:  # connection cut, reset, timeout, IncompleteRead
            attempt += 1
            if attempt > retries:
                have = part.stat().st_size if part.exists() else 0
                raise DownloadError(
                    f"download of {url} interrupted after {have} bytes ({type(exc).__name__}: "
                    f"{exc}); run the command again to resume"
                ) from None
    if sha256 is not None:
        got = sha256_of(part)
        if got != sha256:
            part.unlink(missing_ok=True)
            raise DownloadError(
                f"checksum mismatch for {url}: expected sha256 {sha256}, got {got}; "
                "the download was deleted, run the command again (or check the mirror)"
            )
    os.replace(part, target)
    return target


def _transfer(url: str, part: Path, progress: ProgressFn | None, label: str) -> None:
    """One attempt: append to ``part`` from its current size (Range), or restart when the
    server ignores ranges."""
    have = part.stat().st_size if part.exists() else 0
    request = urllib.request.Request(url, headers={"User-Agent": "nsr-data-fetch"})
    if have:
        request.add_header("Range", f"bytes={have}-")
    try:
        response = urllib.request.urlopen(request, timeout=TIMEOUT_S)
    except urllib.error.HTTPError as exc:
        if exc.code == 416 and have:
            return  # nothing left to fetch: the part file is complete; the checksum decides
        raise DownloadError(f"{url}: HTTP {exc.code} {exc.reason}") from None
    with response:
        if have and response.status != 206:
            have = 0  # the server sent the whole file: start over
        length = response.headers.get("Content-Length")
        total = have + int(length) if length is not None else None
        try:
            fh = part.open("ab" if have else "wb")
        except OSError as exc:  # a local problem: retrying the network will not help
            raise DownloadError(f"cannot write {part}: {exc.strerror or exc}") from None
        with fh:
            done = have
            while True:
                block = response.read(CHUNK)
                if not block:
                    break
                fh.write(block)
                done += len(block)
                if progress is not None:
                    progress(label, done, total)
        if total is not None and done < total:
            raise EOFError(f"connection closed after {done} of {total} bytes")


def _safe_members(archive: tarfile.TarFile, dest: Path) -> list[tarfile.TarInfo]:
    """Members that stay inside ``dest`` (no absolute paths, no '..', no links out)."""
    members = []
    for m in archive.getmembers():
        p = PurePosixPath(m.name)
        if p.is_absolute() or ".." in p.parts or m.issym() or m.islnk() or m.isdev():
            raise DownloadError(f"refusing unsafe archive member {m.name!r}")
        members.append(m)
    return members


def unpack(archive_path: Path, dest: Path, required: tuple[str, ...]) -> None:
    """Check that every required file name occurs in the archive, then extract it."""
    try:
        with tarfile.open(archive_path) as archive:
            members = _safe_members(archive, dest)
            names = {PurePosixPath(m.name).name for m in members if m.isfile()}
            missing = [r for r in required if r not in names]
            if missing:
                raise DownloadError(
                    f"{archive_path} does not look like the official archive: missing {missing}"
                )
            archive.extractall(dest, members=members)
    except tarfile.TarError as exc:
        raise DownloadError(f"{archive_path} is not a readable archive: {exc}") from None
    (dest / UNPACKED_MARKER).write_text(archive_path.name + "\n", encoding="utf-8")


def _is_present(path: Path, file: RemoteFile) -> bool:
    if not path.is_file():
        return False
    return file.sha256 is None or sha256_of(path) == file.sha256


def fetch(
    name: str,
    cache_dir: Path | None = None,
    *,
    force: bool = False,
    base_url: str | None = None,
    retries: int = 3,
    progress: ProgressFn | None = None,
) -> FetchReport:
    """Download dataset ``name`` into ``cache_dir/<name>/`` (default: the nsr cache).

    Files already present with the right checksum are kept unless ``force``. ``base_url``
    replaces every official URL by ``<base_url>/<relative path>`` (a mirror with the layout of
    ``../shared/data/<name>``; tests use a local server). Raises :class:`DownloadError` when
    offline, on HTTP errors and checksum mismatches, and when files without a public source
    are still missing at the end.
    """
    if name not in SOURCES:
        raise ConfigError(f"unknown dataset {name!r}; known: {', '.join(SOURCES)}")
    source: DatasetSource = SOURCES[name]
    dest = Path(cache_dir if cache_dir is not None else default_cache_dir()).expanduser() / name
    try:
        dest.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise DownloadError(f"cannot create the cache directory {dest}: {exc.strerror or exc}") from None
    downloaded: list[str] = []
    present: list[str] = []
    no_source: list[str] = []
    for file in source.files:
        target = dest / file.path
        done = _is_present(target, file) and (
            not file.is_archive or (dest / UNPACKED_MARKER).is_file()
        )
        if done and not force:
            present.append(file.path)
            continue
        if force:
            target.unlink(missing_ok=True)
            target.with_name(target.name + ".part").unlink(missing_ok=True)
        url = f"{base_url.rstrip('/')}/{file.path}" if base_url else file.url
        if url is None:
            no_source.append(file.path)
            continue
        download(url, target, sha256=file.sha256, retries=retries, progress=progress, copy_hint=dest)
        if file.is_archive:
            unpack(target, dest, file.required_members)
        downloaded.append(file.path)
    if no_source:
        raise DownloadError(
            f"no public source is known for {', '.join(no_source)}; copy them from a project "
            f"checkout (shared/data/{name}/) into {dest}, or pass --base-url of a mirror"
        )
    return FetchReport(dest, tuple(downloaded), tuple(present))

