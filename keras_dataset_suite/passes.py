"""Benchmark passes: the benchmark suite runs several times over and each benchmark's rounds are pooled.

As asv's rounds: each benchmark's rounds are split among passes that run the whole benchmark suite
one after the other. The speed of these shared VMs drifts by 10-25% over tens of seconds; rounds
taken minutes apart and pooled average that drift out, where more rounds in a row cannot.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

DEFAULT_PASSES = 4
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
