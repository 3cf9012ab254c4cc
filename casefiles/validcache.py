"""Remembers which exact file contents already passed full validation.

Validating every field of a 100k-case store costs seconds of pure Python; the
bytes of a file that passed once do not need it again.  A content's SHA-256
(with the validator's schema version) is recorded in the user cache folder
after a full validation succeeds, or after a checkpoint wrote a store whose
edits were each checked as a full validation checks them.  Any other byte,
in any file, is validated in full.
Set ``CASEFILES_NO_CACHE=1`` to always validate.
"""

from __future__ import annotations

import contextlib
import os
from pathlib import Path
from typing import Final

import platformdirs

from casefiles import model

VALIDATOR_VERSION: Final = 2
"""Bump when validation rules change: every cached verdict is then ignored."""


def _folder() -> Path:
    override = os.environ.get("CASEFILES_CACHE_DIR")
    base = Path(override) if override else Path(platformdirs.user_cache_dir("casefiles"))
    return base / f"valid-v{model.SCHEMA_VERSION}.{VALIDATOR_VERSION}"


def enabled() -> bool:
    """Whether cached verdicts may be used (``CASEFILES_NO_CACHE`` unset)."""
    return not os.environ.get("CASEFILES_NO_CACHE")


def digest(*pieces: bytes) -> str:
    """The content key of a store file (given whole or in consecutive pieces)."""
    import hashlib  # here: a start from checked bytes hashes nothing (and OpenSSL loads slowly)

    h = hashlib.sha256()
    for piece in pieces:
        h.update(piece)
    return h.hexdigest()


def known_valid(key: str) -> bool:
    """Whether contents with this key passed validation before."""
    if not enabled():
        return False
    try:
        return (_folder() / key).is_file()
    except OSError:  # a cache folder we may not read: validate
        return False


def remember_valid(key: str) -> None:
    """Record that contents with this key are valid (best effort; never fails)."""
    if not enabled():
        return
    with contextlib.suppress(OSError):
        folder = _folder()
        folder.mkdir(parents=True, exist_ok=True)
        (folder / key).touch()
        _prune(folder)


def _prune(folder: Path, keep: int = 64) -> None:
    """Keep the most recent verdicts only."""
    entries = sorted(folder.iterdir(), key=lambda p: p.stat().st_mtime, reverse=True)
    for old in entries[keep:]:
        with contextlib.suppress(OSError):
            old.unlink()
