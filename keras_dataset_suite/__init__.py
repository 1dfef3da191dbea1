"""Sanity checks, benchmarks and an upgrade gate for the Keras built-in datasets."""

__version__ = "0.1.0"
