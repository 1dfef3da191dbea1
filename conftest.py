"""Load the suite's pytest plugin for every test in this repository."""

pytest_plugins = ["keras_dataset_suite.plugin"]
