"""What the suite wrote, held in memory: the input of the reference models.

Each class mirrors one on-disk layout exactly (before any loader touches it), so a model can
derive the loader's whole output from it without reading the files back.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

from keras_dataset_suite.ragged import Ragged


@dataclass(frozen=True)
class ImageArrays:
    """mnist.npz members, or the four Fashion-MNIST IDX payloads, as arrays."""

    x_train: np.ndarray
    y_train: np.ndarray
    x_test: np.ndarray
    y_test: np.ndarray


@dataclass(frozen=True)
class CifarBatch:
    """One pickled CIFAR batch: data (N, 3072) uint8 in R, G, B planes, and its label lists."""

    name: str
    data: np.ndarray
    labels: Mapping[str, list[int]]


@dataclass(frozen=True)
class CifarArchive:
    """A CIFAR archive: its top-level folder and the batches it holds, train first."""

    folder: str
    train: tuple[CifarBatch, ...]
    test: CifarBatch
    meta_name: str
    meta: Mapping[str, list[str]]


@dataclass(frozen=True)
class TextSplits:
    """imdb.npz: separate train and test sequences (raw word ranks) and labels, plus word index."""

    x_train: Ragged
    y_train: np.ndarray
    x_test: Ragged
    y_test: np.ndarray
    word_index: Mapping[str, int]


@dataclass(frozen=True)
class TextPool:
    """reuters.npz: one pool of sequences and labels, split by the loader, plus word index."""

    x: Ragged
    y: np.ndarray
    word_index: Mapping[str, int]


@dataclass(frozen=True)
class HousingTable:
    """boston_housing.npz / california_housing.npz: features x (N, F) and targets y (N,)."""

    x: np.ndarray
    y: np.ndarray


Content = ImageArrays | CifarArchive | TextSplits | TextPool | HousingTable
