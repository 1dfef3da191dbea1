"""Behaviour across calls: determinism, side effects, seeds, and what Keras asks get_file for."""

import pytest

from keras_dataset_suite import behaviour
from keras_dataset_suite.compare import compare, explain


@pytest.mark.over("cases")
def test_determinism(suite, case):
    """A second identical call returns identical arrays ('Seed for reproducible data shuffling')."""
    problems = behaviour.determinism(suite, case)
    assert not problems, "\n".join(problems)


@pytest.mark.over("cases")
def test_global_rng_untouched(suite, case):
    """Loading leaves numpy's global random state alone (legacy Keras tests asserted this too)."""
    problems = behaviour.global_rng(suite, case)
    assert not problems, "\n".join(problems)


@pytest.mark.over("seeded")
def test_other_seed(suite, case):
    """seed=7 reorders: exactly as the model says on synthetic data; the same rows on genuine data."""
    problems = behaviour.reseeded(suite, case)
    assert not problems, "\n".join(problems)


@pytest.mark.over("datasets")
def test_download_manifest(suite, case):
    """Each loader asks get_file for the catalogue's origin, hash and cache name, and the file lands
    where the catalogue says (the CIFAR layout changed in Keras 3.6)."""
    dataset = suite.dataset(case.dataset)
    for function in ("load_data", "get_word_index"):
        if not dataset.files_for(function):
            continue
        expected, observed = behaviour.download_manifest(suite, dataset, case, function)
        mismatches = compare(expected, observed)
        assert not mismatches, f"{case.dataset}.{function} requests differ from the catalogue:\n{explain(mismatches)}"


@pytest.mark.observes("repeat_extractions")
def test_repeat_extractions(check):
    """CIFAR: a repeated load extracts the archive again in Keras >= 3.6, not in Keras 2."""
    check.verify()


@pytest.mark.observes("cache_root")
def test_cache_root(check):
    """get_file's cache root: fixed at import (Keras 3, KERAS_HOME) or HOME read at every call (Keras 2)."""
    check.verify()
