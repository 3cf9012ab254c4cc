"""The Cites pane: the cites of the fact under the cursor, with each quote
marked as found in its source's text or not.

Checking a quote reads the article and may search it for a near match (a
fraction of a second over a long article), so it never runs on the cursor's
path: quotes not checked yet show ``…``, a thread checks them, and the pane
draws the same row again when they are done.
"""

from __future__ import annotations

from collections.abc import Sequence

from textual import work

from casefiles.store import Store
from casefiles.tui import facts
from casefiles.tui.facts import Row
from casefiles.tui.widgets.panes import InfoPane


class CitesPane(InfoPane):
    """An ``InfoPane`` that shows ``facts.cite_lines`` and checks quotes off the UI thread."""

    def __init__(self, store: Store, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self.store = store
        self._shown: tuple[Row | None, Sequence[Row]] = (None, ())

    def show_cites(self, row: Row | None, siblings: Sequence[Row] = ()) -> None:
        """The cites of ``row`` (``siblings``: the rows of its pane, for versions)."""
        self._shown = (row, siblings)
        pending: facts.Pending = []
        self.show(facts.cite_lines(self.store, row, siblings, pending))
        if pending:
            self._check_quotes(pending)

    @work(thread=True, exclusive=True, group="quotes", exit_on_error=False)
    def _check_quotes(self, pending: facts.Pending) -> None:
        marks = facts.quote_marks(self.store)
        for source_id, quote in pending:
            marks.check(source_id, quote)
        self.app.call_from_thread(self._redraw)

    def _redraw(self) -> None:
        if self.is_attached:
            self.show_cites(*self._shown)
