"""The pytest plugin: options, markers, the session's data sources, and check parametrization.

Loaded by the repository's conftest.py (``pytest_plugins``); Keras is imported only when the
first check is collected, after KERAS_HOME points at the session's private home.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, settings
from pytest_benchmark.plugin import pytest_benchmark_group_stats as group_benchmark_rows

from keras_dataset_suite import allocator, benchmark_report, benchmarking, passes, snapshot
from keras_dataset_suite.errors import GenuineFileCorrupt, SuiteError, UsageError
from keras_dataset_suite.keras_under_test import IMPLEMENTATIONS, check_implementation, stack_versions
from keras_dataset_suite.session import API, FIXTURE, GENUINE, Case, Check, Options, SuiteSession
from keras_dataset_suite.sources import (
    SourceMissing,
    check_cache_folder,
    default_keras_cache,
    locate,
    remember_default_keras_cache,
)
from keras_dataset_suite.synthetic import SIZES

# "ci" (the default): deterministic, fast, no example database anywhere (so nothing lands in the
# repository). "thorough": many more random examples, for a local hunt; use --hypothesis-profile.
settings.register_profile(
    "ci",
    max_examples=60,
    derandomize=True,
    database=None,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.register_profile("thorough", max_examples=2000, database=None, deadline=None)

SESSION = pytest.StashKey[SuiteSession]()
PREVIOUS_KERAS_HOME = pytest.StashKey[str | None]()
ALLOCATOR = pytest.StashKey[str]()  # the malloc policy the benchmarks ran under, as recorded
MARKERS = {
    "observes(kind)": "parametrize the test's `check` fixture with every check of this observation kind",
    "over(selector)": "parametrize the test's `case` fixture: 'cases' (every dataset x config x source), "
    "'seeded' (the datasets whose load_data takes a seed) or 'datasets' (one configuration each)",
    "genuine": "runs on the genuine Keras files (skips, or fails under --require-genuine, when they are absent)",
    "synthetic": "runs on files the suite generated in the loaders' on-disk formats",
    "full": "runs on full-size synthetic files (the battery with --synthetic-size full or both; the text "
    "differential checks always)",
    "api": "needs no data: docstrings, signatures, errors raised before any download",
    "fixture": "runs on a small test vector from the catalogue",
}


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("keras-datasets", "Keras dataset sanity checks")
    group.addoption(
        "--keras-impl",
        default="tensorflow.keras",
        metavar="IMPL",
        help=f"which Keras to test: {', '.join(IMPLEMENTATIONS)} (default: tensorflow.keras, as in the seed article)",
    )
    group.addoption(
        "--keras-cache",
        default=None,
        metavar="DIR",
        help="read-only folder in Keras-home layout (DIR/datasets/...) holding genuine files; "
        "default: $KERAS_HOME or ~/.keras. Nothing in it is ever written, moved or deleted.",
    )
    group.addoption(
        "--require-genuine",
        action="store_true",
        help="fail, instead of skip, the checks whose genuine files are missing",
    )
    group.addoption(
        "--download",
        action="store_true",
        help="let Keras download missing genuine files into the session's private cache (needs network)",
    )
    group.addoption(
        "--snapshot",
        default=None,
        metavar="PATH",
        help="write a JSON record of everything the run observed (schema: keras_dataset_suite/snapshot.schema.json) "
        "for keras-dataset-gate; not under xdist",
    )
    group.addoption(
        "--synthetic-size",
        default="small",
        choices=(*SIZES, "both"),
        help="size of the synthetic datasets: small (fast, default), full (documented sizes) or both",
    )
    group.addoption(
        "--benchmark-passes",
        type=int,
        default=passes.DEFAULT_PASSES,
        metavar="N",
        help="with --benchmark-enable, run the benchmarks N times over, one whole pass after another, and "
        "merge each benchmark's rounds from all passes (default: %(default)s): rounds minutes apart average "
        "out the host's drift, rounds in a row do not",
    )
    group.addoption(
        "--benchmark-allocator",
        default=allocator.PINNED,
        choices=allocator.CHOICES,
        help="with --benchmark-enable, the malloc policy of the run: pinned (default; glibc serves blocks under "
        "1 GiB from a heap it never trims, so every round reuses pages the process has) or system (glibc's "
        "adaptive defaults, under which 10-50 MB loads run at one of two speeds)",
    )


def _options(config: pytest.Config) -> Options:
    given = config.getoption("--keras-cache")
    cache = check_cache_folder(Path(given).expanduser().resolve() if given else default_keras_cache(), bool(given))
    impl = check_implementation(config.getoption("--keras-impl"))
    size = config.getoption("--synthetic-size")
    timing = config.getoption("benchmark_enable", False) or not config.getoption("benchmark_disable", True)
    pass_count = config.getoption("--benchmark-passes")
    if pass_count < 1:
        raise UsageError(f"--benchmark-passes must be 1 or more, not {pass_count}")
    parallel = getattr(config.option, "numprocesses", None) or os.environ.get("PYTEST_XDIST_WORKER")
    if timing and parallel:
        raise UsageError("benchmarks never run under xdist: drop -n (timings of parallel workers disturb each other)")
    if config.getoption("--snapshot") and parallel:
        raise UsageError("--snapshot records one process's observations: drop -n")
    return Options(
        keras_impl=impl,
        keras_cache=cache,
        synthetic_sizes=SIZES if size == "both" else (size,),
        require_genuine=config.getoption("--require-genuine"),
        download=config.getoption("--download"),
        benchmark_source="synthetic-full" if timing else "synthetic",
        benchmark_passes=pass_count if timing else 1,
        benchmark_allocator=config.getoption("--benchmark-allocator") if timing else allocator.SYSTEM,
    )


def pytest_configure(config: pytest.Config) -> None:
    for marker, text in MARKERS.items():
        config.addinivalue_line("markers", f"{marker}: {text}")
    if getattr(config.option, "hypothesis_profile", None) is None:
        settings.load_profile("ci")
    remember_default_keras_cache()
    try:
        options = _options(config)
        session = SuiteSession(options)
        home = session.root / "keras-home"
        home.mkdir()
    except SuiteError as exc:
        raise pytest.UsageError(str(exc)) from exc
    except OSError as exc:
        raise pytest.UsageError(
            f"cannot create the session's private Keras home ({exc}); set TMPDIR to a writable folder"
        ) from exc
    # Before any Keras import: Keras 3 reads KERAS_HOME once, and Keras 2 writes keras.json there.
    config.stash[PREVIOUS_KERAS_HOME] = os.environ.get("KERAS_HOME")
    os.environ["KERAS_HOME"] = str(home)
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    config.stash[SESSION] = session
    if options.timing:
        # Loads build millions of Python objects; a collection of TensorFlow's heap landing in a
        # timed round adds hundreds of ms at random. Rounds run with the collector off, after a collect.
        config.option.benchmark_disable_gc = True
    config.stash[ALLOCATOR] = allocator.pin(options.benchmark_allocator)


def pytest_unconfigure(config: pytest.Config) -> None:
    if SESSION in config.stash:
        config.stash[SESSION].close()
        previous = config.stash[PREVIOUS_KERAS_HOME]
        if previous is None:
            os.environ.pop("KERAS_HOME", None)
        else:
            os.environ["KERAS_HOME"] = previous


def session_of(config: pytest.Config) -> SuiteSession:
    return config.stash[SESSION]


def pytest_report_header(config: pytest.Config) -> list[str]:
    session = session_of(config)
    versions = ", ".join(f"{k} {v}" for k, v in stack_versions().items() if v)
    cache = session.options.keras_cache or f"{default_keras_cache()} (absent)"
    sizes = "+".join(session.options.synthetic_sizes)
    return [
        f"keras-dataset-suite: --keras-impl {session.options.keras_impl}; {versions}",
        f"genuine cache: {cache}; synthetic size: {sizes}; "
        f"downloads: {'allowed' if session.options.download else 'blocked'}",
    ]


def _source_markers(source: str) -> Iterator[pytest.MarkDecorator]:
    if source.startswith("synthetic"):
        yield pytest.mark.synthetic
        if source != "synthetic":
            yield pytest.mark.full
    elif source in (GENUINE, API, FIXTURE):
        yield getattr(pytest.mark, source)


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    session = session_of(metafunc.config)
    observes = metafunc.definition.get_closest_marker("observes")
    if observes is not None and "check" in metafunc.fixturenames:
        checks = session.checks(observes.args[0])
        metafunc.parametrize(
            "check",
            [pytest.param(c, id=c.id, marks=list(_source_markers(c.case.source))) for c in checks],
            indirect=True,
        )
    pass_count = session.options.benchmark_passes
    if pass_count > 1 and passes.PARAMETER in metafunc.fixturenames:
        metafunc.parametrize(passes.PARAMETER, [passes.Pass(i, pass_count) for i in range(pass_count)], ids=str)
    over = metafunc.definition.get_closest_marker("over")
    if over is not None and "case" in metafunc.fixturenames:
        cases = list(session.cases(over.args[0]))
        metafunc.parametrize(
            "case",
            [pytest.param(c, id=c.id, marks=list(_source_markers(c.source))) for c in cases],
            indirect=True,
        )


def _pass_of(item: pytest.Item) -> int:
    callspec = getattr(item, "callspec", None)
    return callspec.params[passes.PARAMETER].index if callspec and passes.PARAMETER in callspec.params else 0


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Benchmark passes run one after the other: every first pass, then every second, ..."""
    if session_of(config).options.benchmark_passes > 1:
        items.sort(key=_pass_of)


@pytest.fixture
def benchmark_pass(request: pytest.FixtureRequest) -> passes.Pass:
    """This benchmark item's pass (the only one when benchmarks are not timed or --benchmark-passes is 1)."""
    return getattr(request, "param", passes.Pass(0, 1))


@pytest.fixture(scope="session")
def planned_rounds() -> dict[str, int]:
    """Each benchmark's rounds, chosen in its first pass and kept for the later ones."""
    return {}


@pytest.fixture
def time_rounds(
    request: pytest.FixtureRequest,
    benchmark: Any,
    benchmark_pass: passes.Pass,
    planned_rounds: dict[str, int],
    suite: SuiteSession,
) -> Callable[..., Any]:
    """Time `call` in this pass's share of the rounds and return its last output.

    Rounds start from the same state (see benchmarking.Rounds); `prepare` gives each round's
    arguments, untimed. Without `rounds`, the first timed pass makes one untimed call that warms up
    and sizes them (choose_rounds); later passes, already warm, reuse that count. A smoke run (not
    timed) makes the one call only.
    """

    def run(call: Callable[..., Any], prepare: Callable[[], tuple[Any, ...]] = tuple, rounds: int | None = None) -> Any:
        timer = benchmarking.Rounds(call, freeze=suite.options.timing, prepare=prepare)
        if rounds is None:
            name = passes.merged_name(request.node.name)
            if name not in planned_rounds:
                planned_rounds[name] = benchmarking.choose_rounds(timer.probe()) if suite.options.timing else 1
            rounds = planned_rounds[name]
        benchmark.pedantic(timer.target, setup=timer.setup, rounds=benchmark_pass.share(rounds))
        return timer.output

    return run


FUNCTIONS_NEEDED = {"word_index": ("get_word_index",), "decoded_sample": ("load_data", "get_word_index")}


def _require_data(session: SuiteSession, case: Case, function: str) -> None:
    """Skip (or fail) when the dataset or its genuine files are not there; error on a corrupt file."""
    if case.source != GENUINE and not case.source.startswith("synthetic"):
        return
    missing = corrupt = None
    try:
        session.source(case.source).prepare(session.dataset(case.dataset), function)
    except SourceMissing as exc:
        missing = str(exc)
    except GenuineFileCorrupt as exc:
        corrupt = str(exc)
    if corrupt is not None:
        pytest.fail(corrupt, pytrace=False)
    if missing is not None and session.options.require_genuine:
        pytest.fail(f"{missing} (--require-genuine)", pytrace=False)
    if missing is not None:
        pytest.skip(missing)


class BoundCheck:
    """A check bound to the session, as a test receives it."""

    def __init__(self, session: SuiteSession, spec: Check) -> None:
        self.session, self.spec = session, spec

    def verify(self) -> None:
        self.session.verify(self.spec)


@pytest.fixture(scope="session")
def suite(request: pytest.FixtureRequest) -> SuiteSession:
    """The session: the Keras under test, sources, catalogue and records."""
    return session_of(request.config)


@pytest.fixture
def check(request: pytest.FixtureRequest, suite: SuiteSession) -> BoundCheck:
    spec: Check = request.param
    if spec.kind != "availability" and (reason := suite.absent_reason(spec.case.dataset)):
        pytest.skip(reason)
    for function in FUNCTIONS_NEEDED.get(spec.kind, ("load_data",)):
        _require_data(suite, spec.case, function)
    return BoundCheck(suite, spec)


@pytest.fixture
def case(request: pytest.FixtureRequest, suite: SuiteSession) -> Case:
    spec: Case = request.param
    if reason := suite.absent_reason(spec.dataset):
        pytest.skip(reason)
    _require_data(suite, spec, "load_data")
    return spec


@pytest.hookimpl(tryfirst=True)
def pytest_benchmark_group_stats(config: pytest.Config, benchmarks: list[dict[str, Any]], group_by: str) -> Any:
    """pytest-benchmark's terminal table with one row per benchmark, its passes pooled, as in the JSON."""
    pooled = {record.name: record.samples for record in session_of(config).benchmarks}
    return group_benchmark_rows(config=config, benchmarks=passes.merge_rows(benchmarks, pooled), group_by=group_by)


def pytest_benchmark_update_json(config: pytest.Config, benchmarks: list[Any], output_json: dict[str, Any]) -> None:
    """One JSON entry per benchmark, its passes' rounds pooled (see passes.merge_passes)."""
    output_json["benchmarks"] = passes.merge_passes(output_json["benchmarks"])


def pytest_benchmark_update_machine_info(config: pytest.Config, machine_info: dict[str, Any]) -> None:
    """Fingerprint every benchmark JSON with the stack and data it measured."""
    session = session_of(config)
    machine_info["keras_dataset_suite"] = {
        **session.kut.describe(),
        "image_data_format": session.image_data_format(),
        "data_sources": [session.options.benchmark_source, GENUINE],
        "genuine_cache": str(session.options.keras_cache or ""),
        "job": snapshot.job_id(),
        "benchmark_passes": session.options.benchmark_passes,
        "allocator": config.stash[ALLOCATOR],
    }


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    suite = session_of(session.config)
    if target := session.config.getoption("--snapshot"):
        snapshot.write(suite, Path(target), int(exitstatus))
    target = session.config.getoption("benchmark_json", None)
    if suite.benchmarks and target is not None:
        environment = {
            **suite.kut.describe(),
            "serving": str(suite.kut.serving),
            "passes": suite.options.benchmark_passes,
            "allocator": session.config.stash[ALLOCATOR],
        }
        Path(target).with_suffix(".md").write_text(benchmark_report.markdown(suite.benchmarks, environment))


def pytest_terminal_summary(terminalreporter: Any, config: pytest.Config) -> None:
    session = session_of(config)
    cache = session.options.keras_cache
    found, missing = [], []
    for dataset in session.catalogue:
        for file in dataset.files:
            (found if locate(cache, file) else missing).append(file.name)
    if session.imported:
        served = sorted({b.implementation.__name__.rsplit(".", 1)[0] for b in session.bindings()})
        terminalreporter.section("keras-dataset-suite: Keras under test")
        terminalreporter.write_line(f"{session.kut}: loaders served by {', '.join(served)}")
    terminalreporter.section("keras-dataset-suite: genuine data")
    terminalreporter.write_line(f"cache: {cache or f'{default_keras_cache()} (absent)'}")
    terminalreporter.write_line(f"present ({len(found)}): {', '.join(found) or '-'}")
    terminalreporter.write_line(f"absent ({len(missing)}), checks skipped: {', '.join(missing) or '-'}")
