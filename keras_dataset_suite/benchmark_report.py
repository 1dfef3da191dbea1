"""The Markdown table beside the benchmark JSON: what loading costs, read in ten seconds."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from typing import Any

from keras_dataset_suite.session import BenchmarkRecord


def _ms(seconds: float | None) -> str:
    if seconds is None:
        return "-"
    return f"{seconds * 1000:,.0f} ms" if seconds >= 0.01 else f"{seconds * 1000:.2f} ms"


def _ratio(numerator: float | None, denominator: float | None) -> str:
    return f"{numerator / denominator:.1f}x" if numerator and denominator else "-"


def _spread(record: BenchmarkRecord) -> float:
    ordered = sorted(record.samples)
    q1, q3 = ordered[len(ordered) // 4], ordered[(3 * len(ordered)) // 4]
    return (q3 - q1) / record.median if record.median else 0.0


def _loads_table(records: list[BenchmarkRecord]) -> list[str]:
    rows = defaultdict(dict)
    for record in records:
        if record.kind in ("warm", "first", "floor"):
            rows[record.dataset, record.source][record.kind] = record
    lines = [
        "| dataset | source | warm load | first load | floor | warm / floor | extractions per call"
        " | peak MiB | output MiB |",
        "|---|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for (dataset, source), kinds in rows.items():
        warm, first, floor = (kinds.get(k) for k in ("warm", "first", "floor"))
        extra = warm.extra if warm else {}
        lines.append(
            f"| {dataset} | {source} | {_ms(warm and warm.median)} | {_ms(first and first.median)} | "
            f"{_ms(floor and floor.median)} | {_ratio(warm and warm.median, floor and floor.median)} | "
            f"{extra.get('extractions_per_call', '-')} | {extra.get('peak_mib', 0):.0f} | "
            f"{extra.get('output_mib', 0):.0f} |"
        )
    return lines


def _options_table(records: list[BenchmarkRecord]) -> list[str]:
    lines = [
        "| dataset | options | median | kept train / test | tokens | OOV share | vocabulary | length p50 / p90 / p99 |",
        "|---|---|---:|---:|---:|---:|---:|---:|",
    ]
    for r in records:
        if r.kind != "options":
            continue
        e, q = r.extra, r.extra.get("length_quantiles", {})
        lines.append(
            f"| {r.dataset} | {e['options']} | {_ms(r.median)} | {e['kept_train']:,} / {e['kept_test']:,} | "
            f"{e['tokens']:,} | {e['oov_share']:.1%} | {e['vocabulary']:,} | "
            f"{q.get('p50', 0):.0f} / {q.get('p90', 0):.0f} / {q.get('p99', 0):.0f} |"
        )
    return lines


def _model_table(records: list[BenchmarkRecord]) -> list[str]:
    keras = {(r.dataset, r.extra.get("options")): r for r in records if r.kind == "options"}
    lines = ["| dataset | options | Keras load_data | reference model | speed-up |", "|---|---|---:|---:|---:|"]
    for r in records:
        if r.kind == "model":
            baseline = keras.get((r.dataset, r.extra["options"]))
            lines.append(
                f"| {r.dataset} | {r.extra['options']} | {_ms(baseline and baseline.median)} | {_ms(r.median)} | "
                f"{_ratio(baseline and baseline.median, r.median)} |"
            )
    return lines


def markdown(records: Iterable[BenchmarkRecord], environment: Mapping[str, Any]) -> str:
    records = list(records)
    spreads = [_spread(r) for r in records if len(r.samples) >= 4 and r.median >= 0.05]
    stack = ", ".join(f"{k} {v}" for k, v in environment.get("versions", {}).items() if v)
    sections = [
        "# Keras dataset loading benchmarks",
        "",
        f"{environment.get('implementation')} served by {environment.get('serving')}; {stack}. "
        f"Medians of the rounds in the JSON, pooled over the run's {environment.get('passes', 1)} pass(es); "
        f"malloc {environment.get('allocator', 'system')}; "
        "times are wall-clock on this machine, compare ratios, not absolutes.",
        "",
        "## Load time per dataset",
        "",
        "*warm*: files cached; *first*: a fresh private cache (CIFAR extracts, Fashion-MNIST decompresses); "
        "*floor*: the same bytes read with numpy/gzip/tarfile/pickle only. *warm / floor* is what Keras adds.",
        "",
        *_loads_table(records),
    ]
    if any(r.kind == "options" for r in records):
        sections += ["", "## IMDB / Reuters option grid", "", *_options_table(records)]
    if any(r.kind == "model" for r in records):
        sections += ["", "## Reference model vs Keras", "", *_model_table(records)]
    if spreads:
        worst = max(spreads)
        sections += [
            "",
            f"Noise: interquartile range / median is {sorted(spreads)[len(spreads) // 2]:.1%} "
            f"for the median load over 50 ms, {worst:.1%} at worst.",
        ]
    return "\n".join(sections) + "\n"
