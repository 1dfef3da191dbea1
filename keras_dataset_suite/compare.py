"""Compare an expected value from the catalogue (or a model) with an observation.

Expected values are JSON-like. A dict compared with a dict checks only the keys it names. A dict
compared with anything else is a matcher: ``{range = [a, b]}`` (the list a..b), ``{all = v,
count = n}`` (n items, each v), ``{le = x}``, ``{ge = x}``, ``{regex = "..."}`` and ``{prefix =
[...]}``. The string ``"*"`` matches anything. Floats compare exactly unless a tolerance
(``rel``/``abs``) is given. Every mismatch is collected, not just the first.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

WILDCARD = "*"
MATCHER_KEYS = ({"range"}, {"all", "count"}, {"le"}, {"ge"}, {"regex"}, {"prefix"})


@dataclass(frozen=True)
class Mismatch:
    """Where an observation differs from its expectation, and how."""

    path: str
    expected: Any
    observed: Any

    def __str__(self) -> str:
        return f"{self.path or '<value>'}: expected {_short(self.expected)}, observed {_short(self.observed)}"


def _short(value: Any, limit: int = 160) -> str:
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 20] + f"... ({len(text):,} chars)"


def _is_matcher(expected: Mapping[str, Any]) -> bool:
    return set(expected) in MATCHER_KEYS


def _match(matcher: Mapping[str, Any], observed: Any) -> bool:
    if "range" in matcher:
        low, high = matcher["range"]
        return isinstance(observed, list) and observed == list(range(low, high + 1))
    if "all" in matcher:
        return (
            isinstance(observed, list)
            and len(observed) == matcher["count"]
            and all(v == matcher["all"] for v in observed)
        )
    if "prefix" in matcher:
        prefix = matcher["prefix"]
        return isinstance(observed, list) and observed[: len(prefix)] == prefix
    if "regex" in matcher:
        return isinstance(observed, str) and re.search(matcher["regex"], observed) is not None
    if observed is None or isinstance(observed, (bool, str)):
        return False
    if "le" in matcher:
        return observed <= matcher["le"]
    return observed >= matcher["ge"]


def _numbers_equal(expected: Any, observed: Any, tolerance: Mapping[str, float]) -> bool:
    if isinstance(expected, bool) or isinstance(observed, bool):
        return type(expected) is type(observed) and expected == observed
    if isinstance(expected, (int, float)) and isinstance(observed, (int, float)):
        if isinstance(expected, float) or isinstance(observed, float):
            return math.isclose(
                expected, observed, rel_tol=tolerance.get("rel", 0.0), abs_tol=tolerance.get("abs", 0.0)
            ) or (math.isnan(expected) and math.isnan(observed))
        return expected == observed
    return expected == observed


def compare(
    expected: Any, observed: Any, tolerance: Mapping[str, float] | None = None, path: str = ""
) -> list[Mismatch]:
    """Every place where `observed` does not satisfy `expected`."""
    tolerance = tolerance or {}
    if isinstance(expected, str) and expected == WILDCARD:
        return []
    if isinstance(expected, Mapping):
        if isinstance(observed, Mapping) and not _is_matcher(expected):
            mismatches: list[Mismatch] = []
            for key, value in expected.items():
                where = f"{path}.{key}" if path else str(key)
                if key not in observed:
                    mismatches.append(Mismatch(where, value, "<absent>"))
                else:
                    mismatches.extend(compare(value, observed[key], tolerance, where))
            return mismatches
        return (
            [] if _is_matcher(expected) and _match(expected, observed) else [Mismatch(path, dict(expected), observed)]
        )
    if isinstance(expected, list):
        if not isinstance(observed, list) or len(observed) != len(expected):
            return [Mismatch(path, expected, observed)]
        mismatches = []
        for index, (want, got) in enumerate(zip(expected, observed, strict=True)):
            mismatches.extend(compare(want, got, tolerance, f"{path}[{index}]"))
        return mismatches
    return [] if _numbers_equal(expected, observed, tolerance) else [Mismatch(path, expected, observed)]


def explain(mismatches: list[Mismatch], limit: int = 12) -> str:
    """One line per mismatch, capped, for an assertion message."""
    lines = [f"  - {m}" for m in mismatches[:limit]]
    if len(mismatches) > limit:
        lines.append(f"  ... and {len(mismatches) - limit} more")
    return "\n".join(lines)
