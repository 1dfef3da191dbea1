"""`keras-dataset-gate`: compare baseline and candidate snapshots; exit 0 pass, 1 regression, 2 unusable."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from keras_dataset_suite.gate import allowlist, differences, performance, summary
from keras_dataset_suite.snapshot import SCHEMA, SCHEMA_VERSION

PASS, REGRESSION, UNUSABLE = 0, 1, 2


class Unusable(Exception):
    """The input cannot be compared; the message says why and what to do."""


def _json(path: Path) -> Any:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise Unusable(f"cannot read {path}: {exc.strerror}") from exc
    except json.JSONDecodeError as exc:
        raise Unusable(f"{path} is not JSON ({exc}); was the run interrupted?") from exc


def _read_benchmarks(path: Path) -> dict[str, Any]:
    run = _json(path)
    if not isinstance(run, dict) or not isinstance(run.get("benchmarks"), list):
        raise Unusable(f"{path} is not a pytest-benchmark JSON file (write one with --benchmark-json=PATH)")
    return run


def _read(path: Path) -> dict[str, Any]:
    snapshot = _json(path)
    if not isinstance(snapshot, dict) or snapshot.get("schema") != SCHEMA:
        raise Unusable(f"{path} is not a keras-dataset-suite snapshot (write one with pytest --snapshot=PATH)")
    if snapshot.get("exit_status") not in (0, 1):
        raise Unusable(
            f"{path} records an incomplete run (pytest exit status {snapshot.get('exit_status')}: interrupted, "
            f"internal or usage error); fix the run and take the snapshot again"
        )
    if snapshot.get("schema_version") != SCHEMA_VERSION:
        raise Unusable(
            f"{path} has schema version {snapshot.get('schema_version')}, this gate reads {SCHEMA_VERSION}: "
            f"take both snapshots with the same version of the suite"
        )
    return snapshot


def _comparable(baseline: list[dict[str, Any]], candidate: list[dict[str, Any]]) -> None:
    first = baseline[0]
    for snapshot in baseline[1:] + candidate:
        if snapshot["suite"]["catalogue_sha256"] != first["suite"]["catalogue_sha256"]:
            raise Unusable(
                "the snapshots come from different versions of the suite's catalogue; "
                "rerun both sides with the same checkout"
            )
        if snapshot["options"]["synthetic_sizes"] != first["options"]["synthetic_sizes"]:
            raise Unusable("the snapshots used different --synthetic-size; rerun both sides with the same options")


def _jobs(snapshots: list[dict[str, Any]], runs: list[dict[str, Any]]) -> set[str]:
    return {s["environment"]["job"] for s in snapshots if s["benchmarks"]} | {performance.job_of_run(r) for r in runs}


def evaluate(
    baseline_paths: list[Path],
    candidate_paths: list[Path],
    allow_path: Path | None,
    thresholds: performance.Thresholds,
    baseline_runs_paths: Sequence[Path] = (),
    candidate_runs_paths: Sequence[Path] = (),
) -> tuple[int, str, dict[str, Any]]:
    """(exit code, Markdown summary, JSON verdict)."""
    try:
        baseline = [_read(p) for p in baseline_paths]
        candidate = [_read(p) for p in candidate_paths]
        baseline_runs = [_read_benchmarks(p) for p in baseline_runs_paths]
        candidate_runs = [_read_benchmarks(p) for p in candidate_runs_paths]
        _comparable(baseline, candidate)
        entries = allowlist.load(allow_path) if allow_path else []
    except (Unusable, allowlist.AllowListError) as exc:
        verdict = {
            "verdict": "unusable",
            "exit_code": UNUSABLE,
            "reason": str(exc),
            "headline": "The gate could not compare these inputs.",
        }
        return UNUSABLE, summary.markdown(verdict, [], [], [], thresholds), verdict
    found = differences.contract(baseline[0], candidate[0])
    timings: list[performance.Timing] = []
    note = ""
    jobs = _jobs(baseline + candidate, baseline_runs + candidate_runs)
    policies = {performance.allocator_of_run(r) for r in baseline_runs + candidate_runs}
    if len(policies) > 1:
        note = (
            f"Timings not compared: the benchmark runs used different malloc policies ({', '.join(sorted(policies))}); "
            "rerun both sides with the same --benchmark-allocator."
        )
    elif len(jobs) == 1:
        timings = performance.compare(
            performance.samples_per_run(baseline, baseline_runs),
            performance.samples_per_run(candidate, candidate_runs),
            thresholds,
        )
    elif jobs:
        note = "Timings not compared: the runs come from different jobs or machines (" + ", ".join(sorted(jobs)) + ")."
    stale = allowlist.apply(entries, [*found, *[t for t in timings if t.verdict == "slower"]])
    blocking = [d for d in found if d.allowed_by is None]
    slower = [t for t in timings if t.verdict == "slower" and t.allowed_by is None]
    code = REGRESSION if blocking or slower else PASS
    state = "regression" if code else "pass"
    accepted_slower = sum(t.verdict == "slower" and t.allowed_by is not None for t in timings)
    compared = sum(t.verdict != "not compared" for t in timings)
    if code:
        headline = f"{len(blocking)} contract difference(s) and {len(slower)} slower benchmark(s) need attention."
    else:
        headline = (
            f"No unaccepted difference: {len(found)} contract difference(s) and {accepted_slower} slower "
            f"benchmark(s) are allow-listed; no other of the {compared} benchmarks compared is "
            f"{thresholds.describe()}."
        )
    verdict = {
        "verdict": state,
        "exit_code": code,
        "headline": headline,
        "baseline": baseline[0]["environment"],
        "candidate": candidate[0]["environment"],
        "differences": [d.as_dict() for d in found],
        "performance": [t.as_dict() for t in timings],
        "performance_note": note,
        "stale_allow_entries": [e.pattern for e in stale],
    }
    return code, summary.markdown(verdict, found, timings, [e.pattern for e in stale], thresholds), verdict


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="keras-dataset-gate", description=__doc__)
    parser.add_argument(
        "--baseline",
        type=Path,
        action="append",
        required=True,
        help="snapshot of the current stack (repeat for interleaved benchmark runs)",
    )
    parser.add_argument(
        "--candidate",
        type=Path,
        action="append",
        required=True,
        help="snapshot of the proposed stack (repeat for interleaved benchmark runs)",
    )
    parser.add_argument(
        "--baseline-benchmarks",
        type=Path,
        action="append",
        default=[],
        help="pytest-benchmark JSON of the current stack (repeat for interleaved runs)",
    )
    parser.add_argument(
        "--candidate-benchmarks",
        type=Path,
        action="append",
        default=[],
        help="pytest-benchmark JSON of the proposed stack (repeat for interleaved runs)",
    )
    parser.add_argument("--allowlist", type=Path, help="TOML file of accepted differences, each with a reason")
    defaults = performance.Thresholds()
    parser.add_argument(
        "--factor",
        type=float,
        default=defaults.factor,
        help="slower by more than this factor fails, if significant (default %(default)s)",
    )
    parser.add_argument(
        "--alpha",
        type=float,
        default=defaults.alpha,
        help="significance level of the Mann-Whitney U test (default %(default)s)",
    )
    parser.add_argument(
        "--min-delta-ms",
        type=float,
        default=defaults.min_delta * 1000,
        help="and by more than this many milliseconds per call (default %(default)s)",
    )
    parser.add_argument("--markdown", type=Path, help="also write the summary here (e.g. for $GITHUB_STEP_SUMMARY)")
    parser.add_argument("--json", type=Path, help="write the JSON verdict here")
    args = parser.parse_args(argv)
    code, text, verdict = evaluate(
        args.baseline,
        args.candidate,
        args.allowlist,
        performance.Thresholds(args.factor, args.alpha, args.min_delta_ms / 1000),
        args.baseline_benchmarks,
        args.candidate_benchmarks,
    )
    sys.stdout.write(text)
    if code == UNUSABLE:
        sys.stderr.write(f"keras-dataset-gate: {verdict['reason']}\n")
    if args.markdown:
        args.markdown.write_text(text, encoding="utf-8")
    if args.json:
        args.json.write_text(json.dumps(verdict, indent=1, default=str), encoding="utf-8")
    return code


if __name__ == "__main__":
    sys.exit(main())
