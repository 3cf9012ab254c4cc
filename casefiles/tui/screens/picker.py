"""A fuzzy picker over the current screen: type a few letters, choose a party, court,
source or vocabulary value (``casefiles.edit.pick.Choices``), or ask for a new one.

``PickerScreen(choices, title, allow_new=True, initial="")`` dismisses with a
``Picked`` (the choice's id and label, or ``new=True`` with the typed text
when the last row, "new party…", was chosen) or with ``None`` on ``esc``.

Matching runs in a thread worker whenever the choices are many or their index
is not built yet (``exclusive``: a new key cancels the run before it, which
stops early through its ``cancelled`` callback), so a key press never waits
for a match: on the 200 000 parties of a 100k store the UI thread only
updates the input and, later, draws the rows that arrived.  A few choices
whose index is built (a vocabulary) are matched at once, on the UI thread.
Rows are a ``LineView`` (only the visible rows are drawn); text from data is
made literal first (no markup, no control characters).

Keys are the search screen's (``casefiles.search_*`` in the key table): a
picker is the same "type and choose" screen, so a remapped search key works
here too.
"""

from __future__ import annotations

from dataclasses import dataclass
from time import perf_counter
from typing import ClassVar, Final

from rich.text import Text
from textual import events, on, work
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Vertical
from textual.geometry import Size
from textual.message import Message
from textual.screen import ModalScreen
from textual.strip import Strip
from textual.timer import Timer
from textual.widget import Widget
from textual.widgets import Input
from textual.worker import get_current_worker

from casefiles.edit.pick import Choice, Choices
from casefiles.search.normalise import normalise, normalise_map, original_spans
from casefiles.search.query import Term
from casefiles.search.score import match_term
from casefiles.textsafe import literal
from casefiles.tui.bindings import bind
from casefiles.tui.keys import default_keys, short_key
from casefiles.tui.widgets.lineview import LineView
from casefiles.tui.widgets.results import highlight

LIMIT: Final = 200
"""Choices asked for per query (the list scrolls through them)."""
SYNC_MAX: Final = 2_000
"""Up to this many choices with a built index are matched on the UI thread."""
NOUNS: Final = {"parties": "party", "courts": "court", "sources": "source"}


@dataclass(frozen=True, slots=True)
class Picked:
    """What a picker chose: an existing document or value (``id``, ``new=False``,
    ``text`` its label) or a new one (``id=None``, ``new=True``, ``text`` what
    was typed, stripped)."""

    id: str | None
    new: bool
    text: str


class ChoiceList(LineView, can_focus=False):
    """The matching choices, one row each (``label · detail``), and a last row
    for a new document when the picker allows it.  The input keeps the
    keyboard, so the list never takes focus."""

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "choices--cursor",
        "choices--label",
        "choices--detail",
        "choices--new",
        "choices--match",
    }

    DEFAULT_CSS = """
    ChoiceList { height: 1fr; }
    ChoiceList > .choices--cursor { background: $block-cursor-background;
        color: $block-cursor-foreground; }
    ChoiceList > .choices--label { text-style: bold; }
    ChoiceList > .choices--detail { color: $text-muted; }
    ChoiceList > .choices--new { color: $text-accent; text-style: italic; }
    ChoiceList > .choices--match { color: $text-warning; text-style: bold underline; }
    """

    class Chosen(Message):
        """A row was clicked."""

        def __init__(self, index: int) -> None:
            super().__init__()
            self.index = index

    def __init__(self, new_label: str | None, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.choices: list[Choice] = []
        self.new_label = new_label
        """The last row's text ("new party…"), ``None`` without one."""
        self.typed = ""
        self.words: list[str] = []
        """The words typed, normalised as search does (what rows highlight)."""

    def row_count(self) -> int:
        """One row per choice, and the "new …" row."""
        return len(self.choices) + (self.new_label is not None)

    def set_choices(self, choices: list[Choice], typed: str) -> None:
        """Show new choices (for the text ``typed``), cursor on the first row."""
        self.choices = choices
        self.typed = typed
        self.words = normalise(typed).split()
        self.reset(0)

    @property
    def current(self) -> Choice | None:
        """The choice under the cursor (``None`` on the "new …" row or when empty)."""
        if 0 <= self.cursor < len(self.choices):
            return self.choices[self.cursor]
        return None

    @property
    def on_new(self) -> bool:
        """Whether the cursor is on the "new …" row."""
        return self.new_label is not None and self.cursor == len(self.choices)

    def move(self, delta: int) -> None:
        """Move the cursor by ``delta`` rows."""
        self.move_to(self.cursor + delta, 1 if delta >= 0 else -1)

    def clicked(self, index: int, chain: int) -> None:
        """A click chooses the row."""
        self.move_to(index, 1)
        self.post_message(self.Chosen(index))

    def draw_blank(self, y: int, width: int) -> Strip:
        """Below the rows: blank."""
        return Strip.blank(width)

    def draw_row(self, index: int, width: int, is_cursor: bool) -> Strip:
        """One choice, or the "new …" row."""
        row = Text(no_wrap=True, end="")
        row.append("▶ " if is_cursor else "  ")
        if index < len(self.choices):
            choice = self.choices[index]
            match = self.component_style("choices--match")
            label, detail = _flat(choice.label), _flat(choice.detail)
            words = self.words
            row.append_text(
                highlight(
                    label,
                    matched_spans(label, words),
                    match,
                    0,
                    None,
                    self.component_style("choices--label"),
                )
            )
            if detail:
                row.append("  ")
                row.append_text(
                    highlight(
                        detail,
                        matched_spans(detail, words),
                        match,
                        0,
                        None,
                        self.component_style("choices--detail"),
                    )
                )
        else:
            row.append(f"+ {self.new_label}", self.component_style("choices--new"))
            typed = self.typed.strip()
            if typed:
                row.append(f" “{literal(_flat(typed))}”", self.component_style("choices--new"))
        row.truncate(width, overflow="ellipsis", pad=True)
        if is_cursor:
            row.stylize(self.component_style("choices--cursor"))
        return Strip(list(row.render(self.app.console)), row.cell_len).crop_extend(0, width, None)


def _flat(text: str) -> str:
    return " ".join(text.split())


def matched_spans(text: str, words: list[str]) -> tuple[tuple[int, int], ...]:
    """Where the typed words match ``text`` (offsets into ``text``), as search
    scores them (``score.match_term``: whole words, word starts, two words
    written together), mapped back through the search normalisation.  Typo
    matches are not marked (the index's typo table is not at hand here)."""
    if not words or not text:
        return ()
    norm, starts, ends = normalise_map(text)
    padded = f" {norm} "
    spans: list[tuple[int, int]] = []
    for word in words:
        found = match_term(norm, padded, Term(word), None, True)
        if found is not None:
            spans.extend(found[1])
    return original_spans(text, starts, ends, spans) if spans else ()


class StatusLine(Widget):
    """One line of plain text.  Changing it repaints this line alone: a
    ``Static.update`` lays the whole screen out again (tens of milliseconds
    per key over a modal screen)."""

    DEFAULT_CSS = "StatusLine { height: 1; }"

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.text = ""

    def show(self, text: str) -> None:
        """Show ``text`` (already literal)."""
        if text != self.text:
            self.text = text
            self.refresh()

    def render(self) -> Text:
        """The text, cut with an ellipsis to the width."""
        return Text(self.text, no_wrap=True, overflow="ellipsis", end="")


class PickerInput(Input):
    """The filter box: the search keys move the cursor and choose."""

    BINDINGS: ClassVar[list[BindingType]] = [
        bind("casefiles.search_open", "screen.choose"),
        bind("casefiles.search_next", "screen.move(1)"),
        bind("casefiles.search_prev", "screen.move(-1)"),
        bind("casefiles.search_page_down", "screen.page(1)"),
        bind("casefiles.search_page_up", "screen.page(-1)"),
    ]

    def check_consume_key(self, key: str, character: str | None) -> bool:
        return key in ("ctrl+n", "ctrl+p") or super().check_consume_key(key, character)

    def _watch_value(self, value: str) -> None:
        # Textual's watcher sets the virtual size, a layout-triggering reactive: the
        # whole screen was laid out again on every key.  The box's size is fixed
        # (CSS), so the size is set quietly first and the watcher finds it unchanged.
        self.set_reactive(Widget.virtual_size, Size(self.content_width, 1))
        super()._watch_value(value)


class PickerScreen(ModalScreen["Picked | None"]):
    """Choose one of ``choices`` (or a new one); see the module docstring."""

    BINDINGS: ClassVar[list[BindingType]] = [
        bind("casefiles.search_close", "close"),
    ]

    DEFAULT_CSS = """
    PickerScreen { align: center middle; }
    PickerScreen > #picker-box {
        width: 90%;
        max-width: 110;
        height: 80%;
        border: round $accent;
        border-title-style: bold;
        background: $surface;
        padding: 0 1;
    }
    PickerScreen #picker-input { margin: 0 0; border: tall $accent; height: 3; width: 1fr; }
    PickerScreen #picker-status { height: 1; color: $text-muted; }
    PickerScreen #picker-keys { height: 1; color: $text-muted; }
    """

    class Matched(Message):
        """A match finished (posted from the worker thread)."""

        def __init__(self, query: str, choices: list[Choice], seconds: float) -> None:
            super().__init__()
            self.query = query
            self.choices = choices
            self.seconds = seconds

    def __init__(self, choices: Choices, title: str, *, allow_new: bool, initial: str = "") -> None:
        super().__init__()
        self.choices = choices
        self.title_text = title
        self.allow_new = allow_new
        self.initial = initial
        self.shown_query: str | None = None
        """The query whose choices are on screen (tests and the benchmark wait for it)."""
        self.last_seconds = 0.0
        """How long the last match took (in its worker or on the UI thread)."""
        self.shown_at = 0.0
        """``perf_counter()`` when the rows on screen were put there (the benchmark)."""
        self.noun = NOUNS.get(choices.table, "value")
        self._ticker: Timer | None = None

    def compose(self) -> ComposeResult:
        with Vertical(id="picker-box") as box:
            box.border_title = literal(self.title_text)
            yield PickerInput(
                value=self.initial,
                placeholder=f"type to find a {self.noun}…",
                id="picker-input",
                select_on_focus=bool(self.initial),  # typing replaces what it opened with
            )
            yield StatusLine(id="picker-status")
            yield ChoiceList(f"new {self.noun}…" if self.allow_new else None, id="picker-list")
            yield StatusLine(id="picker-keys")

    def on_mount(self) -> None:
        self.query_one(PickerInput).focus()
        self.start_match(self.initial)
        self.call_after_refresh(self._show_keys)

    def _show_keys(self) -> None:
        """The keys that move, choose and cancel, as bound now (a config file may
        have remapped the search keys the picker shares)."""
        bound: dict[str, list[str]] = {}
        for key, active in self.app.active_bindings.items():
            if active.binding.id:
                bound.setdefault(active.binding.id, []).append(key)

        def keys(binding_id: str) -> str:
            found = bound.get(binding_id) or default_keys(binding_id).split(",")
            return short_key(found[0])

        moves = f"{keys('casefiles.search_prev')}/{keys('casefiles.search_next')}"
        self.query_one("#picker-keys", StatusLine).show(
            f"{moves} move · {keys('casefiles.search_open')} choose · "
            f"{keys('casefiles.search_close')} cancel"
        )

    @property
    def rows(self) -> ChoiceList:
        """The list of choices."""
        return self.query_one(ChoiceList)

    @property
    def typed(self) -> str:
        """What is in the filter box."""
        return self.query_one(PickerInput).value

    def _status(self, text: str) -> None:
        self.query_one("#picker-status", StatusLine).show(text)

    @on(Input.Changed, "#picker-input")
    def _changed(self, event: Input.Changed) -> None:
        event.stop()
        self.start_match(event.value)

    def start_match(self, query: str) -> None:
        """Match ``query`` now when that is quick, else in a worker."""
        if self.choices.ready and len(self.choices) <= SYNC_MAX:
            self.workers.cancel_group(self, "picker")
            started = perf_counter()
            try:
                found = self.choices.match(query, LIMIT)
            except Exception as exc:  # a bug or a broken store must not end the browser
                self._failed(query, exc)
                return
            self._show(query, found, perf_counter() - started)
            return
        if not self.choices.ready:
            self._indexing()
            if self._ticker is None:
                self._ticker = self.set_interval(0.25, self._indexing)
        self._match(query)

    def _indexing(self) -> None:
        """While the index is built: how far it got."""
        share = min(int(self.choices.progress * 100), 99)
        self._status(f"indexing {len(self.choices):,} {self.noun} names… {share}%")

    def _stop_ticker(self) -> None:
        if self._ticker is not None:
            self._ticker.stop()
            self._ticker = None

    @work(thread=True, exclusive=True, group="picker", exit_on_error=False)
    def _match(self, query: str) -> None:
        worker = get_current_worker()
        started = perf_counter()
        try:
            found = self.choices.match(query, LIMIT, cancelled=lambda: worker.is_cancelled)
        except Exception as exc:  # a bug or a broken store must not end the browser
            self.app.call_from_thread(self._failed, query, exc)
            return
        if not worker.is_cancelled:
            self.post_message(self.Matched(query, found, perf_counter() - started))

    def _failed(self, query: str, exc: Exception) -> None:
        """Say why nothing can be listed (the "new …" row still works)."""
        self._stop_ticker()
        self.rows.set_choices([], query)
        self.shown_query = query
        plural = self.choices.table or "values"
        self._status(f"cannot list {plural}: {type(exc).__name__}: {literal(str(exc))}")

    def on_picker_screen_matched(self, message: Matched) -> None:
        if message.query != self.typed:
            return  # a stale run that finished before it noticed the cancel
        self._show(message.query, message.choices, message.seconds)

    def _show(self, query: str, found: list[Choice], seconds: float) -> None:
        self._stop_ticker()
        self.rows.set_choices(found, query)
        self.shown_query = query
        self.shown_at = perf_counter()
        self.last_seconds = seconds
        n = len(found)
        if not query.strip():
            total = len(self.choices)
            self._status(f"{total:,} to choose from" if n >= total else f"first {n:,} by name")
        elif n == 0:
            self._status(
                "nothing matches" + (f"; enter adds a new {self.noun}" if self.allow_new else "")
            )
        else:
            more = "+" if n >= LIMIT else ""
            self._status(f"{n:,}{more} match{'es' if n != 1 else ''}")

    def action_move(self, delta: int) -> None:
        """Move the cursor."""
        self.rows.move(delta)

    def action_page(self, direction: int) -> None:
        """Move the cursor by a page."""
        self.rows.move(direction * self.rows.page)

    def action_choose(self) -> None:
        """Dismiss with the row under the cursor."""
        rows = self.rows
        if self.shown_query != self.typed and not rows.on_new:
            self.app.bell()  # the rows shown are not for what is typed yet
            return
        choice = rows.current
        if choice is not None:
            self.dismiss(Picked(choice.id, False, choice.label))
        elif rows.on_new:
            self.dismiss(Picked(None, True, self.typed.strip()))
        else:
            self.app.bell()

    def action_close(self) -> None:
        """Dismiss without a choice."""
        self.workers.cancel_group(self, "picker")
        self.dismiss(None)

    @on(Input.Submitted, "#picker-input")
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.action_choose()

    @on(ChoiceList.Chosen)
    def _clicked(self, event: ChoiceList.Chosen) -> None:
        event.stop()
        self.action_choose()

    def on_click(self, event: events.Click) -> None:
        """A click outside the box cancels, as ``esc`` does."""
        if event.widget is self:
            self.action_close()

    def on_unmount(self) -> None:
        self.workers.cancel_group(self, "picker")


__all__ = ["LIMIT", "ChoiceList", "Picked", "PickerInput", "PickerScreen", "StatusLine"]
