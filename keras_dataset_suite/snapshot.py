"""One JSON record of everything a run observed, for the upgrade gate and the report.

The schema is `snapshot.schema.json` (next to this file); `schema_version` changes whenever a
field changes meaning. Sections: environment; API surface; download manifest; probes (every
call and API observation the catalogue defines, made on every stack whatever the facts' version
ranges, so two stacks can be compared key by key); per-case data summaries (per-array sha256,
shape, dtype and statistics); every check with its expectations and outcome; benchmarks.
"""

from __future__ import annotations

import datetime
import hashlib
import importlib.resources
import inspect
import json
import os
import platform
import socket
from pathlib import Path
from typing import Any

from keras_dataset_suite import __version__
from keras_dataset_suite.behaviour import requests_made
from keras_dataset_suite.catalogue import Fact
from keras_dataset_suite.observe import OBSERVERS, array_digest, observe, output_of
from keras_dataset_suite.session import API, FIXTURE, Case, SuiteSession

SCHEMA = "keras-dataset-suite/snapshot"
SCHEMA_VERSION = 1
FUNCTIONS = ("load_data", "get_word_index", "get_label_names")
STATISTICS = {
    "image": ("class_counts", "pixel_statistics", "duplicates"),
    "text": ("class_counts", "sequence_lengths", "duplicates"),
    "housing": ("target_statistics", "duplicates"),
}
PROBE_KINDS = ("repeat_extractions",)  # data observations about behaviour, not content


def catalogue_digest() -> str:
    """sha256 over the catalogue files: two snapshots are comparable only with the same facts."""
    digest = hashlib.sha256()
    folder = importlib.resources.files("keras_dataset_suite") / "catalogue"
    for name in sorted(entry.name for entry in folder.iterdir() if entry.name.endswith(".toml")):
        digest.update(name.encode() + (folder / name).read_bytes())
    return digest.hexdigest()


def job_id() -> str:
    """Which CI job (or machine boot) made the run: timings are only comparable within one."""
    for variable in ("GITHUB_RUN_ID", "CI_JOB_ID", "BUILD_ID", "KERAS_DATASET_SUITE_JOB"):
        if os.environ.get(variable):
            return f"{variable}={os.environ[variable]}"
    boot = Path("/proc/sys/kernel/random/boot_id")
    return f"{socket.gethostname()}:{boot.read_text().strip() if boot.exists() else 'unknown-boot'}"


def _environment(session: SuiteSession) -> dict[str, Any]:
    return {
        **session.kut.describe(),
        "image_data_format": session.image_data_format(),
        "platform": platform.platform(),
        "cpus": os.cpu_count(),
        "job": job_id(),
    }


def _signature(function: Any) -> dict[str, Any]:
    parameters = inspect.signature(function).parameters.values()
    return {
        "parameters": [p.name for p in parameters],
        "defaults": {p.name: repr(p.default) for p in parameters if p.default is not inspect.Parameter.empty},
    }


def _api(session: SuiteSession) -> dict[str, Any]:
    surface: dict[str, Any] = {"datasets": session.kut.datasets_present(), "functions": {}, "served_by": {}}
    for dataset in session.catalogue:
        binding = session.kut.binding(dataset.name)
        if binding is None:
            continue
        surface["functions"][dataset.name] = {
            name: _signature(binding.function(name)) for name in FUNCTIONS if binding.function(name) is not None
        }
        surface["served_by"][dataset.name] = binding.implementation.__name__
    return surface


def _manifest(session: SuiteSession, touched: set[str]) -> dict[str, Any]:
    manifest: dict[str, Any] = {}
    for dataset in session.catalogue:
        if session.kut.binding(dataset.name) is None or dataset.name not in touched:
            continue
        case = Case(dataset.name, dataset.configs[0].name, "synthetic")
        manifest[dataset.name] = {
            function: requests_made(session, case, function)
            for function in ("load_data", "get_word_index")
            if dataset.files_for(function)
        }
    return manifest


def _probe_source(fact: Fact) -> str:
    return {"api": API, "fixture": FIXTURE}.get(fact.needs, "synthetic")


def probe_key(kind: str, case: Case, params: dict[str, Any]) -> str:
    return f"{kind}:{case.dataset}:{case.config}:{case.source}:{json.dumps(params, sort_keys=True)}"


def _probes(session: SuiteSession, touched: set[str]) -> dict[str, Any]:
    """Every call/API observation of the catalogue for the datasets the run exercised, made on
    every stack whatever the facts' version ranges, keyed by what was asked."""
    probes: dict[str, Any] = {}
    for dataset in session.catalogue:
        if dataset.name not in touched:
            continue
        for fact in dataset.facts:
            if OBSERVERS[fact.observe].input not in ("api", "call") and fact.observe not in PROBE_KINDS:
                continue
            config = fact.configs[0] if fact.configs else dataset.configs[0].name
            case = Case(dataset.name, config, _probe_source(fact))
            key = probe_key(fact.observe, case, dict(fact.params))
            if key in probes:
                continue
            if fact.observe != "availability" and session.absent_reason(dataset.name):
                probes[key] = {"dataset_absent": True}
                continue
            fixture = fact.params.get("fixture") if case.source == FIXTURE else None
            probes[key] = _jsonable(observe(fact.observe, session.subject(case, fixture), fact.params))
    return probes


def _summary(session: SuiteSession, case: Case) -> dict[str, Any]:
    subject = session.subject(case)
    result = subject.result()
    arrays = {
        name: {
            "sha256": array_digest(array),
            "shape": list(getattr(array, "shape", [len(array)])),
            "dtype": str(getattr(array, "dtype", type(array).__name__)),
        }
        for name, array in output_of(result).named()
    }
    family = session.dataset(case.dataset).family
    statistics = {kind: _jsonable(observe(kind, subject)) for kind in STATISTICS[family]}
    return {"arrays": arrays, "statistics": statistics}


def _data(session: SuiteSession) -> dict[str, Any]:
    """Per case the run loaded: digests, shapes, dtypes and statistics, or the error it raised."""
    data: dict[str, Any] = {}
    for case in session.loaded_cases():
        call = session.subject(case).load()
        if call.error is not None:
            data[case.id] = {"error": f"{type(call.error).__name__}: {call.error}"}
        else:
            data[case.id] = _summary(session, case)
    return data


def _jsonable(value: Any) -> Any:
    return json.loads(json.dumps(value, default=repr))


def build(session: SuiteSession, exit_status: int) -> dict[str, Any]:
    touched = session.touched()
    return {
        "schema": SCHEMA,
        "schema_version": SCHEMA_VERSION,
        "suite": {"version": __version__, "catalogue_sha256": catalogue_digest()},
        "created": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
        "exit_status": exit_status,
        "options": {
            "keras_impl": session.options.keras_impl,
            "synthetic_sizes": list(session.options.synthetic_sizes),
            "genuine_cache": str(session.options.keras_cache or ""),
        },
        "environment": _environment(session),
        "api": _api(session),
        "manifest": _manifest(session, touched),
        "probes": _probes(session, touched),
        "data": _data(session),
        "checks": [
            {
                "id": record.check,
                "kind": record.kind,
                "dataset": record.case.dataset,
                "config": record.case.config,
                "source": record.case.source,
                "passed": record.passed,
                "expectations": _jsonable(record.expectations),
            }
            for record in session.records
        ],
        "benchmarks": {
            record.name: {
                "group": record.group,
                "dataset": record.dataset,
                "source": record.source,
                "kind": record.kind,
                "median": record.median,
                "samples": record.samples,
                "extra": _jsonable(record.extra),
            }
            for record in session.benchmarks
        },
    }


def write(session: SuiteSession, path: Path, exit_status: int) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(build(session, exit_status), indent=1, sort_keys=True))
