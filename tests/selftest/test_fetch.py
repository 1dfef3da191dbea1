"""keras-dataset-fetch places only verified files and never replaces what is already there."""

from __future__ import annotations

import hashlib

import pytest

from keras_dataset_suite.catalogue import DatasetFile, FileRequest
from keras_dataset_suite.fetch import FetchFailed, fetch, main


def a_file(tmp_path, payload: bytes, pinned: bytes | None = None) -> DatasetFile:
    origin = tmp_path / "origin" / "thing.npz"
    origin.parent.mkdir(exist_ok=True)
    origin.write_bytes(payload)
    return DatasetFile(
        role="data",
        origin=origin.as_uri(),
        source="keras-src: test",
        requests=(FileRequest(fname="thing.npz", cache_path="datasets/thing.npz"),),
        hash=hashlib.sha256(pinned if pinned is not None else payload).hexdigest(),
    )


def test_downloads_and_verifies(tmp_path):
    home = tmp_path / "home"
    home.mkdir()
    assert fetch(a_file(tmp_path, b"genuine bytes"), home) == "downloaded"
    assert (home / "datasets" / "thing.npz").read_bytes() == b"genuine bytes"


def test_refuses_a_download_with_the_wrong_hash(tmp_path):
    home = tmp_path / "home"
    home.mkdir()
    with pytest.raises(FetchFailed, match=r"thing.npz sent a file whose sha256 is .*nothing was placed"):
        fetch(a_file(tmp_path, b"tampered", pinned=b"genuine"), home)
    assert not (home / "datasets" / "thing.npz").exists()


def test_leaves_an_existing_file_alone(tmp_path):
    home = tmp_path / "home"
    (home / "datasets").mkdir(parents=True)
    (home / "datasets" / "thing.npz").write_bytes(b"user's own bytes")
    with pytest.raises(FetchFailed, match=r"left alone\. Delete it"):
        fetch(a_file(tmp_path, b"genuine bytes"), home)
    assert (home / "datasets" / "thing.npz").read_bytes() == b"user's own bytes"


def test_unknown_dataset_is_a_usage_error(capsys):
    with pytest.raises(SystemExit) as exit_:
        main(["--into", "/nonexistent", "mnist", "cifar1000"])
    assert exit_.value.code == 2
    assert "cifar1000" in capsys.readouterr().err
