"""The timeline screen (``t``): a case's or a person's events and rulings in
date order and a custody bar per defendant, drawn to scale on one time axis.

The layout is ``casefiles.timeline``'s (pure, tested without textual); this
screen only paints its lines with the line API and scrolls the body, keeping
the axis on top and the legend at the bottom.  Every mark has its own
character, so the drawing reads the same with ``NO_COLOR``.  ``esc``, ``q``
or ``t`` closes it.
"""

from __future__ import annotations

from typing import ClassVar

from rich.style import Style
from textual import events
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.screen import ModalScreen
from textual.strip import Strip
from textual.widget import Widget

from casefiles.timeline import Layout, Timeline, layout
from casefiles.tui.bindings import bind
from casefiles.tui.text import Line, to_text
from casefiles.tui.widgets.lineview import LineView
from casefiles.tui.widgets.tags import over_text

#: Every tag a timeline line uses, with its component class.
TAGS = (
    "dim",
    "strong",
    "accent",
    "warn",
    "heading",
    "custody",
    "remain",
    "remit",
    "end",
    "ruling",
    "event",
)

_CSS = """
    & > .timeline--dim { color: $text-muted; }
    & > .timeline--strong { text-style: bold; }
    & > .timeline--accent { color: $text-accent; }
    & > .timeline--warn { color: $text-warning; text-style: bold; }
    & > .timeline--heading { color: $text-secondary; text-style: bold underline; }
    & > .timeline--custody { color: $error; }
    & > .timeline--remain { color: $warning; }
    & > .timeline--remit { color: $text-muted; }
    & > .timeline--end { color: $success; text-style: bold; }
    & > .timeline--ruling { color: $accent; text-style: bold; }
    & > .timeline--event { color: $text-primary; }
"""


def _tag_styles(widget: Widget) -> dict[str, Style]:
    return {tag: over_text(widget.get_component_styles(f"timeline--{tag}")) for tag in TAGS}


class StripLines(Widget):
    """A few fixed lines (the axis, the legend) drawn with the line API."""

    COMPONENT_CLASSES: ClassVar[set[str]] = {f"timeline--{tag}" for tag in TAGS}
    DEFAULT_CSS = "StripLines {\n height: auto;\n" + _CSS + "}\n"

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.lines: list[Line] = []

    def show(self, lines: list[Line]) -> None:
        """Draw these lines (the widget is as tall as they are)."""
        self.lines = lines
        self.styles.height = max(1, len(lines))
        self.refresh()

    def render_line(self, y: int) -> Strip:
        """Line ``y``, cut to the width."""
        width = self.size.width
        base = self.rich_style
        if not 0 <= y < len(self.lines):
            return Strip.blank(width, base)
        text = to_text(self.lines[y], _tag_styles(self))
        text.truncate(width, overflow="ellipsis")
        return (
            Strip(list(text.render(self.app.console))).apply_style(base).crop_extend(0, width, base)
        )


class TimelineBody(LineView, can_focus=False):
    """The body of a laid-out timeline: one line per row, drawn when visible."""

    CURSOR: ClassVar[bool] = False
    COMPONENT_CLASSES: ClassVar[set[str]] = {f"timeline--{tag}" for tag in TAGS}
    DEFAULT_CSS = "TimelineBody {\n height: 1fr;\n" + _CSS + "}\n"

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.lay: Layout | None = None
        self._tag_cache: dict[str, Style] | None = None

    def show(self, lay: Layout) -> None:
        """Draw another layout (after a resize), keeping the scroll position."""
        self.lay = lay
        y = self.scroll_y
        self.reset(scroll_top=False)
        self.scroll_to(y=y, animate=False, immediate=True)

    def notify_style_update(self) -> None:
        """Theme changed: look the tag styles up again."""
        self._tag_cache = None
        super().notify_style_update()

    def row_count(self) -> int:
        """Lines of the body."""
        return len(self.lay) if self.lay is not None else 0

    def draw_row(self, index: int, width: int, is_cursor: bool) -> Strip:
        """Body line ``index`` in its tag styles."""
        assert self.lay is not None
        if self._tag_cache is None:
            self._tag_cache = _tag_styles(self)
        return self.strip_of(to_text(self.lay.line(index), self._tag_cache), width)

    def plain_lines(self) -> list[str]:
        """Every body line as plain text (for tests)."""
        if self.lay is None:
            return []
        return ["".join(p for p, _ in line) for line in self.lay.lines()]


class TimelineScreen(ModalScreen[None]):
    """A drawn timeline over the current screen; ``esc``, ``q`` or ``t`` closes it,
    ``j/k``, arrows, PgUp/PgDn, ``g``/``G`` scroll."""

    BINDINGS: ClassVar[list[BindingType]] = [
        bind("casefiles.back", "close", show=True),
        bind("casefiles.close", "close"),
        bind("casefiles.timeline", "close", show=False),
        bind("casefiles.down", "scroll(1)", show=False),
        bind("casefiles.up", "scroll(-1)", show=False),
        bind("casefiles.page_down", "page(1)", show=False),
        bind("casefiles.page_up", "page(-1)", show=False),
        bind("casefiles.top", "home", show=False),
        bind("casefiles.bottom", "end", show=False),
    ]

    DEFAULT_CSS = """
    TimelineScreen { background: $background; }
    TimelineScreen > #timeline-title { height: 1; }
    """

    def __init__(self, timeline: Timeline, *, subject: str = "case") -> None:
        super().__init__(id="timeline")
        self.timeline = timeline
        self.subject = subject
        self.lay: Layout | None = None

    def compose(self) -> ComposeResult:
        yield StripLines(id="timeline-title")
        yield StripLines(id="timeline-axis")
        yield TimelineBody(id="timeline-body")
        yield StripLines(id="timeline-legend")

    @property
    def body(self) -> TimelineBody:
        """The scrolling part."""
        return self.query_one(TimelineBody)

    def on_mount(self) -> None:
        """Lay out for the current width."""
        self._lay_out(self.size.width)

    def on_resize(self, event: events.Resize) -> None:
        """Lay out again for a new width."""
        if self.lay is None or self.lay.width != self._width(event.size.width):
            self._lay_out(event.size.width)

    @staticmethod
    def _width(screen_width: int) -> int:
        return max(1, screen_width - 1)  # the body's scrollbar

    def _lay_out(self, screen_width: int) -> None:
        width = self._width(screen_width)
        lay = layout(self.timeline, width)
        self.lay = lay
        hint = "  esc close · j/k PgUp/PgDn scroll"
        title_room = max(0, screen_width - len(hint))
        title: Line = [
            (f"Timeline of the {self.subject}: ", "heading"),
            (self.timeline.title, "strong"),
        ]
        title_text = "".join(p for p, _ in title)
        if len(title_text) > title_room:
            title = [(title_text[: max(0, title_room - 1)] + "…", "strong")]
            title_text = title[0][0]
        title.append((" " * max(0, title_room - len(title_text)) + hint, "dim"))
        self.query_one("#timeline-title", StripLines).show([title])
        self.query_one("#timeline-axis", StripLines).show(lay.axis)
        self.query_one("#timeline-legend", StripLines).show(lay.legend)
        self.body.show(lay)

    @property
    def plain(self) -> str:
        """Axis, body and legend as plain text (for tests)."""
        return self.lay.text() if self.lay is not None else ""

    def action_scroll(self, delta: int) -> None:
        """Scroll by lines."""
        self.body.scroll_relative(y=delta, animate=False)

    def action_page(self, direction: int) -> None:
        """Scroll by a screenful."""
        body = self.body
        body.scroll_relative(y=direction * max(1, body.size.height - 1), animate=False)

    def action_home(self) -> None:
        """To the top."""
        self.body.scroll_home(animate=False)

    def action_end(self) -> None:
        """To the end."""
        self.body.scroll_end(animate=False)

    def action_close(self) -> None:
        """Back to where the timeline was opened."""
        self.dismiss(None)


__all__ = ["StripLines", "TimelineBody", "TimelineScreen"]
