"""One test session: the Keras under test, the data sources, the checks, and what they observed.

A *check* is one observation kind on one dataset, configuration and source, compared with every
expectation that applies: the reference model (synthetic data) and the catalogue facts whose
`needs`, configurations and version range fit. Checks are generated from the catalogue, so
adding a fact adds (or extends) a test without touching any test file.
"""

from __future__ import annotations

import json
import shutil
import tempfile
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from keras_dataset_suite import allocator, battery
from keras_dataset_suite.catalogue import Catalogue, Config, Dataset, Fact, load_catalogue
from keras_dataset_suite.compare import Mismatch, compare, explain
from keras_dataset_suite.errors import UsageError
from keras_dataset_suite.harness import GeneratedFiles, Harness
from keras_dataset_suite.keras_under_test import KerasUnderTest, LoaderBinding, import_keras
from keras_dataset_suite.observe import OBSERVERS, PRIVATE_PREFIX, observe
from keras_dataset_suite.passes import merged_name, pooled_extra
from keras_dataset_suite.sources import FixtureSource, GenuineSource, Prepared, SyntheticSource
from keras_dataset_suite.subjects import KerasSubject, ModelSubject, Placement

API, FIXTURE, GENUINE = "api", "fixture", "genuine"
Source = SyntheticSource | GenuineSource | FixtureSource
SOURCES_FOR_NEEDS = {
    "any": ("synthetic", "synthetic-full", GENUINE),
    "full": ("synthetic-full", GENUINE),
    "genuine": (GENUINE,),
    "api": (API,),
    "fixture": (FIXTURE,),
}
PER_FACT_INPUTS = ("call", "api")


@dataclass(frozen=True)
class Options:
    """The command-line choices that shape a session."""

    keras_impl: str = "tensorflow.keras"
    keras_cache: Path | None = None
    synthetic_sizes: tuple[str, ...] = ("small",)
    require_genuine: bool = False
    download: bool = False
    benchmark_source: str = "synthetic"  # full-size data when benchmarks really run
    benchmark_passes: int = 1
    benchmark_allocator: str = allocator.SYSTEM  # the --benchmark-allocator choice when timing

    @property
    def timing(self) -> bool:
        """Benchmarks really run (--benchmark-enable), rather than once each as smoke tests."""
        return self.benchmark_source != "synthetic"


@dataclass(frozen=True)
class Case:
    """A dataset, a configuration and a data source: one load of the real loader."""

    dataset: str
    config: str
    source: str

    @property
    def id(self) -> str:
        return f"{self.dataset}-{self.config}-{self.source}"


@dataclass(frozen=True)
class Check:
    """One observation kind on one case, and the expectations it is compared with."""

    kind: str
    case: Case
    facts: tuple[str, ...] = ()
    against_model: bool = False
    label: str | None = None

    @property
    def id(self) -> str:
        if self.label is None:
            return self.case.id
        return f"{self.case.dataset}-{self.label}-{self.case.source}"


@dataclass
class Record:
    """What one check saw, for the run's snapshot: each expectation with the observation it met."""

    check: str
    kind: str
    case: Case
    expectations: list[dict[str, Any]]
    passed: bool


@dataclass
class BenchmarkRecord:
    """One benchmark's timings (raw rounds kept for the gate's significance test) and findings."""

    name: str
    group: str
    dataset: str
    source: str
    kind: str
    samples: list[float]
    extra: dict[str, Any]

    @property
    def median(self) -> float:
        ordered = sorted(self.samples)
        middle = len(ordered) // 2
        return ordered[middle] if len(ordered) % 2 else (ordered[middle - 1] + ordered[middle]) / 2


class _Fixture:
    """Adapts one catalogue fixture to the placement interface subjects use."""

    def __init__(self, source: FixtureSource, fixture: str) -> None:
        self.source, self.fixture = source, fixture

    def prepare(self, dataset: Dataset, function: str = "load_data") -> Prepared:
        return self.source.prepare_fixture(dataset, self.fixture)


class _Empty:
    """An empty private home, for calls that must fail before they need any file."""

    def __init__(self, home: Path) -> None:
        self.home = home

    def prepare(self, dataset: Dataset, function: str = "load_data") -> Prepared:
        self.home.mkdir(parents=True, exist_ok=True)
        return Prepared(self.home, {})


class SuiteSession:
    """Everything a test session shares; built lazily so that `--help` never imports Keras."""

    def __init__(self, options: Options, root: Path | None = None) -> None:
        self.options = options
        self.catalogue: Catalogue = load_catalogue()
        self.root = root or Path(tempfile.mkdtemp(prefix=PRIVATE_PREFIX))
        self.generated = GeneratedFiles()
        self.harness = Harness(self.generated, allow_download=options.download)
        self.records: list[Record] = []
        self.benchmarks: list[BenchmarkRecord] = []
        self._kut: KerasUnderTest | None = None
        self._sources: dict[str, Source] = {}
        self._subjects: dict[tuple[str, str], KerasSubject] = {}
        self._models: dict[str, ModelSubject] = {}

    # ---- the subject and its data ------------------------------------------------------------

    @property
    def kut(self) -> KerasUnderTest:
        if self._kut is None:
            self._kut = import_keras(self.options.keras_impl)
        return self._kut

    @property
    def imported(self) -> bool:
        """Whether this process imported the Keras under test (an xdist controller does not)."""
        return self._kut is not None

    def bindings(self) -> list[LoaderBinding]:
        return [b for d in self.catalogue if (b := self.kut.binding(d.name)) is not None]

    @property
    def data_sources(self) -> tuple[str, ...]:
        names = tuple("synthetic" if size == "small" else f"synthetic-{size}" for size in self.options.synthetic_sizes)
        return (*names, GENUINE)

    def source(self, name: str) -> Source:
        if name not in self._sources:
            serving = self.kut.serving
            if name == GENUINE:
                self._sources[name] = GenuineSource(self.options.keras_cache, self.root, serving, self.options.download)
            elif name == FIXTURE:
                self._sources[name] = FixtureSource(self.root, serving, self.generated)
            elif name.startswith("synthetic"):
                size = "small" if name == "synthetic" else name.split("-", 1)[1]
                self._sources[name] = SyntheticSource(size, self.root, serving, self.generated)
            else:
                raise UsageError(f"unknown data source {name!r}")
        return self._sources[name]

    def dataset(self, name: str) -> Dataset:
        return self.catalogue.datasets[name]

    def config(self, case: Case) -> Config:
        dataset = self.dataset(case.dataset)
        return dataset.config(case.config) if case.config in {c.name for c in dataset.configs} else dataset.configs[0]

    def subject(self, case: Case, fixture: str | None = None) -> KerasSubject:
        """The real loader on this case (cached, so a case is loaded once per session)."""
        key = (case.id, fixture or "")
        if key not in self._subjects:
            dataset = self.dataset(case.dataset)
            if case.source == API:
                placement: Placement = _Empty(self.root / API)
            elif case.source == FIXTURE:
                assert fixture is not None
                placement = _Fixture(self.source(FIXTURE), fixture)
            else:
                placement = self.source(case.source)
            self._subjects[key] = KerasSubject(dataset, self.config(case), self.kut, self.harness, placement)
        return self._subjects[key]

    def touched(self) -> set[str]:
        """Datasets this session has exercised (a snapshot records only what the run looked at)."""
        return {subject.dataset for subject in self._subjects.values()}

    def loaded_cases(self) -> list[Case]:
        """Cases whose default load ran in this session, in catalogue order."""
        loaded = {key[0] for key, subject in self._subjects.items() if subject.loaded}
        return [case for case in self.cases("cases") if case.id in loaded]

    def model(self, case: Case) -> ModelSubject:
        """The reference model on exactly what the synthetic source wrote for this case."""
        if case.id not in self._models:
            dataset = self.dataset(case.dataset)
            prepared = self.source(case.source).prepare(dataset)
            quirks = dataset.quirks_for(self.kut.serving)
            self._models[case.id] = ModelSubject(dataset, self.config(case), prepared, quirks)
        return self._models[case.id]

    # ---- generating checks ---------------------------------------------------------------------

    def cases(self, selector: str = "cases") -> Iterator[Case]:
        """'cases': every dataset x configuration x data source; 'seeded': only the datasets whose
        load_data takes a seed; 'datasets': the first configuration of each dataset; 'benchmarks':
        that, on the benchmark data (full-size synthetic when timing) and the genuine files."""
        if selector not in ("cases", "seeded", "datasets", "benchmarks"):
            raise UsageError(f"unknown case selector {selector!r}; use cases, seeded, datasets or benchmarks")
        sources = (self.options.benchmark_source, GENUINE) if selector == "benchmarks" else self.data_sources
        for dataset in self.catalogue:
            if selector == "seeded" and dataset.name not in battery.SEEDED:
                continue
            configs = dataset.configs if selector in ("cases", "seeded") else dataset.configs[:1]
            for config in configs:
                for source in sources:
                    yield Case(dataset.name, config.name, source)

    def _facts(self, dataset: Dataset, kind: str) -> list[Fact]:
        return [f for f in dataset.facts if f.observe == kind and f.holds_for(self.kut.serving)]

    def checks(self, kind: str) -> list[Check]:
        """Every check of one observation kind, in catalogue order."""
        observed_input = OBSERVERS[kind].input
        checks: list[Check] = []
        for dataset in self.catalogue:
            facts = self._facts(dataset, kind)
            per_fact = observed_input in PER_FACT_INPUTS or any(f.params for f in facts)
            if per_fact:
                checks.extend(self._per_fact_checks(dataset, facts))
            else:
                checks.extend(self._per_case_checks(dataset, kind, facts, observed_input))
        return checks

    def _per_fact_checks(self, dataset: Dataset, facts: list[Fact]) -> Iterator[Check]:
        for fact in facts:
            config = fact.configs[0] if fact.configs else dataset.configs[0].name
            label = fact.id.split(".", 1)[1]
            for source in SOURCES_FOR_NEEDS[fact.needs]:
                if source in (API, FIXTURE) or source in self.data_sources:
                    yield Check(fact.observe, Case(dataset.name, config, source), (fact.id,), label=label)

    def _per_case_checks(self, dataset: Dataset, kind: str, facts: list[Fact], observed_input: str) -> Iterator[Check]:
        modelled = kind in battery.model_kinds(dataset.family)
        configs = dataset.configs if observed_input == "data" else dataset.configs[:1]
        for config in configs:
            for source in self.data_sources:
                applicable = tuple(
                    f.id for f in facts if f.applies_to(config.name) and source in SOURCES_FOR_NEEDS[f.needs]
                )
                against_model = modelled and source.startswith("synthetic")
                if applicable or against_model:
                    yield Check(kind, Case(dataset.name, config.name, source), applicable, against_model)

    # ---- running a check -----------------------------------------------------------------------

    def image_data_format(self) -> str | None:
        """The default image data format of the Keras under test (the CIFAR layout without a config)."""
        backend = self.kut.binding("cifar10").backend if self.kut.binding("cifar10") else None
        return backend.image_data_format() if backend is not None else None

    def absent_reason(self, dataset: str) -> str | None:
        if self.kut.binding(dataset) is not None:
            return None
        facts = [f.id for f in self._facts(self.dataset(dataset), "availability")]
        recorded = f"; {', '.join(facts)} records this" if facts else ""
        return f"{self.kut} has no {dataset} loader{recorded}"

    def verify(self, check: Check) -> None:
        """Compare the observation with every expectation; raise AssertionError listing all mismatches."""
        subject = self.subject(check.case, self._fixture_of(check))
        observations: dict[str, Any] = {}

        def observed(params: Mapping[str, Any]) -> Any:
            """One observation per distinct set of parameters, however many facts compare with it."""
            key = json.dumps(params, sort_keys=True, default=str)
            if key not in observations:
                observations[key] = observe(check.kind, subject, params)
            return observations[key]

        outcomes: list[tuple[str, list[Mismatch]]] = []
        expectations: list[dict[str, Any]] = []
        if check.against_model:
            expected = observe(check.kind, self.model(check.case))
            outcomes.append(("the reference model", compare(expected, observed({}))))
            expectations.append({"from": "model", "expected": expected, "observed": observed({})})
        for fact_id in check.facts:
            fact = self.catalogue.fact(fact_id)
            seen = observed(fact.params)
            outcomes.append((f"fact {fact.id} ({fact.source})", compare(fact.expected, seen, fact.tolerance)))
            expectations.append({"from": fact.id, "expected": fact.expected, "observed": seen})
        failed = [(what, mismatches) for what, mismatches in outcomes if mismatches]
        self.records.append(Record(f"{check.kind}[{check.id}]", check.kind, check.case, expectations, not failed))
        if failed:
            raise AssertionError(self._message(check, failed))

    def _fixture_of(self, check: Check) -> str | None:
        if check.case.source != FIXTURE:
            return None
        return self.catalogue.fact(check.facts[0]).params["fixture"]

    def _message(self, check: Check, failed: list[tuple[str, list[Mismatch]]]) -> str:
        case = check.case
        lines = [f"{check.kind} of {case.dataset} [{case.config}] on {case.source} data differs ({self.kut}):"]
        for what, mismatches in failed:
            lines.append(f"  against {what}:")
            lines.append(explain(mismatches))
        return "\n".join(lines)

    def record_benchmark(self, benchmark: Any, case: Case, kind: str) -> None:
        """Keep a timed benchmark's raw rounds and findings (nothing when benchmarks are disabled).

        The passes of one benchmark become one record: their rounds are pooled, and what an earlier
        pass found (the first pass alone measures peak memory) stays.
        """
        stats = getattr(benchmark, "stats", None)
        if stats is None:
            return
        name = merged_name(benchmark.name)
        earlier = next((r for r in self.benchmarks if r.name == name), None)
        if earlier is not None:
            earlier.samples.extend(stats.stats.data)
            earlier.extra = pooled_extra(earlier.extra, benchmark.extra_info)
            return
        self.benchmarks.append(
            BenchmarkRecord(
                name=name,
                group=benchmark.group or "",
                dataset=case.dataset,
                source=case.source,
                kind=kind,
                samples=list(stats.stats.data),
                extra=dict(benchmark.extra_info),
            )
        )

    def close(self) -> None:
        shutil.rmtree(self.root, ignore_errors=True)
