"""Widgets of the browser: a line-API list that draws only visible rows, and
the read-only text panes (case header, cites strip)."""

from casefiles.tui.widgets.lines import LineList, RowSource
from casefiles.tui.widgets.panes import InfoPane, KeyBar

__all__ = ["InfoPane", "KeyBar", "LineList", "RowSource"]
