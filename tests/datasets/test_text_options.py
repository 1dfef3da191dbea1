"""IMDB and Reuters options, differentially: the real loader against the reference model.

Hypothesis generates ragged datasets and option sets; every example is written as genuine-format
files, loaded through the real loader, and compared exactly with the model (values, labels,
dtypes, containers, or the exception). Where Keras versions differ, the model's version-ranged
quirks say what this version must do, so nothing is skipped.
"""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from keras_dataset_suite import differential, strategies

CONTENT = {"imdb": strategies.imdb_content(), "reuters": strategies.reuters_content()}
FULL_SIZE_OPTIONS = {
    "defaults": {},
    "top10000-maxlen200": {"num_words": 10000, "maxlen": 200},
    "skip20-top5000-drop-oov": {"num_words": 5000, "skip_top": 20, "oov_char": None},
}


@pytest.mark.synthetic
@pytest.mark.parametrize("dataset", ["imdb", "reuters"])
@given(data=st.data())
def test_options_match_model(suite, dataset, data):
    content = data.draw(CONTENT[dataset], label="content")
    kwargs = data.draw(strategies.text_options(reuters=dataset == "reuters"), label="kwargs")
    problems = differential.run(suite, dataset, differential.placed(suite, dataset, content), kwargs)
    assert not problems, f"{dataset}.load_data(**{kwargs}) differs from the model:\n" + "\n".join(problems)


@pytest.mark.synthetic
@pytest.mark.full
@pytest.mark.parametrize("options", list(FULL_SIZE_OPTIONS), ids=list(FULL_SIZE_OPTIONS))
@pytest.mark.parametrize("dataset", ["imdb", "reuters"])
def test_full_size_options_match_model(suite, dataset, options):
    """Realistic full-size files (25,000 + 25,000 reviews, 11,228 wires), a few option sets each."""
    prepared = suite.source("synthetic-full").prepare(suite.dataset(dataset))
    kwargs = FULL_SIZE_OPTIONS[options]
    problems = differential.run(suite, dataset, prepared, kwargs)
    assert not problems, f"{dataset}.load_data(**{kwargs}) on full-size data differs from the model:\n" + "\n".join(
        problems
    )
