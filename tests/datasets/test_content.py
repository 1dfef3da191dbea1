"""The generic battery, part 4: content, byte for byte where it is known."""

import pytest


@pytest.mark.observes("digests")
def test_exact_output(check):
    """Every array equals the reference model's, byte for byte (dtype, shape, values, element types)."""
    check.verify()


@pytest.mark.observes("duplicates")
def test_split_disjointness(check):
    """Exact duplicates between train and test (and within each): asserted on synthetic data, and
    compared with the measured counts on genuine data."""
    check.verify()


@pytest.mark.observes("word_index")
def test_word_index(check):
    """get_word_index(): a dict of word -> rank, ranks exactly 1..N, the most frequent words first."""
    check.verify()


@pytest.mark.observes("idx_headers")
def test_idx_headers(check):
    """The IDX headers of the Fashion-MNIST files (the loader skips them unread, so check them here)."""
    check.verify()


@pytest.mark.observes("sample")
def test_samples(check):
    """Individual samples printed in the seed article (genuine data)."""
    check.verify()


@pytest.mark.observes("decoded_sample")
def test_decoded_samples(check):
    """Samples decoded with the word index and the seed's offset-3 recipe, with their topics."""
    check.verify()
