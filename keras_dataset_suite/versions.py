"""Which Keras code line serves the loaders, and version ranges that facts hold for.

A fact's `versions` is a list of PEP 508 requirements on the *serving* distribution (the package
whose code the loaders run): `keras` (Keras 2 or 3) or `tf_keras`. The list matches if any entry
does, so `["keras<3", "tf_keras"]` means "every Keras 2 code line".
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from packaging.requirements import InvalidRequirement, Requirement
from packaging.utils import canonicalize_name
from packaging.version import Version


@dataclass(frozen=True)
class Serving:
    """The distribution whose loader code runs, e.g. keras 3.15.1 or tf_keras 2.21.0."""

    name: str
    version: Version

    @classmethod
    def parse(cls, name: str, version: str) -> Serving:
        return cls(canonicalize_name(name).replace("-", "_"), Version(version))

    def __str__(self) -> str:
        return f"{self.name} {self.version}"


@dataclass(frozen=True)
class VersionRange:
    """Any-of list of requirements; an empty range holds for every version."""

    requirements: tuple[Requirement, ...] = ()

    @classmethod
    def parse(cls, specs: Iterable[str] | None) -> VersionRange:
        parsed = []
        for spec in specs or ():
            try:
                parsed.append(Requirement(spec))
            except InvalidRequirement as exc:
                raise ValueError(f"invalid version range {spec!r}: {exc}") from exc
        return cls(tuple(parsed))

    def matches(self, serving: Serving) -> bool:
        if not self.requirements:
            return True
        return any(
            canonicalize_name(req.name).replace("-", "_") == serving.name
            and req.specifier.contains(serving.version, prereleases=True)
            for req in self.requirements
        )

    def __str__(self) -> str:
        return " or ".join(str(r) for r in self.requirements) or "all versions"
