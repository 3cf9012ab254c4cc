"""Where things live: the default store, the user's config and data folders."""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import Final

import platformdirs

APP: Final = "casefiles"
ENV_STORE: Final = "CASEFILES_STORE"
_PACKAGE: Final = Path(__file__).resolve().parent


def checkout_store() -> Path | None:
    """``data/casefiles.json`` of the source checkout this package runs from, if any."""
    root = _PACKAGE.parent
    candidate = root / "data" / "casefiles.json"
    if (root / "pyproject.toml").is_file() and candidate.is_file():
        return candidate
    return None


def bundled_folder() -> Path | None:
    """The case file shipped inside an installed package (wheel), if any."""
    folder = _PACKAGE / "_bundled"
    return folder if (folder / "casefiles.json").is_file() else None


def user_store() -> Path:
    """The user's own copy of the bundled case file, made on first use."""
    target = Path(platformdirs.user_data_dir(APP)) / "casefiles.json"
    source = bundled_folder()
    if not target.exists() and source is not None:
        shutil.copytree(source, target.parent, dirs_exist_ok=True)
    return target


def default_store(explicit: str | None = None) -> Path:
    """``--store``, else ``$CASEFILES_STORE``, else the checkout's file, else the user copy."""
    if explicit:
        return Path(explicit)
    env = os.environ.get(ENV_STORE)
    if env:
        return Path(env)
    return checkout_store() or user_store()


def config_file() -> Path:
    """The user's TOML config (key bindings, opener)."""
    override = os.environ.get("CASEFILES_CONFIG")
    if override:
        return Path(override)
    return Path(platformdirs.user_config_dir(APP)) / "config.toml"
