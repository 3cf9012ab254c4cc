"""The party view: a person (or organisation), whole.

Name, aliases and affiliations on top; then three lists: every case the party
appears in (role, latest outcome), every sentence they received in every case,
level by level with its arithmetic, and their events across cases in date
order (arrests, bail, releases, pardons, hearings, rulings).  ``enter`` on any
row opens that case in the main screen (``esc`` comes back here); ``t`` draws
the person's timeline.

Every pane takes focus as on the main screen (``tab``/``shift+tab``, and the
pane keys by meaning: ``0`` the party, ``1`` cases, ``2`` events, ``4``
sentences, ``6`` cites).  The Cites pane has the main screen's cursor over the
cites (``enter``/``o`` reads a cite at its quote, ``y`` copies it).  ``z`` zooms
the focused pane and back (``widgets.paneset``).  When the main screen would
not lay every pane out (``main.layout_for``: under 100 columns or 36 rows), the
lists fold to their title line but the one in use, with the cites beside it.

The cases list is drawn row by row as it scrolls (``facts.PartyCases``).
Sentences and events come from the case views of all the party's cases
(``casefiles.person``); for a party in many cases they are collected a few
milliseconds at a time between key presses (a worker thread would hold
Python's lock against the UI), while the cases list is already usable, and
the lists' titles say how far collecting has got.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, ClassVar, Final

from textual import events
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.events import DescendantFocus
from textual.screen import Screen
from textual.widget import Widget

from casefiles.caseview import EventView, RulingView
from casefiles.model import human_date
from casefiles.store import Store
from casefiles.tui import facts
from casefiles.tui.bindings import bind
from casefiles.tui.config import Config
from casefiles.tui.facts import DATE_WIDTH, LEVEL_WIDTH, WARN, Row, heading
from casefiles.tui.keys import KEYS
from casefiles.tui.messages import OpenCase, RowMoved
from casefiles.tui.screens.main import ASIDE_FROM, layout_for
from casefiles.tui.selection import Selection
from casefiles.tui.text import Line, pad
from casefiles.tui.widgets import CitesPane, InfoPane, KeyBar, LineList
from casefiles.tui.widgets.paneset import step_focus, titled, toggle_zoom, zoom_follows

# The person and timeline code is imported when a party is first shown: the
# first frame of the browser (the main screen) needs neither.
if TYPE_CHECKING:
    from casefiles.person import Person, PersonBuilder, PersonEvent, PersonSentence
    from casefiles.timeline import PersonTimeline, Timeline

#: Up to this many cases a party's sentences and events are collected at once
#: (a few hundred cases take well under 0.1 s); beyond, a few milliseconds at a
#: time between key presses and frames.
SYNC_CASES: Final = 200
STEP: Final = 0.006
"""Seconds of collecting (or drawing the timeline) at a stretch."""
PAUSE: Final = 0.002
"""Seconds left to the UI between stretches."""
KIND_WIDTH: Final = 9
LISTS: Final = ("party-cases", "party-sentences", "party-events")
#: Every pane in ``tab`` order (the screen's reading order).
FOCUS_ORDER: Final = ("party-header", *LISTS, "party-cites")
#: The pane each pane key focuses: the main screen's key for the same kind of pane.
NUMBERED: Final = {
    0: "party-header",
    1: "party-cases",
    2: "party-events",
    4: "party-sentences",
    6: "party-cites",
}
TITLES: Final = {
    "party-header": "0 Party",
    "party-cases": "1 Cases",
    "party-sentences": "4 Sentences",
    "party-events": "2 Events",
    "party-cites": "6 Cites",
}
_ACTIONS: Final = {
    "casefiles.next_pane": "next_pane",
    "casefiles.prev_pane": "prev_pane",
    **{f"casefiles.pane_{n}": f"pane({n})" for n in NUMBERED},
    "casefiles.zoom": "zoom",
}


@dataclass(slots=True)
class SentenceRows:
    """The party's sentences as rows, a heading per case; built when drawn."""

    person: Person
    index: list[tuple[str, int]] = field(default_factory=list)
    _cache: dict[int, Row] = field(default_factory=dict)

    def __post_init__(self) -> None:
        last_case: str | None = None
        for i, s in enumerate(self.person.sentences):
            if s.case_id != last_case:
                self.index.append(("case", i))
                last_case = s.case_id
            self.index.append(("sentence", i))

    def __len__(self) -> int:
        return len(self.index)

    def row(self, index: int) -> Row:
        """A case heading or one sentence."""
        hit = self._cache.get(index)
        if hit is None:
            kind, i = self.index[index]
            s = self.person.sentences[i]
            hit = heading(s.case_title) if kind == "case" else sentence_row(s)
            if len(self._cache) > 4096:
                self._cache.clear()
            self._cache[index] = hit
        return hit


def sentence_row(ps: PersonSentence) -> Row:
    """``⚠ supreme  imprisonment 2 years 6 months (…; remaining none (pardoned …)) · upheld``;
    the cites pane shows the case, every part of the arithmetic and the cites."""
    s = ps.sentence
    line: Line = [
        (WARN if s.conflict else "  ", "warn"),
        (pad(s.level_text, LEVEL_WIDTH) + " ", "accent"),
        (s.summary(), ""),
    ]
    if s.status:
        line += [(" · ", "dim"), (s.status, "dim")]
    if s.ruling_date:
        line += [(" · ", "dim"), (human_date(s.ruling_date), "dim")]
    detail: list[Line] = [
        [("case ", "dim"), (ps.case_title, "strong")],
        [(s.level_text, "accent"), (" · ", "dim"), (s.court_name or "court unknown", "")],
        *facts.sentence_detail(s),
    ]
    return Row(
        line,
        "sentence",
        s.id,
        ps.case_id,
        party=s.party_id,
        level=s.level,
        cites=s.cites,
        conflict=s.conflict,
        detail=tuple(detail),
    )


@dataclass(slots=True)
class EventRows:
    """The party's events across cases, by date; built when drawn."""

    person: Person
    _cache: dict[int, Row] = field(default_factory=dict)

    def __len__(self) -> int:
        return len(self.person.events)

    def row(self, index: int) -> Row:
        """One event, hearing or ruling."""
        hit = self._cache.get(index)
        if hit is None:
            hit = event_row(self.person.events[index])
            if len(self._cache) > 4096:
                self._cache.clear()
            self._cache[index] = hit
        return hit


def event_row(pe: PersonEvent) -> Row:
    """``15 Aug 2016  arrest    Arrested · Tep Vanny: 2013 protest case``."""
    fact = pe.fact
    line: Line = [
        (WARN if fact.conflict else "  ", "warn"),
        (pad(human_date(fact.date), DATE_WIDTH) + " ", "dim"),
        (pad(pe.what, KIND_WIDTH) + " ", "accent"),
        (pe.text, ""),
    ]
    if pe.case_wide:
        line.append((" · all accused", "dim"))
    line += [(" · ", "dim"), (pe.case_title, "dim")]
    detail: list[Line] = [[("case ", "dim"), (pe.case_title, "strong")], line[1:]]
    if isinstance(fact, EventView) and fact.court_name:
        detail.append([("court ", "dim"), (fact.court_name, "")])
    if isinstance(fact, RulingView):
        detail.extend(facts.ruling_detail(fact))
    return Row(
        line,
        fact.kind,
        fact.key,
        pe.case_id,
        cites=fact.cites,
        conflict=fact.conflict,
        detail=tuple(detail),
    )


class PartyScreen(Screen[None]):
    """One party: its cases, sentences and events; ``q`` closes it."""

    #: The key bar stays under a zoomed pane.
    ALLOW_IN_MAXIMIZED_VIEW: ClassVar[str | None] = "KeyBar"

    BINDINGS: ClassVar[list[BindingType]] = [
        bind("casefiles.close", "close"),
        *(
            Binding(spec.keys, _ACTIONS[spec.id], spec.label, show=spec.show, id=spec.id)
            for spec in KEYS
            if spec.id in _ACTIONS
        ),
    ]

    # "-folded" (a short or narrow terminal): the lists and the Cites pane not
    # in use are their title line ("-fold"); the one in use takes the height
    # ("-open"), the cites beside it ("-aside").  A zoomed pane fills the screen.
    CSS: ClassVar[str] = """
    PartyScreen #party-body { height: 1fr; }
    PartyScreen #party-header { height: auto; min-height: 4; max-height: 25%; }
    PartyScreen #party-body > #party-cases { height: auto; max-height: 25%; min-height: 3; }
    PartyScreen #party-body > #party-cases:focus { max-height: 50%; }
    PartyScreen #party-body > LineList { height: 1fr; min-height: 3; }
    PartyScreen #party-body > LineList:focus { height: 2fr; }
    PartyScreen #party-cites { height: 5; }
    PartyScreen #party-body > #party-cites:focus { height: 2fr; min-height: 5; }
    PartyScreen.-folded #party-body > .pane.-fold {
        height: 1 !important;
        min-height: 1 !important;
        max-height: 1 !important;
        border: none;
        border-top: round $foreground 30%;
    }
    PartyScreen.-folded #party-body > .pane.-open {
        height: 1fr !important;
        min-height: 3 !important;
        max-height: 100% !important;
    }
    PartyScreen.-folded #party-body > .pane.-aside {
        height: 7 !important;
        min-height: 3 !important;
        max-height: 7 !important;
    }
    PartyScreen #party-body > .pane.-maximized,
    PartyScreen.-folded #party-body > .pane.-maximized {
        width: 1fr !important;
        height: 1fr !important;
        min-height: 3 !important;
        max-height: 100% !important;
        border: heavy $accent !important;
    }
    """

    def __init__(self, store: Store, party_id: str, config: Config) -> None:
        super().__init__()
        self.store = store
        self.party_id = party_id
        self.config = config
        self.person: Person | None = None
        self._timeline: Timeline | None = None
        self._builder: PersonBuilder | None = None
        self._drawer: PersonTimeline | None = None
        self._focus_id = "party-cases"
        """The list used last (its row's cites show; ``y``/``o`` act on it)."""
        self._pane = "party-cases"
        """The pane focused last (it has the keyboard again when the view comes back)."""
        self._titles: dict[str, str] = dict(TITLES)

    def compose(self) -> ComposeResult:
        with Vertical(id="party-body"):
            yield InfoPane(id="party-header", classes="pane info", focusable=True)
            yield LineList(empty="in no case", id="party-cases", classes="pane")
            yield LineList(empty="no sentence recorded", id="party-sentences", classes="pane")
            yield LineList(empty="no event recorded", id="party-events", classes="pane")
            yield CitesPane(self.store, id="party-cites", classes="pane info", focusable=True)
        yield KeyBar(self.config)

    def on_mount(self) -> None:
        """Fill the panes."""
        for name in ("party-header", "party-cites"):
            self.set_title(name, TITLES[name])
        self.show_party(self.party_id)
        self.arrange_layout(self.app.size.width, self.app.size.height)

    def on_screen_resume(self) -> None:
        """Each time the screen is shown, the pane used last has the keyboard."""
        self.query_one(f"#{self._pane}").focus()
        self.arrange_layout(self.app.size.width, self.app.size.height)

    # -- panes: focus, titles, folding, zoom

    def set_title(self, name: str, title: str) -> None:
        """Give pane ``name`` a title (the zoomed pane's says so after it)."""
        self._titles[name] = title
        pane = self.query_one(f"#{name}")
        pane.border_title = titled(title, pane, self)

    def on_resize(self, event: events.Resize) -> None:
        """Fold the panes or not for the new size."""
        self.arrange_layout(event.size.width, event.size.height)

    def arrange_layout(self, width: int, height: int) -> None:
        """Fold the panes not in use when the main screen would not lay out every
        pane at this size (``layout_for``)."""
        self.set_class(layout_for(width, height) != "wide", "-folded")
        self._unfold()

    def _unfold(self) -> None:
        """Mark the panes in use: the focused one and the list used last open,
        the Cites pane beside a focused list (when there are rows for it)."""
        focused = self.focused
        name = focused.id if focused is not None and focused.id in FOCUS_ORDER else self._pane
        aside = name in LISTS and self.app.size.height >= ASIDE_FROM
        for pane_id in FOCUS_ORDER:
            pane = self.query_one(f"#{pane_id}")
            is_open = pane_id in (name, self._focus_id)
            pane.set_class(is_open, "-open")
            pane.set_class(pane_id == "party-cites" and aside and not is_open, "-aside")
            pane.set_class(
                pane_id != "party-header" and not is_open and not pane.has_class("-aside"),
                "-fold",
            )

    def action_zoom(self) -> None:
        """``z``: zoom the focused pane to the whole screen, or back."""
        toggle_zoom(self, FOCUS_ORDER, self.query_one(f"#{self._pane}"))

    def watch_maximized(self, old: Widget | None, new: Widget | None) -> None:
        """The zoomed pane says so in its title."""
        for widget in (old, new):
            if widget is not None and widget.id in self._titles:
                self.set_title(widget.id, self._titles[widget.id])

    def action_pane(self, number: int) -> None:
        """Focus pane ``number`` (``NUMBERED``)."""
        self.query_one(f"#{NUMBERED[number]}").focus()

    def action_next_pane(self) -> None:
        """Focus the next pane."""
        step_focus(self, FOCUS_ORDER, 1, self._pane)

    def action_prev_pane(self) -> None:
        """Focus the previous pane."""
        step_focus(self, FOCUS_ORDER, -1, self._pane)

    def action_close(self) -> None:
        """``q``: close the party view (back to the screen below it)."""
        self.dismiss(None)

    @property
    def cases(self) -> LineList:
        """The list of the party's cases."""
        return self.query_one("#party-cases", LineList)

    @property
    def sentences(self) -> LineList:
        """The list of the party's sentences, case by case."""
        return self.query_one("#party-sentences", LineList)

    @property
    def events(self) -> LineList:
        """The list of the party's events across cases, by date."""
        return self.query_one("#party-events", LineList)

    def show_party(self, party_id: str, cursor: int = 0) -> None:
        """Show another party (or the same one with the cursor elsewhere)."""
        changed = party_id != self.party_id or self.person is None
        self.party_id = party_id
        self.query_one("#party-header", InfoPane).show(facts.party_header(self.store, party_id))
        source = facts.PartyCases.of(self.store, party_id)
        self.set_title("party-cases", f"1 Cases ({len(source):,}) — enter opens")
        self.cases.set_source(source, cursor, announce=False)
        self._cites(self.cases.current)
        if not changed:
            return
        self._focus_id = self._pane = "party-cases"
        self.person = None
        self._timeline = None
        self._builder = None
        self._drawer = None
        for lines in (self.sentences, self.events):
            lines.set_rows([], announce=False)
        from casefiles.person import PersonBuilder, person_of

        if len(source) <= SYNC_CASES:
            self._show_person(person_of(self.store, party_id))
        else:
            self._progress(party_id, 0, len(source))
            builder = PersonBuilder(self.store, party_id)
            self._builder = builder
            self.set_timer(PAUSE, lambda: self._build_step(builder))

    def _build_step(self, builder: PersonBuilder) -> None:
        """Add cases for a few milliseconds, then let keys and drawing through;
        once every case is in, show the lists and draw the timeline the same way."""
        if builder is not self._builder:
            return  # another party since
        if not builder.step(STEP):
            self._progress(builder.party_id, builder.done, builder.total)
            self.set_timer(PAUSE, lambda: self._build_step(builder))
            return
        person = builder.result()
        self._show_person(person)
        from casefiles.timeline import PersonTimeline

        drawer = PersonTimeline(person)
        self._drawer = drawer
        self.set_timer(PAUSE, lambda: self._draw_step(drawer))

    def _draw_step(self, drawer: PersonTimeline) -> None:
        if drawer is not self._drawer:
            return
        if drawer.step(STEP):
            self._timeline = drawer.result()
            self._drawer = None
        else:
            self.set_timer(PAUSE, lambda: self._draw_step(drawer))

    def _progress(self, party_id: str, done: int, total: int) -> None:
        if party_id != self.party_id or self.person is not None:
            return
        note = f"collecting… {done:,} of {total:,} cases"
        self.set_title("party-sentences", f"4 Sentences ({note})")
        self.set_title("party-events", f"2 Events ({note})")

    def _show_person(self, person: Person) -> None:
        if person.party_id != self.party_id:
            return
        self.person = person
        sentences = SentenceRows(person)
        self.set_title(
            "party-sentences", f"4 Sentences ({len(person.sentences):,}) — by case, level by level"
        )
        self.sentences.set_source(sentences, 0, announce=False)
        self.set_title("party-events", f"2 Events ({len(person.events):,}) — by date, all cases")
        self.events.set_source(EventRows(person), 0, announce=False)
        self.call_after_refresh(self._show_headings)

    def _show_headings(self) -> None:
        """A list whose cursor is on its first row shows the heading above it
        (the list may have been too short for it when filled)."""
        for lines in (self.sentences, self.events):
            if lines.cursor == lines.selectable_from(0, 1):
                lines.scroll_to(y=0, animate=False, immediate=True)

    def timeline(self) -> tuple[Timeline | None, str]:
        """The person's timeline, or why there is none yet."""
        if self.person is None:
            return None, "Still collecting the party's cases; try again in a moment."
        if self._timeline is None:
            if len(self.person.cases) > SYNC_CASES:
                return None, "Still drawing the party's timeline; try again in a moment."
            from casefiles.timeline import timeline_of_person

            self._timeline = timeline_of_person(self.person)
        return self._timeline, ""

    def _cites(self, row: Row | None) -> None:
        self.query_one("#party-cites", CitesPane).show_cites(row)

    def _focused_list(self) -> LineList:
        focused = self.focused
        if isinstance(focused, LineList) and focused.id in LISTS:
            return focused
        return self.query_one(f"#{self._focus_id}", LineList)

    def selection(self) -> Selection | None:
        """The case under the cursor in the cases list (with the party), or the
        sentence or event under the cursor in the other lists."""
        lines = self._focused_list()
        row = lines.current
        if lines.id == "party-cases" or row is None:
            return Selection("party", self.party_id, row.case_id if row else None)
        return row.selection()

    def current_row(self) -> Row | None:
        """The row under the cursor of the focused list."""
        return self._focused_list().current

    def on_descendant_focus(self, event: DescendantFocus) -> None:
        """Remember the pane in use; a list shows its row's cites; a zoom and
        the folded layout follow the focus."""
        focused = self.focused
        if isinstance(focused, LineList) and focused.id in LISTS:
            self._focus_id = focused.id
            self._cites(focused.current)
            self.call_after_refresh(self._show_headings)
        if focused is not None and focused.id in FOCUS_ORDER:
            self._pane = focused.id
            zoom_follows(self, focused)
        self._unfold()

    def on_line_list_highlighted(self, message: LineList.Highlighted) -> None:
        """Show the highlighted row's cites."""
        message.stop()
        self._cites(message.row)
        self.post_message(RowMoved())  # o/O may have a source here, or lose it

    def on_line_list_chosen(self, message: LineList.Chosen) -> None:
        """Open the chosen row's case."""
        message.stop()
        case_id = message.row.case_id or message.row.id
        self.post_message(OpenCase(case_id))


__all__ = [
    "FOCUS_ORDER",
    "NUMBERED",
    "EventRows",
    "PartyScreen",
    "SentenceRows",
    "event_row",
    "sentence_row",
]
