"""The value types the browser's first frame imports are ``msgspec.Struct``s
(issue 9 item 8, a light start): a dataclass generates and ``exec``s Python
source for each class at import, about 0.4 ms a class, and some thirty of
them stood between the start and the first frame.  These tests keep a
dataclass from coming back there, and pin the semantics the code relies on
(order, equality and hashing, frozen values, positional construction, fresh
defaults, ``replace``) now that msgspec provides them.
"""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from msgspec.structs import replace

from casefiles.caseview.values import Fact, PartyView
from casefiles.model import Duration, PartialDate
from casefiles.tui.config import Config
from casefiles.tui.facts import Row
from casefiles.tui.history import Location
from casefiles.tui.selection import Selection

# Every class of a casefiles module imported by the start that is a dataclass.
CHILD = """
import dataclasses, json, sys
import casefiles.cli, casefiles.tui.app, casefiles.tui.screens.main
print(json.dumps(sorted(
    f"{name}.{attr}"
    for name, module in list(sys.modules.items())
    if name == "casefiles" or name.startswith("casefiles.")
    for attr, value in vars(module).items()
    if isinstance(value, type) and value.__module__ == name and dataclasses.is_dataclass(value)
)))
"""


def test_the_start_path_defines_no_dataclass() -> None:
    out = subprocess.run(
        [sys.executable, "-c", CHILD], capture_output=True, text=True, check=True
    ).stdout
    assert json.loads(out) == []


def test_the_check_sees_a_dataclass() -> None:
    code = CHILD.replace("import casefiles.cli,", "import casefiles.edit.history, casefiles.cli,")
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    assert "casefiles.edit.history.Version" in json.loads(out)


def test_partial_dates_order_a_less_precise_date_first() -> None:
    dates = [PartialDate(2022, 11, 23), PartialDate(2022), PartialDate(2022, 11)]
    assert sorted(dates) == [PartialDate(2022), PartialDate(2022, 11), PartialDate(2022, 11, 23)]
    assert PartialDate(2021, 12, 31) < PartialDate(2022)


def test_frozen_values_refuse_changes_and_hash_by_value() -> None:
    here = Location("case", "vey-case", focus="parties", cursor=3)
    with pytest.raises(AttributeError):
        here.cursor = 4  # type: ignore[misc]
    assert here == Location("case", "vey-case", None, "parties", 3)
    assert len({Selection("case", "a"), Selection("case", "a"), Selection("case", "b")}) == 2
    assert Duration(1, 2) == Duration(months=1, days=2) != Duration(1, 3)


def test_a_subclass_value_is_not_equal_to_its_base() -> None:
    assert Fact("party", "p", (), None) != PartyView("party", "p", (), None)


def test_mutable_defaults_are_fresh_for_each_value() -> None:
    first, second = Config(), Config()
    first.problems.append("x")
    first.keys["casefiles.down"] = "j"
    assert second.problems == [] and second.keys == {}


def test_replace_keeps_the_other_fields() -> None:
    row = Row([("text", "")], "case", "vey-case", "vey-case", level="appeal")
    moved = replace(row, line=[("  ", ""), *row.line])
    assert moved.line == [("  ", ""), ("text", "")]
    assert (moved.kind, moved.id, moved.case_id, moved.level) == (
        "case",
        "vey-case",
        "vey-case",
        "appeal",
    )
    assert row.line == [("text", "")]
