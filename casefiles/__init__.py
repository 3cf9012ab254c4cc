"""casefiles: a terminal case-file browser for prosecutions of human-rights defenders.

``casefiles.open_db(path)`` opens a case file with TinyDB's API for scripts
(see ``casefiles.store.scripting``); it is imported on first use.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

__version__ = "0.1.0"

if TYPE_CHECKING:
    from casefiles.store.scripting import open_db as open_db


def __getattr__(name: str) -> object:
    if name == "open_db":
        from casefiles.store.scripting import open_db

        return open_db
    raise AttributeError(f"module 'casefiles' has no attribute {name!r}")
