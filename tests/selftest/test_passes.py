"""Benchmark passes: pass-major order, one merged record per benchmark, the gate pooling a run's passes."""

import gc
import json
import statistics
import weakref
from types import SimpleNamespace

import pytest

from keras_dataset_suite import benchmark_report, benchmarking
from keras_dataset_suite.gate.performance import samples_per_run
from keras_dataset_suite.passes import Pass, merge_passes, merge_rows, merged_name
from keras_dataset_suite.session import Case

TIMED = """
def test_a(time_rounds):
    time_rounds(lambda: None, rounds=5)

def test_b(time_rounds):
    time_rounds(lambda: None, rounds=5)
"""


@pytest.mark.parametrize(
    ("name", "merged"),
    [
        ("test_x[pass1of3-imdb-default]", "test_x[imdb-default]"),
        ("test_x[imdb-pass2of3]", "test_x[imdb]"),
        ("test_x[a-pass3of3-b]", "test_x[a-b]"),
        ("test_x[pass1of2]", "test_x"),
        ("test_x[passage-1]", "test_x[passage-1]"),
    ],
)
def test_merged_name_drops_only_the_pass(name, merged):
    assert merged_name(name) == merged


@pytest.mark.parametrize("count", [1, 2, 3, 7])
@pytest.mark.parametrize("rounds", [1, 3, 5, 20])
def test_passes_share_at_least_all_rounds(rounds, count):
    shares = [Pass(i, count).share(rounds) for i in range(count)]
    assert all(share >= 1 for share in shares)
    assert rounds <= sum(shares) < rounds + count


def timed_in_two_passes(pytester, monkeypatch, source):
    """Run the test module `source` with the benchmarks timed in two passes: (its recorder, its JSON)."""
    monkeypatch.delenv("PYTEST_XDIST_WORKER", raising=False)
    pytester.makepyfile(test_timed=source)
    report = pytester.path / "bench.json"
    recorder = pytester.inline_run(
        "-p",
        "keras_dataset_suite.plugin",
        "--benchmark-enable",
        "--benchmark-passes=2",
        "--benchmark-allocator=system",  # a run in this process must not pin its malloc
        f"--benchmark-json={report}",
    )
    return recorder, json.loads(report.read_text())


def test_timed_passes_run_pass_major_and_keep_every_round(pytester, monkeypatch):
    recorder, run = timed_in_two_passes(pytester, monkeypatch, TIMED)
    order = [r.nodeid.split("::")[-1] for r in recorder.getreports("pytest_runtest_logreport") if r.when == "call"]
    assert order == ["test_a[pass1of2]", "test_b[pass1of2]", "test_a[pass2of2]", "test_b[pass2of2]"]
    assert [(b["name"], b["param"], b["params"], b["extra_info"]) for b in run["benchmarks"]] == [
        (name, None, None, {"rounds_per_pass": [3, 3]}) for name in ("test_a", "test_b")
    ]
    pooled = run["benchmarks"][0]["stats"]
    assert (pooled["rounds"], pooled["median"]) == (6, statistics.median(pooled["data"]))
    runs = samples_per_run([], [run])
    assert {name: [len(samples) for samples in run] for name, run in runs.items()} == {"test_a": [6], "test_b": [6]}


def test_merged_json_entry_keeps_the_first_pass_findings():
    def entry(index, data, **extra):
        name = f"test_x[pass{index}of2-imdb]"
        return {
            "name": name,
            "fullname": f"t.py::{name}",
            "param": f"pass{index}of2-imdb",
            "params": {"case": "imdb", "benchmark_pass": index},
            "extra_info": extra,
            "stats": {"data": data, "iterations": 1},
        }

    (merged,) = merge_passes([entry(1, [0.3, 0.1], peak_mib=9.0, kind="warm"), entry(2, [0.2], kind="later")])
    assert (merged["name"], merged["fullname"], merged["param"], merged["params"]) == (
        "test_x[imdb]",
        "t.py::test_x[imdb]",
        "imdb",
        {"case": "imdb"},
    )
    assert merged["extra_info"] == {"peak_mib": 9.0, "kind": "warm", "rounds_per_pass": [2, 1]}
    assert {k: merged["stats"][k] for k in ("data", "rounds", "median", "min", "max")} == {
        "data": [0.3, 0.1, 0.2],
        "rounds": 3,
        "median": 0.2,
        "min": 0.1,
        "max": 0.3,
    }


def test_benchmark_passes_must_be_positive(pytester, monkeypatch):
    monkeypatch.delenv("PYTEST_XDIST_WORKER", raising=False)
    pytester.makepyfile(test_timed=TIMED)
    result = pytester.runpytest_inprocess(
        "-p", "keras_dataset_suite.plugin", "--benchmark-enable", "--benchmark-passes=0"
    )
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(["*--benchmark-passes must be 1 or more, not 0*"])


def _timed(name, samples, **extra):
    return SimpleNamespace(
        name=name, group="g", stats=SimpleNamespace(stats=SimpleNamespace(data=samples)), extra_info=extra
    )


def test_a_benchmarks_passes_become_one_record(suite, monkeypatch):
    monkeypatch.setattr(suite, "benchmarks", [])
    case = Case("imdb", "default", "synthetic-full")
    suite.record_benchmark(_timed("test_load_warm[pass1of2-imdb]", [1.0, 2.0], peak_mib=5.0, kind="warm"), case, "warm")
    suite.record_benchmark(_timed("test_load_warm[pass2of2-imdb]", [3.0], kind="later"), case, "warm")
    (record,) = suite.benchmarks
    assert (record.name, record.samples, record.median) == ("test_load_warm[imdb]", [1.0, 2.0, 3.0], 2.0)
    assert record.extra == {"peak_mib": 5.0, "kind": "warm"}


def test_the_table_reads_the_pooled_rounds(suite, monkeypatch):
    monkeypatch.setattr(suite, "benchmarks", [])
    case = Case("cifar10", "default", "synthetic-full")
    for index, warm in enumerate(([0.9, 0.5], [0.5, 0.4], [0.5, 0.6])):
        name = f"test_load_warm[pass{index + 1}of3-cifar10]"
        suite.record_benchmark(_timed(name, warm, extractions_per_call=1, peak_mib=400.0), case, "warm")
        suite.record_benchmark(_timed(f"test_floor[pass{index + 1}of3-cifar10]", [0.25]), case, "floor")
    table = benchmark_report.markdown(suite.benchmarks, {"passes": 3, "allocator": "pinned: as applied"})
    assert "pooled over the run's 3 pass(es); malloc pinned: as applied;" in table
    assert "| cifar10 | synthetic-full | 500 ms | - | 250 ms | 2.0x | 1 | 400 |" in table


@pytest.mark.parametrize("freeze", [False, True])
def test_settle_freezes_only_when_timing(freeze):
    before = gc.get_freeze_count()
    try:
        benchmarking.settle(freeze)
        assert (gc.get_freeze_count() > before) is freeze
    finally:
        if freeze:
            gc.unfreeze()


SIZED = """
from pathlib import Path

def test_sized(time_rounds):
    time_rounds(lambda: Path("calls").open("a").write("."))
"""


def test_only_the_first_pass_warms_up_and_sizes_the_rounds(pytester, monkeypatch):
    recorder, run = timed_in_two_passes(pytester, monkeypatch, SIZED)
    recorder.assertoutcome(passed=2)
    (sized,) = run["benchmarks"]
    per_pass = benchmarking.MAX_ROUNDS // 2
    assert sized["extra_info"]["rounds_per_pass"] == [per_pass, per_pass]
    assert len((pytester.path / "calls").read_text()) == 1 + 2 * per_pass  # one untimed call, in the first pass


class Output:
    """A round's output, weakly referenceable so a test can see when it is freed."""


def test_a_round_starts_without_the_previous_output_and_with_its_prepared_arguments():
    homes = iter(["home-1", "home-2"])
    rounds = benchmarking.Rounds(lambda home: (home, Output()), freeze=False, prepare=lambda: (next(homes),))
    arguments, keywords = rounds.setup()
    assert (arguments, keywords) == (("home-1",), {})
    assert rounds.target(*arguments) is None  # pytest-benchmark holds what the target returns
    home, output = rounds.output
    previous = weakref.ref(output)
    del output
    assert home == "home-1" and previous() is not None
    assert rounds.setup() == (("home-2",), {})
    assert previous() is None, "the previous round's output must be freed before the next round runs"


def test_the_probe_is_one_untimed_round_that_keeps_nothing():
    calls = []
    rounds = benchmarking.Rounds(lambda: calls.append(Output()) or calls[-1], freeze=False)
    seconds = rounds.probe()
    assert seconds > 0 and len(calls) == 1 and rounds.output is None


def test_a_smoke_run_calls_each_benchmark_once(pytester, monkeypatch):
    monkeypatch.delenv("PYTEST_XDIST_WORKER", raising=False)
    pytester.makepyfile(test_sized=SIZED)
    pytester.inline_run("-p", "keras_dataset_suite.plugin", "--benchmark-disable").assertoutcome(passed=1)
    assert (pytester.path / "calls").read_text() == "."


RECORDED = """
from keras_dataset_suite.session import Case

def test_recorded(benchmark, time_rounds, suite):
    time_rounds(lambda: None, rounds=4)
    suite.record_benchmark(benchmark, Case("x", "default", "synthetic"), "warm")

def test_unrecorded(time_rounds):
    time_rounds(lambda: None, rounds=4)
"""


def test_the_terminal_table_shows_a_recorded_benchmark_once_with_its_pooled_rounds(pytester, monkeypatch):
    monkeypatch.delenv("PYTEST_XDIST_WORKER", raising=False)
    pytester.makepyfile(test_timed=RECORDED)
    result = pytester.runpytest_inprocess(
        "-p",
        "keras_dataset_suite.plugin",
        "--benchmark-enable",
        "--benchmark-passes=2",
        "--benchmark-allocator=system",
        "--benchmark-columns=rounds",
    )
    rows = dict(line.split()[:2] for line in result.stdout.lines if line.startswith(("test_recorded", "test_un")))
    assert rows == {"test_recorded": "4", "test_unrecorded[pass1of2]": "2", "test_unrecorded[pass2of2]": "2"}


def test_rows_compared_from_an_older_file_are_not_pooled():
    def row(name, path, median):
        return {
            "name": name,
            "fullname": f"t.py::{name}",
            "param": None,
            "params": None,
            "path": path,
            "median": median,
        }

    now = [row("test_x[pass1of2]", None, 1.0), row("test_x[pass2of2]", None, 3.0)]
    older = row("test_x[pass1of2]", "old.json", 9.0)
    merged = merge_rows([older, *now], {"test_x": [1.0, 2.0, 3.0]})
    assert [(r["name"], r["path"], r["median"]) for r in merged] == [
        ("test_x[pass1of2]", "old.json", 9.0),
        ("test_x", None, 2.0),
    ]
    assert merged[1]["rounds"] == 3
