"""Command palette (``ctrl+p``) entries for cases and parties, found by name.

``CaseFilesCommands`` is a Textual command ``Provider`` that reads the
browser's store, search index and history through the ``PaletteHost``
protocol (the app is one).  With an empty prompt it offers a few
cases (the ones in the history first, then the first in the store).  While
typing it asks the ``SearchIndex`` (in a thread, so the palette never waits on
it) for case and party hits; while the index is still being built it falls
back to a plain prefix scan of titles, names and aliases, capped at
``MAX_HITS``.  Choosing an entry posts ``OpenCase`` or ``OpenParty`` to the app.

Palette prompts are ``rich.text.Text`` built without markup, and help texts
are markup-escaped, so names from data are always shown literally.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterator, Sequence
from typing import TYPE_CHECKING, Any, Final, Protocol, runtime_checkable

from rich.style import Style
from rich.text import Text
from textual.command import DiscoveryHit, Hit, Hits, Provider
from textual.markup import escape

from casefiles import model
from casefiles.store import Store
from casefiles.textsafe import clip, literal
from casefiles.tui.history import History
from casefiles.tui.messages import OpenCase, OpenParty

if TYPE_CHECKING:
    from casefiles.search import SearchIndex

MAX_HITS: Final = 50
DISCOVER: Final = 8
MATCH_STYLE: Final = Style(bold=True, underline=True)
_KINDS: Final = frozenset({"case", "party"})


def _label(kind: str) -> str:
    return "Open case: " if kind == "case" else "Open party: "


def prompt(kind: str, title: str, spans: Sequence[tuple[int, int]] = ()) -> Text:
    """``Open case: <title>`` with the matched characters of the title styled."""
    text = Text(_label(kind), style="dim", no_wrap=True, end="")
    shown = Text(no_wrap=True, end="")
    pos = 0
    for a, b in sorted(spans):
        a, b = max(a, pos), min(b, len(title))
        if a >= b:
            continue
        shown.append(literal(title[pos:a]))
        shown.append(literal(title[a:b]), MATCH_STYLE)
        pos = b
    shown.append(literal(title[pos:]))
    text.append_text(shown)
    return text


def prefix_matches(
    store: Any, query: str, limit: int = MAX_HITS
) -> list[tuple[str, str, str, tuple[tuple[int, int], ...]]]:
    """``(kind, id, title, spans)`` of cases and parties with a word of their
    title, name or alias starting with each word of ``query`` (case-insensitive)."""
    words = query.casefold().split()
    if not words or store is None:
        return []
    out: list[tuple[str, str, str, tuple[tuple[int, int], ...]]] = []

    def spans_in(name: str) -> tuple[tuple[int, int], ...] | None:
        folded = name.casefold()
        if not all(word in folded for word in words):  # cheap test before the word scan
            return None
        starts = [0] + [i + 1 for i, ch in enumerate(folded) if not ch.isalnum()]
        found: list[tuple[int, int]] = []
        for word in words:
            hit = next((s for s in starts if folded.startswith(word, s)), None)
            if hit is None:
                return None
            found.append((hit, hit + len(word)))
        return tuple(found) if len(folded) == len(name) else ()

    for kind, table, key in (("party", model.PARTIES, "name"), ("case", model.CASES, "title")):
        for doc in store.table(table).values():
            for name in (doc.get(key, ""), *doc.get("aliases", ())):
                spans = spans_in(str(name))
                if spans is not None:
                    title = str(doc.get(key, doc["id"]))
                    out.append((kind, doc["id"], title, spans if name == title else ()))
                    break
            if len(out) >= limit:
                return out
    return out


@runtime_checkable
class PaletteHost(Protocol):
    """What the palette reads from the browser (the app is one)."""

    store: Store
    search_index: SearchIndex | None
    history: History


class CaseFilesCommands(Provider):
    """Cases and parties by name, for the command palette."""

    @property
    def host(self) -> PaletteHost | None:
        """The browser whose store, index and history this provider reads."""
        return self.app if isinstance(self.app, PaletteHost) else None

    def _opener(self, kind: str, doc_id: str) -> Callable[[], Any]:
        message = OpenCase(doc_id) if kind == "case" else OpenParty(doc_id)
        return lambda: self.app.post_message(message)

    def _recent(self, host: PaletteHost) -> Iterator[str]:
        store = host.store
        seen: set[str] = set()
        for case_id in host.history.recent("case"):
            if store.get(model.CASES, case_id) is not None:
                seen.add(case_id)
                yield case_id
        for case_id in store.table(model.CASES):
            if case_id not in seen:
                yield case_id

    async def discover(self) -> Hits:
        """A few cases to open with an empty prompt."""
        host = self.host
        if host is None:
            return
        store = host.store
        for n, case_id in enumerate(self._recent(host)):
            if n >= DISCOVER:
                break
            case = store.get(model.CASES, case_id) or {}
            title = str(case.get("title", case_id))
            yield DiscoveryHit(
                prompt("case", title),
                self._opener("case", case_id),
                text=f"Open case: {title}",
                help=escape(clip(literal(case_id), 60)),
            )

    async def search(self, query: str) -> Hits:
        """Cases and parties matching ``query`` (the search index, else a prefix scan)."""
        host = self.host
        if host is None:
            return
        store, index = host.store, host.search_index
        if index is not None:
            result = await asyncio.to_thread(index.search, query, MAX_HITS * 2)
            hits = [h for h in result.hits if h.kind in _KINDS][:MAX_HITS]
            top = max((float(h.score) for h in hits), default=1.0) or 1.0
            for rank, h in enumerate(hits):
                title = str(h.title)
                spans = h.spans if h.text == title else ()
                score = max(0.05, min(1.0, float(h.score) / top)) - rank * 1e-4
                why = "" if h.text == title else f" · {h.field}: {clip(str(h.text), 40)}"
                yield Hit(
                    score,
                    prompt(h.kind, title, spans),
                    self._opener(h.kind, h.id),
                    text=f"{_label(h.kind)}{title}",
                    help=escape(literal(f"{h.id}{why}")),
                )
            return
        matches = await asyncio.to_thread(prefix_matches, store, query)
        matcher = self.matcher(query)
        for kind, doc_id, title, spans in matches:
            score = matcher.match(title) or 0.5
            yield Hit(
                score,
                prompt(kind, title, spans),
                self._opener(kind, doc_id),
                text=f"{_label(kind)}{title}",
                help=escape(literal(doc_id)),
            )


__all__ = [
    "MAX_HITS",
    "CaseFilesCommands",
    "PaletteHost",
    "prefix_matches",
    "prompt",
]
