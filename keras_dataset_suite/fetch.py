"""`keras-dataset-fetch`: download the genuine dataset files into a Keras home, hash-verified.

For machines with network access (CI caches the result between runs). Each file goes to its
Keras 3 cache name under DIR/datasets/, is checked against the hash Keras pins (the published md5
for Fashion-MNIST), and only then moved into place; a file already there with the right hash is
kept, one with a wrong hash is reported and left alone. Needs no Keras.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import urllib.request
from pathlib import Path

from keras_dataset_suite.catalogue import DatasetFile, load_catalogue
from keras_dataset_suite.errors import GenuineFileCorrupt
from keras_dataset_suite.hashing import copy_verified, file_digest
from keras_dataset_suite.versions import Serving

LAYOUT = Serving.parse("keras", "3.15.1")  # the cache names of current Keras; the suite reads every layout


class FetchFailed(Exception):
    """A download that could not be placed; the message names the URL and what to do."""


def fetch(file: DatasetFile, home: Path) -> str:
    """Place one file; returns what happened, for the log line; raises FetchFailed."""
    target = home / file.request_for(LAYOUT).cache_path
    algorithm, expected = file.verification
    if target.exists():
        actual = file_digest(target, algorithm)
        if actual == expected:
            return "present"
        raise FetchFailed(
            f"{target} is already there but its {algorithm} is {actual}, not {expected}; it was left alone. "
            f"Delete it and run keras-dataset-fetch again."
        )
    target.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=target.parent) as scratch:
        download = Path(scratch) / file.name
        try:
            urllib.request.urlretrieve(file.origin, download)
        except OSError as exc:
            raise FetchFailed(f"cannot download {file.origin}: {exc}; check the network or proxy settings") from exc
        try:
            copy_verified(download, target, algorithm, expected)
        except GenuineFileCorrupt as exc:
            raise FetchFailed(
                f"{file.origin} sent a file whose {algorithm} is {exc.actual}, not {expected}: a broken or "
                f"intercepted download, nothing was placed. Try again, or fetch it from another network."
            ) from exc
    return "downloaded"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="keras-dataset-fetch", description=__doc__)
    parser.add_argument(
        "--into", type=Path, default=Path.home() / ".keras", help="Keras home to fill (default ~/.keras)"
    )
    parser.add_argument("datasets", nargs="*", help="dataset names (default: all)")
    args = parser.parse_args(argv)
    catalogue = load_catalogue()
    names = args.datasets or list(catalogue.datasets)
    unknown = sorted(set(names) - set(catalogue.datasets))
    if unknown:
        parser.error(f"unknown datasets {unknown}; choose from {list(catalogue.datasets)}")
    args.into.mkdir(parents=True, exist_ok=True)
    failures = 0
    for name in names:
        for file in catalogue.datasets[name].files:
            try:
                outcome = fetch(file, args.into)
            except FetchFailed as exc:
                outcome, failures = f"FAILED: {exc}", failures + 1
            print(f"{name}: {file.name}: {outcome}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
