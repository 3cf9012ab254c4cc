"""One case resolved once into typed, immutable values.

``CaseView.of(store, case_id)`` reads a case, its proceedings, sentences and
sources once and resolves every reference: parties with their roles and latest
outcome, charges, dated events (hearings among them), the court ladder of
rulings, sentences with their arithmetic, sources, conflict groups and every
cite with its source.  The browser's panes, the dossier (``casefiles show`` and
``d``), the clipboard and export only format these values; none of them walks
the raw documents again.

Nothing here imports textual or formats for a screen; display strings that
several formatters share (a sentence's one-line summary, a date's human form)
are methods of the values.
"""

from casefiles.caseview.build import case_cites_of, grouped_order
from casefiles.caseview.cache import CaseViews, view_of
from casefiles.caseview.values import (
    CaseView,
    ChargeView,
    CiteView,
    ConflictGroup,
    EventView,
    Fact,
    FactKind,
    PartyView,
    RelatedCase,
    RulingView,
    SentenceView,
    SourceView,
    source_ids,
)

__all__ = [
    "CaseView",
    "CaseViews",
    "ChargeView",
    "CiteView",
    "ConflictGroup",
    "EventView",
    "Fact",
    "FactKind",
    "PartyView",
    "RelatedCase",
    "RulingView",
    "SentenceView",
    "SourceView",
    "case_cites_of",
    "grouped_order",
    "source_ids",
    "view_of",
]
