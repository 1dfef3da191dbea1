"""Mutants: the Keras loaders (or the suite's writers) changed the way a regression would change them.

Each mutant names the checks that must catch it and the `-k` selection to run them on. A
self-test runs the real dataset tests with the mutant active and asserts those checks fail.
"""

from __future__ import annotations

import functools
import io
import os
import sys
import tarfile
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

Result = tuple[tuple[Any, Any], tuple[Any, Any]]


@dataclass(frozen=True)
class Mutant:
    """A change to one loader function (or to a writer), and the checks that must catch it."""

    name: str
    dataset: str
    select: str
    must_fail: tuple[str, ...]
    wrap: Callable[[Callable[..., Any]], Callable[..., Any]]
    function: str = "load_data"
    args: tuple[str, ...] = field(default=())
    target: str = "api"  # patch the API module, or the loader's implementation module (get_file)


def on_result(change: Callable[[Result, dict[str, Any]], Result]) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """A wrapper that post-processes what the real loader returns."""

    def wrap(real: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(real)
        def mutated(*args: Any, **kwargs: Any) -> Any:
            return change(real(*args, **kwargs), kwargs)

        return mutated

    return wrap


def on_kwargs(change: Callable[[dict[str, Any]], dict[str, Any]]) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """A wrapper that calls the real loader with changed arguments."""

    def wrap(real: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(real)
        def mutated(**kwargs: Any) -> Any:
            return real(**change(dict(kwargs)))

        return mutated

    return wrap


def with_doc(replace: tuple[str, str]) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """A wrapper whose docstring has one phrase replaced (a documentation change)."""

    def wrap(real: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(real)
        def mutated(*args: Any, **kwargs: Any) -> Any:
            return real(*args, **kwargs)

        mutated.__doc__ = (real.__doc__ or "").replace(*replace)
        return mutated

    return wrap


def _xy(
    change_x: Callable[[Any], Any] | None = None, change_y: Callable[[Any], Any] | None = None
) -> Callable[..., Any]:
    def change(result: Result, kwargs: dict[str, Any]) -> Result:
        (x_train, y_train), (x_test, y_test) = result
        fx = change_x or (lambda a: a)
        fy = change_y or (lambda a: a)
        return (fx(x_train), fy(y_train)), (fx(x_test), fy(y_test))

    return on_result(change)


def _drop_class(label: int) -> Callable[..., Any]:
    def change(result: Result, kwargs: dict[str, Any]) -> Result:
        return tuple((x[y != label], y[y != label]) for x, y in result)  # type: ignore[return-value]

    return on_result(change)


def _duplicate_first_train_image(result: Result, kwargs: dict[str, Any]) -> Result:
    (x_train, y_train), (x_test, y_test) = result
    x_test = x_test.copy()
    x_test[0] = x_train[0]
    return (x_train, y_train), (x_test, y_test)


def _global_shuffle(result: Result, kwargs: dict[str, Any]) -> Result:
    (x_train, y_train), (x_test, y_test) = result
    order = np.random.permutation(len(x_train))
    return (x_train[order], y_train[order]), (x_test, y_test)


def _maxlen_truncates(real: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(real)
    def mutated(**kwargs: Any) -> Any:
        maxlen = kwargs.pop("maxlen", None)
        (x_train, y_train), (x_test, y_test) = real(**kwargs)
        if not maxlen:
            return (x_train, y_train), (x_test, y_test)
        return (_truncated(x_train, maxlen - 1), y_train), (_truncated(x_test, maxlen - 1), y_test)

    return mutated


def _truncated(rows: Any, length: int) -> np.ndarray:
    out = np.empty(len(rows), dtype=object)
    for i, row in enumerate(rows):
        out[i] = list(row)[:length]
    return out


def _extra_extraction(real: Callable[..., Any]) -> Callable[..., Any]:
    """The loader extracts one more (empty) archive per call."""

    @functools.wraps(real)
    def mutated(*args: Any, **kwargs: Any) -> Any:
        buffer = io.BytesIO()
        tarfile.open(fileobj=buffer, mode="w").close()
        buffer.seek(0)
        with tempfile.TemporaryDirectory() as scratch, tarfile.open(fileobj=buffer) as archive:
            archive.extractall(scratch)
        return real(*args, **kwargs)

    return mutated


def _flipped_cache_root(real: Callable[..., Any]) -> Callable[..., Any]:
    """get_file switches cache-root semantics: HOME per call on Keras 3, a fixed folder on Keras 2."""
    keras3 = hasattr(sys.modules[real.__module__], "config")

    @functools.wraps(real)
    def mutated(*args: Any, **kwargs: Any) -> Any:
        if kwargs.get("cache_dir") is None:
            kwargs["cache_dir"] = (
                os.path.join(os.path.expanduser("~"), ".keras")
                if keras3
                else os.path.join(tempfile.gettempdir(), "keras-dataset-suite-fixed-root")
            )
        return real(*args, **kwargs)

    return mutated


def _swap_error(real: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(real)
    def mutated(*args: Any, **kwargs: Any) -> Any:
        try:
            return real(*args, **kwargs)
        except AssertionError as exc:
            raise ValueError("mutant: ValueError instead of AssertionError") from exc
        except ValueError as exc:
            raise AssertionError("mutant: AssertionError instead of ValueError") from exc

    return mutated


MUTANTS = (
    Mutant(
        "x dtype int16",
        "mnist",
        "mnist and synthetic and (dtypes or exact_output)",
        ("test_dtypes", "test_exact_output"),
        _xy(change_x=lambda x: x.astype(np.int16)),
    ),
    Mutant(
        "labels flattened",
        "cifar100",
        "cifar100 and fine and synthetic and (shapes or exact_output)",
        ("test_shapes", "test_exact_output"),
        _xy(change_y=lambda y: y.ravel()),
    ),
    Mutant(
        "labels shifted by one",
        "mnist",
        "mnist and synthetic and (label_set or class_counts or value_ranges)",
        ("test_label_set", "test_class_counts", "test_value_ranges"),
        _xy(change_y=lambda y: y + 1),
    ),
    Mutant(
        "class 3 dropped",
        "fashion_mnist",
        "fashion_mnist and (split_sizes or label_set or class_counts)",
        ("test_split_sizes", "test_label_set", "test_class_counts"),
        _drop_class(3),
    ),
    Mutant(
        "seed changed",
        "boston_housing",
        "boston_housing and synthetic and (exact_output or other_seed)",
        ("test_exact_output", "test_other_seed"),
        on_kwargs(lambda k: {**k, "seed": k.get("seed", 113) + 1}),
    ),
    Mutant(
        "image transposed",
        "cifar100",
        "cifar100 and fine and synthetic and exact_output",
        ("test_exact_output",),
        _xy(change_x=lambda x: x.swapaxes(1, 2)),
    ),
    Mutant(
        "read-only arrays made writeable",
        "fashion_mnist",
        "fashion_mnist and array_flags",
        ("test_array_flags",),
        _xy(change_x=np.copy, change_y=np.copy),
    ),
    Mutant(
        "CIFAR images made contiguous",
        "cifar100",
        "cifar100 and fine and synthetic and array_flags",
        ("test_array_flags",),
        _xy(change_x=np.ascontiguousarray),
    ),
    Mutant(
        "shuffle with the global RNG",
        "boston_housing",
        "boston_housing and synthetic and (determinism or global_rng)",
        ("test_determinism", "test_global_rng_untouched"),
        on_result(_global_shuffle),
    ),
    Mutant(
        "imdb x returned as a list",
        "imdb",
        "imdb and ((default and synthetic and (return_types or dtypes or exact_output))"
        " or (options_match_model and not full_size))",
        ("test_return_types", "test_dtypes", "test_exact_output", "test_options_match_model"),
        _xy(change_x=list),
    ),
    Mutant(
        "maxlen truncates instead of filtering",
        "imdb",
        "imdb and ((maxlen100 and synthetic and exact_output) or option_vectors"
        " or (options_match_model and not full_size))",
        ("test_exact_output", "test_option_vectors", "test_options_match_model"),
        _maxlen_truncates,
    ),
    Mutant(
        "maxlen truncates (Reuters, full size)",
        "reuters",
        "reuters and full_size and top10000",
        ("test_full_size_options_match_model",),
        _maxlen_truncates,
    ),
    Mutant(
        "maxlen ignored",
        "imdb",
        "imdb and maxlen100 and synthetic and sequence_lengths",
        ("test_sequence_lengths",),
        on_kwargs(lambda k: {key: v for key, v in k.items() if key != "maxlen"}),
    ),
    Mutant(
        "index_from off by one",
        "imdb",
        "imdb and ((default and synthetic and exact_output) or option_vectors or round_trip or cut_words)",
        (
            "test_exact_output",
            "test_option_vectors",
            "test_round_trip_keeps_every_word",
            "test_cut_words_decode_as_unk",
        ),
        on_kwargs(lambda k: {**k, "index_from": k.get("index_from", 3) + 1}),
    ),
    Mutant(
        "oov_char ignored",
        "imdb",
        "imdb and ((top1000 and synthetic and value_ranges) or option_vectors"
        " or (options_match_model and not full_size))",
        ("test_value_ranges", "test_option_vectors", "test_options_match_model"),
        on_kwargs(lambda k: {**k, "num_words": None, "skip_top": 0}),
    ),
    Mutant(
        "seed ignored",
        "imdb",
        "imdb and ((synthetic and other_seed) or option_vectors or (options_match_model and not full_size))",
        ("test_other_seed", "test_option_vectors", "test_options_match_model"),
        on_kwargs(lambda k: {key: v for key, v in k.items() if key != "seed"}),
    ),
    Mutant(
        "a test image copied from train",
        "mnist",
        "mnist and synthetic and disjointness",
        ("test_split_disjointness",),
        on_result(_duplicate_first_train_image),
    ),
    Mutant(
        "targets in dollars",
        "boston_housing",
        "boston_housing and default and (target_statistics or value_ranges)",
        ("test_target_statistics", "test_value_ranges"),
        _xy(change_y=lambda y: y * 1000),
    ),
    Mutant(
        "a feature dropped",
        "boston_housing",
        "boston_housing and default and synthetic and (shapes or feature_ranges)",
        ("test_shapes", "test_feature_ranges"),
        _xy(change_x=lambda x: x[:, :-1]),
    ),
    Mutant(
        "pixels inverted",
        "fashion_mnist",
        "fashion_mnist and pixel_statistics",
        ("test_pixel_statistics",),
        _xy(change_x=lambda x: 255 - x),
    ),
    Mutant(
        "word ranks shifted",
        "imdb",
        "imdb and word_index",
        ("test_word_index",),
        on_result(lambda index, kwargs: {w: r + 1 for w, r in index.items()}),
        function="get_word_index",
    ),
    Mutant(
        "class table renamed",
        "fashion_mnist",
        "fashion_mnist and documented_class_names",
        ("test_documented_class_names",),
        with_doc(("Trouser ", "Trousers")),
    ),
    Mutant(
        "docstring erratum fixed",
        "cifar100",
        "cifar100 and docstring_still_claims",
        ("test_docstring_still_claims",),
        with_doc(("NumPy array of labels", "NumPy array of int64 labels")),
    ),
    Mutant(
        "label names as a list",
        "reuters",
        "reuters and label_names",
        ("test_label_names",),
        on_result(lambda names, kwargs: list(names)),
        function="get_label_names",
    ),
    Mutant(
        "error type swapped",
        "boston_housing",
        "boston_housing and documented_errors",
        ("test_documented_errors",),
        _swap_error,
    ),
    Mutant(
        "CIFAR extracted once more per call",
        "cifar100",
        "cifar100 and fine and synthetic and repeat_extractions",
        ("test_repeat_extractions",),
        _extra_extraction,
    ),
    Mutant(
        "cache root semantics flipped",
        "mnist",
        "cache_root",
        ("test_cache_root",),
        _flipped_cache_root,
        function="get_file",
        target="implementation",
    ),
    Mutant(
        "cache file renamed",
        "mnist",
        "mnist and download_manifest",
        ("test_download_manifest",),
        on_kwargs(lambda k: {**k, "path": "mnist-v2.npz"}),
    ),
)
