"""Load the suite's pytest plugin (and pytester, for the self-tests) for every test in this repository."""

pytest_plugins = ["keras_dataset_suite.plugin", "pytester"]
