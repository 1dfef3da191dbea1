"""Helpers of the benchmark run: rounds, fresh homes, memory, what an option does to the data.

Timings use pytest-benchmark (pedantic mode, so a fresh cache can be set up outside the timed
region). Peak memory is measured in a separate, untimed call with tracemalloc: it sees every NumPy
buffer and Python object the load allocates, so its peak is the load's own working set; the
process RSS would include TensorFlow's few hundred MB and cannot be reset between loads.
"""

from __future__ import annotations

import gc
import itertools
import math
import os
import shutil
import time
import tracemalloc
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from keras_dataset_suite.harness import GeneratedFiles
from keras_dataset_suite.observe import output_of
from keras_dataset_suite.ragged import Ragged
from keras_dataset_suite.sources import Prepared

TARGET_SECONDS = 3.0  # per benchmark, all passes together: enough rounds for a stable median
# At least two rounds per pass of the default four: a CIFAR first load (extraction to disk) spreads
# by +-25% between rounds, and one round per pass left its median at the mercy of two of them.
MIN_ROUNDS, MAX_ROUNDS = 8, 20
# The option grid: 33 option sets per dataset; IMDB's full-size loads take ~1.3 s each, Reuters' ~0.2 s.
# IMDB gets one round per pass, Reuters two: that keeps the whole run near seven minutes.
GRID_ROUNDS = {"imdb": 4, "reuters": 8}
MIB = 1024 * 1024


def settle(freeze: bool) -> None:
    """pedantic() setup: start a timed round with no pending writeback and a collected heap.

    os.sync() flushes the files earlier rounds wrote (CIFAR's extraction, fresh homes), which the
    kernel would otherwise write back during a later round. With `freeze`, what survives the
    collection is frozen, so TensorFlow's long-lived objects are traversed once, not before every
    round (a full collection of that heap takes ~0.3 s); the smoke run does not freeze.
    """
    os.sync()
    gc.collect()
    if freeze:
        gc.freeze()


@dataclass
class Rounds:
    """pedantic()'s target and setup for one benchmark, so that every round starts from the same state.

    pytest-benchmark holds a round's return value until the next round returns, so from round 2 on
    a load would run beside the previous output (180 MB of CIFAR arrays, millions of Reuters ints),
    5-15% slower than round 1 here. The target keeps the output instead, and the setup drops it,
    untimed, before it prepares the round's arguments (a fresh home, say) and settles.
    """

    call: Callable[..., Any]
    freeze: bool
    prepare: Callable[[], tuple[Any, ...]] = tuple
    output: Any = None

    def setup(self) -> tuple[tuple[Any, ...], dict[str, Any]]:
        self.output = None
        arguments = self.prepare()
        settle(self.freeze)
        return arguments, {}

    def target(self, *arguments: Any) -> None:
        self.output = self.call(*arguments)

    def probe(self) -> float:
        """Seconds of one untimed call from the same state as a round: the warm-up that sizes the rounds."""
        arguments, _ = self.setup()
        start = time.perf_counter()
        self.target(*arguments)
        seconds = time.perf_counter() - start
        self.output = None
        return seconds


def choose_rounds(seconds_per_call: float) -> int:
    """Rounds that fill about TARGET_SECONDS, within [MIN_ROUNDS, MAX_ROUNDS]."""
    if seconds_per_call <= 0:
        return MAX_ROUNDS
    return int(min(MAX_ROUNDS, max(MIN_ROUNDS, math.ceil(TARGET_SECONDS / seconds_per_call))))


def fresh_home(prepared: Prepared, root: Path, generated: GeneratedFiles) -> Path:
    """A new private Keras home holding copies of `prepared`'s files and nothing else (no extraction).

    Copies of files the suite generated are registered too, so the hash bypass still vouches for them.
    """
    home = root / "fresh" / uuid.uuid4().hex
    for path in prepared.files.values():
        target = home / path.relative_to(prepared.home)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, target)
        if prepared.content is not None:
            generated.register(target)
    return home


def peak_memory(call: Callable[[], Any]) -> tuple[int, Any]:
    """(peak traced bytes during `call`, its result)."""
    tracemalloc.start()
    try:
        result = call()
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return peak, result


def output_bytes(result: Any) -> int:
    """Bytes of the returned arrays; ragged text counted as int64 tokens."""
    total = 0
    for _, array in output_of(result).named():
        if isinstance(array, np.ndarray) and array.dtype != object:
            total += array.nbytes
        else:
            total += 8 * sum(len(row) for row in array)
    return total


@dataclass(frozen=True)
class OptionEffect:
    """What one IMDB/Reuters option set did to the data."""

    kept: dict[str, int]
    tokens: int
    oov_share: float
    vocabulary: int
    length_quantiles: dict[str, float]

    def as_dict(self) -> dict[str, Any]:
        return {
            "kept_train": self.kept["train"],
            "kept_test": self.kept["test"],
            "tokens": self.tokens,
            "oov_share": self.oov_share,
            "vocabulary": self.vocabulary,
            "length_quantiles": self.length_quantiles,
        }


def option_effect(result: Any, oov_char: int | None) -> OptionEffect:
    output = output_of(result)
    rows = Ragged.from_sequences(itertools.chain(output.x_train, output.x_test))
    lengths = rows.lengths
    quantiles = np.percentile(lengths, [50, 90, 99]).tolist() if len(lengths) else [0.0, 0.0, 0.0]
    oov = int((rows.values == oov_char).sum()) if oov_char is not None else 0
    return OptionEffect(
        kept={"train": len(output.x_train), "test": len(output.x_test)},
        tokens=len(rows.values),
        oov_share=oov / len(rows.values) if len(rows.values) else 0.0,
        vocabulary=int(np.count_nonzero(np.bincount(rows.values))) if len(rows.values) else 0,
        length_quantiles=dict(zip(("p50", "p90", "p99"), quantiles, strict=True)),
    )


def option_grid() -> dict[str, dict[str, Any]]:
    """num_words x maxlen x skip_top, plus oov_char=None; named like 'nw10000-ml200-st20'."""
    grid: dict[str, dict[str, Any]] = {}
    for num_words in (None, 10000, 5000, 1000):
        for maxlen in (None, 500, 200, 100):
            for skip_top in (0, 20):
                name = f"nw{num_words or 'all'}-ml{maxlen or 'all'}-st{skip_top}"
                grid[name] = {"num_words": num_words, "maxlen": maxlen, "skip_top": skip_top}
    grid["nw10000-drop-oov"] = {"num_words": 10000, "oov_char": None}
    return grid
