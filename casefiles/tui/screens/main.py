"""The main screen: the cases list and the linked panes of the selected case.

```
┌ 1 Cases ──────┬ 0 Case ────────────────────────────────┐
│▶ ADHOC staff  │ title · status · country · tags · summary│
│  Kem Sokha    ├ 2 Parties ────────┬ 3 Court levels ─────┤
│               ├ 4 Sentences ──────┴─────────────────────┤
│               ├ 5 Sources ──────────────────────────────┤
│               ├ 6 Cites ────────────────────────────────┤
└───────────────┴─────────────────────────────────────────┘
```

Moving the cursor in the cases list redraws every other pane for that case;
moving it in a fact pane shows that fact's cites (and marks the sources it
cites).  Per move the work is the size of the selected case; the cases list
draws only its visible lines.

Every pane takes focus (``tab``, the pane keys ``0``–``6``).  The layout follows
the terminal's size (``layout_for``): side by side as above when there is room;
on a short terminal the right-hand panes fold to their title line and the one
in use (the focused one, else the last used) takes the height; on a narrow one
every pane is stacked that way in one column.  ``z`` zooms the focused pane to
the whole screen (Textual's maximize) and back; while zoomed, moving to another
pane zooms that one.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar, Final

from textual import events, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.markup import escape as escape_markup
from textual.screen import Screen
from textual.widget import Widget

from casefiles import model
from casefiles.model import humanise
from casefiles.store import Store
from casefiles.textsafe import literal
from casefiles.tui import facts
from casefiles.tui.config import Config
from casefiles.tui.facts import Row
from casefiles.tui.keys import KEYS
from casefiles.tui.messages import Narrow, OpenCase, OpenParty, ReadSource, RowMoved
from casefiles.tui.selection import Selection
from casefiles.tui.text import Line
from casefiles.tui.widgets import CitesPane, InfoPane, KeyBar, LineList
from casefiles.tui.widgets.paneset import ZOOMED as ZOOMED  # said after a zoomed pane's title
from casefiles.tui.widgets.paneset import step_focus, titled, toggle_zoom, zoom_follows

if TYPE_CHECKING:
    from textual.timer import Timer

    from casefiles.search.listfilter import ListFilter, Narrowed, Sort
    from casefiles.tui.widgets.filterline import FilterLine

#: The list panes (a row cursor each; their row's cites show in the Cites pane).
PANES: Final = ("cases", "parties", "ladder", "sentences", "sources")
#: Every pane in ``tab`` order (the screen's reading order).
FOCUS_ORDER: Final = ("cases", "case-header", "parties", "ladder", "sentences", "sources", "cites")
#: The pane each pane key focuses (``0`` the case, like lazygit's main view).
NUMBERED: Final = {
    0: "case-header",
    1: "cases",
    2: "parties",
    3: "ladder",
    4: "sentences",
    5: "sources",
    6: "cites",
}
TITLES: Final = {
    "cases": "1 Cases",
    "case-header": "0 Case",
    "parties": "2 Parties · charges · events",
    "ladder": "3 Court levels",
    "sentences": "4 Sentences",
    "sources": "5 Sources",
    "cites": "6 Cites",
}

#: The panes of the right-hand column, and those beside which the Cites pane
#: stays open in the folded layouts (their row's cites).
RIGHT: Final = ("case-header", "parties", "ladder", "sentences", "sources", "cites")
_WITH_CITES: Final = ("parties", "ladder", "sentences", "sources")

#: Below this many columns the panes stack in one column.
STACK_BELOW: Final = 100
#: Below this many rows (and wide enough) the right-hand panes fold.
FOLD_BELOW: Final = 36
#: Below this many rows a folded layout has no room to keep the cites open beside a fact.
ASIDE_FROM: Final = 20

_ACTIONS: Final = {
    "casefiles.next_pane": "next_pane",
    "casefiles.prev_pane": "prev_pane",
    **{f"casefiles.pane_{n}": f"pane({n})" for n in NUMBERED},
    "casefiles.next_conflict": "conflict(1)",
    "casefiles.prev_conflict": "conflict(-1)",
    "casefiles.zoom": "zoom",
    "casefiles.filter": "filter",
    "casefiles.sort": "sort",
    "casefiles.sort_reverse": "sort_reverse",
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


def layout_for(width: int, height: int) -> str:
    """The arrangement for a terminal of ``width`` × ``height`` cells: ``stack``
    (one column, panes folded to their titles but the one in use), ``fold``
    (cases on the left, the right-hand panes folded) or ``wide`` (every pane open)."""
    if width < STACK_BELOW:
        return "stack"
    if height < FOLD_BELOW:
        return "fold"
    return "wide"


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

    #: The key bar stays under a zoomed pane (and the filter line over it).
    ALLOW_IN_MAXIMIZED_VIEW: ClassVar[str | None] = "KeyBar, FilterLine"

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
        self._list = "cases"
        """The list pane used last: its row's cites show, ``y``/``o`` act on it."""
        self._open_right = "case-header"
        """The right-hand pane used last (open when the panes fold)."""
        self._titles: dict[str, str] = dict(TITLES)
        self.arrangement = "wide"
        """The arrangement in use (``layout_for``)."""
        self._shown = False
        """Whether the screen has been shown (``on_screen_resume``)."""
        self._focus_shown: Widget | None = None
        """The pane ``on_mount`` focused and showed, until the first frame."""

    # -- layout

    def compose(self) -> ComposeResult:
        with Horizontal(id="body"):
            # "-open": what ``_unfold`` gives them at mount (the focused list and
            # the right-hand pane used last); given here, no pane is styled again.
            yield LineList(
                CaseRows(self.store, self.case_ids),
                empty="No cases in this store",
                id="cases",
                classes="pane -open",
            )
            with Vertical(id="right"):
                yield InfoPane(id="case-header", classes="pane info -open", focusable=True)
                with Horizontal(id="middle"):
                    yield LineList(empty="no parties recorded", id="parties", classes="pane")
                    yield LineList(empty="no proceedings recorded", id="ladder", classes="pane")
                yield LineList(empty="no sentences recorded", id="sentences", classes="pane")
                yield LineList(empty="no sources cited", id="sources", classes="pane")
                yield CitesPane(self.store, id="cites", classes="pane info", focusable=True)
        yield KeyBar(self.config)
        # The filter line (over the cases pane when open, f) is mounted when
        # first needed (``filter_line``): the first frame does without it.

    def pane(self, name: str) -> LineList:
        """One of the five list panes by id."""
        return self.query_one(f"#{name}", LineList)

    def any_pane(self, name: str) -> LineList | InfoPane:
        """Any of the seven panes by id (``FOCUS_ORDER``)."""
        pane = self.query_one(f"#{name}")
        assert isinstance(pane, LineList | InfoPane), name
        return pane

    def set_title(self, name: str, title: str) -> None:
        """Give pane ``name`` a title (the zoomed pane's says so after it)."""
        self._titles[name] = title
        pane = self.any_pane(name)
        pane.border_title = titled(title, pane, self)

    def on_mount(self) -> None:
        """Titles, the first case, focus on the cases list, the layout for the size."""
        for name in FOCUS_ORDER:
            self.set_title(name, TITLES[name])
        self.set_title("cases", f"1 Cases ({len(self.case_ids):,})")
        self.pane("cases").focus()
        if self.case_ids:
            self.show_case(self.case_ids[0])
        else:
            self.add_class("empty-store")
            header = self.query_one("#case-header", InfoPane)
            self.set_title("case-header", "Empty store")
            header.show(empty_help(self.store))
        self.arrange_layout(self.app.size.width, self.app.size.height)
        self._unfold()
        # The cases list took focus as the screen composed; the message saying so
        # arrives after this and would fill the same panes again.
        self._focus_shown = self.focused
        self.call_after_refresh(self._forget_focus_shown)

    def _forget_focus_shown(self) -> None:
        self._focus_shown = None

    def on_screen_resume(self, event: events.ScreenResume) -> None:
        """The first showing (right after mounting) keeps the styles the widgets
        got as they mounted: Textual would otherwise style every node (and each
        of its component classes) again to the same result, about 10 ms before
        the first frame.  Runs before ``Screen``'s own handler, which reads
        ``refresh_styles``; later showings restyle as usual."""
        if not self._shown:
            self._shown = True
            event.refresh_styles = False

    # -- layout and zoom

    def on_resize(self, event: events.Resize) -> None:
        """Choose the arrangement for the new size."""
        self.arrange_layout(event.size.width, event.size.height)
        self._unfold()

    def _follow_filter(self) -> None:
        """Once laid out again, put an open filter line back over the cases pane
        (which a fold, a zoom or a resize moved)."""

        def place() -> None:
            line = self._filter_line
            if line is not None and line.is_open:
                line.place(self.pane("cases").region)

        self.call_after_refresh(place)

    def arrange_layout(self, width: int, height: int) -> None:
        """Use the arrangement ``layout_for`` the size (a CSS class on the screen)."""
        layout = layout_for(width, height)
        if layout != self.arrangement:
            self.arrangement = layout
            self.set_class(layout == "stack", "layout-stack")
            self.set_class(layout == "fold", "layout-fold")

    def _unfold(self) -> None:
        """Mark the panes open in the folded layouts: the focused one and the
        right-hand pane used last (with the Cites pane beside a fact pane)."""
        focused = self.focused
        name = focused.id if focused is not None and focused.id in FOCUS_ORDER else "cases"
        if name in RIGHT:
            self._open_right = name
        right = self._open_right
        for pane in FOCUS_ORDER:
            self.any_pane(pane).set_class(pane in (name, right), "-open")
        beside = (
            right in _WITH_CITES
            and not (self.arrangement == "stack" and name == "cases")
            and self.app.size.height >= ASIDE_FROM
        )
        self.any_pane("cites").set_class(beside, "-aside")
        self.query_one("#middle").set_class(right in ("parties", "ladder"), "-open")
        self._follow_filter()

    def action_zoom(self) -> None:
        """Zoom the focused pane to the whole screen, or back."""
        toggle_zoom(self, FOCUS_ORDER, self.pane("cases"))

    def watch_maximized(self, old: Widget | None, new: Widget | None) -> None:
        """The zoomed pane says so in its title."""
        for widget in (old, new):
            if widget is not None and widget.id in self._titles:
                self.set_title(widget.id, self._titles[widget.id])
        self._follow_filter()

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
            self.set_title("sentences", f"4 Sentences · {humanise(self.level)} only")
            pane.empty = f"no sentences at {humanise(self.level)} level"
        else:
            self.set_title("sentences", TITLES["sentences"])
            pane.empty = "no sentences recorded"

    def narrow(self, level: str | None) -> None:
        """Show only the sentences of one court level (``None``: all levels)."""
        self.level = level
        if self.case_id is not None:
            self._show_sentences()
            self.update_cites()

    # -- the selected row and its cites

    def focused_pane(self) -> LineList:
        """The list pane that has focus, else the one used last (the Case and
        Cites panes show that one's case and row)."""
        focused = self.focused
        if isinstance(focused, LineList) and focused.id in PANES:
            return focused
        return self.pane(self._list)

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
        self.post_message(RowMoved())  # o/O may have a source here, or lose it

    def on_descendant_focus(self) -> None:
        """Another pane has focus: a list shows its row's cites; the folded
        layouts open the pane; a zoom moves to it."""
        focused = self.focused
        if focused is not None and focused is self._focus_shown:
            self._focus_shown = None  # shown by ``on_mount`` a moment ago
            return
        if isinstance(focused, LineList) and focused.id in PANES:
            self._list = focused.id
            self.update_cites()
        if focused is None:
            return
        # another widget (the filter line over the cases list) stands for the cases pane
        zoom_follows(self, focused if focused.id in FOCUS_ORDER else self.pane("cases"))
        self._unfold()

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
        """Focus pane ``number`` (0–6, ``NUMBERED``)."""
        self.any_pane(NUMBERED[number]).focus()

    def _step(self, delta: int) -> None:
        step_focus(self, FOCUS_ORDER, delta, "cases")

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
        ids = list(self.store.table(model.CASES))
        if ids != self.case_ids:  # the same cases: the position index stays (100k: 20-80 ms)
            self.case_ids = ids
            self._index = None
        self.set_title("cases", f"1 Cases ({len(self.case_ids):,})")
        cases.set_source(CaseRows(self.store, self.case_ids), at, announce=False)
        if not self.case_ids:
            self.case_id = None
            return
        if self.has_class("empty-store"):  # the first case was just added: the panes show
            self.remove_class("empty-store")
            self.set_title("case-header", TITLES["case-header"])
        case_id = self.case_id
        if case_id is None or self.index_of(case_id) is None:
            case_id = self.case_ids[min(at, len(self.case_ids) - 1)]
        self.select_case(case_id, self.level, focus, cursor)
        self.reapply_filter()

    # -- filtering and sorting the cases list (f, s, S; casefiles.search.listfilter)

    #: Up to this many cases a filter is applied on the UI thread (well under a
    #: millisecond); above, in a worker thread, the latest text winning.
    FILTER_INLINE_CASES: ClassVar[int] = 2_000
    _filter_text = ""
    """The filter the cases list shows (``""``: none)."""
    _filter_sort: Sort | None = None
    _filter_gen = 0
    _filter_pending: str | None = None
    _list_filter: ListFilter | None = None
    _filter_index: object = None
    _filter_timer: Timer | None = None
    _filter_follow: Timer | None = None
    _filter_typing = False
    _sorts_warmed: object = None
    #: In a big store, the other panes follow a filtered list's first case after
    #: this pause in typing (filling them is the costly part of a keystroke).
    FILTER_FOLLOW_DELAY: ClassVar[float] = 0.15

    _filter_line: FilterLine | None = None
    """The filter line, once mounted (``filter_line``)."""

    def filter_line(self) -> FilterLine:
        """The filter line (hidden until ``f``), mounted on first use (last
        child of the screen, after the key bar)."""
        if self._filter_line is None:
            from casefiles.tui.widgets.filterline import FilterLine

            self._filter_line = FilterLine(id="filter-line")
            self.mount(self._filter_line)
        return self._filter_line

    @property
    def filter_text(self) -> str:
        """The filter the cases list shows (``""``: none)."""
        return self._filter_text

    @property
    def sort_label(self) -> str:
        """How the cases list is sorted (``store order``, ``title ↑`` …)."""
        return self._filter_sort.label() if self._filter_sort is not None else "store order"

    def action_filter(self) -> None:
        """Open the filter line over the cases pane (``f``; the palette's "filter")."""
        self.filter_line().open(self._filter_text, self.pane("cases").region)
        self._filter_typing = True
        if self._ready_filter() is None:
            self._filter_pending = self._filter_text

    def action_sort(self) -> None:
        """Sort the cases list by the next key of the cycle (``s``; the palette's "sort")."""
        from casefiles.search.listfilter import Sort

        self._filter_sort = (self._filter_sort or Sort()).next()
        self.narrow_cases(self._filter_text)

    def action_sort_reverse(self) -> None:
        """Sort the cases list the other way round (``S``)."""
        from casefiles.search.listfilter import Sort

        self._filter_sort = (self._filter_sort or Sort()).reversed()
        self.narrow_cases(self._filter_text)

    def reapply_filter(self) -> None:
        """Filter and sort the list again (the store changed under it)."""
        if self._filter_text or self._filter_sort is not None:
            self.narrow_cases(self._filter_text)

    def narrow_cases(self, text: str) -> None:
        """Show the cases ``text`` lets through, in the current sort; a malformed
        ``text`` leaves the list as it was and says why on the filter line."""
        from casefiles.search.listfilter import Sort

        self._filter_gen += 1
        lister = self._ready_filter()
        if lister is None:
            self._filter_pending = text
            return
        self._filter_pending = None
        gen, sort, case_id = self._filter_gen, self._filter_sort or Sort(), self.case_id
        if len(lister.store.table(model.CASES)) <= self.FILTER_INLINE_CASES:
            self._filter_apply(lister, gen, text, sort, case_id, inline=True)
        else:
            self._filter_in_thread(lister, gen, text, sort, case_id)

    def _ready_filter(self) -> ListFilter | None:
        """The list filter over the search index (``None`` while it is built)."""
        from casefiles.tui.widgets.filterline import IndexHost

        app = self.app
        if not isinstance(app, IndexHost):
            return None
        index = app.search_index
        if index is None:
            app.ensure_index()
            if self._filter_timer is None:
                self._filter_timer = self.set_interval(0.2, self._filter_poll)
            line = self.filter_line()
            if line.is_open:
                line.show_note("indexing the case file for filters…", quiet=True)
            return None
        if self._list_filter is None or self._filter_index is not index:
            from casefiles.search.listfilter import ListFilter

            self._list_filter = ListFilter.from_index(self.store, index)
            self._filter_index = index
        return self._list_filter

    def _filter_poll(self) -> None:
        """Waiting for the search index: apply the text typed meanwhile once it is there."""
        from casefiles.tui.widgets.filterline import IndexHost

        app = self.app
        if not isinstance(app, IndexHost) or app.search_index is None:
            error = getattr(app, "index_error", None)
            if error and self._filter_timer is not None:
                self._filter_timer.stop()
                self._filter_timer = None
                self.filter_line().show_note(f"filters are unavailable: {error}")
            return
        if self._filter_timer is not None:
            self._filter_timer.stop()
            self._filter_timer = None
        if self.filter_line().is_open:
            self.filter_line().show_note("")
        if self._filter_pending is not None or self._filter_sort is not None:
            self.narrow_cases(self._filter_pending or self._filter_text)

    @work(thread=True, exclusive=True, group="case-filter", exit_on_error=False)
    def _filter_in_thread(
        self, lister: ListFilter, gen: int, text: str, sort: Sort, case_id: str | None
    ) -> None:
        self._filter_apply(lister, gen, text, sort, case_id, inline=False)

    def _filter_apply(
        self,
        lister: ListFilter,
        gen: int,
        text: str,
        sort: Sort,
        case_id: str | None,
        *,
        inline: bool,
    ) -> None:
        """Run the filter (on either thread) and hand the outcome to the UI thread."""
        from casefiles.search.filters import Cancelled
        from casefiles.search.listfilter import FilterError

        def stale() -> bool:
            return gen != self._filter_gen

        try:
            narrowed = lister.apply(text, sort, stale)
        except Cancelled:
            return
        except FilterError as exc:
            if inline:
                self._filter_failed(gen, str(exc))
            else:
                self.app.call_from_thread(self._filter_failed, gen, str(exc))
            return
        at = narrowed.position(case_id)
        if inline:
            self._filter_done(gen, narrowed, at)
        else:
            self.app.call_from_thread(self._filter_done, gen, narrowed, at)

    def _filter_failed(self, gen: int, message: str) -> None:
        if gen == self._filter_gen:
            self.filter_line().show_note(message)

    def _filter_done(self, gen: int, narrowed: Narrowed, at: int | None) -> None:
        """Show a filter's outcome, unless a later text or sort took its place."""
        if gen != self._filter_gen:
            return
        self._filter_text = narrowed.text
        line = self.filter_line()
        if line.is_open:
            line.show_note("; ".join(narrowed.notes), quiet=True)
            line.place(self.pane("cases").region)
        cases = self.pane("cases")
        self.case_ids = narrowed.case_ids
        self._index = None
        cases.empty = "No case passes the filter" if narrowed.filtered else "No cases in this store"
        cases.set_source(CaseRows(self.store, self.case_ids), at or 0, announce=False)
        if at is None and self.case_ids and self.case_ids[0] != self.case_id:
            if narrowed.total <= self.FILTER_INLINE_CASES:
                self.show_case(self.case_ids[0])
            else:  # a big store: the panes follow once typing pauses, not at every key
                if self._filter_follow is not None:
                    self._filter_follow.stop()
                self._filter_follow = self.set_timer(self.FILTER_FOLLOW_DELAY, self._follow_list)
        self._filter_title(narrowed)
        if not line.is_open:
            self._warm_sorts()

    def _warm_sorts(self) -> None:
        """In a big store, compute every sort's order in the background once the
        filter line is closed (the first ``s`` at 100k cases takes seconds otherwise)."""
        lister = self._list_filter
        if lister is None or self._sorts_warmed is lister:
            return
        if len(lister.store.table(model.CASES)) <= self.FILTER_INLINE_CASES:
            return
        self._sorts_warmed = lister
        self._warm_in_thread(lister)

    @work(thread=True, group="case-sort-warm", exit_on_error=False)
    def _warm_in_thread(self, lister: ListFilter) -> None:
        lister.warm(lambda: self._filter_typing)
        if self._filter_typing:  # stopped for typing: again when the line closes
            self._sorts_warmed = None

    def _follow_list(self) -> None:
        """Show the case under the cases cursor (after a filter dropped the one shown)."""
        self._filter_follow = None
        row = self.pane("cases").current
        if row is not None and row.id != self.case_id:
            self.show_case(row.id)

    def _filter_title(self, narrowed: Narrowed) -> None:
        """``1 Cases · 12 of 168 · title ↑ · status:pending``: the count and the sort
        first, so that a narrow pane cuts the filter (shown on its line) rather than them."""
        if narrowed.filtered:
            title = f"1 Cases · {narrowed.count:,} of {narrowed.total:,}"
        else:
            title = f"1 Cases ({narrowed.total:,})"
        if narrowed.sort.active:
            title += f" · {narrowed.sort.label()}"
        shown = escape_markup(literal(narrowed.text))
        if narrowed.filtered:
            title += f" · {shown}"
        self.set_title("cases", title)
        # the whole filter on the bottom border too (a narrow title cuts it)
        self.pane("cases").border_subtitle = f"filter {shown}" if narrowed.filtered else ""

    def on_filter_line_edited(self, message: FilterLine.Edited) -> None:
        """The list narrows as the filter is typed."""
        message.stop()
        self.narrow_cases(message.text)

    def on_filter_line_kept(self, message: FilterLine.Kept) -> None:
        """``enter``: keep the filter (a malformed one keeps the line open)."""
        message.stop()
        line = self.filter_line()
        if line.note and message.text.strip() != self._filter_text:
            self.app.bell()
            return
        line.close()
        self._filter_typing = False
        self.pane("cases").focus()
        self._warm_sorts()

    def on_filter_line_cleared(self, message: FilterLine.Cleared) -> None:
        """``esc``: drop the filter (the sort stays)."""
        message.stop()
        self._filter_typing = False
        self.filter_line().close()
        self.pane("cases").focus()
        if self._filter_text or self._filter_pending:
            self.narrow_cases("")
