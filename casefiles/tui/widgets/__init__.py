"""Widgets of the browser: one line-API base (``LineView``: draws only the
visible rows, keeps an LRU of drawn rows, owns the cursor) and its kinds —
the browser's lists (``LineList``), the search hits
(``casefiles.tui.widgets.results.ResultList``) and the reader's text
(``casefiles.tui.widgets.article.ArticleView``) — and the read-only text panes
(case header; the Cites pane, ``CitesPane``, which checks quotes in a thread)
and key bar.  The search hits and the reader's text are imported from their
own modules by the screens that show them, so that the first frame does not
import them.  The panes draw their scroll bar in their last column
(``drawnbar``), their rows straight into strips (``strips``), in the tag
colours the app holds for all of them (``tags``)."""

from casefiles.tui.widgets.cites import CitesPane
from casefiles.tui.widgets.keybar import KeyBar
from casefiles.tui.widgets.lines import LineList, RowSource
from casefiles.tui.widgets.lineview import LineView
from casefiles.tui.widgets.panes import InfoPane

__all__ = [
    "CitesPane",
    "InfoPane",
    "KeyBar",
    "LineList",
    "LineView",
    "RowSource",
]
