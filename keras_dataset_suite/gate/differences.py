"""Contract differences between two snapshots, each with a stable id an allow-list can name.

Ids: `api.dataset:<name>`, `api.signature:<dataset>.<function>`, `manifest:<dataset>.<function>`,
`probe:<kind>:<dataset>:<config>:<source>:<params>`, `data:<dataset>:<config>:<source>:<array>`,
`check:<check id>`. Everything about a dataset that only one stack ships is folded into its
`api.dataset` difference, so each real change is listed once.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from keras_dataset_suite.compare import compare


@dataclass
class Difference:
    """One contract change: where, what it was, what it is, and (once matched) why it is accepted."""

    id: str
    section: str
    what: str
    old: Any = None
    new: Any = None
    allowed_by: str | None = None
    reason: str | None = None
    folded: int = 0
    details: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "section": self.section,
            "what": self.what,
            "old": self.old,
            "new": self.new,
            "allowed": self.allowed_by is not None,
            "reason": self.reason,
            "folded": self.folded,
            "details": self.details,
        }


def _dataset_of(key: str) -> str:
    """The dataset a probe/data/check key is about (the second field of 'kind:dataset:...')."""
    return key.split(":")[1] if ":" in key else key.split("-")[0]


def _api_differences(old: dict[str, Any], new: dict[str, Any]) -> tuple[list[Difference], set[str]]:
    before, after = set(old["datasets"]), set(new["datasets"])
    differences = [
        Difference(
            f"api.dataset:{name}",
            "api",
            f"{name} {'appears' if name in after else 'disappears'}",
            name in before,
            name in after,
        )
        for name in sorted(before ^ after)
    ]
    for dataset in sorted(before & after):
        functions_old, functions_new = old["functions"].get(dataset, {}), new["functions"].get(dataset, {})
        for function in sorted(set(functions_old) | set(functions_new)):
            if functions_old.get(function) != functions_new.get(function):
                old_signature, new_signature = functions_old.get(function), functions_new.get(function)
                differences.append(
                    Difference(
                        f"api.signature:{dataset}.{function}",
                        "api",
                        f"{dataset}.{function}() {_signature_change(old_signature, new_signature)}",
                        *_signature_sides(old_signature, new_signature),
                    )
                )
    return differences, before ^ after


def _keyed(
    section: str, prefix: str, old: dict[str, Any], new: dict[str, Any], what: str, skip: set[str]
) -> tuple[list[Difference], dict[str, int]]:
    differences, folded = [], {}
    for key in sorted(set(old) | set(new)):
        dataset = _dataset_of(key) if section != "manifest" else key
        if dataset in skip:
            folded[dataset] = folded.get(dataset, 0) + 1
            continue
        if old.get(key) != new.get(key):
            differences.append(Difference(f"{prefix}:{key}", section, what.format(key=key), old.get(key), new.get(key)))
    return differences, folded


def _manifest(old: dict[str, Any], new: dict[str, Any], skip: set[str]) -> tuple[list[Difference], dict[str, int]]:
    flat_old = {f"{d}.{f}": v for d, functions in old.items() for f, v in functions.items()}
    flat_new = {f"{d}.{f}": v for d, functions in new.items() for f, v in functions.items()}
    differences, folded = [], {}
    for key in sorted(set(flat_old) | set(flat_new)):
        if key.split(".")[0] in skip:
            folded[key.split(".")[0]] = folded.get(key.split(".")[0], 0) + 1
            continue
        if flat_old.get(key) != flat_new.get(key):
            differences.append(
                Difference(
                    f"manifest:{key}",
                    "manifest",
                    f"{key} asks get_file for something else",
                    flat_old.get(key),
                    flat_new.get(key),
                )
            )
    return differences, folded


def _data(old: dict[str, Any], new: dict[str, Any], skip: set[str]) -> tuple[list[Difference], dict[str, int]]:
    differences, folded = [], {}
    for case in sorted(set(old) | set(new)):
        dataset = case.split("-")[0]
        if dataset in skip:
            folded[dataset] = folded.get(dataset, 0) + 1
            continue
        if case not in old or case not in new:
            if not case.endswith("-genuine"):  # genuine files may be present for one run only
                side = "baseline" if case in old else "candidate"
                differences.append(
                    Difference(
                        f"data:{case}", "data", f"{case} was loaded by the {side} only", case in old, case in new
                    )
                )
            continue
        a, b = old[case], new[case]
        if "arrays" not in a or "arrays" not in b:
            if a != b:
                differences.append(Difference(f"data:{case}", "data", f"{case} loads differently", a, b))
            continue
        for name in sorted(set(a["arrays"]) | set(b["arrays"])):
            left, right = a["arrays"].get(name), b["arrays"].get(name)
            if left != right:
                differences.append(
                    Difference(
                        f"data:{case}:{name}",
                        "data",
                        f"{case}: {name} differs",
                        left,
                        right,
                    )
                )
        if a["arrays"] == b["arrays"] and _statistics_differ(a["statistics"], b["statistics"]):
            differences.append(
                Difference(
                    f"data:{case}:statistics", "data", f"{case}: statistics differ", a["statistics"], b["statistics"]
                )
            )
    return differences, folded


STATISTICS_TOLERANCE = {"rel": 1e-9}  # summation order differs between NumPy releases


def _statistics_differ(old: dict[str, Any], new: dict[str, Any]) -> bool:
    """Statistics of identical arrays may differ in the last digits; more than that is a difference."""
    return bool(compare(old, new, STATISTICS_TOLERANCE) or compare(new, old, STATISTICS_TOLERANCE))


def _signature_change(old: dict[str, Any] | None, new: dict[str, Any] | None) -> str:
    if old is None or new is None:
        return "appears" if old is None else "disappears"
    before, after = old["parameters"], new["parameters"]
    parts = [f"adds {p}" for p in after if p not in before] + [f"drops {p}" for p in before if p not in after]
    parts += [
        f"{p} default {old['defaults'][p]} -> {new['defaults'][p]}"
        for p in before
        if p in after and old["defaults"].get(p) != new["defaults"].get(p)
    ]
    return ", ".join(parts) or "reorders its parameters"


def _signature_sides(old: dict[str, Any] | None, new: dict[str, Any] | None) -> tuple[Any, Any]:
    """The parameters only one side has (the whole list when the function itself is new or gone)."""
    if old is None or new is None:
        return (old and old["parameters"]), (new and new["parameters"])
    return (
        [p for p in old["parameters"] if p not in new["parameters"]],
        [p for p in new["parameters"] if p not in old["parameters"]],
    )


def _failed_checks(new: list[dict[str, Any]], skip: set[str]) -> list[Difference]:
    return [
        Difference(
            f"check:{check['id']}",
            "checks",
            f"{check['kind']} of {check['dataset']} fails on the candidate",
            None,
            check["expectations"],
        )
        for check in new
        if not check["passed"] and check["dataset"] not in skip
    ]


def contract(baseline: dict[str, Any], candidate: dict[str, Any]) -> list[Difference]:
    """Every contract difference, datasets present on one side folded into one entry each."""
    differences, one_sided = _api_differences(baseline["api"], candidate["api"])
    folded: dict[str, int] = {}
    for found, counts in (
        _manifest(baseline["manifest"], candidate["manifest"], one_sided),
        _keyed("probes", "probe", baseline["probes"], candidate["probes"], "{key}", one_sided),
        _data(baseline["data"], candidate["data"], one_sided),
    ):
        differences += found
        for dataset, count in counts.items():
            folded[dataset] = folded.get(dataset, 0) + count
    differences += _failed_checks(candidate["checks"], one_sided)
    for difference in differences:
        if difference.section == "api" and difference.id.startswith("api.dataset:"):
            difference.folded = folded.get(difference.id.split(":", 1)[1], 0)
    for difference in differences:
        if difference.section == "probes":
            difference.what = _probe_title(difference.id)
    return differences


PROBE_TITLES = {
    "cache_root": "get_file's cache root (does it follow HOME at every call?)",
    "repeat_extractions": "{dataset}: archive extractions on a repeated load_data()",
}


def _probe_title(identifier: str) -> str:
    _, kind, dataset, _config, source, params = identifier.split(":", 5)
    if kind in PROBE_TITLES:
        return PROBE_TITLES[kind].format(dataset=dataset)
    arguments = json.loads(params).get("kwargs")
    call = (
        f"{dataset}.load_data({', '.join(f'{k}={v!r}' for k, v in arguments.items())})"
        if arguments is not None
        else dataset
    )
    fixture = json.loads(params).get("fixture")
    return f"{kind} of {call}" + (f" on fixture {fixture}" if fixture else f" [{source}]")
