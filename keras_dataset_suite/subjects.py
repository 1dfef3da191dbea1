"""The two things an observation can look at: the Keras under test, and the reference model."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any, Protocol

from keras_dataset_suite.catalogue import Config, Dataset
from keras_dataset_suite.harness import Call, Harness
from keras_dataset_suite.keras_under_test import KerasUnderTest, LoaderBinding
from keras_dataset_suite.models import as_output, predict
from keras_dataset_suite.sources import Prepared


class Placement(Protocol):
    """Something that puts a dataset's files in a private home (a source, or one fixture)."""

    def prepare(self, dataset: Dataset, function: str = "load_data") -> Prepared: ...


class KerasSubject:
    """The real loaders of the Keras under test, on one dataset, configuration and source."""

    def __init__(
        self,
        dataset: Dataset,
        config: Config,
        kut: KerasUnderTest,
        harness: Harness,
        placement: Placement | None,
    ) -> None:
        self.dataset = dataset.name
        self.catalogue_entry = dataset
        self.config = config
        self.binding: LoaderBinding | None = kut.binding(dataset.name)
        self.harness = harness
        self.placement = placement
        self._load: Call | None = None

    def prepared(self, function: str = "load_data") -> Prepared:
        assert self.placement is not None, "this subject has no data source"
        return self.placement.prepare(self.catalogue_entry, function)

    def call(self, kwargs: Mapping[str, Any], function: str = "load_data", home: Path | None = None) -> Call:
        """One call of the real loader, in the source's private home (or in `home`, e.g. a fresh one)."""
        assert self.binding is not None
        home = home or self.prepared(function).home
        return self.harness.call(self.binding, function, home, kwargs, self.config.image_data_format)

    @property
    def loaded(self) -> bool:
        return self._load is not None

    def load(self) -> Call:
        """load_data with the configuration's arguments, made once and remembered."""
        if self._load is None:
            self._load = self.call(self.config.kwargs)
        return self._load

    def result(self, kwargs: Mapping[str, Any] | None = None) -> Any:
        return (self.load() if kwargs is None else self.call(kwargs)).unwrap()

    def word_index(self) -> Mapping[str, int]:
        return self.call({}, "get_word_index").unwrap()

    def files(self) -> Mapping[str, Path]:
        return self.prepared().files

    def label_names(self) -> Any:
        function = self.binding.function("get_label_names") if self.binding else None
        return function() if function is not None else None

    def api(self) -> Any:
        return self.binding.api if self.binding is not None else None

    def api_get_file(self) -> Any:
        """The real get_file the loaders use (outside a serving block it is unpatched)."""
        return self.binding.implementation.get_file if self.binding is not None else None


class ModelSubject:
    """The reference model applied to exactly what a synthetic source wrote."""

    def __init__(self, dataset: Dataset, config: Config, prepared: Prepared, quirks: frozenset[str]) -> None:
        assert prepared.content is not None, "the reference model needs synthetic content"
        self.dataset = dataset.name
        self.config = config
        self.prepared = prepared
        self.quirks = quirks
        self._result: Any = None

    def result(self, kwargs: Mapping[str, Any] | None = None) -> Any:
        if kwargs is None and self._result is not None:
            return self._result
        prediction = predict(
            self.dataset,
            self.prepared.content,
            self.config.kwargs if kwargs is None else kwargs,
            self.config.image_data_format or "channels_last",
            self.quirks,
        )
        result = as_output(prediction).as_tuple()
        if kwargs is None:
            self._result = result
        return result

    def word_index(self) -> Mapping[str, int]:
        return self.prepared.content.word_index  # type: ignore[union-attr]

    def files(self) -> Mapping[str, Path]:
        return self.prepared.files

    def label_names(self) -> Any:
        return None

    def api(self) -> Any:
        return None

    def api_get_file(self) -> Any:
        return None
