"""The errata list: where the Keras docstrings or the seed article are wrong, with evidence.

`python -m keras_dataset_suite.errata` prints the Markdown table the README carries; a self-test
keeps the two identical, so the README never drifts from the catalogue.
"""

from __future__ import annotations

import inspect
import re
import sys
from typing import Any

from keras_dataset_suite.catalogue import Catalogue, Erratum, load_catalogue

BEGIN, END = "<!-- errata:begin -->", "<!-- errata:end -->"
WHO = {"keras-doc": "Keras docstring", "seed": "seed article"}


def normalized(text: str) -> str:
    """Docstring text without Markdown emphasis and with whitespace folded, for quoting."""
    return re.sub(r"\s+", " ", text.replace("`", "").replace("*", "")).strip()


def claim_in_docstring(erratum: Erratum, datasets_api: Any) -> bool:
    """Whether the installed docstring still makes the claim (for keras-doc errata)."""
    module_name, function_name = erratum.where.split(".", 1)
    function = getattr(getattr(datasets_api, module_name, None), function_name, None)
    return function is not None and normalized(erratum.claim) in normalized(inspect.getdoc(function) or "")


def _row(erratum: Erratum) -> str:
    versions = "" if not erratum.versions.requirements else f" ({erratum.versions})"
    evidence = ", ".join(f"`{fact}`" for fact in erratum.evidence)
    claim = erratum.claim.replace("|", "\\|")
    return f'| {WHO[erratum.claimed_by]}: {erratum.where}{versions} | "{claim}" | {erratum.truth} | {evidence} |'


def markdown(catalogue: Catalogue | None = None) -> str:
    catalogue = catalogue or load_catalogue()
    rows = [_row(e) for e in sorted(catalogue.errata(), key=lambda e: (e.claimed_by, e.id))]
    header = "| Where | Claim | What is true | Evidence (catalogue facts) |\n|---|---|---|---|"
    return "\n".join((BEGIN, header, *rows, END))


if __name__ == "__main__":
    sys.stdout.write(markdown() + "\n")
