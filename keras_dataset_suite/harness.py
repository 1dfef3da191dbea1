"""Call the real loaders against a private Keras home, through their real `get_file`.

While a loader runs, three module globals of the Keras under test are swapped, and put back after:

* the loader module's `get_file` becomes a spy that calls the real `get_file` with `cache_dir`
  set to the private home (so caching, hash checks and extraction really run) and records each
  request for the download manifest;
* `validate_file` vouches for files the suite generated itself (by the sha256 it wrote), and
  defers to Keras's own check for everything else, genuine files included;
* `urlretrieve` refuses to download unless downloads were asked for.
"""

from __future__ import annotations

import contextlib
import dataclasses
import inspect
import os
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from keras_dataset_suite.errors import CacheLayoutError, DownloadBlocked
from keras_dataset_suite.hashing import file_digest
from keras_dataset_suite.keras_under_test import LoaderBinding


class GeneratedFiles:
    """Files the suite wrote, by resolved path, with the sha256 they had when written."""

    def __init__(self) -> None:
        self._digests: dict[str, str] = {}

    def register(self, path: Path) -> None:
        self._digests[os.path.realpath(path)] = file_digest(path)

    def expected(self, path: str) -> str | None:
        """The sha256 a generated file was written with; None for any other file."""
        return self._digests.get(os.path.realpath(path))


@dataclass(frozen=True)
class Request:
    """One `get_file` call as the loader made it."""

    fname: str | None
    origin: str | None
    file_hash: str | None
    cache_subdir: str
    extract: bool
    returned: str | None = None

    def as_dict(self) -> dict[str, Any]:
        return {
            "fname": self.fname,
            "origin": self.origin,
            "file_hash": self.file_hash,
            "cache_subdir": self.cache_subdir,
            "extract": self.extract,
        }


@dataclass
class Call:
    """The outcome of one loader call: result or exception, requests made, side effects."""

    result: Any = None
    error: BaseException | None = None
    requests: list[Request] = field(default_factory=list)
    rng_untouched: bool = True

    def unwrap(self) -> Any:
        if self.error is not None:
            raise self.error
        return self.result


def _rng_state_equal(before: tuple[Any, ...], after: tuple[Any, ...]) -> bool:
    pairs = zip(before, after, strict=True)
    return all(np.array_equal(a, b) if isinstance(a, np.ndarray) else a == b for a, b in pairs)


class Harness:
    """Runs loader functions of one Keras under test inside a private home."""

    def __init__(self, generated: GeneratedFiles, allow_download: bool = False) -> None:
        self.generated = generated
        self.allow_download = allow_download

    @contextlib.contextmanager
    def redirected(
        self, binding: LoaderBinding, home: Path, image_data_format: str | None = None
    ) -> Iterator[list[Request]]:
        """Inside this block, `binding`'s loader reads and writes only below `home`."""
        if not home.is_dir() or not os.access(home, os.W_OK):
            raise CacheLayoutError(
                f"the private cache {home} does not exist or is not writable, and Keras would silently use "
                f"/tmp/.keras instead (a cache that may be someone's), so the suite did not call it. "
                f"Check that TMPDIR names a writable folder."
            )
        requests: list[Request] = []
        real_get_file = binding.implementation.get_file
        real_validate = binding.file_utils.validate_file
        real_urlretrieve = binding.file_utils.urlretrieve
        backend = binding.backend
        previous_format = backend.image_data_format() if backend is not None else None
        patches = {
            (binding.implementation, "get_file"): self._spy(real_get_file, home, requests),
            (binding.file_utils, "validate_file"): self._vouching(real_validate),
        }
        if not self.allow_download:
            patches[(binding.file_utils, "urlretrieve")] = _download_blocker(home)
        try:
            for (module, name), replacement in patches.items():
                setattr(module, name, replacement)
            if image_data_format is not None and backend is not None:
                backend.set_image_data_format(image_data_format)
            yield requests
        finally:
            binding.implementation.get_file = real_get_file
            binding.file_utils.validate_file = real_validate
            binding.file_utils.urlretrieve = real_urlretrieve
            if previous_format is not None:
                backend.set_image_data_format(previous_format)

    def call(
        self,
        binding: LoaderBinding,
        function: str,
        home: Path,
        kwargs: Mapping[str, Any] | None = None,
        image_data_format: str | None = None,
    ) -> Call:
        """Call `<dataset>.<function>(**kwargs)` and capture everything a check may ask about."""
        target = binding.function(function)
        if target is None:
            raise AttributeError(f"{binding.dataset} has no {function}()")
        call = Call()
        before = np.random.get_state()
        with self.redirected(binding, home, image_data_format) as requests:
            try:
                call.result = target(**dict(kwargs or {}))
            except Exception as exc:
                call.error = exc
            except _OutsideRefused as refused:
                call.error = refused.args[0]
        call.requests = requests
        call.rng_untouched = _rng_state_equal(before, np.random.get_state())
        return call

    def _spy(self, real: Callable[..., Any], home: Path, requests: list[Request]) -> Callable[..., Any]:
        signature = inspect.signature(real)

        def get_file(*args: Any, **kwargs: Any) -> Any:
            bound = signature.bind(*args, **kwargs)
            if bound.arguments.get("cache_dir") is None:
                bound.arguments["cache_dir"] = str(home)
            arguments = bound.arguments
            request = Request(
                fname=arguments.get("fname"),
                origin=arguments.get("origin"),
                file_hash=arguments.get("file_hash") or arguments.get("md5_hash"),
                cache_subdir=arguments.get("cache_subdir", "datasets"),
                extract=bool(arguments.get("extract") or arguments.get("untar")),
            )
            requests.append(request)
            returned = real(*bound.args, **bound.kwargs)
            requests[-1] = dataclasses.replace(request, returned=str(returned))
            root = os.path.realpath(arguments["cache_dir"])
            if not os.path.realpath(returned).startswith(root + os.sep):
                raise CacheLayoutError(
                    f"Keras put {arguments.get('fname')} at {returned}, outside the private cache {root} "
                    f"it was given: this Keras resolves cache paths differently; see the download manifest check."
                )
            return returned

        return get_file

    def _vouching(self, real: Callable[..., bool]) -> Callable[..., bool]:
        """Keras's own validate_file, given the sha256 the suite wrote a file with instead of the hash
        Keras pins for the genuine file: Keras still hashes every byte, so a damaged synthetic file
        fails as a damaged genuine one would, and benchmarks time Keras's own check."""
        generated = self.generated

        def validate_file(fpath: Any, file_hash: Any, algorithm: str = "auto", chunk_size: int = 65535) -> bool:
            written = generated.expected(str(fpath))
            if written is not None:
                return real(fpath, written, algorithm="sha256", chunk_size=chunk_size)
            return real(fpath, file_hash, algorithm=algorithm, chunk_size=chunk_size)

        return validate_file


class _OutsideRefused(BaseException):
    """Raised past Keras's `except Exception` handler, which would delete the download target:
    outside the private cache, that target may be a user's file."""


def _download_blocker(home: Path) -> Callable[..., None]:
    """urlretrieve for offline runs: refuses, and says why Keras wanted to download."""
    root = os.path.realpath(home)

    def urlretrieve(url: str, filename: Any, *args: Any, **kwargs: Any) -> None:
        if not os.path.realpath(filename).startswith(root + os.sep):
            raise _OutsideRefused(
                CacheLayoutError(
                    f"Keras wanted to download {url} to {filename}, outside the private cache {root} (Keras 2 "
                    f"takes an absolute path= as is); the suite refused, and the file was not touched."
                )
            )
        raise DownloadBlocked(url, str(filename))

    return urlretrieve
