"""Fixtures for the browser's Pilot and snapshot tests: temporary copies of real
store files (the bundled case file, a small generated store, the hostile store
in ``tests/tui/data``), never mocks of the store."""

from __future__ import annotations

import asyncio
import functools
import shutil
from collections.abc import Callable, Coroutine
from pathlib import Path
from typing import Any

import pytest

from casefiles.store import Store
from casefiles.tui.app import CaseFilesApp
from casefiles.tui.config import Config
from casefiles.tui.screens.main import MainScreen

ROOT = Path(__file__).resolve().parents[2]
BUNDLED = ROOT / "data"
TUI_DATA = Path(__file__).resolve().parent / "data"
SIZE = (120, 40)


def sync(fn: Callable[..., Coroutine[Any, Any, None]]) -> Callable[..., None]:
    """Run an async Pilot test with ``asyncio.run`` (no async pytest plugin needed)."""

    @functools.wraps(fn)
    def run(*args: Any, **kwargs: Any) -> None:
        asyncio.run(fn(*args, **kwargs))

    return run


def copy_store(folder: Path, tmp_path: Path, name: str = "casefiles.json") -> Store:
    """Copy a store folder (file and articles) to ``tmp_path`` and load the copy."""
    target = tmp_path / folder.name
    shutil.copytree(folder, target)
    return Store.load(target / name)


def make_app(store: Store, config: Config | None = None) -> CaseFilesApp:
    """The browser on ``store`` with default settings (no user config file)."""
    return CaseFilesApp(store, config if config is not None else Config())


def main_of(app: CaseFilesApp) -> MainScreen:
    """The app's main screen (the test fails if another screen is on top)."""
    screen = app.screen
    assert isinstance(screen, MainScreen)
    return screen


@pytest.fixture
def small_store(tmp_path: Path) -> Store:
    """A copy of ``tests/tui/data/small``: 8 generated cases (stable for snapshots)."""
    return copy_store(TUI_DATA / "small", tmp_path)


@pytest.fixture
def hostile_store(tmp_path: Path) -> Store:
    """A copy of ``tests/tui/data/hostile``: markup, actions, 500-char and Khmer names."""
    return copy_store(TUI_DATA / "hostile", tmp_path)


@pytest.fixture
def bundled_store(tmp_path: Path) -> Store:
    """A copy of the bundled ``data/casefiles.json`` (the small store when absent)."""
    if (BUNDLED / "casefiles.json").is_file():
        return copy_store(BUNDLED, tmp_path)
    return copy_store(TUI_DATA / "small", tmp_path)


@pytest.fixture
def empty_store(tmp_path: Path) -> Store:
    """A store with no documents at all."""
    path = tmp_path / "empty.json"
    path.write_text('{"meta": {"1": {"schema_version": 1}}}\n', encoding="utf-8")
    return Store.load(path)
