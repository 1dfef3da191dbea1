"""keras-dataset-bench-agreement: which medians two runs agree on, and its verdict."""

import json

import pytest

from keras_dataset_suite.agreement import main


def run(**benchmarks):
    return {
        "benchmarks": [
            {"name": name, "extra_info": {"kind": kind}, "stats": {"data": data}}
            for name, (kind, data) in benchmarks.items()
        ]
    }


def write(tmp_path, first, second):
    paths = [tmp_path / "1.json", tmp_path / "2.json"]
    for path, content in zip(paths, (first, second), strict=True):
        path.write_text(json.dumps(content))
    return [str(p) for p in paths]


def test_loads_within_the_tolerance_agree(tmp_path, capsys):
    first = run(warm=("warm", [0.100, 0.101, 0.300]), tiny=("warm", [0.001]), floor=("floor", [0.2]))
    second = run(warm=("warm", [0.108, 0.109, 0.110]), tiny=("warm", [0.005]), floor=("floor", [0.3]))
    assert main([*write(tmp_path, first, second), "--markdown", str(tmp_path / "r.md")]) == 0
    out = capsys.readouterr().out
    assert "| warm (load) | 1 | 1 | x1.079 | x1.080 |" in out
    assert "| floor | 1 | 0 | x1.500 | x1.500 |" in out  # reported, but a floor is not a load
    assert "1 of 1 load medians agree within 10%; 1 of 2 benchmark medians in all." in out
    assert (tmp_path / "r.md").read_text() == out


def test_a_load_outside_the_tolerance_fails_and_is_named(tmp_path, capsys):
    first, second = run(grid=("options", [1.0, 1.0])), run(grid=("options", [1.2, 1.2]))
    assert main(write(tmp_path, first, second)) == 1
    assert "| grid | 1,000.0 ms | 1,200.0 ms | x1.200 |" in capsys.readouterr().out
    assert main([*write(tmp_path, first, second), "--tolerance", "0.25"]) == 0


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("[]", "not a pytest-benchmark JSON file"),
        ("{", "cannot read a benchmark JSON file"),
        (json.dumps(run(other=("warm", [1.0]))), "have no benchmark over 50 ms in common"),
        (json.dumps({"benchmarks": [{"name": "warm", "stats": {}}]}), "no name or no raw rounds (stats.data)"),
    ],
)
def test_unusable_input_says_why(tmp_path, capsys, content, message):
    paths = write(tmp_path, run(warm=("warm", [1.0])), {})
    (tmp_path / "2.json").write_text(content)
    assert main(paths) == 2
    assert message in capsys.readouterr().err
