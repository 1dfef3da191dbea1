"""The floor of each load: the same bytes read and decoded with plain numpy/gzip/tarfile/pickle.

Each function returns the same arrays the loader returns, in the cheapest way the format allows
(no hash check, no extraction to disk, no per-token Python), so loader time / floor time is what
Keras adds on top of reading the data.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import numpy as np

from keras_dataset_suite import formats


def _npz(paths: Mapping[str, Path]) -> dict[str, np.ndarray]:
    with np.load(paths["data"], allow_pickle=True) as archive:
        return {name: archive[name] for name in archive.files}


def _idx(paths: Mapping[str, Path]) -> dict[str, np.ndarray]:
    return {role: formats.read_idx_gz(path) for role, path in paths.items()}


def _cifar(label_key: str) -> Callable[[Mapping[str, Path]], dict[str, np.ndarray]]:
    def read(paths: Mapping[str, Path]) -> dict[str, np.ndarray]:
        arrays = {}
        for name, payload in formats.read_tar_members(paths["archive"]).items():
            batch = formats.read_cifar_batch(payload)
            if label_key.encode() in batch:
                arrays[name] = batch[b"data"].reshape(-1, 3, 32, 32)
                arrays[name + ":labels"] = np.asarray(batch[label_key.encode()])
        return arrays

    return read


FLOORS: dict[str, Callable[[Mapping[str, Path]], Any]] = {
    "mnist": _npz,
    "fashion_mnist": _idx,
    "cifar10": _cifar("labels"),
    "cifar100": _cifar("fine_labels"),
    "imdb": _npz,
    "reuters": _npz,
    "boston_housing": _npz,
    "california_housing": _npz,
}


def read_floor(dataset: str, paths: Mapping[str, Path]) -> Any:
    """Read `dataset`'s load_data files the plain way; word-index files are left out."""
    return FLOORS[dataset]({role: path for role, path in paths.items() if role != "word_index"})
