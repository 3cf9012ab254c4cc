"""Writing an export atomically: everything is written into a temporary folder
beside the target, then renamed into place, so that a failed or interrupted
export leaves nothing half-written (at worst a hidden ``.NAME.export-*``
temporary folder, removed on failure).

An existing target is replaced only with ``force``, and never when it is the
store itself, one of its side files, or a folder that holds the store; an
existing folder is replaced only when it looks like an export (regular
``.csv``, ``.md`` or ``.json`` files, no sub-folders).
"""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Final

from casefiles.store import Store
from casefiles.textsafe import literal

EXPORT_SUFFIXES: Final = frozenset({".csv", ".md", ".json"})


class ExportError(Exception):
    """An export that cannot be written; the message is one line for the user."""


def _exists(path: Path) -> bool:
    return path.exists() or path.is_symlink()


def _looks_like_export(folder: Path) -> bool:
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return False
    return all(
        e.is_file(follow_symlinks=False) and Path(e.name).suffix in EXPORT_SUFFIXES for e in entries
    )


def check_target(store: Store, target: Path, *, force: bool) -> None:
    """Refuse a target that would overwrite without ``force``, or touch the store."""
    name = literal(str(target))
    real = Path(os.path.realpath(target))
    store_real = Path(os.path.realpath(store.path))
    if real == store_real or (
        real.parent == store_real.parent and real.name.startswith(store_real.name + ".")
    ):
        raise ExportError(f"{name} is the store or one of its files; choose another --out")
    if store_real.is_relative_to(real):
        raise ExportError(f"{name} holds the store; choose another --out")
    parent = target.parent
    if not parent.is_dir():
        raise ExportError(f"the folder {literal(str(parent))} does not exist; nothing written")
    if not _exists(target):
        return
    if not force:
        raise ExportError(f"{name} exists; pass --force to overwrite (nothing written)")
    if target.is_dir() and not target.is_symlink() and not _looks_like_export(target):
        raise ExportError(
            f"{name} is a folder that does not look like an export (it holds sub-folders or "
            "files other than .csv, .md, .json); not replaced, nothing written"
        )


def write_atomically(target: Path, build: Callable[[Path], None], *, folder: bool) -> None:
    """Build the export in a temporary folder beside ``target`` and rename it into
    place.  ``build`` gets the folder to fill (``folder``) or the file to create."""
    parent = target.parent
    try:
        tmp = Path(tempfile.mkdtemp(prefix=f".{target.name}.export-", dir=parent))
    except OSError as exc:
        raise ExportError(
            f"cannot write in {literal(str(parent))}: {exc.strerror or exc}; nothing written"
        ) from None
    aside: Path | None = None
    try:
        made = tmp / "out"
        if folder:
            made.mkdir()
        build(made)
        if _exists(target):
            aside = tmp / "old"
            os.rename(target, aside)
        try:
            os.rename(made, target)
        except BaseException:  # an interrupt too: put the old export back
            if aside is not None:
                os.rename(aside, target)
                aside = None
            raise
    except OSError as exc:
        raise ExportError(
            f"cannot write {literal(str(target))}: {exc.strerror or exc}; nothing written"
        ) from None
    finally:
        with contextlib.suppress(OSError):
            shutil.rmtree(tmp)


__all__ = ["EXPORT_SUFFIXES", "ExportError", "check_target", "write_atomically"]
