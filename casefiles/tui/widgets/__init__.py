"""Widgets of the browser: one line-API base (``LineView``: draws only the
visible rows, keeps an LRU of drawn rows, owns the cursor) and its kinds —
the browser's lists (``LineList``), the search hits (``ResultList``) and the
reader's text (``ArticleView``) — and the read-only text panes (case header;
the Cites pane, ``CitesPane``, which checks quotes in a thread) and key bar."""

from casefiles.tui.widgets.article import ArticleView
from casefiles.tui.widgets.cites import CitesPane
from casefiles.tui.widgets.keybar import KeyBar
from casefiles.tui.widgets.lines import LineList, RowSource
from casefiles.tui.widgets.lineview import LineView
from casefiles.tui.widgets.panes import InfoPane
from casefiles.tui.widgets.results import ResultList

__all__ = [
    "ArticleView",
    "CitesPane",
    "InfoPane",
    "KeyBar",
    "LineList",
    "LineView",
    "ResultList",
    "RowSource",
]
