"""Byte-compatible writers (and plain readers) for every on-disk format the loaders read.

The writers produce what Keras downloads: npz archives, gzip'd IDX files with real headers,
CIFAR tar.gz archives of protocol-4 pickles with bytes keys, object-array npz files of Python-int
lists, and word-index JSON. The readers decode the same bytes with numpy/gzip/tarfile/pickle
only; benchmarks use them as the floor that shows what Keras adds on top.
"""

from __future__ import annotations

import gzip
import io
import json
import pickle
import struct
import tarfile
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np

IDX_UBYTE = 0x08
CIFAR_PICKLE_PROTOCOL = 4  # Keras 3.15.1's RestrictedUnpickler refuses protocols 0-2 and 5


def write_npz(path: Path, arrays: Mapping[str, np.ndarray]) -> None:
    """np.savez, as the Keras files are (uncompressed members)."""
    with open(path, "wb") as handle:
        np.savez(handle, **arrays)


def object_array(sequences: Sequence[list[int]]) -> np.ndarray:
    """A 1-D object array of lists of Python ints, the element type of the genuine imdb/reuters files.

    Lists of numpy scalars would pickle through `numpy...scalar`, which Keras 3.15.1 refuses, so
    callers pass plain lists (`Ragged.to_lists()` makes them).
    """
    array = np.empty(len(sequences), dtype=object)
    for i, sequence in enumerate(sequences):
        array[i] = sequence
    return array


def idx_bytes(array: np.ndarray) -> bytes:
    """IDX encoding: magic (0, 0, type, ndim), big-endian uint32 dims, then the raw bytes."""
    array = np.ascontiguousarray(array, dtype=np.uint8)
    header = bytes([0, 0, IDX_UBYTE, array.ndim]) + b"".join(struct.pack(">I", d) for d in array.shape)
    return header + array.tobytes()


def write_idx_gz(path: Path, array: np.ndarray, compresslevel: int = 6) -> None:
    with gzip.open(path, "wb", compresslevel=compresslevel) as handle:
        handle.write(idx_bytes(array))


def read_idx_header(path: Path) -> list[int]:
    """[magic, dim0, dim1, ...] of a gzip'd IDX file, read without trusting the rest."""
    with gzip.open(path, "rb") as handle:
        magic = handle.read(4)
        ndim = magic[3]
        dims = struct.unpack(f">{ndim}I", handle.read(4 * ndim))
    return [int.from_bytes(magic, "big"), *dims]


def read_idx_gz(path: Path) -> np.ndarray:
    """Decode a gzip'd IDX file by its own header (the floor for Fashion-MNIST)."""
    with gzip.open(path, "rb") as handle:
        raw = handle.read()
    ndim = raw[3]
    dims = struct.unpack(f">{ndim}I", raw[4 : 4 + 4 * ndim])
    return np.frombuffer(raw, np.uint8, offset=4 + 4 * ndim).reshape(dims)


def pickle_dict(mapping: Mapping[bytes, Any]) -> bytes:
    """A CIFAR-style pickle: bytes keys, an explicit protocol Keras 3.15.1 accepts."""
    return pickle.dumps(dict(mapping), protocol=CIFAR_PICKLE_PROTOCOL)


def cifar_batch(data: np.ndarray, labels: Mapping[bytes, list[int]], batch_label: bytes) -> bytes:
    """One CIFAR batch: data (N, 3072) uint8, labels as Python lists, file names."""
    return pickle_dict(
        {
            b"batch_label": batch_label,
            b"data": np.ascontiguousarray(data, dtype=np.uint8),
            b"filenames": [b"synthetic_%06d.png" % i for i in range(len(data))],
            **labels,
        }
    )


def write_tar_gz(path: Path, members: Mapping[str, bytes], compresslevel: int = 1) -> None:
    """A tar.gz of in-memory members, in the given order."""
    with tarfile.open(path, "w:gz", compresslevel=compresslevel) as archive:
        for name, payload in members.items():
            info = tarfile.TarInfo(name)
            info.size = len(payload)
            info.mode = 0o644
            archive.addfile(info, io.BytesIO(payload))


def read_tar_members(path: Path) -> dict[str, bytes]:
    """Every regular file of a tar.gz, by member name (the floor for CIFAR's extraction)."""
    with tarfile.open(path, "r:gz") as archive:
        return {
            member.name: archive.extractfile(member).read()  # type: ignore[union-attr]
            for member in archive.getmembers()
            if member.isfile()
        }


def read_tar_member(path: Path, basenames: tuple[str, ...]) -> bytes | None:
    """The first regular member whose base name is one of `basenames`, read without the rest."""
    with tarfile.open(path, "r:gz") as archive:
        for member in archive:
            if member.isfile() and member.name.rsplit("/", 1)[-1] in basenames:
                return archive.extractfile(member).read()  # type: ignore[union-attr]
    return None


def read_cifar_batch(payload: bytes) -> dict[bytes, Any]:
    return pickle.loads(payload, encoding="bytes")


def write_word_index(path: Path, word_index: Mapping[str, int]) -> None:
    with open(path, "w", encoding="utf-8") as handle:
        json.dump(dict(word_index), handle)
