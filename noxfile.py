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
import hashlib
import os
import runpy
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


def uv_program() -> str:
    """uv beside nox (the README's install puts both in .venv/bin) or on PATH: `.venv/bin/nox` needs no activation."""
    try:
        from uv import find_uv_bin
    except ImportError:
        return "uv"
    return find_uv_bin()


UV = uv_program()


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


def pytest_command(python: str, cell: Cell, *args: str) -> list[str]:
    return [python, "-m", "pytest", f"--keras-impl={cell.impl}", *genuine_cache(), *args]


@nox.session(python=False)
def lint(session: nox.Session) -> None:
    """ruff over the package, the tests and this file."""
    session.run("ruff", "check", ".")
    session.run("ruff", "format", "--check", ".")


@nox.session(python=PYTHON)
@nox.parametrize("cell", list(MATRIX))
def suite(session: nox.Session, cell: str) -> None:
    """The suite and its self-tests in one cell, serially, with a snapshot of what it observed."""
    stack = MATRIX[cell]
    install(session, stack)
    session.run(
        *pytest_command("python", stack, f"--snapshot={REPORTS / cell / 'snapshot.json'}", *session.posargs),
        env=stack.env,
    )


@nox.session(python=PYTHON)
@nox.parametrize("cell", list(MATRIX))
def benchmarks(session: nox.Session, cell: str) -> None:
    """The full benchmark run in one cell: JSON and Markdown under reports/<cell>/."""
    stack = MATRIX[cell]
    install(session, stack)
    json_path = REPORTS / cell / "benchmarks.json"
    session.run(
        *pytest_command(
            "python",
            stack,
            "tests/benchmarks",
            "--benchmark-enable",
            "-p",
            "no:xdist",
            f"--benchmark-json={json_path}",
            *session.posargs,
        ),
        env=stack.env,
    )


def gate_arguments(posargs: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="nox -s gate --")
    parser.add_argument("--baseline", default="tf2.15", choices=list(MATRIX), help="the current stack")
    parser.add_argument("--candidate", default="tf2.21", choices=list(MATRIX), help="the proposed stack")
    parser.add_argument(
        "--baseline-noxfile",
        type=Path,
        default=None,
        help="take the baseline cell's pins from this noxfile (e.g. the base branch's), to gate a pin bump",
    )
    parser.add_argument(
        "--allowlist",
        type=Path,
        default=None,
        help="accepted differences (default when it exists: gate/allowlists/<baseline>-to-<candidate>.toml, "
        "or <cell>-bump.toml with --baseline-noxfile)",
    )
    parser.add_argument("--runs", type=int, default=INTERLEAVED_RUNS, help="interleaved benchmark runs per stack")
    return parser.parse_args(posargs)


def stack_venv(session: nox.Session, side: str, cell: Cell) -> str:
    """A uv venv per side and pin set (the same cell name may carry old and new pins)."""
    tag = hashlib.sha256(" ".join(cell.pins).encode()).hexdigest()[:8]
    venv = ROOT / ".nox" / f"gate-{side}-{tag}"
    session.run(UV, "venv", "--quiet", "--allow-existing", "--python", PYTHON, str(venv))
    python = str(venv / "bin" / "python")
    session.run(UV, "pip", "install", "--quiet", "--python", python, "-e", ".[dev]", *cell.pins)
    return python


@nox.session(python=False)
def gate(session: nox.Session) -> None:
    """Both stacks in one job: contract snapshots, interleaved benchmarks, then the verdict.

    A failing check does not stop the gate (pytest exits 1 and the snapshot records it); the verdict does.
    """
    args = gate_arguments(session.posargs)
    baseline_matrix = runpy.run_path(str(args.baseline_noxfile))["MATRIX"] if args.baseline_noxfile else MATRIX
    stacks = {"baseline": baseline_matrix[args.baseline], "candidate": MATRIX[args.candidate]}
    out = REPORTS / "gate"
    pythons = {side: stack_venv(session, side, cell) for side, cell in stacks.items()}
    command = [
        pythons["candidate"],
        "-m",
        "keras_dataset_suite.gate.cli",
        "--markdown",
        str(out / "summary.md"),
        "--json",
        str(out / "verdict.json"),
    ]
    for side, cell in stacks.items():
        snapshot = out / f"{side}.json"
        session.run(
            *pytest_command(pythons[side], cell, "tests/datasets", "-q", f"--snapshot={snapshot}"),
            env=cell.env,
            success_codes=[0, 1],
        )
        command += [f"--{side}", str(snapshot)]
    for run in range(args.runs):
        order = list(stacks) if run % 2 == 0 else list(reversed(stacks))  # ABBA: no side always goes first
        for side in order:
            timings = out / f"{side}-bench-{run}.json"
            session.run(
                *pytest_command(
                    pythons[side],
                    stacks[side],
                    *GATE_BENCHMARKS,
                    "-q",
                    "--benchmark-enable",
                    "-p",
                    "no:xdist",
                    f"--benchmark-json={timings}",
                ),
                env=stacks[side].env,
                success_codes=[0, 1],
            )
            command += [f"--{side}-benchmarks", str(timings)]
    default_name = f"{args.candidate}-bump" if args.baseline_noxfile else f"{args.baseline}-to-{args.candidate}"
    allowlist = args.allowlist or ROOT / "gate" / "allowlists" / f"{default_name}.toml"
    if allowlist.is_file():
        command += ["--allowlist", str(allowlist)]
    session.run(*command)
