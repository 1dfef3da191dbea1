"""Reference model of boston_housing and california_housing: a seeded shuffle, then a positional split."""

from __future__ import annotations

import numpy as np

from keras_dataset_suite.content import HousingTable
from keras_dataset_suite.models.output import Output

CALIFORNIA_SMALL_ROWS = 600
CALIFORNIA_VERSIONS = ("small", "large")


def shuffle_split(table: HousingTable, test_split: float = 0.2, seed: int = 113) -> Output:
    """np.random.RandomState(seed) shuffles row order; the first int(n * (1 - test_split)) rows train."""
    order = np.arange(len(table.x))
    np.random.RandomState(seed).shuffle(order)
    x, y = table.x[order], table.y[order]
    cut = int(len(x) * (1 - test_split))
    return Output(np.array(x[:cut]), np.array(y[:cut]), np.array(x[cut:]), np.array(y[cut:]))


def california_housing(table: HousingTable, version: str = "large", test_split: float = 0.2, seed: int = 113) -> Output:
    """'small' keeps the first 600 stored rows before shuffling; 'large' keeps all."""
    if version not in CALIFORNIA_VERSIONS:
        raise ValueError(f"Argument `version` must be one of {CALIFORNIA_VERSIONS}, got {version!r}")
    if version == "small":
        table = HousingTable(table.x[:CALIFORNIA_SMALL_ROWS], table.y[:CALIFORNIA_SMALL_ROWS])
    return shuffle_split(table, test_split, seed)
