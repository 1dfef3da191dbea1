"""The generic battery, part 2: labels, class counts and class names."""

import pytest


@pytest.mark.observes("labels")
def test_label_set(check):
    """The distinct label values and how many there are (10, 100/20, 2, 46)."""
    check.verify()


@pytest.mark.observes("class_counts")
def test_class_counts(check):
    """Per-class counts per split where the dataset documents them (6000/1000, 5000/1000, ...)."""
    check.verify()


@pytest.mark.observes("docstring_class_names")
def test_documented_class_names(check):
    """The class table in the installed load_data docstring lists the catalogue's names in order."""
    check.verify()


@pytest.mark.observes("label_names")
def test_label_names(check):
    """reuters.get_label_names(): a tuple of the 46 topic names, where the Keras version has it."""
    check.verify()


@pytest.mark.observes("cifar_meta_names")
def test_archive_label_names(check):
    """The label names stored in the CIFAR archive's meta file."""
    check.verify()
