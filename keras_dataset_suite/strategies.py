"""Hypothesis strategies: ragged text datasets and IMDB/Reuters option sets.

The datasets cover the corners the loaders treat specially: every kept sequence of one length
(Keras then returns a 2-D object array), empty sequences, single-row splits, and indices far
beyond any real vocabulary. The options cover every documented argument, falsy values included
(`num_words=0`, `maxlen=0`), `None` where the loader allows it, Reuters' unvalidated `test_split`,
and the legacy `nb_words` keyword.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from hypothesis import strategies as st

from keras_dataset_suite.content import TextPool, TextSplits
from keras_dataset_suite.ragged import Ragged

LARGEST_RANK = (40, 10**6, 2**40)


@st.composite
def ragged(draw: st.DrawFn, min_rows: int = 1, max_rows: int = 10) -> Ragged:
    rows = draw(st.integers(min_rows, max_rows))
    if draw(st.integers(0, 4)) == 0:
        lengths = [draw(st.integers(0, 5))] * rows
    else:
        lengths = draw(st.lists(st.integers(0, 9), min_size=rows, max_size=rows))
    largest = draw(st.sampled_from(LARGEST_RANK))
    tokens = st.one_of(st.integers(1, 12), st.integers(1, largest))
    values = draw(st.lists(tokens, min_size=sum(lengths), max_size=sum(lengths)))
    return Ragged.from_lengths(np.asarray(values, dtype=np.int64), np.asarray(lengths, dtype=np.int64))


def _labels(draw: st.DrawFn, count: int, classes: int) -> np.ndarray:
    return np.asarray(draw(st.lists(st.integers(0, classes - 1), min_size=count, max_size=count)), dtype=np.int64)


@st.composite
def imdb_content(draw: st.DrawFn) -> TextSplits:
    train, test = draw(ragged()), draw(ragged())
    return TextSplits(train, _labels(draw, len(train), 2), test, _labels(draw, len(test), 2), {})


@st.composite
def reuters_content(draw: st.DrawFn) -> TextPool:
    pool = draw(ragged(min_rows=1, max_rows=14))
    return TextPool(pool, _labels(draw, len(pool), 46), {})


@st.composite
def text_options(draw: st.DrawFn, reuters: bool = False) -> dict[str, Any]:
    """A subset of the loader's keyword arguments, each with an interesting value."""
    small = st.integers(0, 14)
    choices: dict[str, st.SearchStrategy[Any]] = {
        "num_words": st.one_of(st.none(), small, st.integers(15, 2**41)),
        "skip_top": small,
        "maxlen": st.one_of(st.none(), st.integers(0, 12)),
        "seed": st.integers(0, 2**32 - 1),
        "start_char": st.one_of(st.none(), st.integers(0, 5)),
        "oov_char": st.one_of(st.none(), st.integers(0, 5)),
        "index_from": st.integers(0, 5),
        "nb_words": small,
    }
    if reuters:
        choices["test_split"] = st.one_of(
            st.floats(-1.0, 2.0, allow_nan=False), st.sampled_from([0, 1, 0.2, 1.5, -0.5])
        )
    names = draw(st.lists(st.sampled_from(sorted(choices)), unique=True, max_size=5))
    if "nb_words" in names and draw(st.integers(0, 3)):
        names.remove("nb_words")
    return {name: draw(choices[name]) for name in names}
