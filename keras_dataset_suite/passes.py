"""Benchmark passes: the benchmark suite runs several times over and each benchmark's rounds are pooled.

As asv's rounds: each benchmark's rounds are split among passes that run the whole benchmark suite
one after the other. The speed of these shared VMs drifts by 10-25% over tens of seconds; rounds
taken minutes apart and pooled average that drift out, where more rounds in a row cannot.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from pytest_benchmark.stats import Stats

DEFAULT_PASSES = 4
PARAMETER = "benchmark_pass"  # the fixture that parametrizes a benchmark by its pass
_PASS_ID = re.compile(r"(?<=\[)pass\d+of\d+(?:-|(?=\]))|-pass\d+of\d+")


@dataclass(frozen=True)
class Pass:
    """Which pass of the benchmark suite a benchmark item belongs to."""

    index: int
    count: int

    def __str__(self) -> str:
        return f"pass{self.index + 1}of{self.count}"

    @property
    def first(self) -> bool:
        return self.index == 0

    def share(self, rounds: int) -> int:
        """This pass's share of a benchmark's rounds (at least one)."""
        return math.ceil(rounds / self.count)


def merged_name(name: str) -> str:
    """A benchmark's name without its pass: 'test_x[a-pass2of3]' -> 'test_x[a]', 'test_x[pass1of3]' -> 'test_x'."""
    return _PASS_ID.sub("", name).replace("[]", "")


def pooled_extra(earlier: dict[str, Any], later: dict[str, Any]) -> dict[str, Any]:
    """A later pass's extra_info adds to an earlier one's; what the earlier found stays, because only
    the first pass measures peak memory and what an option set does to the data."""
    return {**later, **earlier}


def _without_pass(entry: dict[str, Any]) -> dict[str, Any]:
    """A pytest-benchmark entry (JSON or terminal-table row) named as the benchmark, not its pass."""
    name = merged_name(entry["name"])
    return {
        **entry,
        "name": name,
        "fullname": merged_name(entry["fullname"]),
        "param": name.partition("[")[2].removesuffix("]") or None,
        "params": {k: v for k, v in (entry.get("params") or {}).items() if k != PARAMETER} or None,
    }


def _stats(rounds: list[float]) -> dict[str, Any]:
    stats = Stats()
    for duration in rounds:
        stats.update(duration)
    return stats.as_dict()


def merge_passes(entries: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """pytest-benchmark JSON entries with each benchmark's passes made one entry, so the JSON's stats
    are the pooled ones the table shows; `rounds_per_pass` in extra_info tells the passes apart."""
    merged: dict[str, dict[str, Any]] = {}
    data: dict[str, list[float]] = {}
    for entry in entries:
        name = merged_name(entry["name"])
        rounds = entry["stats"]["data"]
        if name not in merged:
            merged[name] = {**_without_pass(entry), "extra_info": {**entry["extra_info"], "rounds_per_pass": []}}
            data[name] = []
        else:
            merged[name]["extra_info"] = pooled_extra(merged[name]["extra_info"], entry["extra_info"])
        merged[name]["extra_info"]["rounds_per_pass"].append(len(rounds))
        data[name].extend(rounds)
    for name, entry in merged.items():
        entry["stats"] = {**_stats(data[name]), "data": data[name], "iterations": entry["stats"].get("iterations", 1)}
    return list(merged.values())


def merge_rows(rows: list[dict[str, Any]], pooled: Mapping[str, list[float]]) -> list[dict[str, Any]]:
    """pytest-benchmark's terminal-table rows of this run with a benchmark's passes made one row, its
    stats from the `pooled` rounds (by benchmark name). Other rows (benchmarks the suite did not
    record, rows compared from an older file) stay as they are."""
    merged: dict[tuple[str, Any], dict[str, Any]] = {}
    for row in rows:
        name = merged_name(row["name"])
        if row.get("path") is not None or name == row["name"] or name not in pooled:
            merged[row["fullname"], row.get("path")] = row
            continue
        row = _without_pass(row)
        merged.setdefault((row["fullname"], None), {**row, **_stats(pooled[name])})
    return list(merged.values())
