"""Where the official data files come from, with their sha256 checksums.

Local layout (relative paths) equals ``../shared/data/<name>``; checksums were computed from
those identical copies. A file whose checksum is None cannot be checked here (the HINT archive,
stored with Git LFS upstream) and is verified by its structure after download instead. A file
whose url is None has no known public source: ``nsr data fetch`` says so and asks the user to
copy it (a mirror given with ``--base-url`` serves it like any other file).
"""

from __future__ import annotations

from dataclasses import dataclass

SCAN_COMMIT = "c4b756cbc010d75c912f16c42c8f15dc6b7e6c8f"
PCFG_COMMIT = "4f75bdd78889150dd78e90bbb7ddec840204c159"
_SCAN_RAW = f"https://raw.githubusercontent.com/brendenlake/SCAN/{SCAN_COMMIT}"
_PCFG_RAW = f"https://raw.githubusercontent.com/i-machine-think/am-i-compositional/{PCFG_COMMIT}"
#: The HINT repository's README: "cd HINT/data; tar -xvf dataset.tar.xz" (a Git LFS object;
#: GitHub's /raw/ URL redirects to the LFS media server).
HINT_ARCHIVE_URL = "https://github.com/liqing-ustc/HINT/raw/main/data/dataset.tar.xz"


@dataclass(frozen=True)
class RemoteFile:
    """One file of a dataset: local relative path, official URL, sha256 (None: unknown)."""

    path: str
    url: str | None
    sha256: str | None
    #: Archive members that must exist after unpacking (structure check); empty: not an archive.
    required_members: tuple[str, ...] = ()

    @property
    def is_archive(self) -> bool:
        return bool(self.required_members)


@dataclass(frozen=True)
class DatasetSource:
    name: str
    description: str
    files: tuple[RemoteFile, ...]


def _scan(path: str, sha: str) -> RemoteFile:
    return RemoteFile(path, f"{_SCAN_RAW}/{path}", sha)


def _pcfg(path: str, sha: str, upstream: str | None = "") -> RemoteFile:
    # Official files sit under data/pcfgset/ upstream; the 10K release has no known public URL.
    if upstream is None:
        return RemoteFile(path, None, sha)
    return RemoteFile(path, f"{_PCFG_RAW}/{upstream or 'data/pcfgset/' + path}", sha)


SOURCES: dict[str, DatasetSource] = {
    "scan": DatasetSource(
        "scan",
        f"SCAN (Lake & Baroni 2018), brendenlake/SCAN@{SCAN_COMMIT[:8]}, BSD licence",
        (
            _scan("LICENSE", "5caff9408d400e1d9b271bf48b967154cdf6a37c16c965f91775da3af9291f67"),
            _scan("tasks.txt", "d824c7d9e9149ba497e25f701981dac79954e04bf670d22e5c209f076ac6c89f"),
            _scan(
                "simple_split/tasks_train_simple.txt",
                "941bb8a088c5f53ceff12fde902dc008933cf0c4203cc672c47b5f79d73262dd",
            ),
            _scan(
                "simple_split/tasks_test_simple.txt",
                "1fe1c8f5a19d0dc40e41bab94278f45f66f3dc415a978bd29855a23440610fc6",
            ),
            _scan(
                "length_split/tasks_train_length.txt",
                "b034212dc7cf87ce62f3a067dd6ad49c4d5cd18d51d615d13825516bcb1ebbc2",
            ),
            _scan(
                "length_split/tasks_test_length.txt",
                "0760752ed34a75116ae11dcc1ee17526b7500060da1366540730fa24894d7db3",
            ),
            _scan(
                "add_prim_split/tasks_train_addprim_jump.txt",
                "e3c78485692e028eed4205e1b8b3fd0e785ef2c12d45b5b89204dadf5b239e23",
            ),
            _scan(
                "add_prim_split/tasks_test_addprim_jump.txt",
                "8147ae2651422c701162e174d9d66158daa57858a26b30317ac61797118ac7a5",
            ),
            _scan(
                "add_prim_split/tasks_train_addprim_turn_left.txt",
                "1b3fed86055dd7689d217f1b90cc8960aeb1cf200f4f209dc47935761b05304c",
            ),
            _scan(
                "add_prim_split/tasks_test_addprim_turn_left.txt",
                "15a82c2d25ac7c3c1fff7e18051fb085974ef3617de895c520d02144396a10e2",
            ),
            _scan(
                "template_split/tasks_train_template_around_right.txt",
                "d5d35d174d557645fc61f289424afa0d95fde21422c59a9819e2d0fcfa9d419f",
            ),
            _scan(
                "template_split/tasks_test_template_around_right.txt",
                "fc78a5d1077dc2c206d6c42ed89fb9022867618c3f331179bafd3ec1ca699474",
            ),
        ),
    ),
    "pcfg": DatasetSource(
        "pcfg",
        f"PCFG SET (Hupkes et al. 2020), i-machine-think/am-i-compositional@{PCFG_COMMIT[:8]}, "
        "MIT licence; pcfg-set-10K has no known public URL",
        (
            _pcfg(
                "LICENSE",
                "cd62719ea960dbefe6b4d1fda8861e6fd4a2dce6a246fc185bb4b0446a85faa7",
                "LICENSE",
            ),
            _pcfg(
                "pcfgset/dev.src",
                "67bd466f77b7acb9863ddbbbacb4784848bdfb9094c40e2f94955aff7cb75d0a",
            ),
            _pcfg(
                "pcfgset/dev.tgt",
                "95648e697cb86a8724d71d6e841f37eea27d15951091b134538906bfbf0d14d1",
            ),
            _pcfg(
                "pcfgset/test.src",
                "65af9357dc169a22629456be7cf43e97e275e076db10d72202d5389be7d8c0b2",
            ),
            _pcfg(
                "pcfgset/test.tgt",
                "7d23524995eb28a4726b3f1ffc11daec8f13692f7f804f4be20ca1a25c941517",
            ),
            _pcfg(
                "pcfgset/train.tgt",
                "3fa13c7ca2f3fb8dce126612d77f6666fb49f541c0936aa55c88cd033693475a",
            ),
            _pcfg(
                "productivity/test.src",
                "ba03bc5c468e955d537c06ca02c900c431a16f37b8b3f02e5eaa8a93434a3f73",
            ),
            _pcfg(
                "productivity/test.tgt",
                "55704b1e887ffeffb104fc1ba4bc44dd6b0e95e34a355bd07d86881fd226a254",
            ),
            _pcfg(
                "productivity/train.tgt",
                "604b73127083b9dc6f6331be6722423d2344eac36278e48d658618f0e78a8da9",
            ),
            _pcfg(
                "systematicity/test.src",
                "9c47ccf869899e65c2c2cf530403c8fefdcb5de57787c9ff029dc7d9b8018941",
            ),
            _pcfg(
                "systematicity/test.tgt",
                "2896474cdeb151929bd85ed10aeeca37866e11dafa00f62e1660804f0dfc5a8a",
            ),
            _pcfg(
                "systematicity/train.tgt",
                "5b8911aac24433e1a32e769e4ae237ace7e599352f8c4783334f9cae4de53b98",
            ),
            _pcfg(
                "pcfg-set-10K/random_split_train.src",
                "8497b122bb871ac06d8cfae1b3ef65399168a7466c87769de8642710d5722677",
                None,
            ),
            _pcfg(
                "pcfg-set-10K/random_split_train.tgt",
                "aab46652bfe56b48884ea5a5f038ff605c207027b334be04c9eeb51de124d261",
                None,
            ),
            _pcfg(
                "pcfg-set-10K/random_split_dev.src",
                "6adc95105b99d1da3a00d25957b97a534f99b26ede9e44fca9db462dd4ebe906",
                None,
            ),
            _pcfg(
                "pcfg-set-10K/random_split_dev.tgt",
                "b684b83efb2fef1da9a59ef0c88345ced74aeb5b46838666974bfa9c736a0a67",
                None,
            ),
            _pcfg(
                "pcfg-set-10K/random_split_test.src",
                "1483c649b803f9c6ba3ae7ce61fb0ad7d263df370ec225d2cbe02f84c2bb022d",
                None,
            ),
            _pcfg(
                "pcfg-set-10K/random_split_test.tgt",
                "7f560e533853e7fceebc8ae983ae3e67fc9e7128538c2fd6da377d4db4e32d03",
                None,
            ),
        ),
    ),
    "hint": DatasetSource(
        "hint",
        "HINT (Li et al. 2023), liqing-ustc/HINT data/dataset.tar.xz (Git LFS; checksum unknown, "
        "verified by structure: expr_train.json, expr_test.json)",
        (
            RemoteFile(
                "dataset.tar.xz",
                HINT_ARCHIVE_URL,
                None,
                required_members=("expr_train.json", "expr_test.json"),
            ),
        ),
    ),
}
