"""The help screen: every key binding with the key it has now (after the config
file's ``[keys]``), its id for remapping, a legend of every mark the panes
draw (``MARKS``; the timeline's own from ``casefiles.timeline.LEGEND``), and
where the config file lives."""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen

from casefiles.tui.config import Config
from casefiles.tui.keys import KEYS, keys_label
from casefiles.tui.keys import default_keys as _keys
from casefiles.tui.text import Line, pad
from casefiles.tui.widgets import InfoPane

SCOPES = {
    "list": "in a list",
    "main": "main screen",
    "app": "everywhere",
    "view": "views",
    "reader": "reader",
    "search": "search",
    "form": "a form",
    "history": "history",
}

#: Every mark the panes draw, and what it says (the help's legend).
MARKS: tuple[tuple[str, str], ...] = (
    ("▶", "the cursor: the row (or the cite in the Cites pane) keys act on"),
    ("⚠", "sources disagree on this fact; the Cites pane lists every version"),
    ("▸", "in the Cites pane, the version under the cursor among those that disagree"),
    ("•", "linked to the selected row: a source it cites, a sentence of that party or level"),
    ("—", "nothing recorded (no outcome, no publisher); also before a name or a note"),
    ("✓", "the cited quote is in the stored article"),
    ("≈", "only a near match of the quote is in the article"),
    ("✗", "the quote is not in the article text"),
    ("…", "the quote is being checked, or the text goes on (cut to fit)"),
    ("↑ ↓", "in the cases pane title: the list is sorted ascending or descending (s, S)"),
)


def _timeline_legend() -> tuple[tuple[str, str, str], ...]:
    from casefiles.timeline import LEGEND

    return LEGEND


def help_lines(config: Config) -> list[Line]:
    """The help text: one line per binding, then the config file."""
    lines: list[Line] = [[("Keys", "heading")]]
    for spec in KEYS:
        keys = config.key_for(spec.id)
        lines.append(
            [
                (pad(keys_label(keys), 20) + " ", "accent"),
                (pad(spec.description, 38) + " ", ""),
                (pad(SCOPES.get(spec.scope, spec.scope), 12) + " ", "dim"),
                (spec.id, "dim"),
            ]
        )
    lines += [
        [("", "")],
        [("Panes", "heading")],
        [("1 cases · 2 parties, charges, events · 3 court levels · 4 sentences · 5 sources", "")],
        [("0 the case · 6 cites (enter reads a cite at its quote) · z zooms a pane", "")],
        [("In a party view: 0 the party · 1 their cases · 2 events · 4 sentences · 6 cites", "")],
        [("enter on a party opens it; on a court level narrows the sentences to it", "")],
        [
            (
                "q closes a view (help, dossier, timeline, party view, reader); on the main "
                "screen it quits.",
                "",
            )
        ],
        [("The bar at the bottom lists the keys that work where you are.", "")],
        [("", "")],
        [("Marks", "heading")],
        *([(f" {mark} ", "warn"), (meaning, "")] for mark, meaning in MARKS),
        [(" in absentia ", "warn"), ("tried without being present", "")],
        [("Timeline", "dim")],
        *([(f" {mark} ", "accent"), (meaning, "")] for mark, meaning, _ in _timeline_legend()),
        [("", "")],
        [("Config file", "heading")],
        [(str(config.path) if config.path else "(none)", "accent")],
        [('[keys] maps a binding id to keys, e.g. "casefiles.down" = "j,down,ctrl+n"', "dim")],
    ]
    if config.problems:
        lines.append([("", "")])
        lines.append([("Problems in the config file", "warn")])
        lines.extend([(p, "")] for p in config.problems)
    return lines


class TextScreen(ModalScreen[None]):
    """Read-only lines over the current screen; ``esc``, ``q`` closes, ``j/k``,
    arrows and PgUp/PgDn scroll."""

    # Parsed when a text screen is first shown, not before the first frame; not
    # scoped, so that it serves the kinds of text screen (help, dossier) too.
    SCOPED_CSS: ClassVar[bool] = False
    CSS: ClassVar[str] = """
    TextScreen { align: center middle; }
    TextScreen #text-box { width: 94%; max-width: 120; height: 92%; }
    TextScreen #text-body { height: 1fr; border: heavy $accent; }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(_keys("casefiles.back"), "close", "close", id="casefiles.back"),
        Binding(_keys("casefiles.close"), "close", "close", show=False, id="casefiles.close"),
        Binding(_keys("casefiles.down"), "scroll(1)", show=False, id="casefiles.down"),
        Binding(_keys("casefiles.up"), "scroll(-1)", show=False, id="casefiles.up"),
        Binding(_keys("casefiles.page_down"), "page(1)", show=False, id="casefiles.page_down"),
        Binding(_keys("casefiles.page_up"), "page(-1)", show=False, id="casefiles.page_up"),
        Binding(_keys("casefiles.top"), "home", show=False, id="casefiles.top"),
        Binding(_keys("casefiles.bottom"), "end", show=False, id="casefiles.bottom"),
    ]

    def __init__(self, title: str, lines: Sequence[Line], *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.title_text = title
        self.lines = list(lines)

    def compose(self) -> ComposeResult:
        with Vertical(id="text-box"):
            yield InfoPane(id="text-body", classes="pane info")

    def on_mount(self) -> None:
        """Fill in the text."""
        pane = self.query_one(InfoPane)
        pane.border_title = f"{self.title_text} — esc closes"
        pane.show(self.lines)

    @property
    def plain(self) -> str:
        """The text shown (for tests)."""
        return self.query_one(InfoPane).plain

    def action_scroll(self, delta: int) -> None:
        """Scroll the text by lines."""
        self.query_one(InfoPane).scroll_relative(y=delta, animate=False)

    def action_page(self, direction: int) -> None:
        """Scroll the text by a screenful."""
        pane = self.query_one(InfoPane)
        pane.scroll_relative(y=direction * max(1, pane.size.height - 2), animate=False)

    def action_home(self) -> None:
        """To the top."""
        self.query_one(InfoPane).scroll_home(animate=False)

    def action_end(self) -> None:
        """To the end."""
        self.query_one(InfoPane).scroll_end(animate=False)

    def action_close(self) -> None:
        """Back to where the text was opened."""
        self.dismiss(None)


class HelpScreen(TextScreen):
    """Keys and config; ``?`` closes it too."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(_keys("casefiles.help"), "close", "close", show=False, id="casefiles.help"),
    ]

    def __init__(self, config: Config) -> None:
        super().__init__("Help", help_lines(config), id="help")
        self.config = config


def dossier_lines(text_lines: Sequence[str]) -> list[Line]:
    """The dossier's text lines (already made literal) as pane lines, headings marked."""
    out: list[Line] = []
    for i, line in enumerate(text_lines):
        is_heading = i == 0 or (line and not line.startswith(" "))
        out.append([(line, "heading" if is_heading else "")])
    return out
