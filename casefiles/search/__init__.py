"""Search over a case file: forgiving by default, precise on request, fast per keystroke.

``SearchIndex.build(store)`` indexes every searchable text once;
``index.search(query)`` returns a ``SearchResult`` of ranked ``Hit`` objects.
The query language is described in ``casefiles.search.query``, filter
semantics in ``casefiles.search.filters``, ranking in ``casefiles.search.rank``
and the index in ``casefiles.search.index``.  This package never imports
textual.
"""

from casefiles.search.index import Hit, SearchIndex, SearchResult
from casefiles.search.normalise import normalise, normalise_map, original_spans
from casefiles.search.query import QueryError, parse

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
