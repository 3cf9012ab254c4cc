"""``Operation.check`` decides as ``Store.put``/``Store.delete`` do: random edits
of the bundled store's documents (hypothesis) are refused by one exactly when
the other refuses them."""

from __future__ import annotations

import copy
import shutil
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from casefiles import model
from casefiles.edit.ops import DocChange, dry_run
from casefiles.store import Store, StoreError
from casefiles.validate import SCHEMA
from tests.edit.conftest import BUNDLED


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Store:
    folder = tmp_path_factory.mktemp("agree")
    shutil.copytree(BUNDLED, folder / "data")
    return Store.load(folder / "data" / "casefiles.json")


VALUES = st.one_of(
    st.sampled_from(
        [
            "",
            " ",
            "x",
            "Chin \x1b[31m",
            "a\u202eb",
            "2018",
            "26/09/2018",
            "2018-02-30",
            "appeal",
            "ruling",
            "detained",
            "convicted",
            "s01",
            "chin-malin",
            "ny-sokha",
            "coa",
            "adhoc-5-ppmc-verdict",
            "kem-sokha-treason",
            "no-such-id",
            "x" * 2001,
        ]
    ),
    st.integers(-2, 3),
    st.just(None),
    st.just([]),
    st.just({}),
    st.just({"years": 2}),
    st.just({"amount": 10, "currency": "USD"}),
    st.just([{"source": "s01"}]),
    st.just(["ny-sokha"]),
    st.just([{"party": "ny-sokha", "role": "defendant"}]),
    st.just(float("nan")),
)


@st.composite
def edits(draw: st.DrawFn, store: Store) -> tuple[str, str, Any]:
    table = draw(st.sampled_from(model.TABLES))
    doc_id = draw(st.sampled_from(sorted(store.table(table))))
    if draw(st.integers(0, 9)) == 0:
        return table, doc_id, None  # a delete
    doc = copy.deepcopy(store.get(table, doc_id))
    assert doc is not None
    for _ in range(draw(st.integers(1, 2))):
        name = draw(st.sampled_from([*SCHEMA[table], "unknown"]))
        if name == "id":
            continue
        value = draw(VALUES)
        if value is None:
            doc.pop(name, None)
        else:
            doc[name] = value
    return table, doc_id, doc


@settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(st.data())
def test_check_refuses_exactly_what_the_store_refuses(store: Store, data: st.DataObject) -> None:
    table, doc_id, doc = data.draw(edits(store))
    before = copy.deepcopy(store.get(table, doc_id))
    problems = dry_run(store, [DocChange(table, doc_id, before, doc)])
    try:
        if doc is None:
            store.delete(table, doc_id)
        else:
            store.put(table, doc)
    except StoreError as exc:
        assert problems, f"the store refused what check accepted: {exc} {exc.problems}"
        return
    assert not problems, f"check refused what the store accepted: {problems}"
    store.put(table, before)  # put it back for the next example
