"""The generic battery, part 1: what every loader returns, structurally.

Each test runs once per dataset x configuration x source. On synthetic data the expected value
is the reference model's output; everywhere, the catalogue facts that apply are checked too.
"""

import pytest


@pytest.mark.observes("return_types")
def test_return_types(check):
    """((x_train, y_train), (x_test, y_test)) of ndarrays; element types of ragged text arrays."""
    check.verify()


@pytest.mark.observes("shapes")
def test_shapes(check):
    """All four shapes (the sample axis free on synthetic data); CIFAR follows image_data_format."""
    check.verify()


@pytest.mark.observes("dtypes")
def test_dtypes(check):
    """uint8 images, uint8 vs int64 labels (CIFAR-10 vs CIFAR-100), object text arrays."""
    check.verify()


@pytest.mark.observes("split_sizes")
def test_split_sizes(check):
    """Train/test sizes: documented sizes on full data, the loaders' split rules everywhere."""
    check.verify()


@pytest.mark.observes("flags")
def test_array_flags(check):
    """Writeability and contiguity: Fashion-MNIST is read-only, CIFAR images are transposed views."""
    check.verify()
