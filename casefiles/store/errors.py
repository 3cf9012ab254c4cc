"""The errors the store raises: ``str()`` is always a one-line, user-facing message."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:  # validation is imported when a store is first checked, not at every start
    from casefiles.validate import Problem


class StoreError(Exception):
    """A store could not be loaded or written; ``str()`` is the user-facing message,
    ``problems`` lists every validation problem when there are any."""

    def __init__(self, message: str, problems: list[Problem] | None = None) -> None:
        super().__init__(message)
        self.problems: list[Problem] = problems or []


class ConflictError(StoreError):
    """Another program changed what this edit is based on; nothing was written."""


class StaleFileError(StoreError):
    """The canonical file this store reads its documents from was rewritten in
    place or cut short by another program since it was loaded: documents not
    read yet cannot be read from it any more (never a guess from other bytes).
    Nothing was written; the remedy is to load the store again."""


__all__ = ["ConflictError", "StaleFileError", "StoreError"]
