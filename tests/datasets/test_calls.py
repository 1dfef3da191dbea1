"""Calls with their own arguments: documented errors, test vectors of every option, the API."""

import pytest


@pytest.mark.observes("error")
def test_documented_errors(check):
    """Invalid label_mode, test_split and version raise the documented exception for the version."""
    check.verify()


@pytest.mark.observes("output")
def test_option_vectors(check):
    """Small fixtures through the real loader: the exact output of each option (or the error)."""
    check.verify()


@pytest.mark.observes("availability")
def test_availability(check):
    """Which datasets the Keras version ships (california_housing is Keras 3 only)."""
    check.verify()
