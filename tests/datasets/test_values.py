"""The generic battery, part 3: value ranges and statistics."""

import pytest


@pytest.mark.observes("value_ranges")
def test_value_ranges(check):
    """Minimum and maximum of every array: pixels 0..255, token indices, label ranges, targets."""
    check.verify()


@pytest.mark.observes("pixel_statistics")
def test_pixel_statistics(check):
    """Per-channel pixel mean and standard deviation: a content fingerprint of image datasets."""
    check.verify()


@pytest.mark.observes("target_statistics")
def test_target_statistics(check):
    """scipy.stats.describe of the regression targets (the seed's six Boston figures)."""
    check.verify()


@pytest.mark.observes("feature_ranges")
def test_feature_ranges(check):
    """Per-feature minimum and maximum of the housing tables."""
    check.verify()


@pytest.mark.observes("sequence_lengths")
def test_sequence_lengths(check):
    """Sequence-length summary of the text datasets; maxlen keeps lengths below maxlen."""
    check.verify()
