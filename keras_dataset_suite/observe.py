"""Observations: what a check looks at, as plain JSON-able values.

One function per observation kind, applied identically to the Keras under test and to the
reference model (both are `Subject`s), so on synthetic data the expected value of every check is
the same observation made on the model's output. Catalogue facts name these kinds.
"""

from __future__ import annotations

import functools
import hashlib
import inspect
import os
import re
import sys
import tarfile
import tempfile
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

import numpy as np
from scipy import stats

from keras_dataset_suite import decoding, formats
from keras_dataset_suite.models.output import SPLIT_ARRAYS, Output

PRIVATE_PREFIX = "keras-dataset-suite-"  # the session's temporary folders start with this
DOC_TABLE_ROW = re.compile(r"^\s*\|\s*(\d+)\s*\|\s*(.+?)\s*\|\s*$", re.MULTILINE)


class Subject(Protocol):
    """What an observation can ask of the Keras under test, or of the reference model."""

    dataset: str
    config: Any

    def result(self, kwargs: Mapping[str, Any] | None = None) -> Any:
        """The raw return value of load_data (the case's arguments when `kwargs` is None)."""

    def word_index(self) -> Mapping[str, int]: ...

    def files(self) -> Mapping[str, Path]: ...

    def label_names(self) -> Any: ...

    def api(self) -> Any: ...

    def api_get_file(self) -> Any: ...


@dataclass(frozen=True)
class Observer:
    """An observation kind: its function and which input it needs."""

    function: Callable[[Subject, Mapping[str, Any]], Any]
    input: str  # what it looks at: "data" (a load), "word_index", "files", "call" (own arguments) or "api"


def output_of(result: Any) -> Output:
    return Output.from_loader(result)


def _type_name(value: Any) -> str:
    return type(value).__name__


def _tokens(array: Any) -> np.ndarray:
    """All tokens of an object array (or list) of sequences, flattened."""
    rows = [np.asarray(row, dtype=np.int64).ravel() for row in array]
    return np.concatenate(rows) if rows else np.empty(0, dtype=np.int64)


def _is_ragged(array: Any) -> bool:
    return isinstance(array, list) or (isinstance(array, np.ndarray) and array.dtype == object)


def _python(value: Any) -> Any:
    return value.item() if isinstance(value, np.generic) else value


# ---- observations on one load -------------------------------------------------------------


def return_types(subject: Subject, params: Mapping[str, Any]) -> dict[str, Any]:
    result = subject.result()
    shape_ok = (
        isinstance(result, tuple)
        and len(result) == 2
        and all(isinstance(part, tuple) and len(part) == 2 for part in result)
    )
    if not shape_ok:
        return {"structure": _type_name(result)}
    (a, b), (c, d) = result
    observed: dict[str, Any] = {
        "structure": f"(({_type_name(a)}, {_type_name(b)}), ({_type_name(c)}, {_type_name(d)}))"
    }
    for name, array in zip(("x_train", "x_test"), (a, c), strict=True):
        if _is_ragged(array):
            observed[f"{name}_elements"] = sorted({_type_name(row) for row in array})
    return observed


def shapes(subject: Subject, params: Mapping[str, Any]) -> dict[str, list[int]]:
    return {
        name: list(array.shape) if hasattr(array, "shape") else [len(array)]
        for name, array in output_of(subject.result()).named()
    }


def dtypes(subject: Subject, params: Mapping[str, Any]) -> dict[str, str]:
    return {
        name: str(array.dtype) if hasattr(array, "dtype") else _type_name(array)
        for name, array in output_of(subject.result()).named()
    }


def split_sizes(subject: Subject, params: Mapping[str, Any]) -> dict[str, int]:
    return {name: len(array) for name, array in output_of(subject.result()).named()}


def _all_labels(output: Output) -> np.ndarray:
    return np.concatenate([np.asarray(output.y_train).ravel(), np.asarray(output.y_test).ravel()])


def labels(subject: Subject, params: Mapping[str, Any]) -> dict[str, Any]:
    values = np.unique(_all_labels(output_of(subject.result())))
    return {"values": [_python(v) for v in values], "count": len(values)}


def _histogram(y: Any) -> Any:
    y = np.asarray(y).ravel()
    if y.size and np.issubdtype(y.dtype, np.integer) and y.min() >= 0:
        return np.bincount(y.astype(np.int64)).tolist()
    values, counts = np.unique(y, return_counts=True)
    return {str(_python(v)): int(c) for v, c in zip(values, counts, strict=True)}


def class_counts(subject: Subject, params: Mapping[str, Any]) -> dict[str, Any]:
    output = output_of(subject.result())
    return {"train": _histogram(output.y_train), "test": _histogram(output.y_test)}


def _range(array: Any) -> list[Any] | None:
    values = _tokens(array) if _is_ragged(array) else np.asarray(array)
    if values.size == 0:
        return None
    return [_python(values.min()), _python(values.max())]


def value_ranges(subject: Subject, params: Mapping[str, Any]) -> dict[str, Any]:
    return {name: _range(array) for name, array in output_of(subject.result()).named()}


def flags(subject: Subject, params: Mapping[str, Any]) -> dict[str, Any]:
    return {
        name: {"writeable": bool(array.flags.writeable), "c_contiguous": bool(array.flags.c_contiguous)}
        for name, array in output_of(subject.result()).named()
        if isinstance(array, np.ndarray)
    }


def target_statistics(subject: Subject, params: Mapping[str, Any]) -> dict[str, Any]:
    """scipy.stats.describe of all targets, train then test, as the seed article computes it."""
    y = _all_labels(output_of(subject.result())).astype(np.float64)
    described = stats.describe(y)
    return {
        "nobs": int(described.nobs),
        "min": float(described.minmax[0]),
        "max": float(described.minmax[1]),
        "mean": float(described.mean),
        "variance": float(described.variance),
        "skewness": float(described.skewness),
        "kurtosis": float(described.kurtosis),
        "count_at_max": int((y == described.minmax[1]).sum()),
    }


def feature_ranges(subject: Subject, params: Mapping[str, Any]) -> dict[str, list[float]]:
    output = output_of(subject.result())
    x = np.concatenate([output.x_train, output.x_test])
    return {"min": x.min(axis=0).tolist(), "max": x.max(axis=0).tolist()}


def _channel_axis(images: np.ndarray) -> int | None:
    if images.ndim == 4 and images.shape[-1] == 3:
        return images.ndim - 1
    if images.ndim == 4 and images.shape[1] == 3:
        return 1
    return None


def _channel_stats(images: np.ndarray) -> dict[str, list[float]]:
    axis = _channel_axis(images)
    if axis is None:
        return {"mean": [float(images.mean())], "std": [float(images.std())]}
    moved = np.moveaxis(images, axis, 0).reshape(3, -1)
    return {"mean": moved.mean(axis=1).tolist(), "std": moved.std(axis=1).tolist()}


def pixel_statistics(subject: Subject, params: Mapping[str, Any]) -> dict[str, Any]:
    output = output_of(subject.result())
    return {"x_train": _channel_stats(output.x_train), "x_test": _channel_stats(output.x_test)}


def row_digests(array: Any) -> list[bytes]:
    if _is_ragged(array):
        rows = (np.asarray(row, dtype=np.int64).tobytes() for row in array)
    else:
        flat = np.ascontiguousarray(array).reshape(len(array), -1)
        rows = (row.tobytes() for row in flat)
    return [hashlib.blake2b(row, digest_size=16).digest() for row in rows]


def duplicates(subject: Subject, params: Mapping[str, Any]) -> dict[str, int]:
    """Exact duplicates by per-sample digest: test samples found in train, and repeats within each."""
    output = output_of(subject.result())
    train, test = row_digests(output.x_train), row_digests(output.x_test)
    seen = set(train)
    return {
        "train_test": sum(digest in seen for digest in test),
        "within_train": len(train) - len(seen),
        "within_test": len(test) - len(set(test)),
    }


def _length_summary(array: Any) -> dict[str, Any] | None:
    lengths = np.array([len(row) for row in array])
    if lengths.size == 0:
        return None
    q = np.percentile(lengths, [50, 90, 99])
    return {
        "min": int(lengths.min()),
        "max": int(lengths.max()),
        "mean": float(lengths.mean()),
        "p50": float(q[0]),
        "p90": float(q[1]),
        "p99": float(q[2]),
        "tokens": int(lengths.sum()),
    }


def sequence_lengths(subject: Subject, params: Mapping[str, Any]) -> dict[str, Any]:
    output = output_of(subject.result())
    return {"x_train": _length_summary(output.x_train), "x_test": _length_summary(output.x_test)}


def _pick(subject: Subject, params: Mapping[str, Any]) -> tuple[list[int], Any]:
    output = output_of(subject.result())
    x, y = (output.x_train, output.y_train) if params["split"] == "train" else (output.x_test, output.y_test)
    index = params["index"]
    return [int(v) for v in x[index]], _python(np.asarray(y[index]).ravel()[0])


def sample(subject: Subject, params: Mapping[str, Any]) -> dict[str, Any]:
    x, y = _pick(subject, params)
    return {"x": x, "y": y}


def decoded_sample(subject: Subject, params: Mapping[str, Any]) -> dict[str, Any]:
    x, y = _pick(subject, params)
    observed = {"y": y, "text": decoding.decode(x, subject.word_index())}
    names = subject.label_names()
    if names is not None:
        observed["topic"] = names[y]
    return observed


def digests(subject: Subject, params: Mapping[str, Any]) -> dict[str, str]:
    return result_digests(subject.result())


def result_digests(result: Any) -> dict[str, str]:
    """sha256 per array over dtype, shape and contents (element types included for object arrays)."""
    return {name: array_digest(array) for name, array in output_of(result).named()}


def array_digest(array: Any) -> str:
    digest = hashlib.sha256()
    if _is_ragged(array):
        digest.update(f"{_type_name(array)}:{np.shape(array) if not isinstance(array, list) else len(array)}".encode())
        for row in array:
            digest.update(_type_name(row).encode())
            values = np.asarray(row, dtype=np.int64).ravel()
            digest.update(len(values).to_bytes(8, "little"))
            digest.update(values.tobytes())
    else:
        array = np.asarray(array)
        digest.update(f"{array.dtype.str}:{array.shape}".encode())
        digest.update(np.ascontiguousarray(array).tobytes())
    return digest.hexdigest()


def count_calls(owner: Any, name: str, call: Callable[[], Any]) -> tuple[int, Any]:
    """Run `call` while counting calls of `owner.name` (e.g. tarfile.TarFile.extractall)."""
    real = getattr(owner, name)
    count = 0

    @functools.wraps(real)
    def counting(*args: Any, **kwargs: Any) -> Any:
        nonlocal count
        count += 1
        return real(*args, **kwargs)

    setattr(owner, name, counting)
    try:
        result = call()
    finally:
        setattr(owner, name, real)
    return count, result


def repeat_extractions(subject: Subject, params: Mapping[str, Any]) -> dict[str, int]:
    """Archive extractions during a second identical call (Keras >= 3.6 re-extracts every call)."""
    subject.result()
    count, _ = count_calls(tarfile.TarFile, "extractall", lambda: subject.result(subject.config.kwargs))
    return {"extractions": count}


# ---- observations on calls with their own arguments ----------------------------------------


def _error(exc: BaseException) -> dict[str, Any]:
    return {"type": type(exc).__name__, "message": str(exc)}


def error(subject: Subject, params: Mapping[str, Any]) -> dict[str, Any]:
    try:
        subject.result(params["kwargs"])
    except Exception as exc:  # the observation is the exception itself
        return _error(exc)
    return {"type": None}


def _as_json(array: Any) -> Any:
    if _is_ragged(array):
        return [[int(v) for v in row] for row in array]
    return np.asarray(array).tolist()


def output(subject: Subject, params: Mapping[str, Any]) -> dict[str, Any]:
    """The whole result of one call, or the error it raised (for small test vectors)."""
    try:
        result = output_of(subject.result(params["kwargs"]))
    except Exception as exc:
        return {"error": _error(exc)}
    observed: dict[str, Any] = {name: _as_json(array) for name, array in result.named()}
    observed["sizes"] = {name: len(array) for name, array in result.named()}
    observed["dtypes"] = {name: str(getattr(array, "dtype", _type_name(array))) for name, array in result.named()}
    observed["shapes"] = {
        name: list(np.shape(array)) if not isinstance(array, list) else [len(array)] for name, array in result.named()
    }
    return observed


# ---- observations on the word index and the files ------------------------------------------


def word_index(subject: Subject, params: Mapping[str, Any]) -> dict[str, Any]:
    index = subject.word_index()
    ranks = np.fromiter(index.values(), dtype=np.int64, count=len(index))
    by_rank = sorted(index, key=index.__getitem__)
    return {
        "type": _type_name(index),
        "size": len(index),
        "min_rank": int(ranks.min()) if ranks.size else None,
        "max_rank": int(ranks.max()) if ranks.size else None,
        "contiguous": bool(ranks.size and np.array_equal(np.sort(ranks), np.arange(1, ranks.size + 1))),
        "top": by_rank[:10],
    }


def idx_headers(subject: Subject, params: Mapping[str, Any]) -> dict[str, list[int]]:
    return {role: formats.read_idx_header(path) for role, path in sorted(subject.files().items())}


def cifar_meta_names(subject: Subject, params: Mapping[str, Any]) -> dict[str, list[str]]:
    archive = subject.files()["archive"]
    payload = formats.read_tar_member(archive, ("meta", "batches.meta"))
    if payload is None:
        return {"meta_file": f"absent from {archive}"}
    meta = formats.read_cifar_batch(payload)
    return {
        key.decode(): [name.decode() for name in value] for key, value in meta.items() if key.endswith(b"label_names")
    }


# ---- observations on the API alone ---------------------------------------------------------


def _function(subject: Subject, name: str) -> Any:
    return getattr(subject.api(), name, None) if subject.api() is not None else None


def docstring_class_names(subject: Subject, params: Mapping[str, Any]) -> list[str]:
    doc = inspect.getdoc(_function(subject, "load_data")) or ""
    rows = sorted((int(label), name) for label, name in DOC_TABLE_ROW.findall(doc))
    return [name for _, name in rows]


def label_names(subject: Subject, params: Mapping[str, Any]) -> dict[str, Any]:
    names = subject.label_names()
    if names is None:
        return {"present": False}
    return {"present": True, "type": _type_name(names), "count": len(names), "names": list(names)}


def cache_root(subject: Subject, params: Mapping[str, Any]) -> dict[str, Any]:
    """Does get_file (no cache_dir) follow HOME at every call (Keras 2), or a root fixed at import?

    Probed with a file:// download under two throw-away HOMEs. Keras 3 resolves KERAS_HOME (or ~)
    once at import; the probe runs only when that root is a private home of the suite, so a Keras
    imported before the suite could never write into the user's cache.
    """
    get_file = subject.api_get_file()
    config = getattr(sys.modules[get_file.__module__], "config", None)
    fixed_root = config.keras_home() if config is not None and hasattr(config, "keras_home") else None
    if fixed_root is not None and not Path(fixed_root).resolve().parent.name.startswith(PRIVATE_PREFIX):
        return {
            "follows_home_per_call": None,
            "note": f"Keras was imported before the suite set KERAS_HOME ({fixed_root})",
        }
    with tempfile.TemporaryDirectory() as scratch:
        origin = Path(scratch, "probe.txt")
        origin.write_text("probe")
        landed = []
        for home in ("home-a", "home-b"):
            (Path(scratch) / home / ".keras").mkdir(parents=True)
            previous = os.environ.get("HOME")
            os.environ["HOME"] = str(Path(scratch) / home)
            try:
                landed.append(Path(get_file(f"keras-dataset-suite-probe-{home}.txt", origin=origin.as_uri())))
            finally:
                if previous is None:
                    os.environ.pop("HOME", None)
                else:
                    os.environ["HOME"] = previous
        homes = (Path(scratch) / "home-a", Path(scratch) / "home-b")
        follows = all(str(path).startswith(str(home)) for path, home in zip(landed, homes, strict=True))
        for path in landed:
            if not str(path).startswith(scratch):
                path.unlink(missing_ok=True)
    return {"follows_home_per_call": follows}


def availability(subject: Subject, params: Mapping[str, Any]) -> dict[str, bool]:
    return {"present": subject.api() is not None}


OBSERVERS: dict[str, Observer] = {
    "return_types": Observer(return_types, "data"),
    "shapes": Observer(shapes, "data"),
    "dtypes": Observer(dtypes, "data"),
    "split_sizes": Observer(split_sizes, "data"),
    "labels": Observer(labels, "data"),
    "class_counts": Observer(class_counts, "data"),
    "value_ranges": Observer(value_ranges, "data"),
    "flags": Observer(flags, "data"),
    "target_statistics": Observer(target_statistics, "data"),
    "feature_ranges": Observer(feature_ranges, "data"),
    "pixel_statistics": Observer(pixel_statistics, "data"),
    "duplicates": Observer(duplicates, "data"),
    "sequence_lengths": Observer(sequence_lengths, "data"),
    "sample": Observer(sample, "data"),
    "decoded_sample": Observer(decoded_sample, "data"),
    "digests": Observer(digests, "data"),
    "repeat_extractions": Observer(repeat_extractions, "data"),
    "error": Observer(error, "call"),
    "output": Observer(output, "call"),
    "word_index": Observer(word_index, "word_index"),
    "idx_headers": Observer(idx_headers, "files"),
    "cifar_meta_names": Observer(cifar_meta_names, "files"),
    "docstring_class_names": Observer(docstring_class_names, "api"),
    "label_names": Observer(label_names, "api"),
    "availability": Observer(availability, "api"),
    "cache_root": Observer(cache_root, "api"),
}


def observe(kind: str, subject: Subject, params: Mapping[str, Any] | None = None) -> Any:
    return OBSERVERS[kind].function(subject, params or {})


__all__ = ["OBSERVERS", "SPLIT_ARRAYS", "Observer", "Subject", "array_digest", "observe", "output_of"]
