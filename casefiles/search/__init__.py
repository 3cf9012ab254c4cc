"""Search over a case file: forgiving by default, precise on request, fast per keystroke.

``SearchIndex.build(store)`` indexes every searchable text once;
``index.search(query)`` returns a ``SearchResult`` of ranked ``Hit`` objects
(with ``total``, ``returned`` and ``total_exact``: how many match, how many
came back, and whether the total was counted or estimated).  The query
language is described in ``casefiles.search.query``, filter semantics in
``casefiles.search.filters``, and how a keystroke is answered in
``casefiles.search.index`` (which names the modules that do each step).
This package never imports textual.
"""

from casefiles.search.index import SearchIndex
from casefiles.search.normalise import normalise, normalise_map, original_spans
from casefiles.search.query import QueryError, parse
from casefiles.search.results import Hit, SearchResult

__all__ = [
    "Hit",
    "QueryError",
    "SearchIndex",
    "SearchResult",
    "normalise",
    "normalise_map",
    "original_spans",
    "parse",
]
