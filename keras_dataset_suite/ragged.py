"""Ragged integer sequences as one flat token array plus row offsets.

The text models and the comparisons work on this form so that every step is a vectorized NumPy
operation over all tokens at once, never a Python loop per token.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np

TOKEN_DTYPE = np.int64


@dataclass(frozen=True)
class Ragged:
    """Row i is values[offsets[i]:offsets[i + 1]]; offsets starts at 0 and has one entry per row + 1."""

    values: np.ndarray
    offsets: np.ndarray

    @classmethod
    def from_lengths(cls, values: np.ndarray, lengths: np.ndarray) -> Ragged:
        offsets = np.zeros(len(lengths) + 1, dtype=np.int64)
        np.cumsum(lengths, out=offsets[1:])
        return cls(np.asarray(values, dtype=TOKEN_DTYPE), offsets)

    @classmethod
    def from_sequences(cls, sequences: Iterable[Sequence[int]]) -> Ragged:
        """Flatten any iterable of int sequences (lists, tuples, arrays) in one C-level pass."""
        rows = list(sequences)
        lengths = np.fromiter(map(len, rows), dtype=np.int64, count=len(rows))
        total = int(lengths.sum())
        values = np.fromiter(itertools.chain.from_iterable(rows), dtype=TOKEN_DTYPE, count=total)
        return cls.from_lengths(values, lengths)

    def __len__(self) -> int:
        return len(self.offsets) - 1

    @property
    def lengths(self) -> np.ndarray:
        return np.diff(self.offsets)

    def row_ids(self) -> np.ndarray:
        """The row each token belongs to."""
        return np.repeat(np.arange(len(self), dtype=np.int64), self.lengths)

    def take(self, rows: np.ndarray) -> Ragged:
        """Rows in the given order (a permutation, a subset, or a boolean mask)."""
        rows = np.flatnonzero(rows) if rows.dtype == bool else np.asarray(rows, dtype=np.int64)
        lengths = self.lengths[rows]
        result = Ragged.from_lengths(np.empty(int(lengths.sum()), dtype=TOKEN_DTYPE), lengths)
        row_of_token = result.row_ids()
        position = np.arange(len(result.values), dtype=np.int64) - result.offsets[row_of_token]
        result.values[:] = self.values[self.offsets[rows][row_of_token] + position]
        return result

    def slice(self, start: int, stop: int) -> Ragged:
        """Rows start..stop-1, as Python slicing of a list would give them."""
        start, stop, _ = slice(start, stop).indices(len(self))
        stop = max(start, stop)
        offsets = self.offsets[start : stop + 1]
        return Ragged(self.values[offsets[0] : offsets[-1]], offsets - offsets[0])

    def prepend(self, token: int) -> Ragged:
        """Put `token` in front of every row."""
        lengths = self.lengths + 1
        result = Ragged.from_lengths(np.empty(len(self.values) + len(self), dtype=TOKEN_DTYPE), lengths)
        starts = result.offsets[:-1]
        result.values[starts] = token
        body = np.ones(len(result.values), dtype=bool)
        body[starts] = False
        result.values[body] = self.values
        return result

    def keep_tokens(self, mask: np.ndarray) -> Ragged:
        """Drop the tokens where `mask` is False; rows keep their place and may become empty."""
        kept = np.concatenate(([0], np.cumsum(mask, dtype=np.int64)))
        return Ragged(self.values[mask], kept[self.offsets])

    def with_values(self, values: np.ndarray) -> Ragged:
        return Ragged(np.asarray(values, dtype=TOKEN_DTYPE), self.offsets)

    def concat(self, other: Ragged) -> Ragged:
        return Ragged(
            np.concatenate((self.values, other.values)),
            np.concatenate((self.offsets, other.offsets[1:] + self.offsets[-1])),
        )

    def to_lists(self) -> list[list[int]]:
        """Python lists of Python ints, the element type the Keras text loaders return."""
        values = self.values.tolist()
        bounds = self.offsets.tolist()
        return [values[a:b] for a, b in itertools.pairwise(bounds)]

    def equals(self, other: Ragged) -> bool:
        return np.array_equal(self.offsets, other.offsets) and np.array_equal(self.values, other.values)
