"""Every check can fail: each mutant makes the checks it names fail, and without it they pass.

The mutants change a Keras loader the way a regression would (tests/selftest/mutants.py). A
final test asserts that every check function in tests/datasets is caught failing by some mutant.
"""

from __future__ import annotations

import ast
import dataclasses
import pickle

import pytest

from keras_dataset_suite import formats, synthetic
from keras_dataset_suite.catalogue import Catalogue, Fact
from keras_dataset_suite.observe import observe
from keras_dataset_suite.session import Case

from .conftest import REPO
from .mutants import MUTANTS

DATASET_TESTS = REPO / "tests" / "datasets"
# Checks whose facts need genuine data absent here are shown to fail on synthetic data through an
# injected copy of the fact (expected value from the catalogue or the reference model).
INJECTED = ("test_samples", "test_decoded_samples", "test_archive_label_names", "test_idx_headers", "test_availability")


def _apply(mutant, suite, monkeypatch):
    binding = suite.kut.binding(mutant.dataset)
    owner = binding.api if mutant.target == "api" else binding.implementation
    monkeypatch.setattr(owner, mutant.function, mutant.wrap(getattr(owner, mutant.function)))


BASELINE = pytest.StashKey[dict]()


@pytest.fixture
def baseline(request, run_dataset_tests):
    """One unmutated run of every mutant's selection (made once per session): all must pass."""
    cache = request.config.stash.setdefault(BASELINE, {})
    if "outcomes" not in cache:
        cache["outcomes"] = run_dataset_tests(" or ".join(f"({m.select})" for m in MUTANTS))
    return cache["outcomes"]


@pytest.mark.parametrize("mutant", MUTANTS, ids=[m.name.replace(" ", "_") for m in MUTANTS])
def test_mutant_is_caught(mutant, suite, run_dataset_tests, baseline, monkeypatch):
    _apply(mutant, suite, monkeypatch)
    mutated = run_dataset_tests(mutant.select, *mutant.args)
    unmutated = {node: baseline.by_node.get(node, "not run") for node in mutated.by_node}
    broken = {node: outcome for node, outcome in unmutated.items() if outcome not in ("passed", "skipped")}
    assert not broken, f"without the mutant these checks do not pass: {broken}"
    for function in mutant.must_fail:
        assert mutated.ran(function), f"{function} did not run for {mutant.select!r}"
    missed = [f for f in mutant.must_fail if not mutated.failed(f)]
    assert not missed, f"mutant {mutant.name!r} was not caught by {missed}"


def _with_facts(catalogue: Catalogue, *facts: Fact) -> Catalogue:
    datasets = dict(catalogue.datasets)
    for fact in facts:
        entry = datasets[fact.dataset]
        datasets[fact.dataset] = dataclasses.replace(entry, facts=(*entry.facts, fact))
    return dataclasses.replace(catalogue, datasets=datasets)


def _model_fact(suite, dataset: str, config: str, kind: str, params: dict) -> Fact:
    """A copy of a genuine-data fact whose expected value is the model's, so it runs on synthetic data."""
    expected = observe(kind, suite.model(Case(dataset, config, "synthetic")), params)
    return Fact(
        id=f"{dataset}.selftest_{kind}",
        dataset=dataset,
        observe=kind,
        expected=expected,
        needs="any",
        source="keras-loaders: self-test copy",
        configs=(config,),
        params=params,
    )


def _inject(monkeypatch, suite, *facts: Fact):
    catalogue = _with_facts(suite.catalogue, *facts)
    monkeypatch.setattr("keras_dataset_suite.session.load_catalogue", lambda: catalogue)


def _caught(run, select, must_fail, mutate, *args):
    baseline = run(select, *args)
    assert baseline.ran(must_fail) and not baseline.failures, baseline.failures
    mutate()
    assert run(select, *args).failed(must_fail)


def test_samples_check_can_fail(suite, run_dataset_tests, monkeypatch):
    fact = _model_fact(suite, "imdb", "default", "sample", {"split": "train", "index": 3})
    _inject(monkeypatch, suite, fact)
    mutant = next(m for m in MUTANTS if m.name == "index_from off by one")
    _caught(
        run_dataset_tests, "imdb and samples and synthetic", "test_samples", lambda: _apply(mutant, suite, monkeypatch)
    )


def test_decoded_samples_check_can_fail(suite, run_dataset_tests, monkeypatch):
    fact = _model_fact(suite, "reuters", "default", "decoded_sample", {"split": "train", "index": 5})
    _inject(monkeypatch, suite, fact)
    mutant = dataclasses.replace(next(m for m in MUTANTS if m.name == "index_from off by one"), dataset="reuters")
    _caught(
        run_dataset_tests,
        "reuters and decoded_samples and synthetic",
        "test_decoded_samples",
        lambda: _apply(mutant, suite, monkeypatch),
    )


def test_archive_label_names_check_can_fail(suite, run_dataset_tests, monkeypatch):
    genuine = suite.catalogue.fact("cifar100.archive_label_names")
    _inject(monkeypatch, suite, dataclasses.replace(genuine, id="cifar100.selftest_meta", needs="any"))
    real = synthetic._cifar_members

    def renamed(archive):
        members = real(archive)
        name = f"{archive.folder}/{archive.meta_name}"
        meta = pickle.loads(members[name])
        meta[b"fine_label_names"] = [b"clok" if n == b"clock" else n for n in meta[b"fine_label_names"]]
        members[name] = formats.pickle_dict(meta)
        return members

    _caught(
        run_dataset_tests,
        "cifar100 and fine and archive_label_names and synthetic",
        "test_archive_label_names",
        lambda: monkeypatch.setattr(synthetic, "_cifar_members", renamed),
    )


def test_idx_header_check_can_fail(suite, run_dataset_tests, monkeypatch):
    genuine = suite.catalogue.fact("fashion_mnist.idx_headers")
    _inject(monkeypatch, suite, dataclasses.replace(genuine, id="fashion_mnist.selftest_idx", needs="full"))
    real = formats.idx_bytes
    _caught(
        run_dataset_tests,
        "fashion_mnist and idx_headers and synthetic",
        "test_idx_headers",
        lambda: monkeypatch.setattr(formats, "idx_bytes", lambda a: b"\0\0\0" + real(a)[3:]),
        "--synthetic-size=full",
    )


def test_availability_check_can_fail(suite, run_dataset_tests, monkeypatch):
    api = suite.kut.datasets_api
    present = suite.kut.binding("california_housing") is not None
    replacement = None if present else suite.kut.binding("boston_housing").api
    _caught(
        run_dataset_tests,
        "availability",
        "test_availability",
        lambda: monkeypatch.setattr(api, "california_housing", replacement, raising=False),
    )


def _check_functions() -> set[str]:
    names = set()
    for path in DATASET_TESTS.glob("test_*.py"):
        tree = ast.parse(path.read_text())
        names |= {
            node.name for node in tree.body if isinstance(node, ast.FunctionDef) and node.name.startswith("test_")
        }
    return names


def test_every_check_has_a_mutant():
    covered = {f for m in MUTANTS for f in m.must_fail} | set(INJECTED)
    assert _check_functions() - covered == set(), "checks that no mutant shows failing"


def test_mutants_target_existing_checks():
    assert {f for m in MUTANTS for f in m.must_fail} | set(INJECTED) <= _check_functions()
