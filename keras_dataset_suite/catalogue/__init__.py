"""The catalogue of documented facts: one TOML file per dataset, every fact with its source.

Facts are data so that adding a dataset or a fact is one entry, and so that the expected values
never come from the Keras under test. `needs` says which data a fact holds for:

* ``api``: no data at all (docstrings, signatures, errors raised before any download);
* ``any``: every byte-compatible file, synthetic or genuine (format facts);
* ``full``: files of the documented size (genuine, or synthetic at full size);
* ``genuine``: only the genuine file (content facts);
* ``fixture``: a small test vector defined in the dataset's ``[fixtures]`` table.

TOML has no null, so the string ``"None"`` in a ``kwargs`` table stands for Python's ``None``.
A string ``"@class_names"`` (or another name list of ``[dataset]``) in an expected value stands
for that list, so names are written once.
"""

from __future__ import annotations

import functools
import re
import tomllib
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from importlib import resources
from typing import Any

from keras_dataset_suite.errors import CatalogueError
from keras_dataset_suite.versions import Serving, VersionRange

NEEDS = ("api", "any", "full", "genuine", "fixture")
DATA_FUNCTIONS = ("load_data", "get_word_index")
NAME_LISTS = ("class_names", "coarse_class_names")


@dataclass(frozen=True)
class Config:
    """A named set of loader arguments (and the image data format it runs under)."""

    name: str
    kwargs: Mapping[str, Any] = field(default_factory=dict)
    image_data_format: str | None = None


@dataclass(frozen=True)
class FileRequest:
    """How one Keras code line asks `get_file` for a file, and where the file then sits."""

    fname: str
    cache_path: str
    versions: VersionRange = field(default_factory=VersionRange)
    cache_subdir: str = "datasets"
    extract: bool = False
    extracted_to: str | None = None


@dataclass(frozen=True)
class DatasetFile:
    """One downloadable file: origin, the hash Keras pins, and its cache names per version."""

    role: str
    origin: str
    source: str
    requests: tuple[FileRequest, ...]
    function: str = "load_data"
    hash: str | None = None
    published_md5: str | None = None

    @property
    def name(self) -> str:
        return self.origin.rsplit("/", 1)[-1]

    @property
    def verification(self) -> tuple[str, str]:
        """(algorithm, hex digest) that a genuine copy must match before any loader sees it."""
        if self.hash is not None:
            return ("sha256" if len(self.hash) == 64 else "md5", self.hash)
        assert self.published_md5 is not None
        return ("md5", self.published_md5)

    def request_for(self, serving: Serving) -> FileRequest:
        for request in self.requests:
            if request.versions.matches(serving):
                return request
        raise CatalogueError(
            f"no [[files]] requests entry of {self.name} holds for {serving}: add one with that version range "
            f"(its fname and cache_path) to the dataset's catalogue file"
        )


@dataclass(frozen=True)
class Fact:
    """One documented fact: what to observe, the expected value, where it holds, its source."""

    id: str
    dataset: str
    observe: str
    expected: Any
    needs: str
    source: str
    configs: tuple[str, ...] | None = None
    params: Mapping[str, Any] = field(default_factory=dict)
    tolerance: Mapping[str, float] = field(default_factory=dict)
    versions: VersionRange = field(default_factory=VersionRange)

    def applies_to(self, config: str) -> bool:
        return self.configs is None or config in self.configs

    def holds_for(self, serving: Serving) -> bool:
        return self.versions.matches(serving)


@dataclass(frozen=True)
class Erratum:
    """A claim in the Keras docs or the seed article that the real behaviour contradicts."""

    id: str
    dataset: str
    claimed_by: str
    where: str
    claim: str
    truth: str
    evidence: tuple[str, ...]
    versions: VersionRange = field(default_factory=VersionRange)


@dataclass(frozen=True)
class Quirk:
    """A version-specific loader behaviour, by the name the reference models know it."""

    name: str
    source: str
    versions: VersionRange = field(default_factory=VersionRange)


@dataclass(frozen=True)
class Dataset:
    """Everything the catalogue knows about one dataset."""

    name: str
    family: str
    task: str
    title: str
    configs: tuple[Config, ...]
    files: tuple[DatasetFile, ...]
    facts: tuple[Fact, ...]
    errata: tuple[Erratum, ...]
    fixtures: Mapping[str, Mapping[str, Any]]
    quirks: tuple[Quirk, ...] = ()
    class_names: tuple[str, ...] | None = None
    coarse_class_names: tuple[str, ...] | None = None

    def config(self, name: str) -> Config:
        for config in self.configs:
            if config.name == name:
                return config
        raise KeyError(f"{self.name} has no configuration {name!r}")

    def files_for(self, function: str = "load_data") -> tuple[DatasetFile, ...]:
        return tuple(f for f in self.files if f.function == function)

    def quirks_for(self, serving: Serving) -> frozenset[str]:
        return frozenset(q.name for q in self.quirks if q.versions.matches(serving))


@dataclass(frozen=True)
class Catalogue:
    """All datasets, in a stable order, plus the reference list that sources cite."""

    datasets: Mapping[str, Dataset]
    references: Mapping[str, Mapping[str, str]]

    def __iter__(self) -> Iterator[Dataset]:
        return iter(self.datasets.values())

    def facts(self) -> Iterator[Fact]:
        for dataset in self:
            yield from dataset.facts

    def fact(self, fact_id: str) -> Fact:
        for fact in self.facts():
            if fact.id == fact_id:
                return fact
        raise KeyError(fact_id)

    def errata(self) -> Iterator[Erratum]:
        for dataset in self:
            yield from dataset.errata


DATASET_ORDER = (
    "mnist",
    "fashion_mnist",
    "cifar10",
    "cifar100",
    "imdb",
    "reuters",
    "boston_housing",
    "california_housing",
)


CITATION = re.compile(r"(?:^|; )([a-z][a-z0-9-]*): ")


def cited_keys(source: str) -> list[str]:
    """The reference keys a source cites: 'key: detail; other-key: detail'."""
    return CITATION.findall(source)


def _none_strings(kwargs: Mapping[str, Any]) -> dict[str, Any]:
    return {k: (None if v == "None" else v) for k, v in kwargs.items()}


def _resolve_refs(value: Any, head: Mapping[str, Any], where: str) -> Any:
    if isinstance(value, str) and value.startswith("@"):
        if value[1:] not in NAME_LISTS or value[1:] not in head:
            raise CatalogueError(f"{where}: {value} names no list of the dataset's [dataset] table")
        return list(head[value[1:]])
    if isinstance(value, dict):
        return {k: _resolve_refs(v, head, where) for k, v in value.items()}
    if isinstance(value, list):
        return [_resolve_refs(v, head, where) for v in value]
    return value


class _Reader:
    """Builds typed entries from one TOML document and says exactly where it is malformed."""

    def __init__(self, filename: str, references: Mapping[str, Any]) -> None:
        self.filename = filename
        self.references = references

    def fail(self, where: str, problem: str) -> CatalogueError:
        return CatalogueError(f"catalogue/{self.filename}, {where}: {problem}")

    def require(self, table: Mapping[str, Any], key: str, where: str) -> Any:
        if key not in table:
            raise self.fail(where, f"missing required key {key!r}")
        return table[key]

    def citation(self, text: str, where: str) -> str:
        keys = cited_keys(text)
        if not keys or not text.startswith(keys[0]):
            raise self.fail(where, f"source {text!r} must start with a reference key ({', '.join(self.references)})")
        unknown = [key for key in keys if key not in self.references]
        if unknown:
            raise self.fail(where, f"source cites {unknown}, which references.toml does not define")
        return text

    def versions(self, table: Mapping[str, Any], where: str) -> VersionRange:
        try:
            return VersionRange.parse(table.get("versions"))
        except ValueError as exc:
            raise self.fail(where, str(exc)) from exc

    def dataset(self, doc: Mapping[str, Any]) -> Dataset:
        head = self.require(doc, "dataset", "top level")
        name = self.require(head, "name", "[dataset]")
        class_names = tuple(head["class_names"]) if "class_names" in head else None
        if class_names is not None:
            self.citation(self.require(head, "class_names_source", "[dataset]"), "[dataset]")
        configs = tuple(
            Config(
                name=self.require(c, "name", f"[[configs]] #{i}"),
                kwargs=_none_strings(c.get("kwargs", {})),
                image_data_format=c.get("image_data_format"),
            )
            for i, c in enumerate(self.require(doc, "configs", "top level"))
        )
        config_names = {c.name for c in configs}
        files = tuple(self.file(f, i) for i, f in enumerate(doc.get("files", [])))
        facts = tuple(self.fact(name, f, config_names, head, doc) for f in doc.get("facts", []))
        errata = tuple(self.erratum(name, e) for e in doc.get("errata", []))
        return Dataset(
            name=name,
            family=self.require(head, "family", "[dataset]"),
            task=self.require(head, "task", "[dataset]"),
            title=self.require(head, "title", "[dataset]"),
            configs=configs,
            files=files,
            facts=facts,
            errata=errata,
            fixtures={k: dict(v) for k, v in doc.get("fixtures", {}).items()},
            quirks=tuple(self.quirk(q) for q in doc.get("quirks", [])),
            class_names=class_names,
            coarse_class_names=tuple(head["coarse_class_names"]) if "coarse_class_names" in head else None,
        )

    def file(self, table: Mapping[str, Any], index: int) -> DatasetFile:
        where = f"[[files]] #{index}"
        function = table.get("function", "load_data")
        if function not in DATA_FUNCTIONS:
            raise self.fail(where, f"function must be one of {DATA_FUNCTIONS}")
        if table.get("hash") is None and table.get("published_md5") is None:
            raise self.fail(where, "a file needs the hash Keras pins or a published md5")
        requests = tuple(
            FileRequest(
                fname=self.require(r, "fname", where),
                cache_path=self.require(r, "cache_path", where),
                versions=self.versions(r, where),
                cache_subdir=r.get("cache_subdir", "datasets"),
                extract=bool(r.get("extract", False)),
                extracted_to=r.get("extracted_to"),
            )
            for r in self.require(table, "requests", where)
        )
        return DatasetFile(
            role=table.get("role", "data"),
            origin=self.require(table, "origin", where),
            source=self.citation(self.require(table, "source", where), where),
            requests=requests,
            function=function,
            hash=table.get("hash"),
            published_md5=table.get("published_md5"),
        )

    def fact(
        self,
        dataset: str,
        table: Mapping[str, Any],
        config_names: set[str],
        head: Mapping[str, Any],
        doc: Mapping[str, Any],
    ) -> Fact:
        fact_id = self.require(table, "id", "[[facts]]")
        where = f"fact {fact_id}"
        if not fact_id.startswith(dataset + "."):
            raise self.fail(where, f"fact ids start with the dataset name ({dataset}.)")
        needs = self.require(table, "needs", where)
        if needs not in NEEDS:
            raise self.fail(where, f"needs must be one of {NEEDS}, not {needs!r}")
        configs = table.get("configs")
        if configs is not None and not set(configs) <= config_names:
            raise self.fail(where, f"unknown configs {sorted(set(configs) - config_names)}")
        params = dict(table.get("params", {}))
        if "kwargs" in params:
            params["kwargs"] = _none_strings(params["kwargs"])
        if needs == "fixture" and params.get("fixture") not in doc.get("fixtures", {}):
            raise self.fail(where, "needs = 'fixture' requires params.fixture naming a [fixtures] table")
        return Fact(
            id=fact_id,
            dataset=dataset,
            observe=self.require(table, "observe", where),
            expected=_resolve_refs(self.require(table, "expected", where), head, where),
            needs=needs,
            source=self.citation(self.require(table, "source", where), where),
            configs=tuple(configs) if configs is not None else None,
            params=params,
            tolerance=dict(table.get("tolerance", {})),
            versions=self.versions(table, where),
        )

    def quirk(self, table: Mapping[str, Any]) -> Quirk:
        name = self.require(table, "name", "[[quirks]]")
        where = f"quirk {name}"
        return Quirk(name, self.citation(self.require(table, "source", where), where), self.versions(table, where))

    def erratum(self, dataset: str, table: Mapping[str, Any]) -> Erratum:
        erratum_id = self.require(table, "id", "[[errata]]")
        where = f"erratum {erratum_id}"
        claimed_by = self.require(table, "claimed_by", where)
        if claimed_by not in ("keras-doc", "seed"):
            raise self.fail(where, "claimed_by must be 'keras-doc' or 'seed'")
        return Erratum(
            id=erratum_id,
            dataset=dataset,
            claimed_by=claimed_by,
            where=self.require(table, "where", where),
            claim=self.require(table, "claim", where),
            truth=self.require(table, "truth", where),
            evidence=tuple(self.require(table, "evidence", where)),
            versions=self.versions(table, where),
        )


def _read_toml(name: str) -> dict[str, Any]:
    text = resources.files(__package__).joinpath(name).read_text(encoding="utf-8")
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise CatalogueError(f"catalogue/{name} is not valid TOML: {exc}") from exc


def _check_cross_references(catalogue: Catalogue) -> None:
    seen: set[str] = set()
    for fact in catalogue.facts():
        if fact.id in seen:
            raise CatalogueError(f"fact id {fact.id} appears twice in the catalogue")
        seen.add(fact.id)
    for erratum in catalogue.errata():
        missing = [e for e in erratum.evidence if e not in seen]
        if missing:
            raise CatalogueError(f"erratum {erratum.id} cites unknown evidence facts {missing}")


@functools.cache
def load_catalogue() -> Catalogue:
    """Read and validate every catalogue file once per process."""
    references = _read_toml("references.toml")
    datasets = {}
    for name in DATASET_ORDER:
        reader = _Reader(f"{name}.toml", references)
        datasets[name] = reader.dataset(_read_toml(f"{name}.toml"))
    catalogue = Catalogue(datasets=datasets, references=references)
    _check_cross_references(catalogue)
    return catalogue
