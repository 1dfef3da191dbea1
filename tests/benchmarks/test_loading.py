"""Load time of every dataset through the real loader, its floor, first loads and peak memory.

Run with the README's benchmark command; in the default run (--benchmark-disable) each benchmark
runs once on small data as a smoke test. Timed: warm loads (the files already in the private
cache), first loads into a fresh private cache (CIFAR's extraction, Fashion-MNIST's decompression),
and the floor (the same bytes read with plain numpy/gzip/tarfile/pickle). Each pass times its share
of the rounds after one untimed call, which warms up and sizes the rounds.
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
def test_load_warm(benchmark, benchmark_pass, settle, suite, case):
    """The files are cached (and, for CIFAR, already extracted once): what every later call costs."""
    load = loader(suite, case)
    if benchmark_pass.first:  # the first call also places (and extracts) what later calls find
        peak, _ = benchmarking.peak_memory(load)
        benchmark.extra_info["peak_mib"] = peak / benchmarking.MIB
    extractions, (probe, result) = count_calls(tarfile.TarFile, "extractall", lambda: benchmarking.timed(load))
    benchmark.extra_info.update(
        dataset=case.dataset,
        source=case.source,
        kind="warm",
        extractions_per_call=extractions,
        output_mib=benchmarking.output_bytes(result) / benchmarking.MIB,
    )
    benchmark.group = f"load:{case.dataset}"
    rounds = benchmark_pass.share(benchmarking.choose_rounds(probe))
    benchmark.pedantic(load, setup=settle, rounds=rounds)
    suite.record_benchmark(benchmark, case, "warm")


@pytest.mark.over("benchmarks")
def test_load_first(benchmark, benchmark_pass, settle, suite, case):
    """A fresh private cache holding only the downloaded files: the first call after a download."""
    prepared = suite.subject(case).prepared()
    homes = []

    def fresh():
        for old in homes:
            shutil.rmtree(old, ignore_errors=True)
        homes[:] = [benchmarking.fresh_home(prepared, suite.root, suite.generated)]
        settle()
        return (homes[0],), {}

    def first_load(home):
        return loader(suite, case, home)()

    probe, _ = benchmarking.timed(lambda: first_load(fresh()[0][0]))
    benchmark.extra_info.update(dataset=case.dataset, source=case.source, kind="first")
    benchmark.group = f"load:{case.dataset}"
    benchmark.pedantic(first_load, setup=fresh, rounds=benchmark_pass.share(benchmarking.choose_rounds(probe)))
    for old in homes:
        shutil.rmtree(old, ignore_errors=True)
    suite.record_benchmark(benchmark, case, "first")


@pytest.mark.over("benchmarks")
def test_floor(benchmark, benchmark_pass, settle, suite, case):
    """The same files read and decoded with numpy/gzip/tarfile/pickle only."""
    files = suite.subject(case).prepared().files
    read = lambda: read_floor(case.dataset, files)  # noqa: E731
    probe, _ = benchmarking.timed(read)
    benchmark.extra_info.update(dataset=case.dataset, source=case.source, kind="floor")
    benchmark.group = f"load:{case.dataset}"
    benchmark.pedantic(read, setup=settle, rounds=benchmark_pass.share(benchmarking.choose_rounds(probe)))
    suite.record_benchmark(benchmark, case, "floor")
