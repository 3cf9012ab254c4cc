"""The Cites pane: the cites of the fact under the cursor, with each quote
marked as found in its source's text or not.

Checking a quote reads the article and may search it for a near match (a
fraction of a second over a long article), so it never runs on the cursor's
path: quotes not checked yet show ``…``, a thread checks them, and the pane
draws the same row again when they are done.

Made ``focusable`` (the main screen), the pane has a cursor over its cites
(``▶`` in the gutter, the cite's lines highlighted while it has focus): the
list keys move it from cite to cite, ``enter`` (or ``o``) reads the cited
source at that quote (``ReadSource``), ``O`` opens it outside the app and ``y``
copies the cite's citation.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

from rich.style import Style
from textual import events, work
from textual.binding import BindingType

from casefiles.caseview import CiteView
from casefiles.store import Store
from casefiles.tui import facts
from casefiles.tui.bindings import bind
from casefiles.tui.facts import Row
from casefiles.tui.messages import CopyText, OpenSource, ReadSource
from casefiles.tui.text import Line
from casefiles.tui.widgets.panes import InfoPane
from casefiles.tui.widgets.tags import tag_styles

#: The pieces a cite line of a version starts with (``facts._versions`` indents them).
_INDENT = ("    ", "")


def cites_shown(store: Store, row: Row | None, siblings: Sequence[Row] = ()) -> list[CiteView]:
    """The cites ``facts.cite_lines`` draws for ``row``, in the order it draws them:
    the row's own, or for a disputed fact those of every version."""
    if row is None or row.kind == "source":
        return []
    if not row.conflict:
        return list(row.cites)
    view = facts.view(store, row.case_id) if row.case_id else None
    fact = view.fact(row.kind, row.id) if view is not None else None
    if view is None or fact is None:
        versions = [r for r in siblings if r.conflict == row.conflict] or [row]
        return [c for r in versions for c in r.cites]
    return [c for v in view.versions(fact) for c in v.cites]


def cite_targets(lines: Sequence[Line], cites: Sequence[CiteView]) -> list[tuple[int, CiteView]]:
    """Which of ``lines`` draws which of ``cites``: ``(line index, cite)`` in order.
    A cite line starts with the cite's source id (indented under a version)."""
    found: list[tuple[int, CiteView]] = []
    pending = list(cites)
    for index, line in enumerate(lines):
        if not pending:
            break
        pieces = list(line[1:]) if line and tuple(line[0]) == _INDENT else list(line)
        cite = pending[0]
        if pieces and tuple(pieces[0]) == (cite.source_id, "accent"):
            if cite.quote and (cite.quote, "") not in [tuple(p) for p in pieces]:
                continue
            found.append((index, cite))
            pending.pop(0)
    return found


class CitesPane(InfoPane):
    """An ``InfoPane`` that shows ``facts.cite_lines`` and checks quotes off the UI
    thread; focusable, a cursor over the cites (see the module docstring)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        bind("casefiles.down", "cite(1)"),
        bind("casefiles.up", "cite(-1)"),
        bind("casefiles.top", "first_cite"),
        bind("casefiles.bottom", "last_cite"),
        bind("casefiles.page_down", "cite_page(1)"),
        bind("casefiles.page_up", "cite_page(-1)"),
        bind("casefiles.choose", "read_cite"),
        bind("casefiles.read", "read_cite"),
        bind("casefiles.copy", "copy_cite"),
        bind("casefiles.open", "open_cite"),
    ]

    def __init__(
        self,
        store: Store,
        *,
        id: str | None = None,
        classes: str | None = None,
        focusable: bool = False,
    ) -> None:
        super().__init__(id=id, classes=classes, focusable=focusable)
        self.store = store
        self._shown: tuple[Row | None, Sequence[Row]] = (None, ())
        self.targets: list[tuple[int, CiteView]] = []
        """``(line index, cite)`` of every cite shown, in order."""
        self.cursor = 0
        """Index in ``targets`` of the cite under the cursor."""
        self._cursor_style: Style | None = None
        if focusable:
            self.gutter_cells = 2  # for the cursor mark

    # -- what is shown

    def show_cites(self, row: Row | None, siblings: Sequence[Row] = ()) -> None:
        """The cites of ``row`` (``siblings``: the rows of its pane, for versions)."""
        same = self._shown[0] is row and row is not None
        self._shown = (row, siblings)
        pending: facts.Pending = []
        lines = facts.cite_lines(self.store, row, siblings, pending)
        self.targets = cite_targets(lines, cites_shown(self.store, row, siblings))
        if not same or self.cursor >= len(self.targets):
            self.cursor = 0
        self.show(lines, keep_scroll=same)
        if pending:
            # after the frame that shows the cites (with "…" marks), not before it
            self.call_after_refresh(self._check_quotes, pending)

    @property
    def current(self) -> CiteView | None:
        """The cite under the cursor (``None`` when the pane shows none)."""
        if not self.targets:
            return None
        return self.targets[min(self.cursor, len(self.targets) - 1)][1]

    @work(thread=True, exclusive=True, group="quotes", exit_on_error=False)
    def _check_quotes(self, pending: facts.Pending) -> None:
        marks = facts.quote_marks(self.store)
        for source_id, quote in pending:
            marks.check(source_id, quote)
        self.app.call_from_thread(self._redraw)

    def _redraw(self) -> None:
        if self.is_attached:
            self.show_cites(*self._shown)

    # -- drawing the cursor

    def _cursor_line(self) -> int | None:
        if not self.targets or not self.can_focus:
            return None
        return self.targets[min(self.cursor, len(self.targets) - 1)][0]

    def gutter_mark(self, line: int, first: bool) -> str:
        """``▶`` beside the first strip of the cite under the cursor, while focused."""
        return "▶ " if first and self.has_focus and line == self._cursor_line() else ""

    def line_style(self, line: int) -> Style | None:
        """The cursor cite's lines highlighted while the pane has focus."""
        if not self.has_focus or line != self._cursor_line():
            return None
        if self._cursor_style is None:
            self._cursor_style = tag_styles(self)["cite-cursor"]
        return self._cursor_style

    def notify_style_update(self) -> None:
        """Theme changed: look the cursor style up again."""
        self._cursor_style = None
        super().notify_style_update()

    def on_focus(self) -> None:
        """Show the cursor (and bring its cite into view)."""
        self._follow()
        self.refresh()

    def on_blur(self) -> None:
        """Hide the cursor."""
        self.refresh()

    # -- moving the cursor

    def _follow(self) -> None:
        """Scroll so the cursor cite's lines are in view (its first line at least)."""
        line = self._cursor_line()
        if line is None:
            return
        first, end = self.line_span(line)
        height = max(1, self.scrollable_content_region.height)
        top = round(self.scroll_y)
        if first < top:
            self.scroll_to(y=first, animate=False, immediate=True)
        elif end > top + height:
            self.scroll_to(y=min(first, end - height), animate=False, immediate=True)

    def move_to(self, index: int) -> None:
        """Put the cursor on cite ``index`` (clamped) and bring it into view."""
        if not self.targets:
            return
        self.cursor = max(0, min(index, len(self.targets) - 1))
        self._follow()
        self.refresh()

    def action_cite(self, step: int) -> None:
        """Next (``step`` 1) or previous (-1) cite; without cites, scroll a line."""
        if not self.targets:
            self.action_scroll_lines(step)
            return
        at_end = self.cursor + step < 0 or self.cursor + step >= len(self.targets)
        if at_end:  # past the last cite: show what follows it (or precedes the first)
            self.action_scroll_lines(step)
        else:
            self.move_to(self.cursor + step)

    def action_first_cite(self) -> None:
        """First cite, and the top of the pane."""
        self.action_to_top()
        self.move_to(0)

    def action_last_cite(self) -> None:
        """Last cite, and the bottom of the pane."""
        self.action_to_bottom()
        self.move_to(len(self.targets) - 1)

    def action_cite_page(self, pages: int) -> None:
        """A screenful on: the cursor to the cite a page of lines away (the
        first or last cite when none is that far); without cites, scroll."""
        if not self.targets:
            self.action_page(pages)
            return
        step = max(1, self.scrollable_content_region.height - 1)
        starts = [self.line_span(line)[0] for line, _ in self.targets]
        goal = starts[self.cursor] + pages * step
        if pages > 0:
            index = next((i for i, at in enumerate(starts) if at >= goal), len(starts) - 1)
        else:
            index = max((i for i, at in enumerate(starts) if at <= goal), default=0)
        if index == self.cursor:
            self.action_page(pages)
        self.move_to(index)

    # -- acting on the cite

    def action_read_cite(self) -> None:
        """Read the cited source at the cite's quote."""
        cite = self.current
        if cite is None:
            self.notify("No cite here to read.", timeout=3)
            return
        self.post_message(ReadSource(source_id=cite.source_id, quote=cite.quote))

    def action_open_cite(self) -> None:
        """Open the cited source outside the app (browser, pager)."""
        cite = self.current
        if cite is None:
            self.notify("No cite here to open.", timeout=3)
            return
        self.post_message(OpenSource(cite.source_id))

    def action_copy_cite(self) -> None:
        """Copy the cite's citation: the quote and its source, or the source alone."""
        cite = self.current
        if cite is None:
            self.notify("No cite here to copy.", timeout=3)
            return
        from casefiles.citation import citation, quote_citation
        from casefiles.tui.selection import Selection

        if cite.quote:
            text = quote_citation(self.store, cite.source_id, cite.quote)
        else:
            text = citation(self.store, Selection("source", cite.source_id))
        self.post_message(CopyText(text))

    def on_click(self, event: events.Click) -> None:
        """A click puts the cursor on the cite clicked; a double click reads it
        (a click on the scroll bar's column only scrolls)."""
        if not self.can_focus or not self.targets or self.on_bar(event):
            return
        offset = event.get_content_offset(self)
        if offset is None:
            return
        strip = offset.y + round(self.scroll_y)
        for i, (line, _) in enumerate(self.targets):
            first, end = self.line_span(line)
            if first <= strip < end:
                self.focus()
                self.move_to(i)
                if event.chain >= 2:
                    self.action_read_cite()
                return
