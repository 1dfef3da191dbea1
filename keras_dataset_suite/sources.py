"""Data sources behind one interface: synthetic, genuine (optionally downloaded) and fixtures.

Each source owns a private, writable Keras home below the session's temporary folder and puts a
dataset's files there under the cache names the Keras under test asks for. Genuine files are
hash-verified while they are copied out of the read-only cache, which is never written to.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from keras_dataset_suite import synthetic
from keras_dataset_suite.catalogue import Dataset, DatasetFile
from keras_dataset_suite.content import Content
from keras_dataset_suite.errors import GenuineFileCorrupt, UsageError
from keras_dataset_suite.harness import GeneratedFiles
from keras_dataset_suite.hashing import copy_verified
from keras_dataset_suite.versions import Serving


class SourceMissing(Exception):
    """The source cannot provide this dataset here; the message is the skip reason."""


@dataclass(frozen=True)
class Prepared:
    """A dataset placed in a private home: where, which files, and (if synthetic) what they hold."""

    home: Path
    files: Mapping[str, Path]
    content: Content | None = None


DEFAULT_CACHE_VARIABLE = "KERAS_DATASET_SUITE_DEFAULT_CACHE"  # set once, inherited by xdist workers


def default_keras_cache() -> Path:
    """The user's own Keras home: $KERAS_HOME (Keras 3) or ~/.keras (Keras 2 ignores KERAS_HOME for
    datasets), whichever holds datasets/; resolved before the suite points KERAS_HOME elsewhere."""
    if os.environ.get(DEFAULT_CACHE_VARIABLE):
        return Path(os.environ[DEFAULT_CACHE_VARIABLE])
    candidates = [Path(p) for p in (os.environ.get("KERAS_HOME"), Path.home() / ".keras") if p]
    return next((c for c in candidates if (c / "datasets").is_dir()), candidates[0])


def remember_default_keras_cache() -> None:
    """Pin the default for this process and its children (xdist workers start after KERAS_HOME moves)."""
    os.environ.setdefault(DEFAULT_CACHE_VARIABLE, str(default_keras_cache()))


def locate(cache: Path | None, file: DatasetFile) -> Path | None:
    """The file in a Keras-home folder, under any cache name a Keras version uses for it."""
    if cache is None:
        return None
    return next((cache / r.cache_path for r in file.requests if (cache / r.cache_path).is_file()), None)


def check_cache_folder(path: Path, given: bool) -> Path | None:
    """Validate --keras-cache: a readable folder in Keras-home layout; None if the default is absent."""
    if not path.exists():
        if given:
            raise UsageError(
                f"--keras-cache {path}: no such folder. Give a folder in Keras-home layout "
                f"(the one that holds datasets/), e.g. ~/.keras."
            )
        return None
    if not path.is_dir() or not os.access(path, os.R_OK | os.X_OK):
        raise UsageError(f"--keras-cache {path}: not a readable folder; check its permissions.")
    if given and not (path / "datasets").is_dir() and any(path.glob("*.npz")):
        raise UsageError(
            f"--keras-cache {path} looks like the datasets/ folder itself; give its parent "
            f"({path.parent}), the Keras home that holds datasets/."
        )
    return path


@dataclass
class SyntheticSource:
    """Generated files of one size; each is registered so the hash bypass vouches for it alone."""

    size: str
    root: Path
    serving: Serving
    generated: GeneratedFiles
    _prepared: dict[str, Prepared] = field(default_factory=dict)

    @property
    def name(self) -> str:
        return "synthetic" if self.size == "small" else f"synthetic-{self.size}"

    def prepare(self, dataset: Dataset, function: str = "load_data") -> Prepared:
        if dataset.name not in self._prepared:
            self._prepared[dataset.name] = place_content(
                dataset, synthetic.generate(dataset, self.size), self.root / self.name, self.serving, self.generated
            )
        return self._prepared[dataset.name]


def place_content(
    dataset: Dataset, content: Content, home: Path, serving: Serving, generated: GeneratedFiles
) -> Prepared:
    """Write `content` where the Keras under test will look for it, and register the files."""
    paths = {f.role: home / f.request_for(serving).cache_path for f in dataset.files}
    synthetic.write(content, paths)
    for path in paths.values():
        generated.register(path)
    return Prepared(home, paths, content)


@dataclass
class GenuineSource:
    """Verified copies of the genuine files found in a read-only Keras cache."""

    cache: Path | None
    root: Path
    serving: Serving
    allow_download: bool = False
    name: str = "genuine"
    _placed: dict[str, Path] = field(default_factory=dict)
    _failed: dict[str, GenuineFileCorrupt] = field(default_factory=dict)

    @property
    def home(self) -> Path:
        return self.root / self.name

    def prepare(self, dataset: Dataset, function: str = "load_data") -> Prepared:
        files = dataset.files_for(function)
        missing = [f for f in files if locate(self.cache, f) is None]
        if missing and not self.allow_download:
            where = self.cache if self.cache is not None else f"{default_keras_cache()} (absent)"
            names = ", ".join(f.requests[0].cache_path for f in missing)
            raise SourceMissing(
                f"genuine {dataset.name} data not found: {names} is not in the Keras cache {where}; "
                f"give --keras-cache=DIR (a Keras home holding datasets/...), or --download to let Keras fetch it"
            )
        self.home.mkdir(parents=True, exist_ok=True)  # downloads land here, never in Keras's /tmp fallback
        return Prepared(self.home, {file.role: self._place(dataset, file) for file in files})

    def _place(self, dataset: Dataset, file: DatasetFile) -> Path:
        """Copy one genuine file into the private home once, verified; remember a failure."""
        key = f"{dataset.name}/{file.role}"
        if key in self._failed:
            raise self._failed[key]
        target = self.home / file.request_for(self.serving).cache_path
        source = locate(self.cache, file)
        if key not in self._placed and source is not None:
            algorithm, expected = file.verification
            try:
                copy_verified(source, target, algorithm, expected)
            except GenuineFileCorrupt as exc:
                self._failed[key] = exc
                raise
            self._placed[key] = target
        return target


@dataclass
class FixtureSource:
    """The small test-vector inputs of the catalogue, each in its own private home."""

    root: Path
    serving: Serving
    generated: GeneratedFiles
    name: str = "fixture"
    _prepared: dict[tuple[str, str], Prepared] = field(default_factory=dict)

    def prepare_fixture(self, dataset: Dataset, fixture: str) -> Prepared:
        key = (dataset.name, fixture)
        if key not in self._prepared:
            content = synthetic.from_fixture(dataset, dataset.fixtures[fixture])
            home = self.root / self.name / dataset.name / fixture
            self._prepared[key] = place_content(dataset, content, home, self.serving, self.generated)
        return self._prepared[key]
