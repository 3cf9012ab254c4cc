"""A canonical store file is parsed one table at a time (less working memory),
and gives exactly what a whole-file parse gives; any other layout, even one
crafted to look canonical, is parsed whole."""

from __future__ import annotations

from typing import Any

import orjson
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from casefiles import migrations, model
from casefiles.store.files import _parse_by_table, dumps, parse_bytes
from tests.conftest import DATA

NAMES = sorted((*model.TABLES, model.META))


def _canonical() -> bytes:
    return dumps(migrations.migrate(orjson.loads((DATA / "minimal.json").read_bytes())))


def test_a_canonical_file_is_parsed_table_by_table_to_the_same_tree() -> None:
    raw = _canonical()
    tables = _parse_by_table(raw)
    assert tables is not None
    assert tables == orjson.loads(raw)
    assert _parse_by_table(raw.rstrip(b"\n")) == orjson.loads(raw)


@pytest.mark.parametrize(
    "raw",
    [
        # a head nested inside a table, at the top level's indent
        b'{\n  "cases": {"1": {"x": 1\n,\n  "courts": 2}},\n  "courts": {},\n  "meta": {},'
        b'\n  "parties": {},\n  "proceedings": {},\n  "sentences": {},\n  "sources": {}\n}',
        # a table twice (the whole-file parse keeps the last)
        b'{\n  "cases": {"1": 1},\n  "cases": {"2": 2},\n  "courts": {},\n  "meta": {},'
        b'\n  "parties": {},\n  "proceedings": {},\n  "sentences": {},\n  "sources": {}\n}',
        # a table more
        b'{\n  "_default": {},\n  "cases": {},\n  "courts": {},\n  "meta": {},'
        b'\n  "parties": {},\n  "proceedings": {},\n  "sentences": {},\n  "sources": {}\n}',
        b'{\n  "cases": {},\n  "courts": {},\n  "meta": {},\n  "parties": {},'
        b'\n  "proceedings": {},\n  "sentences": {},\n  "sources": {},\n  "zz": 1\n}',
    ],
)
def test_other_layouts_are_parsed_whole(raw: bytes) -> None:
    assert _parse_by_table(raw) is None
    assert parse_bytes(raw, "f") == orjson.loads(raw)


VALUES = st.recursive(
    st.none() | st.integers(-5, 5) | st.text(alphabet='ab"\\\n ,:{}', max_size=6),
    lambda inner: (
        st.lists(inner, max_size=3)
        | st.dictionaries(st.sampled_from([*NAMES, "1", "x"]), inner, max_size=3)
    ),
    max_leaves=12,
)


@settings(max_examples=300, deadline=None)
@given(
    tables=st.dictionaries(st.sampled_from([*NAMES, "_default"]), VALUES, max_size=9),
    indent=st.sampled_from([orjson.OPT_INDENT_2, 0]),
)
def test_any_tree_parses_as_a_whole_file_parse_would(tables: dict[str, Any], indent: int) -> None:
    raw = orjson.dumps(tables, option=indent | orjson.OPT_SORT_KEYS)
    assert parse_bytes(raw, "f") == orjson.loads(raw)


@settings(max_examples=300, deadline=None)
@given(tables=st.fixed_dictionaries({name: VALUES for name in NAMES}))
def test_every_table_present_parses_table_by_table_as_a_whole(tables: dict[str, Any]) -> None:
    raw = orjson.dumps(tables, option=orjson.OPT_INDENT_2 | orjson.OPT_SORT_KEYS)
    assert _parse_by_table(raw) == orjson.loads(raw)
