"""The suite gives the same results under pytest-xdist (`-n 2`) as without it.

Each worker builds its own private Keras home and synthetic files from the same seeds, so test
ids and outcomes must match one for one.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest

from .conftest import REPO

SELECTION = "boston_housing or reuters"


def outcomes(junit_xml) -> dict[str, str]:
    result = {}
    for case in ET.parse(junit_xml).getroot().iter("testcase"):
        outcome = next((child.tag for child in case if child.tag in ("failure", "error", "skipped")), "passed")
        result[f"{case.get('classname')}::{case.get('name')}"] = outcome
    return result


def test_same_outcomes_with_and_without_xdist(pytester, suite):
    pytest.importorskip("xdist")
    args = [str(REPO / "tests" / "datasets"), "-k", SELECTION, f"--rootdir={REPO}", "-c", str(REPO / "pyproject.toml"),
            f"--keras-impl={suite.options.keras_impl}", "-q"]
    if suite.options.keras_cache is not None:
        args.append(f"--keras-cache={suite.options.keras_cache}")
    serial = pytester.runpytest_subprocess(*args, "--junitxml=serial.xml")
    parallel = pytester.runpytest_subprocess(*args, "-n", "2", "--junitxml=parallel.xml")
    assert serial.ret == parallel.ret == pytest.ExitCode.OK, parallel.stdout.str()[-2000:]
    one, two = outcomes(pytester.path / "serial.xml"), outcomes(pytester.path / "parallel.xml")
    assert len(one) > 40 and one == two
