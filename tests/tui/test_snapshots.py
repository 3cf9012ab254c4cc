"""Snapshots of the main screen and the party view at 80×24 and 120×40, on the
small generated store in ``tests/tui/data/small`` (stable across runs).

Regenerate with ``pytest tests/tui/test_snapshots.py --snapshot-update`` only
after looking at the screen (``../shared/tools/tui-shot``)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from conftest import make_app

from casefiles.store import Store

SIZES = [(80, 24), (120, 40)]


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_main_screen(snap_compare: Any, small_store: Store, size: tuple[int, int]) -> None:
    assert snap_compare(make_app(small_store), terminal_size=size, press=["j", "2", "j"])


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_main_screen_narrowed_to_a_level(
    snap_compare: Any, small_store: Store, size: tuple[int, int]
) -> None:
    assert snap_compare(make_app(small_store), terminal_size=size, press=["3", "enter"])


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_party_view(snap_compare: Any, small_store: Store, size: tuple[int, int]) -> None:
    assert snap_compare(make_app(small_store), terminal_size=size, press=["2", "enter"])


def test_empty_store(snap_compare: Any, tmp_path: Path) -> None:
    path = tmp_path / "empty.json"
    path.write_text('{"meta": {"1": {"schema_version": 1}}}\n', encoding="utf-8")
    store = Store.load(path)
    # The header names the store file; keep it the same in every run.
    store.path = Path("/tmp/casefiles-empty.json")
    assert snap_compare(make_app(store), terminal_size=(80, 24))


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_khmer_and_markup_rows(
    snap_compare: Any, hostile_store: Store, size: tuple[int, int]
) -> None:
    """The hostile store's Khmer names (``ខ្មែរ``, ``សមាគមអាដហុក``) keep their
    rows' borders; markup in data shows literally."""
    assert snap_compare(make_app(hostile_store), terminal_size=size, press=["j", "2"])
