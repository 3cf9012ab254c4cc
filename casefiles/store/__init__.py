"""The case file: one canonical TinyDB JSON file plus its change log.

- ``files``: reading and parsing the canonical file, atomic replacement (to a
  symlink's target), article files (regular files only, size-capped);
- ``changelog``: the append-only JSON Lines log beside the store (entries,
  hash chain, author and time);
- ``core``: the ``Store`` (loading = checkpoint + log, in-memory indexes,
  edits checked as a full validation checks them, commits, checkpoints);
- ``indexes``: the lookups by case, party and court, built without parsing;
- ``lazy``: a table as a mapping whose documents stay file bytes until looked up;
- ``offsets``: where each document lies in the canonical file (kept in the user
  cache folder per file contents, so a start parses nothing), and the canonical
  bytes written with untouched documents copied byte for byte;
- ``verify``: ``casefiles log`` and ``casefiles log --verify``;
- ``scripting``: ``open_db(path)``, TinyDB's API with every write checked and logged.

The modules below import only what they need; ``from casefiles.store import
Store, StoreError`` is the usual entry point.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from casefiles.store.core import Change, Counts, Store, unwritable
from casefiles.store.errors import ConflictError, StaleFileError, StoreError
from casefiles.store.files import (
    MAX_ARTICLE_BYTES,
    Fingerprint,
    check_article_files,
    dumps,
    parse_bytes,
    read_article_file,
    read_file,
    serialise,
    write_atomic,
)

if TYPE_CHECKING:
    from casefiles.store.scripting import CaseFilesDB, open_db


def __getattr__(name: str) -> object:
    """``CaseFilesDB`` and ``open_db`` are imported on first use: TinyDB is
    for scripts, and the browser's start does without it."""
    if name in ("CaseFilesDB", "open_db"):
        from casefiles.store import scripting

        return getattr(scripting, name)
    raise AttributeError(f"module 'casefiles.store' has no attribute {name!r}")


__all__ = [
    "MAX_ARTICLE_BYTES",
    "CaseFilesDB",
    "Change",
    "ConflictError",
    "Counts",
    "Fingerprint",
    "StaleFileError",
    "Store",
    "StoreError",
    "check_article_files",
    "dumps",
    "open_db",
    "parse_bytes",
    "read_article_file",
    "read_file",
    "serialise",
    "unwritable",
    "write_atomic",
]
