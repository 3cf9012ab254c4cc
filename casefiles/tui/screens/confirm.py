"""A small confirmation over the current screen: what is about to happen, and
what stands in its way.

``ConfirmScreen(title, lines, problems)`` dismisses with ``True`` when the
user confirms (``y``), ``False`` otherwise (``n``, ``esc``).  While
``problems`` stand (for a delete: what still refers to the document) it only
shows them and cannot be confirmed.  Every text is drawn literally.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Static

from casefiles.textsafe import literal


class ConfirmScreen(ModalScreen[bool]):
    """Asks before an action; refuses while ``problems`` stand."""

    DEFAULT_CSS = """
    ConfirmScreen {
        align: center middle;
    }
    ConfirmScreen > #confirm-box {
        width: 80%;
        max-width: 100;
        height: auto;
        max-height: 80%;
        border: thick $warning;
        background: $surface;
        padding: 0 1;
    }
    ConfirmScreen #confirm-problems {
        color: $text-warning;
        margin-top: 1;
    }
    ConfirmScreen #confirm-keys {
        color: $text-muted;
        margin-top: 1;
    }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("y", "answer(True)", "yes", show=False),
        Binding("n,escape,q", "answer(False)", "no", show=False),
    ]

    def __init__(self, title: str, lines: Sequence[str], problems: Sequence[str] = ()) -> None:
        super().__init__(id="confirm")
        self.title_text = title
        self.lines = [literal(line) for line in lines]
        self.problems = [literal(p) for p in problems]

    @property
    def refused(self) -> bool:
        """Whether something stands in the way (``y`` does nothing then)."""
        return bool(self.problems)

    def compose(self) -> ComposeResult:
        with Vertical(id="confirm-box"):
            yield Static(Text("\n".join(self.lines)), id="confirm-body", markup=False)
            if self.problems:
                text = "Cannot be done while this stands:\n" + "\n".join(
                    f"- {p}" for p in self.problems
                )
                yield Static(Text(text), id="confirm-problems", markup=False)
                keys = "esc or q closes"
            else:
                keys = "y: yes · n, q or esc: no"
            yield Static(Text(keys), id="confirm-keys", markup=False)

    def on_mount(self) -> None:
        """The question as the box's title."""
        self.query_one("#confirm-box").border_title = Text(literal(self.title_text))

    @property
    def plain(self) -> str:
        """Everything the box says (for tests)."""
        return "\n".join(str(s.render()) for s in self.query(Static))

    def action_answer(self, yes: bool) -> None:
        """Close with the answer (a refused one is always no)."""
        self.dismiss(yes and not self.refused)


__all__ = ["ConfirmScreen"]
