"""Checks of loader behaviour that span several calls: determinism, side effects, seeds, caching.

Each function returns the list of problems it found (empty when the behaviour is as documented),
so a test asserts on it and the message says exactly what differs.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any

from keras_dataset_suite import battery
from keras_dataset_suite.catalogue import Dataset
from keras_dataset_suite.models import as_output, predict
from keras_dataset_suite.observe import output_of, result_digests, row_digests
from keras_dataset_suite.session import Case, SuiteSession

SEPARATE_SPLITS = ("imdb",)  # stored already split and shuffled split by split; others are pooled


def _differences(label: str, expected: dict[str, str], observed: dict[str, str]) -> list[str]:
    return [
        f"{name}: {label} sha256 {expected[name][:16]}..., observed {observed[name][:16]}..."
        for name in expected
        if expected[name] != observed[name]
    ]


def determinism(session: SuiteSession, case: Case) -> list[str]:
    """A second call with the same arguments returns identical arrays."""
    subject = session.subject(case)
    first = result_digests(subject.load().unwrap())
    second = result_digests(subject.call(subject.config.kwargs).unwrap())
    return _differences("first call", first, second)


def global_rng(session: SuiteSession, case: Case) -> list[str]:
    """Loading shuffles with a local RandomState and leaves numpy's global generator alone."""
    if session.subject(case).load().rng_untouched:
        return []
    return [f"{case.dataset}.load_data changed the global numpy random state"]


def reseeded(session: SuiteSession, case: Case) -> list[str]:
    """Another seed: exactly the model's order on synthetic data; on genuine data, the same rows
    (as a multiset) in a different order."""
    subject = session.subject(case)
    kwargs = {**subject.config.kwargs, "seed": battery.ALTERNATE_SEED}
    observed = subject.call(kwargs).unwrap()
    if case.source.startswith("synthetic"):
        model = session.model(case)
        expected = as_output(
            predict(
                case.dataset,
                model.prepared.content,
                kwargs,
                subject.config.image_data_format or "channels_last",
                model.quirks,
            )
        )
        return _differences(
            f"model with seed={battery.ALTERNATE_SEED}", result_digests(expected.as_tuple()), result_digests(observed)
        )
    default, other = output_of(subject.load().unwrap()), output_of(observed)
    groups = (("x_train",), ("x_test",)) if case.dataset in SEPARATE_SPLITS else (("x_train", "x_test"),)
    problems = [
        f"{' + '.join(group)}: seed {battery.ALTERNATE_SEED} returned different rows, not a reordering"
        for group in groups
        if _rows(default, group) != _rows(other, group)
    ]
    if result_digests(observed) == result_digests(default.as_tuple()):
        problems.append(f"seed {battery.ALTERNATE_SEED} returned the same order as the default seed")
    return problems


def _rows(output: Any, splits: tuple[str, ...]) -> Counter[bytes]:
    return Counter(digest for split in splits for digest in row_digests(getattr(output, split)))


def requests_made(session: SuiteSession, case: Case, function: str) -> list[dict[str, Any]]:
    """The get_file requests one call made, and where each file landed relative to the home."""
    subject = session.subject(case)
    call = subject.load() if function == "load_data" else subject.call({}, function)
    home = subject.prepared(function).home
    return [
        {**r.as_dict(), "lands_at": _relative(r.returned, home) if r.returned else f"<not placed: {call.error!r}>"}
        for r in call.requests
    ]


def download_manifest(
    session: SuiteSession, dataset: Dataset, case: Case, function: str
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """(expected, observed) get_file requests: the catalogue's, and what the loader asked for."""
    serving = session.kut.serving
    expected = []
    for file in dataset.files_for(function):
        request = file.request_for(serving)
        expected.append(
            {
                "fname": request.fname,
                "origin": file.origin,
                "file_hash": file.hash,
                "cache_subdir": request.cache_subdir,
                "extract": request.extract,
                "lands_at": request.extracted_to or request.cache_path,
            }
        )
    return expected, requests_made(session, case, function)


def _relative(path: str, home: Path) -> str:
    try:
        return Path(path).resolve().relative_to(Path(home).resolve()).as_posix()
    except ValueError:
        return path
