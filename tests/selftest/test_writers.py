"""Every writer round-trips through the real loader, and through the plain readers.

These compare the loader's output with the content the suite generated, directly, without the
reference models: what was written is what Keras reads back (up to the documented reordering).
"""

from __future__ import annotations

from collections import Counter

import numpy as np
import pytest

from keras_dataset_suite import formats, synthetic
from keras_dataset_suite.catalogue import load_catalogue
from keras_dataset_suite.content import CifarArchive, HousingTable, ImageArrays, TextPool, TextSplits
from keras_dataset_suite.session import Case

DATASETS = [d.name for d in load_catalogue()]


def rows(sequences) -> Counter:
    return Counter(tuple(int(v) for v in row) for row in sequences)


@pytest.mark.parametrize("name", DATASETS)
def test_writer_round_trips_through_the_loader(name, suite):
    if suite.absent_reason(name):
        pytest.skip(suite.absent_reason(name))
    dataset = suite.dataset(name)
    case = Case(name, dataset.configs[0].name, "synthetic")
    subject = suite.subject(case)
    content = subject.prepared().content
    call = suite.harness.call(subject.binding, "load_data", subject.prepared().home, {}, "channels_first")
    (x_train, y_train), (x_test, y_test) = call.unwrap()
    if isinstance(content, ImageArrays):
        for got, want in (
            (x_train, content.x_train),
            (y_train, content.y_train),
            (x_test, content.x_test),
            (y_test, content.y_test),
        ):
            np.testing.assert_array_equal(got, want)
    elif isinstance(content, CifarArchive):
        label_key = next(iter(content.test.labels)) if name == "cifar10" else "fine_labels"
        data = np.concatenate([b.data for b in content.train]).reshape(-1, 3, 32, 32)
        np.testing.assert_array_equal(x_train, data)
        np.testing.assert_array_equal(y_train.ravel(), np.concatenate([b.labels[label_key] for b in content.train]))
        np.testing.assert_array_equal(x_test, content.test.data.reshape(-1, 3, 32, 32))
    elif isinstance(content, TextSplits):
        train, test = as_loaded(content.x_train, content.x_test)
        assert rows(x_train) == rows(train) and rows(x_test) == rows(test)
        assert Counter(y_train.tolist()) == Counter(content.y_train.tolist())
    elif isinstance(content, TextPool):
        (pooled,) = as_loaded(content.x)
        assert rows(list(x_train) + list(x_test)) == rows(pooled)
    elif isinstance(content, HousingTable):
        loaded = np.concatenate([np.column_stack([x_train, y_train]), np.column_stack([x_test, y_test])])
        assert rows_of(loaded) == rows_of(np.column_stack([content.x, content.y]))
    else:
        pytest.fail(f"no round-trip for {type(content).__name__}")
    assert subject.prepared().files, "the writer placed no file"


def as_loaded(*splits):
    """Stored ranks as loaded with the defaults: start_char 1, index_from 3, and the largest index
    (num_words=None) replaced by oov_char 2."""
    marked = [[[1, *(v + 3 for v in row)] for row in split.to_lists()] for split in splits]
    largest = max(max(row) for split in marked for row in split)
    return [[[v if v < largest else 2 for v in row] for row in split] for split in marked]


def rows_of(table: np.ndarray) -> Counter:
    return Counter(map(tuple, table.tolist()))


def test_idx_round_trip(tmp_path):
    images = np.random.default_rng(0).integers(0, 256, size=(7, 28, 28), dtype=np.uint8)
    formats.write_idx_gz(tmp_path / "i.gz", images)
    np.testing.assert_array_equal(formats.read_idx_gz(tmp_path / "i.gz"), images)
    assert formats.read_idx_header(tmp_path / "i.gz") == [2051, 7, 28, 28]


def test_cifar_archive_round_trip(tmp_path):
    archive = synthetic.generate(load_catalogue().datasets["cifar100"], "small")
    formats.write_tar_gz(tmp_path / "c.tar.gz", synthetic._cifar_members(archive))
    members = formats.read_tar_members(tmp_path / "c.tar.gz")
    train = formats.read_cifar_batch(members["cifar-100-python/train"])
    np.testing.assert_array_equal(train[b"data"], archive.train[0].data)
    assert train[b"fine_labels"] == archive.train[0].labels["fine_labels"]
    assert set(members) == {"cifar-100-python/train", "cifar-100-python/test", "cifar-100-python/meta"}


def test_synthetic_content_is_deterministic():
    dataset = load_catalogue().datasets["imdb"]
    one, two = synthetic.generate(dataset, "small"), synthetic.generate(dataset, "small")
    assert one.x_train.equals(two.x_train) and np.array_equal(one.y_test, two.y_test)
