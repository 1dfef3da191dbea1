"""The catalogue is well-formed and fully used: kinds exist, facts are reachable, docs in sync."""

from __future__ import annotations

import tomllib

import pytest

from keras_dataset_suite.catalogue import NEEDS, cited_keys, load_catalogue
from keras_dataset_suite.errata import BEGIN, END, markdown
from keras_dataset_suite.observe import OBSERVERS

from .conftest import REPO

CATALOGUE = load_catalogue()
FACTS = list(CATALOGUE.facts())


@pytest.mark.parametrize("fact", FACTS, ids=[f.id for f in FACTS])
def test_fact_is_well_formed(fact):
    assert fact.observe in OBSERVERS, f"{fact.id}: unknown observation kind {fact.observe!r}"
    assert fact.needs in NEEDS
    assert set(cited_keys(fact.source)) <= set(CATALOGUE.references)


def test_every_dataset_has_a_documented_size():
    for dataset in CATALOGUE:
        assert any(f.observe == "split_sizes" and f.needs == "full" for f in dataset.facts), dataset.name


def test_every_fixture_is_used():
    for dataset in CATALOGUE:
        used = {f.params.get("fixture") for f in dataset.facts}
        assert set(dataset.fixtures) <= used, f"{dataset.name}: unused fixtures"


def test_every_reference_is_cited():
    sources = [f.source for f in FACTS] + [x.source for d in CATALOGUE for x in (*d.files, *d.quirks)]
    cited = {key for source in sources for key in cited_keys(source)}
    assert set(CATALOGUE.references) <= cited


def test_every_fact_holds_for_some_keras_line():
    """A fact whose version range matches no Keras line the suite knows is dead weight."""
    from keras_dataset_suite.versions import Serving

    lines = [
        Serving.parse(n, v)
        for n, v in [
            ("keras", "2.12.0"),
            ("keras", "2.15.0"),
            ("keras", "3.0.0"),
            ("keras", "3.1.0"),
            ("keras", "3.5.0"),
            ("keras", "3.15.1"),
            ("tf_keras", "2.21.0"),
        ]
    ]
    for fact in FACTS:
        assert any(fact.holds_for(line) for line in lines), fact.id


def test_readme_errata_table_is_generated_from_the_catalogue():
    readme = (REPO / "README.md").read_text()
    block = readme[readme.index(BEGIN) : readme.index(END) + len(END)]
    assert block == markdown(), "run `python -m keras_dataset_suite.errata` and paste its output into the README"


def test_catalogue_files_parse_and_name_their_dataset():
    for path in sorted((REPO / "keras_dataset_suite" / "catalogue").glob("*.toml")):
        doc = tomllib.loads(path.read_text())
        if path.stem != "references":
            assert doc["dataset"]["name"] == path.stem


def test_every_applicable_fact_is_checked(suite):
    """A fact the current Keras should hold, but that no check ever compares, would silently never run."""
    from keras_dataset_suite.observe import OBSERVERS

    checked = {fact for kind in OBSERVERS for check in suite.checks(kind) for fact in check.facts}
    applicable = {f.id for f in FACTS if f.holds_for(suite.kut.serving)}
    assert applicable - checked == set()
