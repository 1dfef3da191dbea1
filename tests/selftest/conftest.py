"""Run the real dataset tests in-process (pytester), with or without a mutant, and read the outcomes."""

from __future__ import annotations

import sys
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from hypothesis import settings

REPO = Path(__file__).resolve().parents[2]
# A mutant only has to be caught: inner runs stop at the first failing example, unshrunk.
settings.register_profile(
    "selftest-mutant", parent=settings.get_profile("ci"), phases=settings.get_profile("ci").phases[:3]
)


@dataclass
class Outcomes:
    """Outcomes of one inner run, by node id and by test function name."""

    by_node: dict[str, str] = field(default_factory=dict)
    messages: dict[str, str] = field(default_factory=dict)

    @property
    def by_function(self) -> dict[str, list[str]]:
        grouped: dict[str, list[str]] = defaultdict(list)
        for node, outcome in self.by_node.items():
            grouped[node.split("::")[-1].split("[")[0]].append(outcome)
        return grouped

    def failed(self, function: str) -> bool:
        return "failed" in self.by_function.get(function, [])

    def ran(self, function: str) -> bool:
        return any(o in ("passed", "failed") for o in self.by_function.get(function, []))

    @property
    def failures(self) -> list[str]:
        return sorted(self.messages)


@pytest.fixture(scope="session", autouse=True)
def keras_imported_first(suite):
    """Import Keras before any pytester fixture snapshots sys.modules: it must never be re-imported."""
    return suite.kut


@pytest.fixture
def run_dataset_tests(pytester, suite, monkeypatch):
    """Run tests/datasets with `-k select` in this process, reusing the imported Keras.

    Entry-point plugins are not auto-loaded in the inner run (that scan costs a second a run);
    the one the ini options need is named explicitly.
    """
    monkeypatch.setenv("PYTEST_DISABLE_PLUGIN_AUTOLOAD", "1")
    monkeypatch.delenv("PYTEST_XDIST_WORKER", raising=False)  # the inner run is serial, even inside a worker

    def run(select: str, *extra: str) -> Outcomes:
        # Fresh test modules for the inner run: Hypothesis fixes a test's settings when it is decorated.
        for name in [m for m in sys.modules if m.startswith("tests.datasets")]:
            monkeypatch.delitem(sys.modules, name)
        args = [
            str(REPO / "tests" / "datasets"),
            "-k",
            select,
            f"--rootdir={REPO}",
            "-c",
            str(REPO / "pyproject.toml"),
            f"--keras-impl={suite.options.keras_impl}",
            "-q",
            "-p",
            "pytest_benchmark.plugin",
            "-p",
            "hypothesis.extra.pytestplugin",
            "--hypothesis-profile=selftest-mutant",
            *extra,
        ]
        if suite.options.keras_cache is not None and not any(a.startswith("--keras-cache") for a in extra):
            args.append(f"--keras-cache={suite.options.keras_cache}")
        recorder = pytester.inline_run(*args)
        outcomes = Outcomes()
        for report in recorder.getreports("pytest_runtest_logreport"):
            if report.when == "call" or not report.passed:
                outcomes.by_node[report.nodeid] = report.outcome
            if report.failed:
                outcomes.messages[report.nodeid] = str(report.longrepr)[-600:]
        return outcomes

    return run
