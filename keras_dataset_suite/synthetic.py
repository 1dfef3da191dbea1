"""Synthetic datasets: deterministic content in every loader's genuine on-disk format.

`small` keeps a session fast; `full` has the documented split sizes (taken from the catalogue) and
realistic text statistics, for the size facts, the benchmarks and the full-size differential
checks. Content is generated from a seed, held in memory for the reference models, and written
byte-compatibly by `write`.
"""

from __future__ import annotations

import string
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np

from keras_dataset_suite import formats
from keras_dataset_suite.catalogue import Dataset
from keras_dataset_suite.content import (
    CifarArchive,
    CifarBatch,
    Content,
    HousingTable,
    ImageArrays,
    TextPool,
    TextSplits,
)
from keras_dataset_suite.ragged import Ragged

SIZES = ("small", "full")
SMALL_SPLITS = {
    "mnist": (600, 100),
    "fashion_mnist": (600, 100),
    "cifar10": (50000, 100),  # the loader hard-codes five batches of exactly 10,000 images
    "cifar100": (500, 100),
    "imdb": (240, 160),
    "reuters": (400, 0),
    "boston_housing": (120, 0),
    "california_housing": (1000, 0),
}
NUM_CLASSES = {"mnist": 10, "fashion_mnist": 10, "cifar10": 10, "cifar100": 100, "imdb": 2, "reuters": 46}
CIFAR100_COARSE = 20
POOLED = ("reuters", "boston_housing", "california_housing")  # one stored set, split by the loader
HOUSING_FEATURES = {"boston_housing": 13, "california_housing": 8}
HOUSING_TARGETS = {"boston_housing": (5.0, 50.0), "california_housing": (14999.0, 500001.0)}


def documented_splits(dataset: Dataset) -> tuple[int, int]:
    """(train, test) sizes from the first full-size split_sizes fact, which is the one of the default
    configuration by catalogue convention; pooled sets (split by the loader) have test 0."""
    for fact in dataset.facts:
        if fact.observe == "split_sizes" and fact.needs == "full":
            train, test = fact.expected["x_train"], fact.expected["x_test"]
            return (train + test, 0) if dataset.name in POOLED else (train, test)
    raise KeyError(f"the catalogue has no full-size split_sizes fact for {dataset.name}")


def _balanced_labels(rng: np.random.Generator, n: int, classes: int) -> np.ndarray:
    return rng.permutation(np.arange(n) % classes)


REUTERS_LARGEST = (3, 4)  # earn and acq dominate the real topic distribution


def _skewed_labels(rng: np.random.Generator, n: int, classes: int) -> np.ndarray:
    """Every class present, the rest from a steep power law led by earn and acq, like Reuters."""
    weights = 1.0 / np.arange(1, classes + 1) ** 1.3
    order = np.array([*REUTERS_LARGEST, *(c for c in range(classes) if c not in REUTERS_LARGEST)])
    tail = rng.choice(classes, size=max(n - classes, 0), p=weights / weights.sum())
    return rng.permutation(order[np.concatenate((np.arange(classes), tail))[:n]])


def _images(rng: np.random.Generator, n: int, shape: tuple[int, ...], dense: bool) -> np.ndarray:
    """Random uint8 images; sparse ones (40 random pixels each) keep large archives small."""
    if dense:
        return rng.integers(0, 256, size=(n, *shape), dtype=np.uint8)
    images = np.zeros((n, int(np.prod(shape))), dtype=np.uint8)
    cols = rng.integers(0, images.shape[1], size=(n, 40))
    images[np.arange(n)[:, None], cols] = rng.integers(1, 256, size=(n, 40), dtype=np.uint8)
    return images.reshape(n, *shape)


def pseudo_words(count: int) -> list[str]:
    """Distinct lowercase tokens: a, b, ..., z, aa, ab, ... (the word index needs real keys)."""
    letters = string.ascii_lowercase
    words, width = [], 1
    while len(words) < count:
        for index in range(len(letters) ** width):
            digits = []
            for _ in range(width):
                index, remainder = divmod(index, len(letters))
                digits.append(letters[remainder])
            words.append("".join(reversed(digits)))
            if len(words) == count:
                break
        width += 1
    return words


def _word_index(vocabulary: int) -> dict[str, int]:
    return {word: rank for rank, word in enumerate(pseudo_words(vocabulary), start=1)}


ZIPF_EXPONENT = 1.07  # word frequency ~ rank^-1.07, close to measured English corpora


def _zipf_ranks(rng: np.random.Generator, count: int, vocabulary: int) -> np.ndarray:
    """Ranks 1..vocabulary with P(rank) ~ rank^-s, by inverting the continuous power law (fast)."""
    power = 1.0 - ZIPF_EXPONENT
    uniform = rng.random(count)
    ranks = np.floor((1.0 + uniform * ((vocabulary + 1) ** power - 1.0)) ** (1.0 / power)).astype(np.int64)
    return np.minimum(ranks, vocabulary)


def _sequences(
    rng: np.random.Generator, n: int, vocabulary: int, median_length: float, sigma: float, max_length: int
) -> Ragged:
    """Log-normal lengths (at least 1) and Zipf-distributed ranks within the vocabulary."""
    lengths = np.clip(np.rint(rng.lognormal(np.log(median_length), sigma, size=n)), 1, max_length)
    lengths = lengths.astype(np.int64)
    return Ragged.from_lengths(_zipf_ranks(rng, int(lengths.sum()), vocabulary), lengths)


TEXT_SHAPES = {
    # (vocabulary, median length, sigma, max length) per size
    ("imdb", "small"): (500, 30.0, 0.9, 240),
    ("imdb", "full"): (88584, 174.0, 0.75, 2494),
    ("reuters", "small"): (400, 20.0, 0.8, 120),
    ("reuters", "full"): (30979, 95.0, 0.8, 2376),
}


def _text(dataset: Dataset, size: str, rng: np.random.Generator, splits: tuple[int, int]) -> Content:
    vocabulary, median, sigma, longest = TEXT_SHAPES[dataset.name, size]
    word_index = _word_index(vocabulary)
    if dataset.name == "imdb":
        train, test = splits
        return TextSplits(
            _sequences(rng, train, vocabulary, median, sigma, longest),
            _balanced_labels(rng, train, 2).astype(np.int64),
            _sequences(rng, test, vocabulary, median, sigma, longest),
            _balanced_labels(rng, test, 2).astype(np.int64),
            word_index,
        )
    total = splits[0]
    return TextPool(
        _sequences(rng, total, vocabulary, median, sigma, longest),
        _skewed_labels(rng, total, NUM_CLASSES["reuters"]).astype(np.int64),
        word_index,
    )


def _cifar(dataset: Dataset, size: str, rng: np.random.Generator, splits: tuple[int, int]) -> CifarArchive:
    train, test = splits
    dense = size == "full"
    if dataset.name == "cifar10":
        batches = tuple(
            CifarBatch(
                f"data_batch_{i}",
                _images(rng, 10000, (3072,), dense),
                {"labels": _balanced_labels(rng, 10000, 10).tolist()},
            )
            for i in range(1, 6)
        )
        test_batch = CifarBatch(
            "test_batch", _images(rng, test, (3072,), True), {"labels": _balanced_labels(rng, test, 10).tolist()}
        )
        meta = {"label_names": list(dataset.class_names or ())}
        return CifarArchive("cifar-10-batches-py", batches, test_batch, "batches.meta", meta)
    coarse_of_fine = rng.permutation(NUM_CLASSES["cifar100"]) % CIFAR100_COARSE

    def batch(name: str, n: int) -> CifarBatch:
        fine = _balanced_labels(rng, n, NUM_CLASSES["cifar100"])
        return CifarBatch(
            name,
            _images(rng, n, (3072,), True),
            {"fine_labels": fine.tolist(), "coarse_labels": coarse_of_fine[fine].tolist()},
        )

    meta = {
        "fine_label_names": list(dataset.class_names or ()),
        "coarse_label_names": list(dataset.coarse_class_names or ()),
    }
    return CifarArchive("cifar-100-python", (batch("train", train),), batch("test", test), "meta", meta)


def _housing(dataset: Dataset, rng: np.random.Generator, rows: int) -> HousingTable:
    low, high = HOUSING_TARGETS[dataset.name]
    features = rng.lognormal(1.0, 1.0, size=(rows, HOUSING_FEATURES[dataset.name]))
    targets = np.round(rng.uniform(low, high, size=rows), 1)
    return HousingTable(features, targets)


def generate(dataset: Dataset, size: str, seed: int = 20261203) -> Content:
    """Deterministic content for `dataset` at `size`: the same seed gives the same bytes."""
    if size not in SIZES:
        raise ValueError(f"size must be one of {SIZES}")
    rng = np.random.default_rng([seed, list(SMALL_SPLITS).index(dataset.name), SIZES.index(size)])
    splits = SMALL_SPLITS[dataset.name] if size == "small" else documented_splits(dataset)
    if dataset.family == "text":
        return _text(dataset, size, rng, splits)
    if dataset.name in ("cifar10", "cifar100"):
        return _cifar(dataset, size, rng, splits)
    if dataset.family == "housing":
        return _housing(dataset, rng, splits[0])
    train, test = splits
    classes = NUM_CLASSES[dataset.name]
    return ImageArrays(
        _images(rng, train, (28, 28), True),
        _balanced_labels(rng, train, classes).astype(np.uint8),
        _images(rng, test, (28, 28), True),
        _balanced_labels(rng, test, classes).astype(np.uint8),
    )


def from_fixture(dataset: Dataset, fixture: Mapping[str, Any]) -> Content:
    """Content from a catalogue [fixtures] table (the test vectors' inputs)."""
    if dataset.name == "imdb":
        return TextSplits(
            Ragged.from_sequences(fixture["x_train"]),
            np.asarray(fixture["y_train"], dtype=np.int64),
            Ragged.from_sequences(fixture["x_test"]),
            np.asarray(fixture["y_test"], dtype=np.int64),
            fixture.get("word_index", {}),
        )
    if dataset.name == "reuters":
        return TextPool(
            Ragged.from_sequences(fixture["x"]),
            np.asarray(fixture["y"], dtype=np.int64),
            fixture.get("word_index", {}),
        )
    raise KeyError(f"{dataset.name} has no fixture format")


def _cifar_members(archive: CifarArchive) -> dict[str, bytes]:
    members = {}
    for batch in (*archive.train, archive.test):
        labels = {key.encode(): value for key, value in batch.labels.items()}
        members[f"{archive.folder}/{batch.name}"] = formats.cifar_batch(batch.data, labels, batch.name.encode())
    meta = {key.encode(): [name.encode() for name in names] for key, names in archive.meta.items()}
    members[f"{archive.folder}/{archive.meta_name}"] = formats.pickle_dict(meta)
    return members


def write(content: Content, paths: Mapping[str, Path]) -> None:
    """Write `content` to `paths` (file role -> path), byte-compatible with the genuine files."""
    for path in paths.values():
        path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(content, ImageArrays) and "data" in paths:
        formats.write_npz(paths["data"], {k: getattr(content, k) for k in ("x_train", "y_train", "x_test", "y_test")})
    elif isinstance(content, ImageArrays):
        for role, array in (
            ("train_labels", content.y_train),
            ("train_images", content.x_train),
            ("test_labels", content.y_test),
            ("test_images", content.x_test),
        ):
            formats.write_idx_gz(paths[role], array)
    elif isinstance(content, CifarArchive):
        formats.write_tar_gz(paths["archive"], _cifar_members(content))
    elif isinstance(content, TextSplits):
        formats.write_npz(
            paths["data"],
            {
                "x_train": formats.object_array(content.x_train.to_lists()),
                "y_train": content.y_train,
                "x_test": formats.object_array(content.x_test.to_lists()),
                "y_test": content.y_test,
            },
        )
        formats.write_word_index(paths["word_index"], content.word_index)
    elif isinstance(content, TextPool):
        formats.write_npz(paths["data"], {"x": formats.object_array(content.x.to_lists()), "y": content.y})
        formats.write_word_index(paths["word_index"], content.word_index)
    elif isinstance(content, HousingTable):
        formats.write_npz(paths["data"], {"x": content.x, "y": content.y})
    else:
        raise TypeError(f"cannot write {type(content).__name__}")
