"""The allow-list: differences a team accepts, each named by id and with a reason.

    [[allow]]
    id = "api.dataset:california_housing"
    reason = "Keras 3 ships california_housing"

In an id, `*` stands for any text; every other character, brackets included, is literal, so
benchmark ids such as `perf:test_load_warm[cifar10-*]` read as written.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol


class Allowable(Protocol):
    id: str
    allowed_by: str | None
    reason: str | None


@dataclass(frozen=True)
class Entry:
    pattern: str
    reason: str


class AllowListError(ValueError):
    """The allow-list file is unusable; the message names the file and the entry."""


def load(path: Path) -> list[Entry]:
    try:
        document = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise AllowListError(f"allow-list {path}: {exc}") from exc
    entries = []
    for index, table in enumerate(document.get("allow", [])):
        if not table.get("id") or not str(table.get("reason", "")).strip():
            raise AllowListError(f"allow-list {path}, [[allow]] #{index + 1}: every entry needs an id and a reason")
        entries.append(Entry(table["id"], table["reason"]))
    return entries


def matches(pattern: str, identifier: str) -> bool:
    return re.fullmatch(".*".join(re.escape(part) for part in pattern.split("*")), identifier) is not None


def apply(entries: list[Entry], items: Iterable[Allowable]) -> list[Entry]:
    """Mark the items an entry matches; return the entries that matched nothing (stale)."""
    used = set()
    for item in items:
        for entry in entries:
            if matches(entry.pattern, item.id):
                item.allowed_by, item.reason = entry.pattern, entry.reason
                used.add(entry.pattern)
                break
    return [entry for entry in entries if entry.pattern not in used]
