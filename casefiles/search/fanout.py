"""Hit fan-out: from scored texts to documents, and from documents to ``Hit`` objects.

One text can belong to many documents (a tag shared by 30 000 cases) and one
document to many texts (a party's name and aliases).  ``fan_out`` scores
each chosen text once per (kind, field) and keeps each document's best
field, visiting at most ``max(limit, FANOUT_MIN)`` owners per text; a party
matched by an alias is one hit showing the alias.  ``via_parties`` adds the
cases a matching party takes part in with the roles of a ``role:`` filter.
``make_hit`` reads the document, maps the spans back to the original string
and cuts a snippet around the first match of a long text.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Final

from casefiles import model
from casefiles.search.filters import Allowed, Cancelled, Facets
from casefiles.search.normalise import normalise_map, original_spans
from casefiles.search.query import Term
from casefiles.search.ranking import Scored
from casefiles.search.results import Hit, Spans
from casefiles.search.score import TermMatches, score_text
from casefiles.search.vocabulary import TABLE_OF, Vocabulary, field_values
from casefiles.store import Store, StoreError

FANOUT_MIN: Final = 50
SNIPPET: Final = 70
#: Bonus for case hits when case filters were used (they are what was asked for).
CASE_FILTER_BOOST: Final = 0.08


@dataclass(slots=True)
class FanOut:
    """Each document's best result, and whether every matching document was reached."""

    scored: dict[int, Scored] = field(default_factory=dict)
    complete: bool = True


def fan_out(
    vocab: Vocabulary,
    chosen: list[int],
    groups: tuple[tuple[Term, ...], ...],
    infos: dict[Term, TermMatches],
    allowed: Allowed,
    limit: int,
    case_filters: bool,
    cancelled: Callable[[], bool],
) -> FanOut:
    """Score ``chosen`` texts for their owner documents that pass ``allowed``."""
    texts = vocab.texts
    owners = vocab.owners
    ent_doc = vocab.ent_doc
    field_code, field_name = vocab.ent_field.codes, vocab.ent_field.names
    doc_kind, doc_id = vocab.doc_kind, vocab.doc_id
    text_pairs = vocab.text_pairs
    query_text = " ".join(t.text for g in groups for t in g[:1])
    out = FanOut()
    scored = out.scored
    fanout = max(limit, FANOUT_MIN)
    case_boost = CASE_FILTER_BOOST if case_filters else 0.0
    for n, x in enumerate(chosen):
        fields_seen: dict[tuple[str, str], tuple[float, Spans] | None] = {}
        fanned = 0
        for e in owners[x]:
            d = ent_doc[e]
            if d < 0:
                continue
            kind = doc_kind[d]
            if not allowed.ok(kind, doc_id[d]):
                continue
            if fanned >= fanout:
                out.complete = False
                break
            fld = field_name[field_code[e]]
            if (kind, fld) not in fields_seen:
                bonus_field = "source title" if kind == "source" and fld == "title" else fld
                fields_seen[kind, fld] = score_text(
                    texts[x],
                    groups,
                    infos,
                    bool(text_pairs[x]),
                    bonus_field,
                    query_text,
                    case_boost if kind == "case" else 0.0,
                )
            res = fields_seen[kind, fld]
            if res is None:
                continue
            old = scored.get(d)
            if old is None or res[0] > old.score:
                scored[d] = Scored(res[0], e, x, res[1])
            fanned += 1
        if n & 63 == 63 and cancelled():
            raise Cancelled
    return out


def via_parties(
    store: Store, vocab: Vocabulary, best: dict[int, Scored], allowed: Allowed, limit: int
) -> bool:
    """``role:x words``: add to ``best`` the cases in which a party matching the
    words has role x (ranked just below that party).  ``False`` when some
    matching parties were left out (the count is then an estimate)."""
    if "case" not in allowed.kinds or not allowed.roles:
        return True
    party_hits = [(d, item) for d, item in best.items() if vocab.doc_kind[d] == "party"]
    party_hits.sort(key=lambda kv: -kv[1].score)
    cases = store.table(model.CASES)
    cap = max(limit, FANOUT_MIN)
    for d, item in party_hits[:cap]:
        pid = vocab.doc_id[d]
        for cid in store.cases_of_party(pid):
            if allowed.cases is not None and cid not in allowed.cases:
                continue
            mine = {p["role"] for p in cases[cid]["participants"] if p["party"] == pid}
            if not all(mine & rs for rs in allowed.roles):
                continue
            cd = vocab.doc_number("case", cid)
            if cd is None:
                continue
            score = max(item.score - 0.5, 0.0)
            old = best.get(cd)
            if old is None or score > old.score:
                best[cd] = item._replace(score=score)
    return len(party_hits) <= cap


def _article_text(store: Store, source: model.Doc) -> str:
    try:
        return store.read_article(source)
    except StoreError:
        return ""


def _snippet(original: str, spans: Spans) -> tuple[str, Spans]:
    """About ``SNIPPET`` characters either side of the first match, starting at a word."""
    centre = spans[0][0] if spans else 0
    a = max(0, centre - SNIPPET)
    b = min(len(original), (spans[0][1] if spans else 0) + SNIPPET)
    while a > 0 and a > centre - SNIPPET - 20 and not original[a - 1].isspace():
        a -= 1
    cut = tuple((max(s - a, 0), min(t - a, b - a)) for s, t in spans if s < b and t > a)
    return original[a:b], cut


def make_hit(store: Store, vocab: Vocabulary, facets: Facets, d: int, item: Scored) -> Hit | None:
    """The ``Hit`` for document ``d``; ``None`` when the store no longer has it."""
    e = item.entry
    kind = vocab.doc_kind[d]
    doc_id = vocab.doc_id[d]
    table = TABLE_OF.get(kind, model.SOURCES)
    doc = store.get(table, doc_id)
    if doc is None:
        return None
    fld = vocab.ent_field[e]
    title = str(doc.get("name") if kind in ("party", "court") else doc.get("title", doc_id))
    shown_field = "text" if kind == "article" else fld
    source_doc = doc
    via = vocab.ent_doc[e]
    if via != d and via >= 0:  # a case matched through one of its parties
        src_kind = vocab.doc_kind[via]
        source_doc = store.get(TABLE_OF[src_kind], vocab.doc_id[via]) or {}
        shown_field = "party"
    if kind == "article":
        original = _article_text(store, doc)
    else:
        values = field_values(source_doc, fld)
        sub = vocab.ent_sub[e]
        original = values[sub] if sub < len(values) else ""
    nspans = item.spans
    upto = max((b for _, b in nspans), default=0) + 1
    norm, starts, ends = normalise_map(original, upto)
    spans = original_spans(original, starts, ends, nspans) if norm else ()
    text = original
    if (len(original) > 2 * SNIPPET + 40 and kind == "article") or len(original) > 400:
        text, spans = _snippet(original, spans)
    text = text.replace("\r", " ").replace("\n", " ").replace("\t", " ")
    case_id = facets.citing_case(doc_id) if kind in ("source", "article") else None
    return Hit(kind, doc_id, title, item.score, shown_field, text, spans, case_id)


__all__ = ["FANOUT_MIN", "SNIPPET", "FanOut", "fan_out", "make_hit", "via_parties"]
