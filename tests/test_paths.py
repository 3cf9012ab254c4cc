"""Where the default store comes from: flag, environment, checkout, user copy."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from casefiles import paths
from casefiles.store import Store
from tests.conftest import DATA, ROOT


def test_flag_then_environment_then_checkout(monkeypatch: pytest.MonkeyPatch) -> None:
    assert paths.default_store("/x/flag.json") == Path("/x/flag.json")
    monkeypatch.setenv(paths.ENV_STORE, "/x/env.json")
    assert paths.default_store(None) == Path("/x/env.json")
    monkeypatch.delenv(paths.ENV_STORE)
    assert paths.default_store(None) == ROOT / "data" / "casefiles.json"


def test_installed_copy_uses_a_user_copy_of_the_bundled_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An installed package (no checkout around it) copies its bundled store,
    with its articles, into the user data folder once and uses that copy."""
    package = tmp_path / "site-packages" / "casefiles"
    shutil.copytree(DATA, package / "_bundled")
    (package / "_bundled" / "minimal.json").rename(package / "_bundled" / "casefiles.json")
    monkeypatch.setattr(paths, "_PACKAGE", package)
    target = paths.default_store(None)
    assert target == Path(os.environ["XDG_DATA_HOME"]) / "casefiles" / "casefiles.json"
    assert (target.parent / "articles" / "src-a.txt").is_file()
    store = Store.load(target, check_files=True)
    assert store.get("cases", "vey-case") is not None
    # An existing user copy is kept, never overwritten by the bundled one.
    target.write_bytes(target.read_bytes().replace(b"Ana Vey", b"Ana Vei"))
    assert b"Ana Vei" in paths.default_store(None).read_bytes()
