"""Errors the suite raises: each names what went wrong, where, and what to do about it."""

from __future__ import annotations

from pathlib import Path


class SuiteError(Exception):
    """Base class; the message is complete and meant for the person running the suite."""


class CatalogueError(SuiteError):
    """A catalogue file is malformed; the message names the file and the entry."""


class UsageError(SuiteError):
    """A command-line option is wrong; raised at start-up, before any test runs."""


class KerasUnavailable(SuiteError):
    """The chosen Keras implementation cannot be imported."""


class GenuineFileCorrupt(SuiteError):
    """A genuine cache file fails the hash Keras pins (or the published one)."""

    def __init__(self, path: Path, algorithm: str, expected: str, actual: str, size: int) -> None:
        self.path, self.algorithm, self.expected, self.actual = path, algorithm, expected, actual
        super().__init__(
            f"genuine file {path} is corrupt or not the file Keras expects: its {algorithm} is "
            f"{actual} ({size:,} bytes) but must be {expected}. The suite left it untouched and "
            f"did not load it. Remedy: delete it and let Keras download it again (or copy a good "
            f"copy there), then re-run; to run without it, point --keras-cache elsewhere."
        )


class DownloadBlocked(SuiteError):
    """Keras tried to download during an offline run."""

    def __init__(self, origin: str, target: str) -> None:
        super().__init__(
            f"the suite blocked a download: Keras asked for {origin} (to {target}) because the "
            f"file is missing from the session's private cache or failed its hash check. Offline "
            f"runs use only synthetic files and the genuine cache (--keras-cache); pass "
            f"--download to let Keras fetch missing genuine files."
        )


class CacheLayoutError(SuiteError):
    """Keras did not use the private cache the suite gave it."""
