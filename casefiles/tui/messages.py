"""What screens ask of the app, and what the app tells screens, as typed
messages (the way frogmouth's screens talk to its app).

A screen never calls the app by name: it posts one of these (``post_message``
on a screen bubbles to the app) and the app's handler does the navigation,
remembers where the user was, and answers.  The app tells an open search
screen about the search index with ``IndexReady`` or ``IndexFailed``.

Handler names follow Textual's rule: ``OpenCase`` -> ``on_open_case``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.message import Message

if TYPE_CHECKING:
    from casefiles.edit.history import Caught, Version
    from casefiles.search import Hit, SearchIndex


class OpenCase(Message):
    """Show a case in the main screen (with ``source_id`` selected when given)."""

    def __init__(self, case_id: str, source_id: str | None = None) -> None:
        super().__init__()
        self.case_id = case_id
        self.source_id = source_id


class OpenParty(Message):
    """Show a party: its aliases, affiliations and cases."""

    def __init__(self, party_id: str) -> None:
        super().__init__()
        self.party_id = party_id


class OpenHit(Message):
    """Go where a search hit points."""

    def __init__(self, hit: Hit) -> None:
        super().__init__()
        self.hit = hit


class Narrow(Message):
    """Show only the sentences of one court level (``None``: every level); the
    app remembers the place first, so ``esc`` widens again."""

    def __init__(self, level: str | None) -> None:
        super().__init__()
        self.level = level


class ReadSource(Message):
    """Read a source's article inside the app (``o``, ``enter`` on a source or cite).

    With no arguments: the selected source, opened at its first cited quote.
    ``source_id`` names the source instead of the selection; ``quote`` opens
    the reader at that quote (``enter`` on a cite); ``passage`` at a passage
    (a string found in the text, or an offset into the text shown)."""

    def __init__(
        self,
        source_id: str | None = None,
        *,
        quote: str | None = None,
        passage: str | int | None = None,
    ) -> None:
        super().__init__()
        self.source_id = source_id
        self.quote = quote
        self.passage = passage


class OpenSource(Message):
    """Open a source outside the app (browser, pager); the app says how it went."""

    def __init__(self, source_id: str) -> None:
        super().__init__()
        self.source_id = source_id


class CopyText(Message):
    """Put ``text`` on the clipboard and show what was copied."""

    def __init__(self, text: str) -> None:
        super().__init__()
        self.text = text


class CitePassage(Message):
    """Cite a passage of a source's article (the reader's selection) on the
    main screen's current fact: the app opens the cite form with the source
    and the quote filled in."""

    def __init__(self, source_id: str, quote: str) -> None:
        super().__init__()
        self.source_id = source_id
        self.quote = quote


class RestoreVersion(Message):
    """Put an earlier version of a document back (the history screen's ``r``):
    the app asks, then applies it through its undo history, so ``u`` undoes it."""

    def __init__(self, version: Version) -> None:
        super().__init__()
        self.version = version


class StoreChanged(Message):
    """Another program committed to the store and the store has read it
    (``casefiles.tui.watch``); ``caught`` holds the entries."""

    def __init__(self, caught: Caught) -> None:
        super().__init__()
        self.caught = caught


class ExportCases(Message):
    """Export cases (the palette's "export this case" or "export the list"):
    ``fmt`` one of ``csv``, ``json``, ``md``; ``case_ids`` the cases, with
    everything they refer to; ``what`` names them for the folder and the notice."""

    def __init__(self, fmt: str, case_ids: list[str], what: str) -> None:
        super().__init__()
        self.fmt = fmt
        self.case_ids = case_ids
        self.what = what


class RowMoved(Message):
    """The cursor of a list moved to another row: the app works the key bar's
    bindings out again only if what ``o``/``O`` would read changed."""


class IndexReady(Message):
    """The search index is built."""

    def __init__(self, index: SearchIndex) -> None:
        super().__init__()
        self.index = index


class IndexFailed(Message):
    """Building the search index failed; ``error`` says why (plain text)."""

    def __init__(self, error: str) -> None:
        super().__init__()
        self.error = error


__all__ = [
    "CitePassage",
    "CopyText",
    "ExportCases",
    "IndexFailed",
    "IndexReady",
    "Narrow",
    "OpenCase",
    "OpenHit",
    "OpenParty",
    "OpenSource",
    "ReadSource",
    "RestoreVersion",
    "RowMoved",
    "StoreChanged",
]
