"""Command palette (``ctrl+p``) entries for cases and parties, found by name.

``CaseFilesCommands`` is a Textual command ``Provider``.  With an empty prompt
it offers a few cases (the ones in the app's history first, then the first
in the store).  While typing it asks the app's ``SearchIndex`` (in a thread, so
the palette never waits on it) for case and party hits; while the index is
still being built it falls back to a plain prefix scan of titles, names and
aliases, capped at ``MAX_HITS``.  Choosing an entry calls ``app.open_case`` or
``app.open_party``.

Palette prompts are ``rich.text.Text`` built without markup, and help texts
are markup-escaped, so names from data are always shown literally.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterator, Sequence
from functools import partial
from typing import Any, Final

from rich.style import Style
from rich.text import Text
from textual.command import DiscoveryHit, Hit, Hits, Provider
from textual.markup import escape

from casefiles import model
from casefiles.textsafe import clip, literal

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


class CaseFilesCommands(Provider):
    """Cases and parties by name, for the command palette."""

    def _opener(self, kind: str, doc_id: str) -> Callable[[], Any]:
        method = getattr(self.app, "open_case" if kind == "case" else "open_party", None)
        if method is None:
            return lambda: self.app.notify(f"cannot open {kind}s here", severity="warning")
        return partial(method, doc_id)

    def _recent(self) -> Iterator[str]:
        store = getattr(self.app, "store", None)
        seen: set[str] = set()
        history = getattr(self.app, "history", None) or ()
        recent = [loc.id for loc in reversed(history) if getattr(loc, "kind", None) == "case"]
        for case_id in recent:
            if case_id in seen:
                continue
            if store is not None and store.get(model.CASES, case_id) is not None:
                seen.add(case_id)
                yield case_id
        if store is None:
            return
        for case_id in store.table(model.CASES):
            if case_id not in seen:
                yield case_id

    async def discover(self) -> Hits:
        """A few cases to open with an empty prompt."""
        store = getattr(self.app, "store", None)
        if store is None:
            return
        for n, case_id in enumerate(self._recent()):
            if n >= DISCOVER:
                break
            case = store.get(model.CASES, case_id)
            title = str(case.get("title", case_id))
            yield DiscoveryHit(
                prompt("case", title),
                self._opener("case", case_id),
                text=f"Open case: {title}",
                help=escape(clip(literal(case_id), 60)),
            )

    async def search(self, query: str) -> Hits:
        """Cases and parties matching ``query`` (the search index, else a prefix scan)."""
        store = getattr(self.app, "store", None)
        index = getattr(self.app, "search_index", None)
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


__all__ = ["MAX_HITS", "CaseFilesCommands", "prefix_matches", "prompt"]
