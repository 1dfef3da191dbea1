"""Which Keras is under test, where its loaders live, and where they can be patched.

`tf.keras`, standalone `keras` and `tf_keras` expose the same `datasets` API from different code
lines (Keras 2 in `keras.src` or `tf_keras.src`, Keras 3 in `keras.src`). Every loader looks up
`get_file` as a module global at call time, and `get_file` looks up `validate_file` and
`urlretrieve` the same way; those module globals are the only patch points the suite uses.
"""

from __future__ import annotations

import importlib
import importlib.metadata
import platform
import sys
from collections.abc import Callable
from dataclasses import dataclass
from types import ModuleType
from typing import Any

from keras_dataset_suite.errors import KerasUnavailable, UsageError
from keras_dataset_suite.versions import Serving

IMPLEMENTATIONS = {
    "tensorflow.keras": ("tensorflow", "keras"),
    "keras": ("keras", None),
    "tf_keras": ("tf_keras", None),
}
INSTALL_HINTS = {
    "tensorflow.keras": "pip install tensorflow-cpu",
    "keras": "pip install keras (with a backend: tensorflow-cpu or jax)",
    "tf_keras": "pip install tf-keras==<your TensorFlow version> (and set TF_USE_LEGACY_KERAS=1 for tf.keras)",
}
STACK_DISTRIBUTIONS = {
    "tensorflow": ("tensorflow", "tensorflow-cpu", "tensorflow-intel", "tf-nightly", "tf-nightly-cpu"),
    "keras": ("keras", "keras-nightly"),
    "tf_keras": ("tf-keras", "tf-keras-nightly"),
    "numpy": ("numpy",),
    "jax": ("jax",),
}


def installed_version(candidates: tuple[str, ...]) -> str | None:
    """Version of the first installed distribution among `candidates`, or None."""
    for name in candidates:
        try:
            return importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            continue
    return None


def stack_versions() -> dict[str, str | None]:
    """Versions of everything that shapes the loaders' behaviour, read from package metadata."""
    versions: dict[str, str | None] = {"python": platform.python_version()}
    versions.update({key: installed_version(dists) for key, dists in STACK_DISTRIBUTIONS.items()})
    return versions


@dataclass(frozen=True)
class LoaderBinding:
    """One dataset as the Keras under test implements it."""

    dataset: str
    api: ModuleType
    implementation: ModuleType
    file_utils: ModuleType

    def function(self, name: str) -> Callable[..., Any] | None:
        return getattr(self.api, name, None)

    @property
    def backend(self) -> Any:
        """The Keras backend module the loader reads `image_data_format()` from."""
        return getattr(self.implementation, "backend", None)


class KerasUnderTest:
    """The chosen implementation, imported once, with its loaders and versions."""

    def __init__(self, impl: str, datasets_api: ModuleType) -> None:
        self.impl = impl
        self.datasets_api = datasets_api
        self._bindings: dict[str, LoaderBinding | None] = {}
        reference = self.binding("mnist")
        if reference is None:
            raise KerasUnavailable(f"{impl}.datasets has no mnist loader; is this a Keras install?")
        top = reference.implementation.__name__.split(".", 1)[0]
        version = installed_version(STACK_DISTRIBUTIONS.get(top, (top,)))
        if version is None:
            raise KerasUnavailable(f"{impl} runs {top}, but no installed distribution provides {top}")
        self.serving = Serving.parse(top, version)
        self.versions = stack_versions()

    def binding(self, dataset: str) -> LoaderBinding | None:
        """The loader of `dataset`, or None when this Keras does not ship it."""
        if dataset not in self._bindings:
            api = getattr(self.datasets_api, dataset, None)
            if api is None or getattr(api, "load_data", None) is None:
                self._bindings[dataset] = None
            else:
                implementation = sys.modules[api.load_data.__module__]
                file_utils = sys.modules[implementation.get_file.__module__]
                self._bindings[dataset] = LoaderBinding(dataset, api, implementation, file_utils)
        return self._bindings[dataset]

    def datasets_present(self) -> list[str]:
        return sorted(
            name
            for name in dir(self.datasets_api)
            if not name.startswith("_") and hasattr(getattr(self.datasets_api, name), "load_data")
        )

    def describe(self) -> dict[str, Any]:
        """What a report header and a snapshot record about the subject."""
        return {
            "implementation": self.impl,
            "serving": {"name": self.serving.name, "version": str(self.serving.version)},
            "versions": self.versions,
        }

    def __str__(self) -> str:
        return f"{self.impl} ({self.serving})"


def check_implementation(impl: str) -> str:
    if impl not in IMPLEMENTATIONS:
        raise UsageError(f"--keras-impl {impl!r} is not known; choose one of {', '.join(IMPLEMENTATIONS)}")
    return impl


def import_keras(impl: str) -> KerasUnderTest:
    """Import the implementation named on the command line, or say why it cannot be used."""
    module_name, attribute = IMPLEMENTATIONS[check_implementation(impl)]
    try:
        module = importlib.import_module(module_name)
        keras_module = getattr(module, attribute) if attribute else module
        datasets_api = keras_module.datasets
    except (ImportError, AttributeError) as exc:
        raise KerasUnavailable(
            f"--keras-impl {impl}: cannot import {impl}.datasets ({type(exc).__name__}: {exc}). "
            f"Install it ({INSTALL_HINTS[impl]}) or choose another --keras-impl."
        ) from exc
    return KerasUnderTest(impl, datasets_api)
