"""Bad input and faults: each gives one clear message and leaves the user's files untouched."""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import numpy as np
import pytest

from keras_dataset_suite import formats
from keras_dataset_suite.errors import CacheLayoutError, GenuineFileCorrupt
from keras_dataset_suite.hashing import copy_verified, file_digest
from keras_dataset_suite.session import Case

from .conftest import REPO

BOSTON = "datasets/boston_housing.npz"
PINNED = "f553886a1f8d56431e820c5b82552d9d95cfcb96d1e678153f8839538947dff5"


def fingerprint(folder: Path) -> dict[str, tuple[str, int, int]]:
    """Every file below `folder`: sha256, size and mtime (ns), to prove nothing changed."""
    return {
        str(p.relative_to(folder)): (file_digest(p), p.stat().st_size, p.stat().st_mtime_ns)
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def boston_bytes(suite) -> bytes:
    """The genuine Boston file when the cache has it, else a byte-compatible stand-in."""
    cache = suite.options.keras_cache
    if cache is not None and (cache / BOSTON).is_file():
        return (cache / BOSTON).read_bytes()
    stand_in = Path(suite.root) / "stand-in.npz"
    formats.write_npz(stand_in, {"x": np.ones((506, 13)), "y": np.arange(506.0)})
    return stand_in.read_bytes()


def damaged(kind: str, data: bytes) -> bytes:
    if kind == "truncated":
        return data[: len(data) // 2]
    if kind == "corrupted":
        middle = len(data) // 2
        return data[:middle] + bytes([data[middle] ^ 0xFF]) + data[middle + 1 :]
    return formats_replacement(len(data))


def formats_replacement(size: int) -> bytes:
    """A tampered file: a different valid npz of the same size."""
    return (b"PK" + hashlib.sha256(b"tampered").digest() * (size // 32 + 1))[:size]


@pytest.fixture
def user_cache(tmp_path) -> Path:
    cache = tmp_path / "user-keras"
    (cache / "datasets").mkdir(parents=True)
    return cache


@pytest.mark.parametrize("kind", ["truncated", "corrupted", "tampered"])
def test_damaged_genuine_file_is_reported_and_kept(kind, suite, run_dataset_tests, user_cache):
    (user_cache / BOSTON).write_bytes(damaged(kind, boston_bytes(suite)))
    before = fingerprint(user_cache)
    outcomes = run_dataset_tests("boston_housing and genuine and split_sizes", f"--keras-cache={user_cache}")
    assert outcomes.failures, "a damaged genuine file must fail the genuine checks"
    message = next(iter(outcomes.messages.values()))
    actual = file_digest(user_cache / BOSTON)
    for part in (str(user_cache / BOSTON), PINNED, actual, "Remedy", "delete it"):
        assert part in message, f"{part!r} missing from: {message}"
    assert fingerprint(user_cache) == before


def test_copy_verified_removes_bad_copy_and_names_everything(tmp_path):
    source = tmp_path / "user" / "file.bin"
    source.parent.mkdir()
    source.write_bytes(b"not the real thing")
    target = tmp_path / "private" / "file.bin"
    with pytest.raises(GenuineFileCorrupt) as caught:
        copy_verified(source, target, "sha256", PINNED)
    assert not target.exists() and source.read_bytes() == b"not the real thing"
    assert caught.value.expected == PINNED and caught.value.actual == hashlib.sha256(b"not the real thing").hexdigest()


def test_missing_genuine_file_skips_with_reason(run_dataset_tests, user_cache):
    before = fingerprint(user_cache)
    outcomes = run_dataset_tests("boston_housing and genuine and split_sizes", f"--keras-cache={user_cache}")
    assert set(outcomes.by_node.values()) == {"skipped"}
    assert fingerprint(user_cache) == before


def test_require_genuine_turns_skips_into_failures(run_dataset_tests, user_cache):
    outcomes = run_dataset_tests(
        "boston_housing and genuine and split_sizes", f"--keras-cache={user_cache}", "--require-genuine"
    )
    assert outcomes.failures and all("--require-genuine" in m for m in outcomes.messages.values())
    assert all("datasets/boston_housing.npz" in m for m in outcomes.messages.values())


def test_genuine_cache_is_never_written(suite, run_dataset_tests, user_cache):
    """Even a valid genuine file, loaded by every check, stays byte-for-byte as it was."""
    cache = suite.options.keras_cache
    if cache is None or not (cache / BOSTON).is_file():
        pytest.skip("needs the genuine boston_housing.npz (--keras-cache)")
    shutil.copy2(cache / BOSTON, user_cache / BOSTON)
    before = fingerprint(user_cache)
    outcomes = run_dataset_tests("boston_housing and genuine", f"--keras-cache={user_cache}")
    assert not outcomes.failures and "passed" in outcomes.by_node.values()
    assert fingerprint(user_cache) == before


def run_errata_tests(pytester, *options: str):
    """A quick run (the errata checks need no data) with the given options, in this process."""
    return pytester.runpytest_inprocess(
        str(REPO / "tests" / "datasets" / "test_errata.py"),
        f"--rootdir={REPO}",
        "-c",
        str(REPO / "pyproject.toml"),
        *options,
    )


def test_absent_cache_folder_is_a_usage_error(pytester, tmp_path):
    result = run_errata_tests(pytester, f"--keras-cache={tmp_path / 'nowhere'}")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(["*--keras-cache*nowhere: no such folder*Keras-home layout*"])


def test_datasets_folder_given_instead_of_home_is_a_usage_error(pytester, user_cache):
    (user_cache / "datasets" / "mnist.npz").write_bytes(b"")
    result = run_errata_tests(pytester, f"--keras-cache={user_cache / 'datasets'}")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(["*looks like the datasets/ folder itself; give its parent*"])


def test_unknown_keras_impl_is_a_usage_error(pytester):
    result = run_errata_tests(pytester, "--keras-impl=pytorch.keras")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(
        ["*--keras-impl 'pytorch.keras' is not known; choose one of tensorflow.keras, keras, tf_keras*"]
    )


def test_unusable_private_cache_is_refused_before_keras_runs(suite, monkeypatch):
    """Keras silently falls back to /tmp/.keras for a cache it cannot write; the suite never lets it."""
    binding = suite.kut.binding("boston_housing")
    monkeypatch.setattr(binding.api, "load_data", lambda **kwargs: pytest.fail("Keras was called"))
    with pytest.raises(
        CacheLayoutError, match=r"/nonexistent/keras-home does not exist or is not writable.*/tmp/\.keras"
    ):
        suite.harness.call(binding, "load_data", Path("/nonexistent/keras-home"))


def test_a_path_argument_never_costs_the_user_the_file(suite, tmp_path):
    """Keras 2 takes an absolute path= as is, and deletes a file whose hash fails when the download
    fails; Keras >= 3.6 rejects it. Either way the user's file stays as it was."""
    own = tmp_path / "my-data" / "mnist.npz"
    own.parent.mkdir()
    own.write_bytes(b"the user's own file")
    case = Case("mnist", "default", "synthetic")
    subject = suite.subject(case)
    call = suite.harness.call(subject.binding, "load_data", subject.prepared().home, {"path": str(own)})
    assert call.error is not None and own.read_bytes() == b"the user's own file"


def test_missing_dataset_in_keras_skips_with_reason(suite, monkeypatch):
    monkeypatch.setattr(suite.kut.datasets_api, "california_housing", None, raising=False)
    monkeypatch.setattr(suite.kut, "_bindings", {})
    reason = suite.absent_reason("california_housing")
    assert reason is not None and "has no california_housing loader" in reason and str(suite.kut) in reason


def test_download_blocked_offline_says_why(suite):
    """A file that is not in the private cache leads to a clear refusal, never a network call."""
    case = Case("mnist", "default", "synthetic")
    subject = suite.subject(case)
    call = suite.harness.call(subject.binding, "load_data", subject.prepared().home, {"path": "absent.npz"})
    assert "blocked a download" in str(call.error) and "--download" in str(call.error)
