"""Command palette (``ctrl+p``): every action that works where it was opened,
and cases and parties found by name.

**Actions** come from the key table: every binding active on the screen the
palette was opened from (the focused widget's, the screen's, the app's) that
has an id in ``casefiles.tui.keys.KEYS`` and that its node's
``check_action`` allows there — dossier, timeline, copy, read, open, help,
search, and whatever other keys the table gains — except moving a cursor
(``NOT_OFFERED``).  Each entry names the action, its key and its binding id;
choosing it runs the binding's action on the node that holds it, exactly as
the key would.  ``action_commands`` lists them (tests use it).

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
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Final, Protocol, runtime_checkable

from rich.style import Style
from rich.text import Text
from textual.command import DiscoveryHit, Hit, Hits, Provider
from textual.markup import escape

from casefiles import model
from casefiles.store import Store
from casefiles.textsafe import clip, literal
from casefiles.tui.history import History
from casefiles.tui.keys import SCROLL_IDS, SPECS, short_key
from casefiles.tui.messages import ExportCases, OpenCase, OpenParty

if TYPE_CHECKING:
    from textual.dom import DOMNode
    from textual.screen import Screen

    from casefiles.search import SearchIndex

MAX_HITS: Final = 50
#: Bindings the palette leaves out: moving a cursor or a page, and the palette itself.
NOT_OFFERED: Final = SCROLL_IDS | frozenset(
    {
        "casefiles.reader_page_down",
        "casefiles.reader_page_up",
        "casefiles.search_next",
        "casefiles.search_prev",
        "casefiles.search_page_down",
        "casefiles.search_page_up",
        "casefiles.palette",
    }
)
#: Actions are offered the app's first (dossier, timeline, copy, …), then the
#: screen's own, then moving between panes and in lists.
_SCOPE_RANK: Final = {"app": 0, "main": 2, "list": 3}
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


@dataclass(frozen=True, slots=True)
class ActionCommand:
    """One action the palette offers: a key-table binding active on a screen."""

    binding_id: str
    key: str
    """Its key as the key bar shows it (the first one that works there)."""
    description: str
    action: str
    node: DOMNode
    """Where the action runs (the widget, screen or app that binds it)."""

    @property
    def text(self) -> str:
        """What the palette matches the typed text against."""
        return f"{self.description} ({self.key})"


def action_commands(screen: Screen[Any]) -> list[ActionCommand]:
    """The actions that work on ``screen`` now, nearest binding first, one per
    binding id, in key-table order (see the module docstring)."""
    app = screen.app
    found: dict[str, ActionCommand] = {}
    for node, bindings in screen._modal_binding_chain:
        for key, group in bindings.key_to_bindings.items():
            for binding in group:
                binding_id = binding.id
                if binding_id is None or binding_id not in SPECS or binding_id in NOT_OFFERED:
                    continue
                if not app._check_action_state(binding.action, node):
                    continue
                known = found.get(binding_id)
                if known is not None and known.node is not node:
                    continue  # a nearer node binds it
                if known is None:
                    found[binding_id] = ActionCommand(
                        binding_id,
                        short_key(key),
                        SPECS[binding_id].description,
                        binding.action,
                        node,
                    )
    order = {binding_id: i for i, binding_id in enumerate(SPECS)}

    def rank(command: ActionCommand) -> tuple[int, int]:
        scope = SPECS[command.binding_id].scope
        return (_SCOPE_RANK.get(scope, 1), order[command.binding_id])

    return sorted(found.values(), key=rank)


def action_prompt(command: ActionCommand, spans: Sequence[int] = ()) -> Text:
    """``Do: <description> (key)`` with the matched characters styled."""
    text = Text("Do: ", style="dim", no_wrap=True, end="")
    described = Text(command.description, no_wrap=True, end="")
    for i in spans:
        if i < len(command.description):
            described.stylize(MATCH_STYLE, i, i + 1)
    text.append_text(described)
    text.append(" (", style="dim")
    text.append(command.key, style="bold")
    text.append(")", style="dim")
    return text


def action_score(query: str, command: ActionCommand, fuzzy: Callable[[str], float]) -> float:
    """How well ``query`` names an action: its words at the start of words of
    the description or id first, then a run of the description, then a fuzzy
    match of the description (scattered letters count for little)."""
    folded = query.casefold().strip()
    if not folded:
        return 0.0
    text = f"{command.description} {command.binding_id.removeprefix('casefiles.')}".casefold()
    words = text.replace("_", " ").replace(".", " ").replace(",", " ").split()
    wanted = folded.split()
    if all(any(w.startswith(q) for w in words) for q in wanted):
        return 1.0 if words and words[0].startswith(wanted[0]) else 0.95
    if folded in text:
        return 0.9
    return 0.5 * min(fuzzy(command.description), 1.0)


def _spans(query: str, text: str) -> list[int]:
    """Offsets of ``text`` matching the letters of ``query`` in order (case-insensitive)."""
    out: list[int] = []
    folded = text.casefold()
    run = folded.find(query.casefold().strip())
    if query.strip() and run >= 0 and len(folded) == len(text):
        return list(range(run, run + len(query.strip())))
    at = 0
    for ch in query.casefold():
        if ch.isspace():
            continue
        found = folded.find(ch, at)
        if found < 0:
            return []
        out.append(found)
        at = found + 1
    return out


#: What each export format writes, for the palette's entries.
EXPORT_FORMATS: Final = (
    ("md", "Markdown dossier with footnotes"),
    ("csv", "CSV tables"),
    ("json", "JSON store"),
)


@dataclass(frozen=True, slots=True)
class ExportCommand:
    """An export the palette offers: the case shown, or the cases list as it is
    filtered and sorted on the main screen."""

    text: str
    message: ExportCases


def export_commands(screen: Screen[Any]) -> list[ExportCommand]:
    """Exports of the current case and of the listed cases, when ``screen``
    shows them (the main screen: ``case_id`` and ``case_ids``)."""
    case_id = getattr(screen, "case_id", None)
    listed = getattr(screen, "case_ids", None)
    out: list[ExportCommand] = []
    if isinstance(case_id, str):
        for fmt, what in EXPORT_FORMATS:
            out.append(
                ExportCommand(
                    f"Export this case ({clip(literal(case_id), 30)}) as {what}",
                    ExportCases(fmt, [case_id], case_id),
                )
            )
    if isinstance(listed, list) and listed:
        n = len(listed)
        title = f"the cases list ({n:,} case{'' if n == 1 else 's'} as listed)"
        for fmt, what in EXPORT_FORMATS:
            out.append(
                ExportCommand(
                    f"Export {title} as {what}",
                    ExportCases(fmt, [str(c) for c in listed], f"{n}-cases"),
                )
            )
    return out


@runtime_checkable
class PaletteHost(Protocol):
    """What the palette reads from the browser (the app is one)."""

    store: Store
    search_index: SearchIndex | None
    history: History


class CaseFilesCommands(Provider):
    """Every action that works here, and cases and parties by name, for the
    command palette."""

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

    def _runner(self, command: ActionCommand) -> Callable[[], Any]:
        async def run() -> None:
            await self.app.run_action(command.action, command.node)

        return run

    def _actions(self) -> list[ActionCommand]:
        try:
            return action_commands(self.screen)
        except Exception:  # the palette must open even if Textual's internals move
            return []

    def _exports(self) -> list[ExportCommand]:
        try:
            return export_commands(self.screen)
        except Exception:  # the palette must open whatever the screen holds
            return []

    def _poster(self, message: ExportCases) -> Callable[[], Any]:
        return lambda: self.app.post_message(message)

    def _system(self) -> list[Any]:
        """Textual's own commands (theme, keys panel, screenshot, quit), offered
        after ours: the app lists this provider alone."""
        try:
            return list(self.app.get_system_commands(self.screen))
        except Exception:  # the palette must open even if Textual's internals move
            return []

    async def discover(self) -> Hits:
        """Every action that works here, Textual's own commands, then a few cases
        to open, with an empty prompt."""
        for command in self._actions():
            yield DiscoveryHit(
                action_prompt(command),
                self._runner(command),
                text=command.text,
            )
        for export in self._exports():
            yield DiscoveryHit(
                Text(export.text, no_wrap=True, end=""),
                self._poster(export.message),
                text=export.text,
            )
        for system in self._system():
            if system.discover:
                yield DiscoveryHit(system.title, system.callback, help=system.help)
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
        """Actions matching ``query``, then cases and parties (the search index,
        else a prefix scan)."""
        matcher = self.matcher(query)
        for command in self._actions():
            score = action_score(query, command, matcher.match)
            if score > 0:
                yield Hit(
                    min(1.0, score + 0.05),
                    action_prompt(command, _spans(query, command.description)),
                    self._runner(command),
                    text=command.text,
                )
        for export in self._exports():
            score = matcher.match(export.text)
            if score > 0:
                yield Hit(
                    min(score, 1.0) * 0.8,
                    matcher.highlight(export.text),
                    self._poster(export.message),
                    text=export.text,
                )
        for system in self._system():
            score = matcher.match(system.title)
            if score > 0:
                yield Hit(
                    min(score, 1.0) * 0.9,
                    matcher.highlight(system.title),
                    system.callback,
                    text=system.title,
                    help=system.help,
                )
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
    "EXPORT_FORMATS",
    "MAX_HITS",
    "NOT_OFFERED",
    "ActionCommand",
    "CaseFilesCommands",
    "ExportCommand",
    "PaletteHost",
    "action_commands",
    "action_prompt",
    "action_score",
    "export_commands",
    "prefix_matches",
    "prompt",
]
