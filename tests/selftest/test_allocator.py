"""The benchmark run's malloc policy: pinned when timing, recorded in the JSON, and really in effect."""

import json
import platform
import subprocess
import sys
import textwrap

import pytest

from keras_dataset_suite import allocator

# Minor page faults of a second 40 MB allocation, after the first was freed: glibc maps a block over
# 32 MiB afresh (about 10,000 faults) unless the policy keeps it on the heap (a few dozen faults).
# Transparent huge pages are switched off for the process (prctl PR_SET_THP_DISABLE), or where THP
# is "always" a fresh mapping would take ~20 huge-page faults and hide the difference.
FAULTS_OF_A_REUSED_BLOCK = """
import ctypes, resource, sys
from keras_dataset_suite import allocator
ctypes.CDLL(None).prctl(41, 1, 0, 0, 0)
print(allocator.pin(sys.argv[1]))
bytearray(40 << 20)
before = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
block = bytearray(40 << 20)
print(resource.getrusage(resource.RUSAGE_SELF).ru_minflt - before)
"""

TIMED = """
def test_a(time_rounds):
    time_rounds(lambda: None, rounds=2)
"""


def pinned_in_a_new_process(policy: str) -> tuple[str, int]:
    """(the policy's description, the faults of a reused block) in a fresh interpreter, not this one."""
    done = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(FAULTS_OF_A_REUSED_BLOCK), policy],
        capture_output=True,
        text=True,
        check=True,
    )
    description, faults = done.stdout.splitlines()
    return description, int(faults)


@pytest.mark.skipif(platform.libc_ver()[0] != "glibc", reason="the pin is glibc's mallopt")
def test_a_pinned_process_reuses_the_pages_of_a_freed_block():
    description, faults = pinned_in_a_new_process(allocator.SYSTEM)
    assert description == "system: the C library's defaults" and faults > 5000
    description, faults = pinned_in_a_new_process(allocator.PINNED)
    assert description.startswith(f"pinned: glibc {platform.libc_ver()[1]}") and "1024 MiB" in description
    assert faults < 1000


def test_the_system_policy_touches_nothing(monkeypatch):
    monkeypatch.setattr(allocator.ctypes, "CDLL", None)
    assert allocator.pin(allocator.SYSTEM) == "system: the C library's defaults"


def test_no_glibc_means_no_pin(monkeypatch):
    monkeypatch.setattr(allocator.platform, "libc_ver", lambda: ("", ""))
    monkeypatch.setattr(allocator.ctypes, "CDLL", None)
    assert allocator.pin(allocator.PINNED).startswith("system: not glibc")


def test_a_refused_mallopt_is_reported_not_claimed(monkeypatch):
    class Refusing:
        def __init__(self, name):
            self.mallopt = lambda parameter, value: 0

    monkeypatch.setattr(allocator.platform, "libc_ver", lambda: ("glibc", "2.99"))
    monkeypatch.setattr(allocator.ctypes, "CDLL", Refusing)
    assert allocator.pin(allocator.PINNED) == "system: glibc 2.99 refused mallopt, its defaults apply"


@pytest.mark.parametrize(
    ("arguments", "policy"),
    [
        (["--benchmark-enable"], allocator.PINNED),
        (["--benchmark-enable", "--benchmark-allocator=system"], allocator.SYSTEM),
        (["--benchmark-disable"], allocator.SYSTEM),
    ],
)
def test_the_run_pins_only_when_timing_and_records_the_policy(pytester, monkeypatch, arguments, policy):
    asked = []
    monkeypatch.setattr(allocator, "pin", lambda chosen: asked.append(chosen) or f"{chosen}: as applied")
    monkeypatch.delenv("PYTEST_XDIST_WORKER", raising=False)
    pytester.makepyfile(test_timed=TIMED)
    report = pytester.path / "bench.json"
    run = pytester.inline_run(
        "-p", "keras_dataset_suite.plugin", *arguments, "--benchmark-passes=1", f"--benchmark-json={report}"
    )
    run.assertoutcome(passed=1)
    assert asked == [policy]
    if "--benchmark-enable" in arguments:  # a smoke run writes no JSON
        recorded = json.loads(report.read_text())["machine_info"]["keras_dataset_suite"]["allocator"]
        assert recorded == f"{policy}: as applied"
