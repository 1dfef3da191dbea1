"""The snapshot and the gate: schema, A/A, a changed loader, unusable input, allow-lists, timings."""

from __future__ import annotations

import json

import jsonschema
import numpy as np
import pytest

from keras_dataset_suite.gate import cli, performance
from keras_dataset_suite.snapshot import SCHEMA_VERSION

from .conftest import REPO
from .mutants import MUTANTS

THRESHOLDS = performance.Thresholds(factor=1.25, alpha=0.01, min_delta=0.005)

SELECTION = "boston_housing and synthetic and not other_seed"
SCHEMA_FILE = REPO / "keras_dataset_suite" / "snapshot.schema.json"


@pytest.fixture
def snapshot_of(run_dataset_tests, tmp_path):
    def make(name: str) -> object:
        path = tmp_path / f"{name}.json"
        outcomes = run_dataset_tests(SELECTION, f"--snapshot={path}")
        assert path.exists(), outcomes.failures
        return path

    return make


def test_snapshot_follows_its_schema(snapshot_of):
    snapshot = json.loads(snapshot_of("a").read_text())
    jsonschema.validate(snapshot, json.loads(SCHEMA_FILE.read_text()))
    assert snapshot["schema_version"] == SCHEMA_VERSION
    assert snapshot["data"]["boston_housing-default-synthetic"]["arrays"]["x_train"]["shape"][1] == 13
    assert any(key.startswith("error:boston_housing") for key in snapshot["probes"])
    assert snapshot["manifest"]["boston_housing"]["load_data"][0]["fname"] == "boston_housing.npz"


def test_same_stack_passes(snapshot_of, tmp_path):
    a, b = snapshot_of("a"), snapshot_of("b")
    code, text, verdict = cli.evaluate([a], [b], None, THRESHOLDS)
    assert code == cli.PASS and verdict["differences"] == [], text
    assert "PASS" in text


def test_changed_shuffle_fails_naming_dataset_array_and_digests(snapshot_of, suite, monkeypatch):
    baseline = snapshot_of("baseline")
    mutant = next(m for m in MUTANTS if m.name == "seed changed")
    binding = suite.kut.binding("boston_housing")
    monkeypatch.setattr(binding.api, "load_data", mutant.wrap(binding.api.load_data))
    candidate = snapshot_of("candidate")
    code, text, verdict = cli.evaluate([baseline], [candidate], None, THRESHOLDS)
    assert code == cli.REGRESSION
    changed = [d for d in verdict["differences"] if d["id"].startswith("data:boston_housing-default-synthetic:x_train")]
    assert changed and changed[0]["old"]["sha256"] != changed[0]["new"]["sha256"]
    assert "boston_housing-default-synthetic: x_train differs" in text and changed[0]["old"]["sha256"][:12] in text


def test_allow_list_accepts_named_differences(snapshot_of, suite, monkeypatch, tmp_path):
    baseline = snapshot_of("baseline")
    binding = suite.kut.binding("boston_housing")
    mutant = next(m for m in MUTANTS if m.name == "seed changed")
    monkeypatch.setattr(binding.api, "load_data", mutant.wrap(binding.api.load_data))
    candidate = snapshot_of("candidate")
    allow = tmp_path / "allow.toml"
    allow.write_text(
        '[[allow]]\nid = "data:boston_housing-*"\nreason = "the new shuffle is intended"\n'
        '[[allow]]\nid = "check:*"\nreason = "the checks follow the old shuffle"\n'
        '[[allow]]\nid = "api.dataset:nothing"\nreason = "stale on purpose"\n'
    )
    code, text, verdict = cli.evaluate([baseline], [candidate], allow, THRESHOLDS)
    assert code == cli.PASS, text
    assert verdict["stale_allow_entries"] == ["api.dataset:nothing"] and "the new shuffle is intended" in text


@pytest.mark.parametrize(
    "problem", ["missing", "not json", "not a snapshot", "other schema", "other catalogue", "reasonless allow"]
)
def test_unusable_input_exits_2_with_the_reason(problem, snapshot_of, tmp_path):
    good = snapshot_of("good")
    bad = tmp_path / "bad.json"
    allow = None
    snapshot = json.loads(good.read_text())
    if problem == "missing":
        bad = tmp_path / "absent.json"
    elif problem == "not json":
        bad.write_text("{ truncated")
    elif problem == "not a snapshot":
        bad.write_text(json.dumps({"benchmarks": []}))
    elif problem == "other schema":
        bad.write_text(json.dumps({**snapshot, "schema_version": 99}))
    elif problem == "other catalogue":
        bad.write_text(json.dumps({**snapshot, "suite": {**snapshot["suite"], "catalogue_sha256": "0" * 64}}))
    else:
        bad = good
        allow = tmp_path / "allow.toml"
        allow.write_text('[[allow]]\nid = "x"\n')
    code, text, verdict = cli.evaluate([good], [bad], allow, THRESHOLDS)
    assert code == cli.UNUSABLE and verdict["reason"] in text and "UNUSABLE" in text
    assert (
        cli.main(["--baseline", str(good), "--candidate", str(bad)] + (["--allowlist", str(allow)] if allow else []))
        == 2
    )


def samples(median: float, spread: float, count: int = 12, seed: int = 0) -> list[float]:
    return (median * (1 + spread * np.random.default_rng(seed).standard_normal(count))).tolist()


@pytest.mark.parametrize(
    ("ratio", "spread", "verdict"),
    [
        (1.5, 0.02, "slower"),  # slower beyond the factor, and clearly
        (1.1, 0.02, "same"),  # significant but within the factor
        (1.5, 0.9, "same"),  # beyond the factor but lost in noise
        (0.5, 0.02, "faster"),
    ],
)
def test_performance_needs_factor_and_significance(ratio, spread, verdict):
    base = {"load": [samples(1.0, spread, seed=1)]}
    cand = {"load": [samples(ratio, spread, seed=2)]}
    (timing,) = performance.compare(base, cand, THRESHOLDS)
    assert timing.verdict == verdict


@pytest.mark.parametrize(("median", "verdict"), [(0.001, "same"), (0.02, "slower")])
def test_performance_ignores_changes_of_a_few_milliseconds(median, verdict):
    """x1.6 and significant: a failure for a 20 ms load (+12 ms), noise for a 1 ms one (+0.6 ms)."""
    base = {"load": [samples(median, 0.02, seed=1)]}
    cand = {"load": [samples(1.6 * median, 0.02, seed=2)]}
    (timing,) = performance.compare(base, cand, THRESHOLDS)
    assert timing.verdict == verdict


@pytest.mark.parametrize(
    ("baseline_medians", "candidate_medians", "verdict"),
    [
        ((0.256, 0.352), (0.353, 0.389), "same"),  # an A/A run here: x1.30 pooled, but x1.38 then x1.11 per pair
        ((0.256, 0.352), (0.360, 0.490), "slower"),  # x1.41 and x1.39: slower in both pairs
    ],
)
def test_performance_needs_the_factor_in_every_pair_of_runs(baseline_medians, candidate_medians, verdict):
    base = {"load": [samples(m, 0.03, count=8, seed=i) for i, m in enumerate(baseline_medians)]}
    cand = {"load": [samples(m, 0.03, count=8, seed=10 + i) for i, m in enumerate(candidate_medians)]}
    (timing,) = performance.compare(base, cand, THRESHOLDS)
    assert timing.verdict == verdict and len(timing.pair_ratios) == 2


def timed_snapshot(path, source, name: str, job: str | None, median: float):
    """A copy of snapshot `source` carrying one benchmark (and, if given, another job id)."""
    snapshot = json.loads(source.read_text())
    if job is not None:
        snapshot["environment"]["job"] = job
    benchmark = {"group": "", "dataset": "x", "source": "s", "kind": "warm", "extra": {}}
    snapshot["benchmarks"] = {name: {**benchmark, "median": median, "samples": samples(median, 0.01)}}
    path.write_text(json.dumps(snapshot))
    return path


def test_timings_from_different_jobs_are_not_compared(snapshot_of, tmp_path):
    a = timed_snapshot(tmp_path / "a-timed.json", snapshot_of("a"), "load", "job-1", 1.0)
    b = timed_snapshot(tmp_path / "b-timed.json", snapshot_of("b"), "load", "job-2", 3.0)
    code, text, _ = cli.evaluate([a], [b], None, THRESHOLDS)
    assert code == cli.PASS and "Timings not compared" in text


@pytest.mark.parametrize(("candidate_policy", "code"), [("pinned", cli.REGRESSION), ("system", cli.PASS)])
def test_timings_under_different_malloc_policies_are_not_compared(snapshot_of, tmp_path, candidate_policy, code):
    def run(name: str, policy: str, median: float):
        path = tmp_path / f"{name}-bench.json"
        described = {"job": "job-1", "allocator": f"{policy}: as recorded"}
        entry = {"name": "test_load_warm[x]", "stats": {"data": samples(median, 0.01)}}
        path.write_text(json.dumps({"machine_info": {"keras_dataset_suite": described}, "benchmarks": [entry]}))
        return [path]

    a, b = snapshot_of("a"), snapshot_of("b")
    found, text, _ = cli.evaluate([a], [b], None, THRESHOLDS, run("a", "pinned", 1.0), run("b", candidate_policy, 2.0))
    assert found == code
    assert ("different malloc policies (pinned, system)" in text) == (candidate_policy == "system")


def test_same_job_slower_run_is_a_regression(snapshot_of, tmp_path):
    a = timed_snapshot(tmp_path / "a-timed.json", snapshot_of("a"), "test_load_warm[x]", None, 1.0)
    b = timed_snapshot(tmp_path / "b-timed.json", snapshot_of("b"), "test_load_warm[x]", None, 2.0)
    code, text, verdict = cli.evaluate([a], [b], None, THRESHOLDS)
    assert code == cli.REGRESSION and verdict["performance"][0]["verdict"] == "slower"
    assert "test_load_warm[x]" in text and "×2.00" in text
