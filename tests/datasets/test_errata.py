"""Errata: the docstring claims the catalogue contradicts are still what Keras says.

Each erratum's truth is checked by its evidence facts (ordinary checks elsewhere). This test
checks the other half: the installed docstring still makes the claim. When a Keras release
fixes its documentation, this fails, and the erratum gets a version bound.
"""

import pytest

from keras_dataset_suite.errata import claim_in_docstring
from keras_dataset_suite.plugin import session_of


def pytest_generate_tests(metafunc):
    if "erratum" in metafunc.fixturenames:
        session = session_of(metafunc.config)
        errata = [
            e
            for e in session.catalogue.errata()
            if e.claimed_by == "keras-doc" and e.versions.matches(session.kut.serving)
        ]
        metafunc.parametrize("erratum", errata, ids=[e.id for e in errata])


@pytest.mark.api
def test_docstring_still_claims(suite, erratum):
    assert claim_in_docstring(erratum, suite.kut.datasets_api), (
        f"{erratum.where} no longer says {erratum.claim!r} in {suite.kut}: the erratum {erratum.id} "
        f"may be fixed upstream; bound its versions in the catalogue"
    )
