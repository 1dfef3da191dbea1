"""The gate's Markdown summary (fit for a CI job summary) and its JSON verdict."""

from __future__ import annotations

import json
from typing import Any

from keras_dataset_suite.gate.differences import Difference
from keras_dataset_suite.gate.performance import Thresholds, Timing

ICONS = {"pass": "✅", "regression": "❌", "unusable": "⚠️"}
STACK_ROWS = (
    ("tensorflow", "TensorFlow"),
    ("keras", "keras"),
    ("tf_keras", "tf_keras"),
    ("numpy", "NumPy"),
    ("jax", "JAX"),
    ("python", "Python"),
)


def brief(value: Any, limit: int = 90) -> str:
    """A value as a person reads it in a table cell."""
    if value is None:
        return "–"
    if isinstance(value, bool):
        return "present" if value else "absent"
    if isinstance(value, dict) and "sha256" in value:
        return f"`{value['sha256'][:12]}` {value['dtype']} {tuple(value['shape'])}"
    if isinstance(value, dict) and "error" in value and isinstance(value["error"], dict):
        value = value["error"]
    if isinstance(value, dict) and "type" in value and set(value) <= {"type", "message"}:
        text = value["type"] if value["type"] else "no error"
        return (f"{text}: {value.get('message')}" if value.get("message") else text)[:limit]
    if isinstance(value, list) and value and isinstance(value[0], dict) and "fname" in value[0]:
        return "; ".join(f"{r['fname']} → {r['lands_at']}" for r in value)[:limit]
    text = json.dumps(value, sort_keys=True, default=str)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def contrast(old: Any, new: Any) -> tuple[Any, Any]:
    """For two dicts, only the entries that differ (recursively); the values themselves otherwise."""
    if isinstance(old, dict) and isinstance(new, dict) and not ({"type", "sha256"} & (set(old) | set(new))):
        keys = [k for k in sorted(set(old) | set(new)) if old.get(k) != new.get(k)]
        pairs = {k: contrast(old.get(k), new.get(k)) for k in keys}
        return {k: a for k, (a, _) in pairs.items()}, {k: b for k, (_, b) in pairs.items()}
    return old, new


def _ms(seconds: float | None) -> str:
    return f"{seconds * 1000:,.0f} ms" if seconds is not None else "–"


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _stack(environment: dict[str, Any]) -> dict[str, str]:
    versions = environment.get("versions", {})
    serving = environment.get("serving", {})
    rows = {"Keras under test": f"{environment.get('implementation')} → {serving.get('name')} {serving.get('version')}"}
    rows.update({label: versions.get(key) or "–" for key, label in STACK_ROWS})
    rows["image_data_format"] = str(environment.get("image_data_format"))
    return rows


def _difference_row(d: Difference, reason: bool = False) -> str:
    what = d.what + (f" ({d.folded} observations of it not compared)" if d.folded else "")
    old, new = contrast(d.old, d.new)
    last = d.reason if reason else f"`{d.id}`"
    return f"| {_cell(what)} | {_cell(brief(old))} | {_cell(brief(new))} | {_cell(last or '')} |"


def markdown(
    verdict: dict[str, Any],
    differences: list[Difference],
    timings: list[Timing],
    stale: list[str],
    thresholds: Thresholds,
) -> str:
    state = verdict["verdict"]
    lines = [f"## {ICONS[state]} Keras dataset upgrade gate: {state.upper()}", "", verdict["headline"], ""]
    if state == "unusable":
        return "\n".join([*lines, f"Reason: {verdict['reason']}", ""])
    base, cand = _stack(verdict["baseline"]), _stack(verdict["candidate"])
    lines += ["| | baseline | candidate |", "|---|---|---|"]
    lines += [f"| {row} | {base[row]} | {cand[row]} |" for row in base]
    blocking = [d for d in differences if d.allowed_by is None]
    allowed = [d for d in differences if d.allowed_by is not None]
    lines += ["", f"### Contract: {len(differences)} difference(s), {len(blocking)} not allow-listed", ""]
    if not differences:
        lines.append("Every API signature, download request, probe, array digest and statistic is identical.")
    if blocking:
        lines += ["| what changed | before | after | id |", "|---|---|---|---|"]
        lines += [_difference_row(d) for d in sorted(blocking, key=lambda d: (d.section, d.id))]
    if allowed:
        lines += [
            "",
            f"<details><summary>{len(allowed)} allow-listed difference(s)</summary>",
            "",
            "| what changed | before | after | why it is accepted |",
            "|---|---|---|---|",
        ]
        lines += [_difference_row(d, reason=True) for d in sorted(allowed, key=lambda d: (d.section, d.id))]
        lines += ["", "</details>"]
    lines += ["", f"### Performance: a benchmark fails if {thresholds.describe()}", ""]
    compared = [t for t in timings if t.verdict != "not compared"]
    if verdict.get("performance_note"):
        lines.append(verdict["performance_note"])
    elif timings:
        lines += [
            "| | benchmark | baseline | candidate | ratio | per pair of runs | p |",
            "|---|---|---:|---:|---:|---:|---:|",
        ]
        order = {"slower": 0, "faster": 1, "same": 2, "not compared": 3}
        for t in sorted(timings, key=lambda t: (order[t.verdict], -(t.ratio or 0))):
            mark = {
                "slower": "❌" if t.allowed_by is None else "✅ allowed",
                "faster": "⬆️",
                "same": "=",
                "not compared": "·",
            }[t.verdict]
            p = f"{t.p_value:.3g}" if t.p_value is not None else "–"
            name = t.name + (f" (allowed: {t.reason})" if t.allowed_by else f" ({t.note})" if t.note else "")
            ratio = f"×{t.ratio:.2f}" if t.ratio is not None else "–"
            pairs = ", ".join(f"×{r:.2f}" for r in t.pair_ratios) or "–"
            lines.append(
                f"| {mark} | {_cell(name)} | {_ms(t.baseline)} | {_ms(t.candidate)} | {ratio} | {pairs} | {p} |"
            )
        lines.append(f"\n{len(compared)} benchmarks compared.")
    else:
        lines.append("No benchmarks in both snapshots.")
    if stale:
        lines += ["", "Allow-list entries that matched nothing (remove them?): " + ", ".join(f"`{s}`" for s in stale)]
    if blocking:
        lines += [
            "",
            "To accept a difference, add it to the allow-list with the reason it is fine:",
            "",
            "```toml",
            "[[allow]]",
            f'id = "{blocking[0].id}"',
            'reason = "..."',
            "```",
        ]
    return "\n".join(lines) + "\n"
