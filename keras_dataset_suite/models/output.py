"""The shape every loader returns, so models and observations can share one type."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

SPLIT_ARRAYS = ("x_train", "y_train", "x_test", "y_test")


@dataclass(frozen=True)
class Output:
    """(x_train, y_train), (x_test, y_test), named."""

    x_train: Any
    y_train: Any
    x_test: Any
    y_test: Any

    @classmethod
    def from_loader(cls, result: Any) -> Output:
        """Accept exactly the documented ((x_train, y_train), (x_test, y_test)) structure."""
        (x_train, y_train), (x_test, y_test) = result
        return cls(x_train, y_train, x_test, y_test)

    def named(self) -> Iterator[tuple[str, Any]]:
        for name in SPLIT_ARRAYS:
            yield name, getattr(self, name)

    def as_tuple(self) -> tuple[tuple[Any, Any], tuple[Any, Any]]:
        return (self.x_train, self.y_train), (self.x_test, self.y_test)
