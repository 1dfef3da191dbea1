"""Reference models of the image loaders, written from their documented behaviour.

mnist returns the stored arrays; Fashion-MNIST decodes IDX payloads by skipping the 8/16-byte
headers (hence read-only arrays); CIFAR stacks the (N, 3072) R/G/B planes into (N, 3, 32, 32)
and transposes them to channels_last when that is the image data format.
"""

from __future__ import annotations

import numpy as np

from keras_dataset_suite.content import CifarArchive, ImageArrays
from keras_dataset_suite.formats import idx_bytes
from keras_dataset_suite.models.output import Output

CIFAR10_TRAIN_SAMPLES = 50000
CIFAR100_LABEL_MODES = ("fine", "coarse")


def mnist(content: ImageArrays) -> Output:
    """np.load of the npz: fresh, writeable copies of the stored arrays, unchanged."""
    return Output(content.x_train.copy(), content.y_train.copy(), content.x_test.copy(), content.y_test.copy())


def _decode_idx(array: np.ndarray, header: int, rows: int | None = None) -> np.ndarray:
    decoded = np.frombuffer(idx_bytes(array), np.uint8, offset=header)
    return decoded if rows is None else decoded.reshape(rows, 28, 28)


def fashion_mnist(content: ImageArrays) -> Output:
    """Labels skip 8 header bytes, images 16; the image count follows the label count."""
    y_train = _decode_idx(content.y_train, 8)
    y_test = _decode_idx(content.y_test, 8)
    x_train = _decode_idx(content.x_train, 16, len(y_train))
    x_test = _decode_idx(content.x_test, 16, len(y_test))
    return Output(x_train, y_train, x_test, y_test)


def _planes(data: np.ndarray) -> np.ndarray:
    return data.reshape(data.shape[0], 3, 32, 32)


def _to_format(images: np.ndarray, image_data_format: str) -> np.ndarray:
    return images.transpose(0, 2, 3, 1) if image_data_format == "channels_last" else images


def cifar10(archive: CifarArchive, image_data_format: str) -> Output:
    """Five 10,000-image batches into uint8 buffers; labels (N, 1) uint8 for both splits."""
    x_train = np.empty((CIFAR10_TRAIN_SAMPLES, 3, 32, 32), dtype=np.uint8)
    y_train = np.empty((CIFAR10_TRAIN_SAMPLES,), dtype=np.uint8)
    for i, batch in enumerate(archive.train):
        rows = slice(i * 10000, (i + 1) * 10000)
        x_train[rows] = _planes(batch.data)
        y_train[rows] = batch.labels["labels"]
    x_test = _planes(archive.test.data)
    y_test = np.reshape(archive.test.labels["labels"], (len(archive.test.labels["labels"]), 1))
    y_train = np.reshape(y_train, (len(y_train), 1))
    x_train = _to_format(x_train, image_data_format)
    x_test = _to_format(x_test, image_data_format).astype(x_train.dtype)
    return Output(x_train, y_train, x_test, y_test.astype(y_train.dtype))


def cifar100(archive: CifarArchive, image_data_format: str, label_mode: str = "fine") -> Output:
    """One train and one test batch; labels are the pickled lists reshaped to (N, 1) (int64)."""
    if label_mode not in CIFAR100_LABEL_MODES:
        raise ValueError(f"`label_mode` must be one of {CIFAR100_LABEL_MODES}, got {label_mode!r}")
    key = f"{label_mode}_labels"
    (train,) = archive.train
    arrays = []
    for batch in (train, archive.test):
        labels = batch.labels[key]
        arrays.append(_to_format(_planes(batch.data), image_data_format))
        arrays.append(np.reshape(labels, (len(labels), 1)))
    return Output(*arrays)
