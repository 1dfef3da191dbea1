"""Independent reference models: the documented behaviour of each loader, applied to what the suite wrote.

On synthetic data the whole output of every call is therefore known, and checks compare exactly.
No model imports Keras.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from keras_dataset_suite.content import Content
from keras_dataset_suite.models import housing, images, text
from keras_dataset_suite.models.output import Output
from keras_dataset_suite.models.text import TextOutput

Prediction = Output | TextOutput


def predict(
    dataset: str,
    content: Content,
    kwargs: Mapping[str, Any],
    image_data_format: str = "channels_last",
    quirks: frozenset[str] = frozenset(),
) -> Prediction:
    """What `<dataset>.load_data(**kwargs)` returns for `content`; raises what it raises."""
    args = {k: v for k, v in kwargs.items() if k not in ("path", "cache_dir")}
    if dataset == "mnist":
        return images.mnist(content)  # type: ignore[arg-type]
    if dataset == "fashion_mnist":
        return images.fashion_mnist(content)  # type: ignore[arg-type]
    if dataset == "cifar10":
        return images.cifar10(content, image_data_format)  # type: ignore[arg-type]
    if dataset == "cifar100":
        return images.cifar100(content, image_data_format, **args)  # type: ignore[arg-type]
    if dataset == "imdb":
        return text.imdb(content, kwargs, quirks)  # type: ignore[arg-type]
    if dataset == "reuters":
        return text.reuters(content, kwargs, quirks)  # type: ignore[arg-type]
    if dataset == "boston_housing":
        return housing.shuffle_split(content, **args)  # type: ignore[arg-type]
    if dataset == "california_housing":
        return housing.california_housing(content, **args)  # type: ignore[arg-type]
    raise KeyError(f"no reference model for {dataset}")


def as_output(prediction: Prediction) -> Output:
    """The containers the loader returns (object arrays of lists for text)."""
    return prediction.arrays() if isinstance(prediction, TextOutput) else prediction
