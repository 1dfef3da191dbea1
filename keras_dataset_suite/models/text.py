"""Reference model of imdb.load_data and reuters.load_data, vectorized over flat token arrays.

Written from the documented behaviour and the verified test vectors (keras-loaders sections 5.5,
5.6 and 7), including what the docstrings get wrong: `maxlen` filters (strictly shorter, start
character counted), `num_words=None` still maps the largest index to `oov_char`, `skip_top` and
`num_words` compare indices already shifted by `index_from`, `oov_char=None` drops tokens, and
Reuters' `test_split` is not validated. Behaviours that differ between Keras versions are
"quirks", named in the catalogue with the versions they hold for.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

from keras_dataset_suite.content import TextPool, TextSplits
from keras_dataset_suite.models.output import Output
from keras_dataset_suite.ragged import Ragged

# Quirk names, as the catalogue's [[quirks]] tables use them.
NB_WORDS_ALIAS = "nb_words_alias"
IGNORES_UNKNOWN_KWARGS = "ignores_unknown_kwargs"
UNSHIFTED_ELEMENTWISE_CONCAT = "unshifted_elementwise_concat"
RETURNS_LISTS = "returns_lists"

EMPTY_MAX = "max() arg is an empty sequence"


@dataclass(frozen=True)
class TextOptions:
    """The loader arguments, with the documented defaults."""

    num_words: int | None = None
    skip_top: int = 0
    maxlen: int | None = None
    seed: int = 113
    start_char: int | None = 1
    oov_char: int | None = 2
    index_from: int = 3
    test_split: float = 0.2


def text_options(kwargs: Mapping[str, Any], quirks: frozenset[str], takes_test_split: bool) -> TextOptions:
    """Apply keyword arguments as the loader does, including its version-specific kwargs handling."""
    known = {f.name for f in dataclasses.fields(TextOptions) if takes_test_split or f.name != "test_split"}
    given = {k: v for k, v in kwargs.items() if k not in ("path", "cache_dir")}
    options = {k: given.pop(k) for k in list(given) if k in known}
    if NB_WORDS_ALIAS in quirks and "nb_words" in given:
        options["num_words"] = given.pop("nb_words")
    if given and IGNORES_UNKNOWN_KWARGS not in quirks:
        raise TypeError(f"Unrecognized keyword arguments: {given}")
    return TextOptions(**options)


@dataclass(frozen=True)
class TextOutput:
    """A text loader's result in flat form; `arrays()` builds the containers Keras returns."""

    x_train: Ragged
    y_train: np.ndarray
    x_test: Ragged
    y_test: np.ndarray
    x_as_lists: bool = False

    def _container(self, rows: Ragged) -> Any:
        lists = rows.to_lists()
        return lists if self.x_as_lists else np.array(lists, dtype="object")

    def arrays(self) -> Output:
        return Output(self._container(self.x_train), self.y_train, self._container(self.x_test), self.y_test)


def _shuffled(rows: Ragged, labels: np.ndarray, rng: np.random.RandomState) -> tuple[Ragged, np.ndarray]:
    order = np.arange(len(rows))
    rng.shuffle(order)
    return rows.take(order), labels[order]


def _mark(rows: Ragged, options: TextOptions) -> Ragged:
    """Shift every rank by index_from and put start_char in front (when given)."""
    if options.start_char is not None:
        return rows.with_values(rows.values + options.index_from).prepend(options.start_char)
    return rows.with_values(rows.values + options.index_from)


def _filter_long(rows: Ragged, labels: np.ndarray, maxlen: int | None) -> tuple[Ragged, np.ndarray, bool]:
    """Keep sequences strictly shorter than maxlen; the third value says whether it ran."""
    if not maxlen:
        return rows, labels, False
    keep = rows.lengths < maxlen
    return rows.take(keep), labels[keep], True


def _vocabulary_limit(rows: Ragged, options: TextOptions) -> int:
    """num_words, or the largest index present when it is falsy (so that index itself is cut)."""
    if options.num_words:
        return options.num_words
    if len(rows) == 0 or (rows.lengths == 0).any():
        raise ValueError(EMPTY_MAX)
    return int(rows.values.max())


def _limit_vocabulary(rows: Ragged, options: TextOptions) -> Ragged:
    limit = _vocabulary_limit(rows, options)
    kept = (rows.values >= options.skip_top) & (rows.values < limit)
    if options.oov_char is None:
        return rows.keep_tokens(kept)
    return rows.with_values(np.where(kept, rows.values, options.oov_char))


def _labels_after_filter(labels: np.ndarray, filtered: bool) -> np.ndarray:
    """np.array() of the filtered label list: an empty list becomes float64, as NumPy makes it."""
    return np.array(labels) if not filtered or len(labels) else np.array([])


def _broadcast_concat(train: Ragged, test: Ragged) -> Ragged:
    """Keras 2's `x_train + x_test` on object arrays: element-wise list concatenation."""
    a, b = len(train), len(test)
    if a != b and 1 not in (a, b):
        raise ValueError(f"operands could not be broadcast together with shapes ({a},) ({b},) ")
    n = max(a, b) if min(a, b) else 0
    left = train.take(np.zeros(n, dtype=np.int64) if a == 1 else np.arange(n))
    right = test.take(np.zeros(n, dtype=np.int64) if b == 1 else np.arange(n))
    lengths = left.lengths + right.lengths
    order = np.argsort(np.concatenate((left.row_ids(), right.row_ids())), kind="stable")
    values = np.concatenate((left.values, right.values))[order]
    return Ragged.from_lengths(values, lengths)


def imdb(content: TextSplits, kwargs: Mapping[str, Any], quirks: frozenset[str]) -> TextOutput:
    """imdb.load_data on `content`: train and test shuffled by one generator, never mixed."""
    options = text_options(kwargs, quirks, takes_test_split=False)
    rng = np.random.RandomState(options.seed)
    x_train, y_train = _shuffled(content.x_train, content.y_train, rng)
    x_test, y_test = _shuffled(content.x_test, content.y_test, rng)
    unshifted = options.start_char is None and not options.index_from
    if unshifted and UNSHIFTED_ELEMENTWISE_CONCAT in quirks and not options.maxlen:
        rows = _broadcast_concat(x_train, x_test)
    else:
        x_train, y_train, _ = _filter_long(_mark(x_train, options), y_train, options.maxlen)
        x_test, y_test, _ = _filter_long(_mark(x_test, options), y_test, options.maxlen)
        if options.maxlen and (len(x_train) == 0 or len(x_test) == 0):
            raise ValueError(
                f"After filtering for sequences shorter than maxlen={options.maxlen}, "
                "no sequence was kept. Increase maxlen."
            )
        rows = x_train.concat(x_test)
    rows = _limit_vocabulary(rows, options)
    labels = np.concatenate([y_train, y_test])
    cut = len(x_train)
    return TextOutput(
        rows.slice(0, cut),
        labels[:cut],
        rows.slice(cut, len(rows)),
        labels[cut:],
        x_as_lists=RETURNS_LISTS in quirks,
    )


def reuters(content: TextPool, kwargs: Mapping[str, Any], quirks: frozenset[str]) -> TextOutput:
    """reuters.load_data on `content`: one shuffle, filter, then a positional, unvalidated split."""
    options = text_options(kwargs, quirks, takes_test_split=True)
    rows, labels = _shuffled(content.x, content.y, np.random.RandomState(options.seed))
    rows, labels, filtered = _filter_long(_mark(rows, options), labels, options.maxlen)
    rows = _limit_vocabulary(rows, options)
    cut = int(len(rows) * (1 - options.test_split))
    return TextOutput(
        rows.slice(0, cut),
        _labels_after_filter(labels[:cut], filtered),
        rows.slice(cut, len(rows)),
        _labels_after_filter(labels[cut:], filtered),
    )
