"""The party view: name, all aliases, affiliations and every case the party
appears in, with role and latest outcome; ``enter`` on a case opens it in the
main screen (``esc`` comes back here)."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.screen import Screen

from casefiles.store import Store
from casefiles.tui import facts
from casefiles.tui.config import Config
from casefiles.tui.facts import Row
from casefiles.tui.messages import OpenCase
from casefiles.tui.selection import Selection
from casefiles.tui.widgets import InfoPane, KeyBar, LineList


class PartyScreen(Screen[None]):
    """One party and its cases."""

    def __init__(self, store: Store, party_id: str, config: Config) -> None:
        super().__init__()
        self.store = store
        self.party_id = party_id
        self.config = config

    def compose(self) -> ComposeResult:
        with Vertical(id="party-body"):
            yield InfoPane(id="party-header", classes="pane info")
            yield LineList(empty="in no case", id="party-cases", classes="pane")
            yield InfoPane(id="party-cites", classes="pane info")
        yield KeyBar(self.config)

    def on_mount(self) -> None:
        """Fill the panes."""
        self.query_one("#party-header", InfoPane).border_title = "Party"
        self.query_one("#party-cites", InfoPane).border_title = "Cites"
        self.show_party(self.party_id)

    def on_screen_resume(self) -> None:
        """Each time the screen is shown, the cases list has the keyboard."""
        self.cases.focus()

    @property
    def cases(self) -> LineList:
        """The list of the party's cases."""
        return self.query_one("#party-cases", LineList)

    def show_party(self, party_id: str, cursor: int = 0) -> None:
        """Show another party (or the same one with the cursor elsewhere)."""
        self.party_id = party_id
        self.query_one("#party-header", InfoPane).show(facts.party_header(self.store, party_id))
        source = facts.PartyCases.of(self.store, party_id)
        self.cases.border_title = f"Cases ({len(source):,}) — enter opens"
        self.cases.set_source(source, cursor, announce=False)
        self._cites(self.cases.current)

    def _cites(self, row: Row | None) -> None:
        self.query_one("#party-cites", InfoPane).show(facts.cite_lines(self.store, row))

    def selection(self) -> Selection | None:
        """The case under the cursor (or the party, when it is in no case)."""
        row = self.cases.current
        if row is not None:
            return Selection("party", self.party_id, row.case_id)
        return Selection("party", self.party_id, None)

    def current_row(self) -> Row | None:
        """The case row under the cursor."""
        return self.cases.current

    def on_line_list_highlighted(self, message: LineList.Highlighted) -> None:
        """Show the highlighted case's cites."""
        message.stop()
        self._cites(message.row)

    def on_line_list_chosen(self, message: LineList.Chosen) -> None:
        """Open the chosen case."""
        message.stop()
        self.post_message(OpenCase(message.row.id))
