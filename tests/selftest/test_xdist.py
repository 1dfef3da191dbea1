"""The suite gives the same results under pytest-xdist (`-n 2`) as without it.

Each worker builds its own private Keras home and synthetic files from the same seeds, so test
ids and outcomes must match one for one: a serial in-process run against a `-n 2` subprocess.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest

from keras_dataset_suite.sources import DEFAULT_CACHE_VARIABLE

from .conftest import REPO

SELECTION = "boston_housing or fashion_mnist"


def junit_outcomes(path) -> dict[str, str]:
    result = {}
    for case in ET.parse(path).getroot().iter("testcase"):
        outcome = next((child.tag for child in case if child.tag in ("failure", "error", "skipped")), "passed")
        result[f"{case.get('classname')}::{case.get('name')}"] = outcome
    return result


def as_junit_id(nodeid: str) -> str:
    path, name = nodeid.split("::", 1)
    return f"{path.removesuffix('.py').replace('/', '.')}::{name}"


def test_same_outcomes_with_and_without_xdist(pytester, suite, run_dataset_tests, monkeypatch):
    """Serial with --keras-cache; parallel with no option and KERAS_HOME naming the same cache, so the
    workers must also find the user's default cache although the suite moves KERAS_HOME for Keras."""
    pytest.importorskip("xdist")
    serial = {as_junit_id(node): outcome for node, outcome in run_dataset_tests(SELECTION).by_node.items()}
    args = [
        str(REPO / "tests" / "datasets"),
        "-k",
        SELECTION,
        f"--rootdir={REPO}",
        "-c",
        str(REPO / "pyproject.toml"),
        f"--keras-impl={suite.options.keras_impl}",
        "-q",
        "-n",
        "2",
        "--junitxml=parallel.xml",
        "-p",
        "xdist.plugin",
        "-p",
        "pytest_benchmark.plugin",
        "-p",
        "hypothesis.extra.pytestplugin",
    ]
    monkeypatch.delenv(DEFAULT_CACHE_VARIABLE, raising=False)
    if suite.options.keras_cache is not None:
        monkeypatch.setenv("KERAS_HOME", str(suite.options.keras_cache))
    else:
        monkeypatch.setenv("KERAS_HOME", str(pytester.path / "no-cache"))
    parallel = pytester.runpytest_subprocess(*args)
    assert parallel.ret == pytest.ExitCode.OK, parallel.stdout.str()[-2000:]
    assert len(serial) > 40
    assert junit_outcomes(pytester.path / "parallel.xml") == serial
