"""Performance: slower by more than a factor, by more than a few ms, AND significant (Mann-Whitney U), same job only."""

from __future__ import annotations

from dataclasses import dataclass
from statistics import median
from typing import Any

from scipy.stats import mannwhitneyu

MIN_SAMPLES = 5


@dataclass(frozen=True)
class Thresholds:
    """When a benchmark counts as slower (or faster): all three must hold.

    min_delta guards the millisecond loads: in A/A runs here a 1-2 ms Boston load differed by x1.6
    between processes (p < 1e-10, the rounds of one process are not independent); a change of a few
    milliseconds per load is below what a user can notice and above what the VM can resolve.
    """

    factor: float = 1.25
    alpha: float = 0.01
    min_delta: float = 0.005  # seconds per call

    def describe(self) -> str:
        return (
            f"slower than ×{self.factor:g} and by more than {self.min_delta * 1000:g} ms, "
            f"and significant (Mann-Whitney U, p < {self.alpha:g})"
        )


@dataclass
class Timing:
    """One benchmark on both stacks, and what the comparison says."""

    name: str
    baseline: float | None
    candidate: float | None
    ratio: float | None
    p_value: float | None
    verdict: str  # "slower", "faster", "same", "not compared"
    note: str = ""
    allowed_by: str | None = None
    reason: str | None = None

    @property
    def id(self) -> str:
        return f"perf:{self.name}"

    def as_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "baseline_median": self.baseline,
            "candidate_median": self.candidate,
            "ratio": self.ratio,
            "p_value": self.p_value,
            "verdict": self.verdict,
            "note": self.note,
            "allowed": self.allowed_by is not None,
            "reason": self.reason,
        }


def pooled_samples(snapshots: list[dict[str, Any]], benchmark_runs: list[dict[str, Any]]) -> dict[str, list[float]]:
    """Raw round times per benchmark, pooled over the interleaved runs of one stack: the snapshots'
    own benchmarks and pytest-benchmark JSON files (`--benchmark-json`, which keep every round)."""
    pooled: dict[str, list[float]] = {}
    for snapshot in snapshots:
        for name, benchmark in snapshot.get("benchmarks", {}).items():
            pooled.setdefault(name, []).extend(benchmark["samples"])
    for run in benchmark_runs:
        for benchmark in run.get("benchmarks", []):
            pooled.setdefault(benchmark["name"], []).extend(benchmark["stats"].get("data", []))
    return pooled


def job_of_run(run: dict[str, Any]) -> str:
    return run.get("machine_info", {}).get("keras_dataset_suite", {}).get("job", "unknown job")


def _side(name: str, baseline: dict[str, list[float]]) -> str:
    return "baseline" if name in baseline else "candidate"


def compare(
    baseline: dict[str, list[float]],
    candidate: dict[str, list[float]],
    thresholds: Thresholds = Thresholds(),
) -> list[Timing]:
    timings = [
        Timing(name, None, None, None, None, "not compared", f"only in the {_side(name, baseline)}")
        for name in sorted(set(baseline) ^ set(candidate))
    ]
    for name in sorted(set(baseline) & set(candidate)):
        a, b = baseline[name], candidate[name]
        if min(len(a), len(b)) < MIN_SAMPLES:
            timings.append(
                Timing(
                    name,
                    median(a),
                    median(b),
                    median(b) / median(a),
                    None,
                    "not compared",
                    f"fewer than {MIN_SAMPLES} rounds",
                )
            )
            continue
        ratio = median(b) / median(a)
        noticeable = abs(median(b) - median(a)) > thresholds.min_delta
        slower = mannwhitneyu(b, a, alternative="greater").pvalue
        faster = mannwhitneyu(b, a, alternative="less").pvalue
        if noticeable and ratio > thresholds.factor and slower < thresholds.alpha:
            verdict, p = "slower", slower
        elif noticeable and ratio < 1 / thresholds.factor and faster < thresholds.alpha:
            verdict, p = "faster", faster
        else:
            verdict, p = "same", min(slower, faster)
        timings.append(Timing(name, median(a), median(b), ratio, float(p), verdict))
    return timings
