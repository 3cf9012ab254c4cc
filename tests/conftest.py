"""Shared fixtures: isolated user folders, temporary copies of real store files."""

from __future__ import annotations

import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(__file__).resolve().parent / "data"


@pytest.fixture(autouse=True)
def _isolated_user_dirs(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> Iterator[None]:
    """No test reads or writes the real user's cache, config or data folders."""
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("CASEFILES_CACHE_DIR", str(home / "cache"))
    monkeypatch.setenv("CASEFILES_CONFIG", str(home / "config.toml"))
    monkeypatch.setenv("XDG_DATA_HOME", str(home / "data"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / "config"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(home / "xcache"))
    monkeypatch.delenv("CASEFILES_STORE", raising=False)
    monkeypatch.delenv("CASEFILES_NO_CACHE", raising=False)
    yield


@pytest.fixture
def minimal_store(tmp_path: Path) -> Path:
    """A temporary copy of tests/data/minimal.json and its article folder."""
    shutil.copytree(DATA, tmp_path / "store")
    return tmp_path / "store" / "minimal.json"


def run_cli(
    *args: str, env: dict[str, str] | None = None, timeout: float = 60
) -> subprocess.CompletedProcess[str]:
    """Run the real entry point (``python -m casefiles``) with no standard input."""
    return subprocess.run(
        [sys.executable, "-m", "casefiles", *args],
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
        timeout=timeout,
        env=env,
        cwd=ROOT,
    )
