"""Load time of every dataset through the real loader, its floor, first loads and peak memory.

Run with the README's benchmark command; in the default run (--benchmark-disable) each benchmark
runs once on small data as a smoke test. Timed: warm loads (the files already in the private
cache), first loads into a fresh private cache (CIFAR's extraction, Fashion-MNIST's decompression),
and the floor (the same bytes read with plain numpy/gzip/tarfile/pickle). Each pass times its share
of the rounds (see the time_rounds fixture).
"""

import shutil
import tarfile

import pytest

from keras_dataset_suite import benchmarking
from keras_dataset_suite.floors import read_floor
from keras_dataset_suite.observe import count_calls


def loader(suite, case, home=None):
    subject = suite.subject(case)
    return lambda: subject.call(subject.config.kwargs, home=home).unwrap()


@pytest.mark.over("benchmarks")
def test_load_warm(benchmark, benchmark_pass, time_rounds, suite, case):
    """The files are cached (and, for CIFAR, already extracted once): what every later call costs."""
    load = loader(suite, case)
    if benchmark_pass.first:  # the first call also places (and extracts) what later calls find
        peak, _ = benchmarking.peak_memory(lambda: benchmarking.output_bytes(load()))
        extractions, output = count_calls(tarfile.TarFile, "extractall", lambda: benchmarking.output_bytes(load()))
        benchmark.extra_info.update(
            peak_mib=peak / benchmarking.MIB, extractions_per_call=extractions, output_mib=output / benchmarking.MIB
        )
    benchmark.extra_info.update(dataset=case.dataset, source=case.source, kind="warm")
    benchmark.group = f"load:{case.dataset}"
    time_rounds(load)
    suite.record_benchmark(benchmark, case, "warm")


@pytest.mark.over("benchmarks")
def test_load_first(benchmark, time_rounds, suite, case):
    """A fresh private cache holding only the downloaded files: the first call after a download."""
    prepared = suite.subject(case).prepared()
    homes = []

    def fresh_home():
        for old in homes:
            shutil.rmtree(old, ignore_errors=True)
        homes[:] = [benchmarking.fresh_home(prepared, suite.root, suite.generated)]
        return (homes[0],)

    benchmark.extra_info.update(dataset=case.dataset, source=case.source, kind="first")
    benchmark.group = f"load:{case.dataset}"
    time_rounds(lambda home: loader(suite, case, home)(), prepare=fresh_home)
    for old in homes:
        shutil.rmtree(old, ignore_errors=True)
    suite.record_benchmark(benchmark, case, "first")


@pytest.mark.over("benchmarks")
def test_floor(benchmark, time_rounds, suite, case):
    """The same files read and decoded with numpy/gzip/tarfile/pickle only."""
    files = suite.subject(case).prepared().files
    benchmark.extra_info.update(dataset=case.dataset, source=case.source, kind="floor")
    benchmark.group = f"load:{case.dataset}"
    time_rounds(lambda: read_floor(case.dataset, files))
    suite.record_benchmark(benchmark, case, "floor")
