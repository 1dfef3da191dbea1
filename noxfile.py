"""nox sessions: the TensorFlow/Keras matrix, the benchmarks, lint, and the upgrade gate.

Every cell pins the stack exactly (TensorFlow, Keras, NumPy; tf-keras or JAX where they apply), so
a run tests that stack and not whatever Keras is newest: TF >= 2.16 accepts any Keras 3.

    nox -s "suite(cell='tf2.21')"                       # the suite and its self-tests in one cell
    nox -s gate -- --baseline tf2.15 --candidate tf2.21  # the upgrade gate between two cells
    nox -s gate -- --baseline tf2.21 --candidate tf2.21  # A/A: the gate must pass

The genuine Keras cache is taken from $KERAS_DATASET_CACHE, else ../shared/keras-cache when present.
"""

from __future__ import annotations

import argparse
import os
from dataclasses import dataclass, field
from pathlib import Path

import nox

nox.options.default_venv_backend = "uv"
nox.options.sessions = ["lint", "suite"]
os.environ.setdefault("UV_COMPILE_BYTECODE", "1")  # without .pyc, each TensorFlow import costs twice as long
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

ROOT = Path(__file__).parent
REPORTS = ROOT / "reports"
PYTHON = "3.11"


@dataclass(frozen=True)
class Cell:
    """One stack: exact pins, the Keras implementation to test, and its environment."""

    pins: tuple[str, ...]
    impl: str = "tensorflow.keras"
    env: dict[str, str] = field(default_factory=dict)


MATRIX = {
    "tf2.15": Cell(("tensorflow-cpu==2.15.1", "keras==2.15.0", "numpy==1.26.4")),
    "tf2.16": Cell(("tensorflow-cpu==2.16.2", "keras==3.3.3", "numpy==1.26.4")),
    "tf2.21": Cell(("tensorflow-cpu==2.21.0", "keras==3.15.1", "numpy==2.4.6")),
    "tf2.21-tf_keras": Cell(
        ("tensorflow==2.21.0", "tf-keras==2.21.0", "keras==3.15.1", "numpy==2.4.6"),
        env={"TF_USE_LEGACY_KERAS": "1"},
    ),
    "keras3.15-jax": Cell(
        ("keras==3.15.1", "jax==0.10.2", "jaxlib==0.10.2", "numpy==2.4.6"), impl="keras", env={"KERAS_BACKEND": "jax"}
    ),
}
GATE_BENCHMARKS = ("tests/benchmarks/test_loading.py", "-k", "test_load_warm")
INTERLEAVED_RUNS = 2


def genuine_cache() -> list[str]:
    cache = os.environ.get("KERAS_DATASET_CACHE") or (ROOT.parent / "shared" / "keras-cache")
    return [f"--keras-cache={Path(cache).resolve()}"] if Path(cache).is_dir() else []


def install(session: nox.Session, cell: Cell) -> None:
    session.install("-e", ".[dev]", *cell.pins)


def pytest_args(cell: Cell, *args: str) -> list[str]:
    return ["python", "-m", "pytest", f"--keras-impl={cell.impl}", *genuine_cache(), *args]


@nox.session(python=False)
def lint(session: nox.Session) -> None:
    """ruff over the package, the tests and this file."""
    session.run("ruff", "check", ".")


@nox.session(python=PYTHON)
@nox.parametrize("cell", list(MATRIX))
def suite(session: nox.Session, cell: str) -> None:
    """The README's test command in one cell, with a snapshot of what it observed."""
    stack = MATRIX[cell]
    install(session, stack)
    session.run(*pytest_args(stack, f"--snapshot={REPORTS / cell / 'snapshot.json'}", *session.posargs), env=stack.env)


@nox.session(python=PYTHON)
@nox.parametrize("cell", list(MATRIX))
def benchmarks(session: nox.Session, cell: str) -> None:
    """The full benchmark run in one cell: JSON and Markdown under reports/<cell>/."""
    stack = MATRIX[cell]
    install(session, stack)
    session.run(
        *pytest_args(
            stack,
            "tests/benchmarks",
            "--benchmark-enable",
            "-p",
            "no:xdist",
            f"--benchmark-json={REPORTS / cell / 'benchmarks.json'}",
            *session.posargs,
        ),
        env=stack.env,
    )


def gate_arguments(posargs: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="nox -s gate --")
    parser.add_argument("--baseline", default="tf2.15", choices=list(MATRIX))
    parser.add_argument("--candidate", default="tf2.21", choices=list(MATRIX))
    parser.add_argument(
        "--allowlist",
        default=None,
        help="allow-list TOML (default: gate/allowlists/<baseline>-to-<candidate>.toml if present)",
    )
    parser.add_argument("--runs", type=int, default=INTERLEAVED_RUNS, help="interleaved benchmark runs per stack")
    return parser.parse_args(posargs)


@nox.session(python=False)
def gate(session: nox.Session) -> None:
    """Both stacks in one job: contract snapshots, interleaved benchmarks, then the verdict."""
    args = gate_arguments(session.posargs)
    sides = {"baseline": args.baseline, "candidate": args.candidate}
    out = REPORTS / "gate"
    pythons = {}
    for side, cell in sides.items():
        venv = ROOT / ".nox" / f"gate-{side}-{cell}"
        session.run("uv", "venv", "--quiet", "--allow-existing", "--python", PYTHON, str(venv))
        python = str(venv / "bin" / "python")
        session.run("uv", "pip", "install", "--quiet", "--python", python, "-e", ".[dev]", *MATRIX[cell].pins)
        pythons[side] = python
    for side, cell in sides.items():
        session.run(
            pythons[side],
            *pytest_args(MATRIX[cell], "tests/datasets", "-q", f"--snapshot={out / f'{side}.json'}")[1:],
            env=MATRIX[cell].env,
        )
    for run in range(args.runs):
        order = list(sides) if run % 2 == 0 else list(reversed(sides))  # ABBA: no side always goes first
        for side in order:
            cell = sides[side]
            session.run(
                pythons[side],
                *pytest_args(
                    MATRIX[cell],
                    *GATE_BENCHMARKS,
                    "-q",
                    "--benchmark-enable",
                    "-p",
                    "no:xdist",
                    f"--benchmark-json={out / f'{side}-bench-{run}.json'}",
                )[1:],
                env=MATRIX[cell].env,
            )
    allowlist = args.allowlist or ROOT / "gate" / "allowlists" / f"{args.baseline}-to-{args.candidate}.toml"
    command = [
        pythons["candidate"],
        "-m",
        "keras_dataset_suite.gate.cli",
        "--baseline",
        str(out / "baseline.json"),
        "--candidate",
        str(out / "candidate.json"),
        "--markdown",
        str(out / "summary.md"),
        "--json",
        str(out / "verdict.json"),
    ]
    for run in range(args.runs):
        command += [
            "--baseline-benchmarks",
            str(out / f"baseline-bench-{run}.json"),
            "--candidate-benchmarks",
            str(out / f"candidate-bench-{run}.json"),
        ]
    if Path(allowlist).is_file():
        command += ["--allowlist", str(allowlist)]
    session.run(*command)
