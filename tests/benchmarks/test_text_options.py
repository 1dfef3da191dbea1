"""The IMDB and Reuters option grid: time, and what each option set does to the data.

num_words in {None, 10000, 5000, 1000} x maxlen in {None, 500, 200, 100} x skip_top in {0, 20},
plus oov_char=None. Alongside, the reference model on the same data and options, so the report
shows the model's speed-up over Keras's own load_data.
"""

import pytest

from keras_dataset_suite import benchmarking
from keras_dataset_suite.models import predict
from keras_dataset_suite.session import Case

GRID = benchmarking.option_grid()
MODEL_OPTIONS = ("nwall-mlall-st0", "nw10000-ml200-st20")


def text_case(suite, dataset):
    case = Case(dataset, "default", suite.options.benchmark_source)
    suite.subject(case).prepared()
    return case


@pytest.mark.parametrize("options", list(GRID), ids=list(GRID))
@pytest.mark.parametrize("dataset", ["imdb", "reuters"])
def test_option_grid(benchmark, benchmark_pass, time_rounds, suite, dataset, options):
    """Each option set's time, and (measured once, in the first pass) what it did to the data."""
    case = text_case(suite, dataset)
    subject = suite.subject(case)
    kwargs = {k: v for k, v in GRID[options].items() if v is not None or k == "oov_char"}
    load = lambda: suite.harness.call(subject.binding, "load_data", subject.prepared().home, kwargs).unwrap()  # noqa: E731
    benchmark.group = f"options:{dataset}"
    result = time_rounds(load, rounds=benchmarking.GRID_ROUNDS[dataset])
    benchmark.extra_info.update(dataset=dataset, source=case.source, kind="options", options=options)
    if benchmark_pass.first:
        benchmark.extra_info.update(benchmarking.option_effect(result, kwargs.get("oov_char", 2)).as_dict())
    suite.record_benchmark(benchmark, case, "options")


@pytest.mark.parametrize("options", MODEL_OPTIONS)
@pytest.mark.parametrize("dataset", ["imdb", "reuters"])
def test_reference_model(benchmark, time_rounds, suite, dataset, options):
    """The vectorized model on the same content and options (compare with test_option_grid)."""
    case = text_case(suite, dataset)
    entry = suite.dataset(dataset)
    content = suite.subject(case).prepared().content
    kwargs = {k: v for k, v in GRID[options].items() if v is not None}
    quirks = entry.quirks_for(suite.kut.serving)
    run = lambda: predict(dataset, content, kwargs, quirks=quirks)  # noqa: E731
    benchmark.extra_info.update(dataset=dataset, source=case.source, kind="model", options=options)
    benchmark.group = f"options:{dataset}"
    time_rounds(run)
    suite.record_benchmark(benchmark, case, "model")
