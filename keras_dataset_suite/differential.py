"""Differential runs of the text loaders: the real Keras loader against the reference model.

`run` writes a dataset as genuine-format files in a fresh private home, calls the real loader
through its get_file path, applies the model to the same content, and lists every difference:
the outcome (value or exception), the containers (ndarray vs list, object dtype, 1-D vs 2-D,
element and token types), every token, and the labels (values and dtype). The token comparison
is flat, so it costs the same per token on full-size data as on a generated fixture.
"""

from __future__ import annotations

import itertools
import uuid
from collections.abc import Mapping
from typing import Any

import numpy as np

from keras_dataset_suite.content import TextPool, TextSplits
from keras_dataset_suite.harness import Call
from keras_dataset_suite.models import predict
from keras_dataset_suite.models.text import TextOutput
from keras_dataset_suite.ragged import Ragged
from keras_dataset_suite.session import SuiteSession
from keras_dataset_suite.sources import Prepared, place_content

KEEP_MESSAGE = "After filtering for sequences shorter than maxlen"  # the one message Keras documents


def _expected_shape(rows: Ragged) -> tuple[int, ...]:
    """np.array(lists, dtype=object): 2-D when every row has the same length, else 1-D."""
    lengths = rows.lengths
    if len(lengths) and (lengths == lengths[0]).all():
        return (len(lengths), int(lengths[0]))
    return (len(lengths),)


def _container_problems(name: str, observed: Any, expected: Ragged, as_lists: bool) -> list[str]:
    if as_lists:
        return [] if type(observed) is list else [f"{name}: {type(observed).__name__}, expected list"]
    if not isinstance(observed, np.ndarray):
        return [f"{name}: {type(observed).__name__}, expected numpy.ndarray"]
    problems = []
    if observed.dtype != object:
        problems.append(f"{name}: dtype {observed.dtype}, expected object")
    if observed.shape != _expected_shape(expected):
        problems.append(f"{name}: shape {observed.shape}, expected {_expected_shape(expected)}")
    if observed.ndim == 1:
        row_types = {type(row).__name__ for row in observed}
        if row_types - {"list"}:
            problems.append(f"{name}: elements are {sorted(row_types)}, expected list")
        tokens = itertools.chain.from_iterable(observed)
    else:
        tokens = iter(observed.ravel())
    token_types = {type(token).__name__ for token in tokens}
    if token_types - {"int"}:
        problems.append(f"{name}: tokens are {sorted(token_types)}, expected Python int")
    return problems


def _token_problems(name: str, observed: Any, expected: Ragged) -> list[str]:
    flat = Ragged.from_sequences(observed)
    if not np.array_equal(flat.lengths, expected.lengths):
        if len(flat) != len(expected):
            return [f"{name}: {len(flat)} sequences, expected {len(expected)}"]
        row = int(np.flatnonzero(flat.lengths != expected.lengths)[0])
        return [f"{name}[{row}]: length {flat.lengths[row]}, expected {expected.lengths[row]}"]
    if not np.array_equal(flat.values, expected.values):
        token = int(np.flatnonzero(flat.values != expected.values)[0])
        row = int(np.searchsorted(expected.offsets, token, side="right") - 1)
        return [
            f"{name}[{row}][{token - expected.offsets[row]}]: {flat.values[token]}, expected {expected.values[token]}"
        ]
    return []


def _label_problems(name: str, observed: Any, expected: np.ndarray) -> list[str]:
    observed = np.asarray(observed)
    if observed.dtype != expected.dtype:
        return [f"{name}: dtype {observed.dtype}, expected {expected.dtype}"]
    if observed.shape != expected.shape or not np.array_equal(observed, expected):
        return [f"{name}: {observed.tolist()[:8]}..., expected {expected.tolist()[:8]}..."]
    return []


def differences(result: Any, expected: TextOutput) -> list[str]:
    """Every way `result` (what Keras returned) differs from the model's output."""
    try:
        (x_train, y_train), (x_test, y_test) = result
    except (TypeError, ValueError):
        return [f"result is {type(result).__name__}, not ((x_train, y_train), (x_test, y_test))"]
    problems: list[str] = []
    for name, observed, rows in (("x_train", x_train, expected.x_train), ("x_test", x_test, expected.x_test)):
        problems += _container_problems(name, observed, rows, expected.x_as_lists)
        problems += _token_problems(name, observed, rows)
    problems += _label_problems("y_train", y_train, expected.y_train)
    problems += _label_problems("y_test", y_test, expected.y_test)
    return problems


def _error_problems(error: BaseException | None, expected: BaseException) -> list[str]:
    if error is None:
        return [f"Keras returned normally; the model raises {type(expected).__name__}: {expected}"]
    if type(error) is not type(expected):
        return [f"Keras raised {type(error).__name__}: {error}; the model raises {type(expected).__name__}: {expected}"]
    if str(expected).startswith(KEEP_MESSAGE) and str(error) != str(expected):
        return [f"message {error}; expected {expected}"]
    return []


def placed(session: SuiteSession, dataset: str, content: TextSplits | TextPool) -> Prepared:
    """`content` written as genuine-format files in a fresh private home."""
    home = session.root / "differential" / uuid.uuid4().hex
    return place_content(session.dataset(dataset), content, home, session.kut.serving, session.generated)


def load(session: SuiteSession, dataset: str, prepared: Prepared, kwargs: Mapping[str, Any]) -> Call:
    """Call the real loader on files already placed."""
    return session.harness.call(session.kut.binding(dataset), "load_data", prepared.home, kwargs)


def run(session: SuiteSession, dataset: str, prepared: Prepared, kwargs: Mapping[str, Any]) -> list[str]:
    """Load placed files with the real loader and their content with the model; the list of differences."""
    entry = session.dataset(dataset)
    call = load(session, dataset, prepared, kwargs)
    try:
        expected = predict(dataset, prepared.content, kwargs, quirks=entry.quirks_for(session.kut.serving))
    except Exception as exc:  # the model says the loader raises this
        return _error_problems(call.error, exc)
    if call.error is not None:
        return [f"Keras raised {type(call.error).__name__}: {call.error}; the model returns normally"]
    assert isinstance(expected, TextOutput)
    return differences(call.result, expected)
