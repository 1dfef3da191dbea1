"""Do two benchmark runs on one machine agree? The measurement behind the README's noise figures.

Two back-to-back runs of the same stack should give the same median for every load long enough to
time well (over 50 ms); this tells, per benchmark, by how much they differ, for the median and for
the fastest round (which the host's slow stretches touch least).
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from keras_dataset_suite.errors import UsageError

LOAD_KINDS = ("warm", "first", "options")  # what calls the real loader; floors and the model do not


@dataclass(frozen=True)
class Agreement:
    """One benchmark in both runs: its medians and fastest rounds, in seconds."""

    name: str
    kind: str
    medians: tuple[float, float]
    fastest: tuple[float, float]

    @staticmethod
    def factor(pair: tuple[float, float]) -> float:
        """How many times the larger figure is the smaller one (1.0: identical)."""
        return max(pair) / min(pair)

    def agrees(self, tolerance: float) -> bool:
        return self.factor(self.medians) - 1 <= tolerance


def _rounds(run: dict[str, Any], path: Path) -> dict[str, tuple[str, list[float]]]:
    entries = run.get("benchmarks") if isinstance(run, dict) else None
    if not isinstance(entries, list):
        raise UsageError(
            f"{path}: not a pytest-benchmark JSON file (no 'benchmarks' list); write one with --benchmark-json"
        )
    try:
        return {b["name"]: (b.get("extra_info", {}).get("kind", "?"), list(b["stats"]["data"])) for b in entries}
    except (KeyError, TypeError, AttributeError) as error:
        raise UsageError(
            f"{path}: a benchmark entry has no name or no raw rounds (stats.data): {error!r}; "
            "compare the files pytest-benchmark writes with --benchmark-json"
        ) from error


def compare(first: dict[str, Any], second: dict[str, Any], over: float, paths: Sequence[Path]) -> list[Agreement]:
    """The benchmarks of both runs whose median is at least `over` seconds in either, in the first run's order."""
    a, b = _rounds(first, paths[0]), _rounds(second, paths[1])
    found = []
    for name, (kind, rounds) in a.items():
        if name not in b or not rounds or not b[name][1]:
            continue
        medians = (statistics.median(rounds), statistics.median(b[name][1]))
        if max(medians) >= over:
            found.append(Agreement(name, kind, medians, (min(rounds), min(b[name][1]))))
    return found


def report(agreements: list[Agreement], tolerance: float, over: float) -> str:
    """Markdown: one line per kind of benchmark, then every benchmark outside the tolerance."""
    lines = [
        f"# Run-to-run agreement: medians over {over * 1000:.0f} ms, tolerance {tolerance:.0%}",
        "",
        "| kind | benchmarks | medians within | worst median factor | worst fastest-round factor |",
        "|---|---:|---:|---:|---:|",
    ]
    for kind in sorted({a.kind for a in agreements}):
        group = [a for a in agreements if a.kind == kind]
        lines.append(
            f"| {kind}{' (load)' if kind in LOAD_KINDS else ''} | {len(group)} | "
            f"{sum(a.agrees(tolerance) for a in group)} | x{max(a.factor(a.medians) for a in group):.3f} | "
            f"x{max(a.factor(a.fastest) for a in group):.3f} |"
        )
    outside = [a for a in agreements if not a.agrees(tolerance)]
    if outside:
        lines += ["", "| outside the tolerance | run 1 median | run 2 median | factor |", "|---|---:|---:|---:|"]
        lines += [
            f"| {a.name} | {a.medians[0] * 1000:,.1f} ms | {a.medians[1] * 1000:,.1f} ms | x{a.factor(a.medians):.3f} |"
            for a in outside
        ]
    loads = [a for a in agreements if a.kind in LOAD_KINDS]
    lines += [
        "",
        f"{sum(a.agrees(tolerance) for a in loads)} of {len(loads)} load medians agree within {tolerance:.0%}; "
        f"{sum(a.agrees(tolerance) for a in agreements)} of {len(agreements)} benchmark medians in all.",
    ]
    return "\n".join(lines) + "\n"


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="keras-dataset-bench-agreement",
        description="Compare two benchmark runs of the same stack on the same machine: exit 0 when every load "
        "median over the threshold agrees within the tolerance, 1 when one does not, 2 on unusable input.",
    )
    parser.add_argument("runs", nargs=2, type=Path, metavar="RUN.json", help="two --benchmark-json files")
    parser.add_argument("--tolerance", type=float, default=0.10, help="largest accepted difference (default: 0.10)")
    parser.add_argument(
        "--over-ms", type=float, default=50.0, help="compare benchmarks whose median is at least this (default: 50)"
    )
    parser.add_argument("--markdown", type=Path, help="also write the report to this file")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        runs = []
        for path in args.runs:
            try:
                runs.append(json.loads(path.read_text()))
            except (OSError, json.JSONDecodeError) as error:
                raise UsageError(f"{path}: cannot read a benchmark JSON file ({error})") from error
        agreements = compare(runs[0], runs[1], args.over_ms / 1000, args.runs)
        if not agreements:
            raise UsageError(f"{args.runs[0]} and {args.runs[1]} have no benchmark over {args.over_ms:g} ms in common")
    except UsageError as error:
        print(f"keras-dataset-bench-agreement: {error}", file=sys.stderr)
        return 2
    text = report(agreements, args.tolerance, args.over_ms / 1000)
    print(text, end="")
    if args.markdown:
        args.markdown.write_text(text)
    return 0 if all(a.agrees(args.tolerance) for a in agreements if a.kind in LOAD_KINDS) else 1


if __name__ == "__main__":
    sys.exit(main())
