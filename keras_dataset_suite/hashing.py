"""File hashing and verified copies: nothing reaches a loader before its bytes are checked."""

from __future__ import annotations

import hashlib
from pathlib import Path

from keras_dataset_suite.errors import GenuineFileCorrupt

CHUNK = 1 << 20


def file_digest(path: Path, algorithm: str = "sha256") -> str:
    digest = hashlib.new(algorithm)
    with open(path, "rb") as handle:
        while chunk := handle.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def copy_verified(source: Path, target: Path, algorithm: str, expected: str) -> None:
    """Copy `source` to `target` while hashing it; on a mismatch remove the copy and raise.

    One read serves both the hash and the copy, and the source is only ever opened for reading.
    """
    digest = hashlib.new(algorithm)
    size = 0
    target.parent.mkdir(parents=True, exist_ok=True)
    with open(source, "rb") as src, open(target, "wb") as dst:
        while chunk := src.read(CHUNK):
            digest.update(chunk)
            dst.write(chunk)
            size += len(chunk)
    actual = digest.hexdigest()
    if actual != expected:
        target.unlink()
        raise GenuineFileCorrupt(source, algorithm, expected, actual, size)
