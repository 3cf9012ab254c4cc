"""The main screen: the cases list and the linked panes of the selected case.

```
┌ 1 Cases ──────┬ Case ──────────────────────────────────┐
│▶ ADHOC staff  │ title · status · country · tags · summary│
│  Kem Sokha    ├ 2 Parties ────────┬ 3 Court levels ─────┤
│               ├ 4 Sentences ──────┴─────────────────────┤
│               ├ 5 Sources ──────────────────────────────┤
│               ├ Cites ──────────────────────────────────┤
└───────────────┴─────────────────────────────────────────┘
```

Moving the cursor in the cases list redraws every other pane for that case;
moving it in a fact pane shows that fact's cites (and marks the sources it
cites).  Per move the work is the size of the selected case; the cases list
draws only its visible lines.
"""

from __future__ import annotations

from typing import ClassVar, Final

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import Screen

from casefiles import model
from casefiles.model import humanise
from casefiles.store import Store
from casefiles.tui import facts
from casefiles.tui.config import Config
from casefiles.tui.facts import Row
from casefiles.tui.keys import KEYS
from casefiles.tui.messages import Narrow, OpenCase, OpenParty, ReadSource
from casefiles.tui.selection import Selection
from casefiles.tui.text import Line
from casefiles.tui.widgets import CitesPane, InfoPane, KeyBar, LineList

#: Pane ids in ``tab`` order; ``1``–``5`` jump to them.
PANES: Final = ("cases", "parties", "ladder", "sentences", "sources")
TITLES: Final = {
    "cases": "1 Cases",
    "parties": "2 Parties · charges · events",
    "ladder": "3 Court levels",
    "sentences": "4 Sentences",
    "sources": "5 Sources",
}

_ACTIONS: Final = {
    "casefiles.next_pane": "next_pane",
    "casefiles.prev_pane": "prev_pane",
    **{f"casefiles.pane_{n}": f"pane({n})" for n in range(1, 6)},
    "casefiles.next_conflict": "conflict(1)",
    "casefiles.prev_conflict": "conflict(-1)",
}
#: The panes whose facts can be under conflict, in the order ``]`` walks them.
FACT_PANES: Final = ("parties", "ladder", "sentences")


class CaseRows:
    """The cases list as a ``RowSource``: row *i* is built when it is drawn."""

    def __init__(self, store: Store, case_ids: list[str]) -> None:
        self.store = store
        self.case_ids = case_ids

    def __len__(self) -> int:
        return len(self.case_ids)

    def row(self, index: int) -> Row:
        """The case at ``index``: title and status."""
        return facts.case_row(self.store, self.case_ids[index])


def empty_help(store: Store) -> list[Line]:
    """What the header says when the store holds no case."""
    return [
        [("This store has no cases yet.", "strong")],
        [("file: ", "dim"), (str(store.path), "")],
        [("Add cases to that file (see the README), or try a generated store:", "")],
        [("  casefiles generate --cases 100 --out /tmp/demo.json", "accent")],
        [("  casefiles --store /tmp/demo.json", "accent")],
        [("Press ? for keys, q to quit.", "dim")],
    ]


def _to_first_mark(pane: LineList) -> None:
    """Bring the first bulleted (linked) row of a pane under its cursor."""
    for i, row in enumerate(pane.rows()):
        if row.line and row.line[0] == ("• ", "mark"):
            pane.move_to(i, announce=False)
            pane.scroll_to(y=i, animate=False, immediate=True)  # the others follow below
            return


class MainScreen(Screen[None]):
    """Cases on the left; header, parties, court levels, sentences, sources and
    cites of the selected case on the right."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(spec.keys, _ACTIONS[spec.id], spec.label, show=spec.show, id=spec.id)
        for spec in KEYS
        if spec.id in _ACTIONS
    ]

    def __init__(self, store: Store, config: Config) -> None:
        super().__init__(id="main")
        self.store = store
        self.config = config
        self.case_ids: list[str] = list(store.table(model.CASES))
        self._index: dict[str, int] | None = None
        self.case_id: str | None = None
        self.level: str | None = None
        """The court level the sentences are narrowed to (``None``: all)."""

    # -- layout

    def compose(self) -> ComposeResult:
        with Horizontal(id="body"):
            yield LineList(
                CaseRows(self.store, self.case_ids),
                empty="No cases in this store",
                id="cases",
                classes="pane",
            )
            with Vertical(id="right"):
                yield InfoPane(id="case-header", classes="pane info")
                with Horizontal(id="middle"):
                    yield LineList(empty="no parties recorded", id="parties", classes="pane")
                    yield LineList(empty="no proceedings recorded", id="ladder", classes="pane")
                yield LineList(empty="no sentences recorded", id="sentences", classes="pane")
                yield LineList(empty="no sources cited", id="sources", classes="pane")
                yield CitesPane(self.store, id="cites", classes="pane info")
        yield KeyBar(self.config)

    def pane(self, name: str) -> LineList:
        """One of the five list panes by id."""
        return self.query_one(f"#{name}", LineList)

    def on_mount(self) -> None:
        """Titles, the first case, focus on the cases list."""
        for name in PANES:
            self.pane(name).border_title = TITLES[name]
        self.pane("cases").border_title = f"1 Cases ({len(self.case_ids):,})"
        self.query_one("#case-header", InfoPane).border_title = "Case"
        self.query_one("#cites", InfoPane).border_title = "Cites"
        self.pane("cases").focus()
        if self.case_ids:
            self.show_case(self.case_ids[0])
        else:
            self.add_class("empty-store")
            header = self.query_one("#case-header", InfoPane)
            header.border_title = "Empty store"
            header.show(empty_help(self.store))

    # -- showing a case

    def index_of(self, case_id: str) -> int | None:
        """Position of a case in the list (index built on first use)."""
        if self._index is None:
            self._index = {cid: i for i, cid in enumerate(self.case_ids)}
        return self._index.get(case_id)

    def select_case(
        self,
        case_id: str,
        level: str | None = None,
        focus: str | None = None,
        cursor: int = 0,
    ) -> None:
        """Put the cases cursor on ``case_id`` and show it, with pane ``focus``
        focused and its cursor on row ``cursor`` (used by navigation)."""
        index = self.index_of(case_id)
        cases = self.pane("cases")
        if index is not None:
            cases.move_to(index, announce=False)
        self.show_case(case_id, level)
        if focus in PANES and focus is not None:
            pane = self.pane(focus)
            if focus != "cases":
                pane.move_to(cursor, announce=False)
            pane.focus()
            self.update_cites()

    def show_case(self, case_id: str, level: str | None = None) -> None:
        """Fill every pane for one case; sentences narrowed to ``level`` if given."""
        self.case_id = case_id
        self.level = level
        store = self.store
        self.query_one("#case-header", InfoPane).show(facts.case_header(store, case_id))
        self.pane("parties").set_rows(facts.party_rows(store, case_id), announce=False)
        ladder = facts.ladder_rows(store, case_id)
        at = next((i for i, r in enumerate(ladder) if level and r.level == level), 0)
        self.pane("ladder").set_rows(ladder, at, announce=False)
        # update_cites fills the sentences and sources panes (with the marks of
        # the focused row) unless one of them has focus: build only that one here.
        focus = self.focused_pane().id
        self.pane("sentences").cursor = 0
        self.pane("sources").cursor = 0
        if focus == "sentences":
            self._show_sentences()
        elif focus == "sources":
            self.pane("sources").set_rows(facts.source_rows(store, case_id), announce=False)
        self.update_cites()

    def _show_sentences(self, row: Row | None = None, cursor: int = 0) -> None:
        """Fill the sentences pane (narrowed to ``self.level``), marking those of
        the party or proceeding in ``row``."""
        assert self.case_id is not None
        party = row.party if row is not None and row.kind in ("party", "charge", "event") else None
        proceeding = row.id if row is not None and row.kind == "proceeding" else None
        rows = facts.sentence_rows(
            self.store, self.case_id, self.level, party=party, proceeding=proceeding
        )
        pane = self.pane("sentences")
        pane.set_rows(rows, cursor, announce=False)
        if self.level:
            pane.border_title = f"4 Sentences · {humanise(self.level)} only"
            pane.empty = f"no sentences at {humanise(self.level)} level"
        else:
            pane.border_title = TITLES["sentences"]
            pane.empty = "no sentences recorded"

    def narrow(self, level: str | None) -> None:
        """Show only the sentences of one court level (``None``: all levels)."""
        self.level = level
        if self.case_id is not None:
            self._show_sentences()
            self.update_cites()

    # -- the selected row and its cites

    def focused_pane(self) -> LineList:
        """The list pane that has focus (the cases list when none has)."""
        focused = self.focused
        if isinstance(focused, LineList) and focused.id in PANES:
            return focused
        return self.pane("cases")

    def current_row(self) -> Row | None:
        """The row under the cursor of the focused pane."""
        return self.focused_pane().current

    def selection(self) -> Selection | None:
        """What ``y``, ``o`` and ``O`` act on."""
        row = self.current_row()
        return row.selection() if row is not None else None

    def update_cites(self) -> None:
        """Show the cites of the focused pane's row; mark the sources it cites."""
        if self.case_id is None:
            return
        pane = self.focused_pane()
        row = pane.current
        siblings = pane.rows() if pane.id != "cases" else []
        self.query_one("#cites", CitesPane).show_cites(row, siblings)
        if pane.id != "sentences":
            self._show_sentences(row, self.pane("sentences").cursor)
            _to_first_mark(self.pane("sentences"))
        if pane.id != "sources":
            cited = row.source_ids if row else []
            sources = self.pane("sources")
            sources.set_rows(
                facts.source_rows(self.store, self.case_id, cited),
                sources.cursor,
                announce=False,
            )
            _to_first_mark(sources)

    # -- events

    def on_line_list_highlighted(self, message: LineList.Highlighted) -> None:
        """Cursor moved: a new case redraws everything; a fact shows its cites."""
        message.stop()
        if message.lines.id == "cases":
            if message.row is not None and message.row.id != self.case_id:
                self.show_case(message.row.id)
            else:
                self.update_cites()
        elif message.lines is self.focused_pane():
            self.update_cites()

    def on_descendant_focus(self) -> None:
        """Another pane has focus: its row's cites."""
        self.update_cites()

    def on_line_list_chosen(self, message: LineList.Chosen) -> None:
        """``enter``: drill into the row."""
        message.stop()
        row = message.row
        pane = message.lines.id
        if pane == "cases":
            self.pane("parties").focus()
        elif row.kind == "case":
            self.post_message(OpenCase(row.id))
        elif pane in ("parties", "sentences"):
            if row.party:
                self.post_message(OpenParty(row.party))
            else:
                self.notify("This fact names no party.", timeout=3)
        elif pane == "ladder":
            self.post_message(Narrow(None if self.level == row.level else row.level))
        elif pane == "sources":
            self.post_message(ReadSource())

    # -- actions

    def action_pane(self, number: int) -> None:
        """Focus pane ``number`` (1–5)."""
        self.pane(PANES[number - 1]).focus()

    def _step(self, delta: int) -> None:
        current = self.focused_pane().id or "cases"
        i = PANES.index(current) if current in PANES else 0
        self.pane(PANES[(i + delta) % len(PANES)]).focus()

    def action_conflict(self, step: int) -> None:
        """Move to the next (``step`` 1) or previous (-1) fact that sources disagree
        on, across the parties, court levels and sentences panes, wrapping round."""
        marks = [
            (p, i)
            for p in FACT_PANES
            for i, row in enumerate(self.pane(p).rows())
            if row.conflict and row.selectable
        ]
        if not marks:
            self.notify("No fact in this case is disputed between sources.", timeout=3)
            return
        pane = self.focused_pane().id or "cases"
        here = (FACT_PANES.index(pane), self.pane(pane).cursor) if pane in FACT_PANES else None
        order = [(FACT_PANES.index(p), i) for p, i in marks]
        if here is None:
            target = 0 if step > 0 else len(order) - 1
        elif step > 0:
            target = next((k for k, at in enumerate(order) if at > here), 0)
        else:
            before = [k for k, at in enumerate(order) if at < here]
            target = before[-1] if before else len(order) - 1
        name, index = marks[target]
        lines = self.pane(name)
        lines.focus()
        lines.move_to(index)

    def action_next_pane(self) -> None:
        """Focus the next pane."""
        self._step(1)

    def action_prev_pane(self) -> None:
        """Focus the previous pane."""
        self._step(-1)

    # -- after a change to the store (E, u, ctrl+r, x, i)

    def redraw_from_store(self) -> None:
        """Read the cases list and the shown case again from the store (an edit,
        undo, delete or import changed it), keeping the focused pane, the court
        level and the cursors where they were.  A case that is gone gives its
        place in the list to the one that took its row."""
        focus = self.focused_pane().id or "cases"
        cursor = self.focused_pane().cursor
        cases = self.pane("cases")
        at = cases.cursor
        self.case_ids = list(self.store.table(model.CASES))
        self._index = None
        cases.border_title = f"1 Cases ({len(self.case_ids):,})"
        cases.set_source(CaseRows(self.store, self.case_ids), at, announce=False)
        if not self.case_ids:
            self.case_id = None
            return
        case_id = self.case_id
        if case_id is None or self.index_of(case_id) is None:
            case_id = self.case_ids[min(at, len(self.case_ids) - 1)]
        self.select_case(case_id, self.level, focus, cursor)
