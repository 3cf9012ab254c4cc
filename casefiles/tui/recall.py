"""Earlier search queries, kept across runs: ``QueryHistory``.

The search screen recalls them with ``up``/``down`` and ``ctrl+r``.  They live
in one small JSON file in the user data folder (``platformdirs.user_data_dir``;
``$CASEFILES_DATA_DIR`` names another folder, as ``$CASEFILES_CACHE_DIR`` does
for the cache): a list of strings, oldest first, at most ``MAX_QUERIES`` of
them, no query twice (using one again moves it to the end).  The file is
written atomically (a temporary file in the same folder, then a rename), so a
crash leaves the old list or the new one, never half of one.  A file that
cannot be read or is not such a list is ignored: ``problem`` says why, once,
for a notice, and the next save replaces it.  Nothing here raises for the
browser: a folder that cannot be written only sets ``problem``.

No Textual here: the rules are plain and tested without an app.
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Final

import platformdirs

from casefiles import paths

ENV_DATA_DIR: Final = "CASEFILES_DATA_DIR"
FILE_NAME: Final = "search-history.json"
#: Queries kept (the oldest go first).
MAX_QUERIES: Final = 200
#: Longest query kept, in characters (a pasted article is not a query to recall).
MAX_QUERY_CHARS: Final = 500
#: Largest history file read, in bytes.
MAX_FILE_BYTES: Final = 1_000_000


def data_folder() -> Path:
    """``$CASEFILES_DATA_DIR``, else the platform's user data folder for casefiles."""
    override = os.environ.get(ENV_DATA_DIR)
    if override:
        return Path(override)
    return Path(platformdirs.user_data_dir(paths.APP))


def history_file() -> Path:
    """Where the search history is kept."""
    return data_folder() / FILE_NAME


def _clean(query: str) -> str | None:
    """The query as kept, or ``None`` when it is not worth keeping."""
    query = query.strip()
    if not query or len(query) > MAX_QUERY_CHARS or "\n" in query or "\x00" in query:
        return None
    return query


class QueryHistory:
    """Earlier queries, oldest first (``queries``), with the file they live in."""

    def __init__(self, path: Path | None = None, queries: list[str] | None = None) -> None:
        self.path = path
        self.queries: list[str] = list(queries or [])
        self.problem: str | None = None
        """Why the file was ignored or not written (for one notice), else ``None``."""

    @classmethod
    def load(cls, path: Path | None = None) -> QueryHistory:
        """The history in ``path`` (default ``history_file()``); an unreadable
        or malformed file gives an empty history with ``problem`` set."""
        path = history_file() if path is None else path
        history = cls(path)
        try:
            if path.stat().st_size > MAX_FILE_BYTES:
                history.problem = f"{path}: larger than {MAX_FILE_BYTES:,} bytes, ignored"
                return history
            raw = path.read_text(encoding="utf-8")
        except FileNotFoundError:
            return history
        except (OSError, UnicodeDecodeError) as exc:
            history.problem = f"{path}: cannot be read ({type(exc).__name__}), ignored"
            return history
        try:
            data = json.loads(raw)
        except (ValueError, RecursionError):
            history.problem = f"{path}: not a JSON list of queries, ignored"
            return history
        if not isinstance(data, list):
            history.problem = f"{path}: not a JSON list of queries, ignored"
            return history
        kept: list[str] = []
        for item in data:
            query = _clean(item) if isinstance(item, str) else None
            if query is not None:
                if query in kept:
                    kept.remove(query)
                kept.append(query)
        history.queries = kept[-MAX_QUERIES:]
        return history

    def __len__(self) -> int:
        return len(self.queries)

    def add(self, query: str) -> bool:
        """Note a query used now (moved to the end when already there); ``True``
        when the list changed."""
        cleaned = _clean(query)
        if cleaned is None:
            return False
        if self.queries and self.queries[-1] == cleaned:
            return False
        if cleaned in self.queries:
            self.queries.remove(cleaned)
        self.queries.append(cleaned)
        del self.queries[:-MAX_QUERIES]
        return True

    def newest_first(self) -> Iterator[str]:
        """The queries, most recent first."""
        return reversed(self.queries)

    def older(self, position: int | None) -> int | None:
        """The position of the query before ``position`` (``None``: from the
        newest), or ``None`` when there is none."""
        at = len(self.queries) if position is None else position
        return at - 1 if at > 0 else None

    def newer(self, position: int | None) -> int | None:
        """The position after ``position``, or ``None`` past the newest."""
        if position is None or position + 1 >= len(self.queries):
            return None
        return position + 1

    def search_back(self, pattern: str, before: int | None = None) -> int | None:
        """Position of the newest query before ``before`` (``None``: all) that
        contains ``pattern`` (case-insensitive), like a shell's ``ctrl+r``."""
        folded = pattern.casefold()
        end = len(self.queries) if before is None else before
        for i in range(min(end, len(self.queries)) - 1, -1, -1):
            if folded in self.queries[i].casefold():
                return i
        return None

    def save(self) -> bool:
        """Write the list atomically; ``False`` (and ``problem`` set) when the
        folder cannot be written."""
        if self.path is None:
            return False
        folder = self.path.parent
        try:
            folder.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(prefix=".search-history.", suffix=".tmp", dir=folder)
            try:
                with os.fdopen(fd, "w", encoding="utf-8") as out:
                    json.dump(self.queries, out, ensure_ascii=False, indent=0)
                    out.write("\n")
                    out.flush()
                    os.fsync(out.fileno())
                os.replace(tmp, self.path)
            except BaseException:
                Path(tmp).unlink(missing_ok=True)
                raise
        except OSError as exc:
            self.problem = f"{self.path}: search history not saved ({type(exc).__name__})"
            return False
        return True


__all__ = [
    "ENV_DATA_DIR",
    "MAX_QUERIES",
    "MAX_QUERY_CHARS",
    "QueryHistory",
    "data_folder",
    "history_file",
]
