"""Performance: slower by more than a factor in every interleaved pair of runs, by more than a few ms, AND
significant (Mann-Whitney U on the raw rounds), same job only."""

from __future__ import annotations

from dataclasses import dataclass
from statistics import median
from typing import Any

from scipy.stats import mannwhitneyu

MIN_SAMPLES = 5


@dataclass(frozen=True)
class Thresholds:
    """When a benchmark counts as slower (or faster): all of it must hold.

    The rounds of one process are not independent: in A/A runs here two runs of the same stack
    differed by up to x1.45 (the host's speed drifts over minutes), so the pooled rounds alone gave
    p < 1e-3 for identical stacks. Hence the factor must hold in every interleaved pair of runs
    (adjacent in time), not only on the pooled medians; and min_delta guards the millisecond loads,
    where a 1 ms Boston load differed by x1.6 between processes.
    """

    factor: float = 1.25
    alpha: float = 0.01
    min_delta: float = 0.005  # seconds per call

    def describe(self) -> str:
        return (
            f"slower than ×{self.factor:g} in every interleaved pair of runs and overall, by more than "
            f"{self.min_delta * 1000:g} ms, and significantly so (Mann-Whitney U, p < {self.alpha:g})"
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
    pair_ratios: tuple[float, ...] = ()
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
            "pair_ratios": list(self.pair_ratios),
            "verdict": self.verdict,
            "note": self.note,
            "allowed": self.allowed_by is not None,
            "reason": self.reason,
        }


Runs = dict[str, list[list[float]]]  # benchmark name -> raw round times of each run, in run order


def samples_per_run(snapshots: list[dict[str, Any]], benchmark_runs: list[dict[str, Any]]) -> Runs:
    """Raw round times per benchmark and run of one stack: the snapshots' own benchmarks, then the
    pytest-benchmark JSON files (`--benchmark-json`, which keep every round), in the order given."""
    runs: Runs = {}
    for snapshot in snapshots:
        for name, benchmark in snapshot.get("benchmarks", {}).items():
            runs.setdefault(name, []).append(benchmark["samples"])
    for run in benchmark_runs:
        for benchmark in run.get("benchmarks", []):
            runs.setdefault(benchmark["name"], []).append(benchmark["stats"].get("data", []))
    return runs


def job_of_run(run: dict[str, Any]) -> str:
    return run.get("machine_info", {}).get("keras_dataset_suite", {}).get("job", "unknown job")


def allocator_of_run(run: dict[str, Any]) -> str:
    """'pinned' or 'system' (see keras_dataset_suite.allocator); runs from before the choice were 'system'."""
    return run.get("machine_info", {}).get("keras_dataset_suite", {}).get("allocator", "system").split(":", 1)[0]


def _side(name: str, baseline: dict[str, list[float]]) -> str:
    return "baseline" if name in baseline else "candidate"


def compare(baseline_runs: Runs, candidate_runs: Runs, thresholds: Thresholds = Thresholds()) -> list[Timing]:
    """Each benchmark of both stacks; the i-th runs of the two stacks are the interleaved pair i."""
    baseline = {name: [t for run in runs for t in run] for name, runs in baseline_runs.items()}
    candidate = {name: [t for run in runs for t in run] for name, runs in candidate_runs.items()}
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
        pairs = tuple(
            median(cand) / median(base)
            for base, cand in zip(baseline_runs[name], candidate_runs[name], strict=False)
            if base and cand
        )
        noticeable = abs(median(b) - median(a)) > thresholds.min_delta
        slower = mannwhitneyu(b, a, alternative="greater").pvalue
        faster = mannwhitneyu(b, a, alternative="less").pvalue
        if noticeable and min((ratio, *pairs)) > thresholds.factor and slower < thresholds.alpha:
            verdict, p = "slower", slower
        elif noticeable and max((ratio, *pairs)) < 1 / thresholds.factor and faster < thresholds.alpha:
            verdict, p = "faster", faster
        else:
            verdict, p = "same", min(slower, faster)
        timings.append(Timing(name, median(a), median(b), ratio, float(p), verdict, pair_ratios=pairs))
    return timings
