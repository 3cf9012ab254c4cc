"""Field filters (``role:``, ``court:``, ``year:`` …): which documents they let through.

Semantics, per kind of hit:

* **case** — every filter is a condition on the case: ``party:`` a participant
  whose name or an alias contains words starting with the value's words;
  ``role:`` a participant with that role; ``court:`` / ``level:`` /
  ``outcome:`` a proceeding at that court / level / with that outcome;
  ``charge:`` a charge whose article number equals the value (``charge:548``)
  or whose label has words starting with the value's words; ``status:`` the
  case status; ``year:`` a dated event or proceeding in the range;
  ``country:`` the case's country.  With ``role:`` and search words, a case
  also matches *through a party*: ``role:defendant sokha`` finds the cases in
  which a party matching ``sokha`` is a defendant (field ``party``, ranked
  just below that party), besides cases whose own text matches and that
  have some defendant.
* **party** — through the party's cases: some case of the party passes the
  case-level filters, where ``role:`` is the party's own role in that case,
  ``charge:`` a charge against that party, and ``party:`` means the party
  shares that case with a party matching the value (or is that party).
* **court** — ``court:`` (id or name), ``level:`` and ``country:`` apply to the
  court itself; any other filter excludes courts.  A ``court:`` value that
  names no court matches nothing at all (and says so in a note).
* **source** and **article** — ``year:`` is the source's publication year;
  the other filters pass a source when some case citing it passes them.

Schema v2: proceedings have a ``kind`` (a ruling or a hearing); ``level:``,
``court:``, ``outcome:`` and ``year:`` consider every proceeding of a case,
hearings included (``outcome:detained`` finds detention hearings).

Repeated filters must all hold; one filter's alternatives (``role:de`` =
defendant or defence counsel) are ORed.  Case sets come from inverted indexes
(value → case ids) built once per load; parties and sources are tested one by
one when a hit needs it (memoised).  Results are cached per resolved filter
set, so typing ``role:d``, ``role:de``, ``role:def`` costs one computation.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from casefiles import model
from casefiles.search.normalise import normalise
from casefiles.search.query import Filters
from casefiles.search.tables import PackedSets
from casefiles.store import Store


class Cancelled(Exception):
    """Raised inside the index when the caller's ``cancelled()`` became true."""


def _words_match(want: str, have: str) -> bool:
    """Every word of ``want`` starts some word of ``have`` (both normalised)."""
    padded = " " + have
    return all((" " + w) in padded for w in want.split(" "))


def _cites(doc: dict[str, Any], out: set[str]) -> None:
    """Collect the source ids cited by a document and its cited parts
    (participants, charges, events)."""
    for cite in doc.get("cites", ()):
        out.add(cite["source"])
    for part in ("participants", "charges", "events"):
        for item in doc.get(part, ()):
            for cite in item.get("cites", ()):
                out.add(cite["source"])


@dataclass(slots=True)
class Allowed:
    """The documents a set of filters lets through.

    Cases and courts are sets (``None``: all); parties and sources are decided
    per document on demand (``None``: all), memoised, since evaluating every
    party of a 100k store per keystroke would be too slow.
    """

    kinds: frozenset[str]
    cases: set[str] | None = None
    courts: set[str] | None = None
    party_test: Callable[[str], bool] | None = None
    source_test: Callable[[str], bool] | None = None
    #: ``role:`` alternatives, for matching cases through their parties
    roles: tuple[frozenset[str], ...] = ()
    filtered: bool = False
    #: remarks for the user (a filter value that names nothing)
    notes: tuple[str, ...] = ()
    _memo: dict[tuple[str, str], bool] = field(default_factory=dict)

    def ok(self, kind: str, doc_id: str) -> bool:
        """Whether a document of ``kind`` with ``doc_id`` passes."""
        if kind not in self.kinds:
            return False
        if kind == "case":
            return self.cases is None or doc_id in self.cases
        if kind == "court":
            return self.courts is None or doc_id in self.courts
        test = self.party_test if kind == "party" else self.source_test
        if test is None:
            return True
        key = (kind, doc_id)
        hit = self._memo.get(key)
        if hit is None:
            hit = self._memo[key] = test(doc_id)
        return hit

    def count(self, kind: str, ids: Iterable[str]) -> int:
        """How many of ``ids`` (all of one kind) pass."""
        return sum(1 for i in ids if self.ok(kind, i))


@dataclass(frozen=True, slots=True)
class Resolved:
    """Filter values resolved against the store (the cache key of a filter set).

    Each tuple has one entry per filter of that name; an empty set means the
    value names nothing (the filter then lets nothing through)."""

    parties: tuple[frozenset[str], ...] = ()
    courts: tuple[frozenset[str], ...] = ()
    #: per ``charge:``, (normalised labels, article numbers) it matches
    charges: tuple[tuple[frozenset[str], frozenset[str]], ...] = ()
    countries: tuple[frozenset[str], ...] = ()


def narrow(current: set[str] | None, other: set[str] | None) -> set[str] | None:
    """Intersection where ``None`` stands for "every case" (no copy of a 100k-id set)."""
    if other is None:
        return current
    if current is None:
        return other
    return current & other


def union_of(index: dict[Any, set[str]], keys: Iterable[Any]) -> set[str]:
    """Union of the sets under ``keys`` (one key: that set itself — never mutate)."""
    found = [index[k] for k in keys if k in index]
    if len(found) == 1:
        return found[0]
    out: set[str] = set()
    for f in found:
        out |= f
    return out


def case_filter_key(filters: Filters, resolved: Resolved) -> tuple[object, ...]:
    """What decides which cases ``filters`` let through, as a cache key: the
    case-level filters with their resolved values (not the kinds of hit)."""
    return (
        filters.roles,
        filters.levels,
        filters.statuses,
        filters.outcomes,
        filters.years,
        resolved,
    )


def filter_notes(filters: Filters, resolved: Resolved) -> tuple[str, ...]:
    """One note per filter value that names nothing in the store."""
    out = []
    named = (
        ("party", "party", filters.parties, resolved.parties),
        ("court", "court", filters.courts, resolved.courts),
        ("country", "country", filters.countries, resolved.countries),
    )
    for name, what, values, sets in named:
        for value, found in zip(values, sets, strict=True):
            if not found:
                out.append(f"{name}:{value} names no {what}")
    for value, (labels, arts) in zip(filters.charges, resolved.charges, strict=True):
        if not labels and not arts:
            out.append(f"charge:{value} names no charge")
    return tuple(out)


#: The inverted indexes ``Facets.build`` fills.
_INDEXES = (
    "status",
    "country",
    "years",
    "level",
    "outcome",
    "court",
    "role",
    "charge_label",
    "charge_article",
    "role_party",
    "charge_party",
    "source_cases",
    "source_year",
    "title",
    "ruling_date",
    "first_date",
)

#: Those holding sets of ids (kept as ``PackedSets``).
_SET_INDEXES = _INDEXES[:11]


class Facets:
    """Inverted indexes from filter values to case ids, built lazily from a store."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self._built = False
        self._cache: dict[tuple[Any, ...], Allowed] = {}

    def invalidate(self, store: Store) -> None:
        """Forget everything (after an edit)."""
        self.store = store
        self._built = False
        self._cache.clear()

    # -- the inverted indexes

    def build(self) -> None:
        """Build the inverted indexes (done once per load and after each edit)."""
        self.status: dict[str, set[str]] = {}
        self.country: dict[str, set[str]] = {}
        self.years: dict[int, set[str]] = {}
        self.level: dict[str, set[str]] = {}
        self.outcome: dict[str, set[str]] = {}
        self.court: dict[str, set[str]] = {}
        self.role: dict[str, set[str]] = {}
        self.charge_label: dict[str, set[str]] = {}
        self.charge_article: dict[str, set[str]] = {}
        self.role_party: dict[str, set[str]] = {}  # role -> parties with it somewhere
        self.charge_party: dict[str, set[str]] = {}  # "l:label" / "a:article" -> parties
        self.source_cases: dict[str, list[str]] = {}
        self.source_year: dict[str, int] = {}
        # per case, for sorting the cases list (``listfilter``): the normalised
        # title, the latest ruling date and the earliest dated event or
        # proceeding (ISO partial dates, which sort as the dates do)
        self.title: dict[str, str] = {}
        self.ruling_date: dict[str, str] = {}
        self.first_date: dict[str, str] = {}
        store = self.store
        for cid, case in store.table(model.CASES).items():
            self._index_case(cid, case)
        for doc in store.table(model.PROCEEDINGS).values():
            self._index_proceeding(doc)
        for sid, src in store.table(model.SOURCES).items():
            date = model.parse_date(src.get("published"))
            if date:
                self.source_year[sid] = date.year
        for doc in store.table(model.SENTENCES).values():
            self._add_citations(doc, doc["case"])
        canon = {cid: cid for cid in store.table(model.CASES)}
        for name in _SET_INDEXES:  # tuples until a filter uses them, one string per id
            setattr(self, name, PackedSets.of(getattr(self, name), canon))
        self._built = True

    def state(self) -> dict[str, Any]:
        """The inverted indexes as plain data (see ``persist``)."""
        if not self._built:
            self.build()
        out = {name: getattr(self, name) for name in _INDEXES}
        for name in _SET_INDEXES:
            out[name] = PackedSets.of(out[name]).plain()
        return out

    def load_state(self, state: dict[str, Any]) -> None:
        """Take the inverted indexes ``state()`` gave (for the same store)."""
        for name in _INDEXES:
            value = state[name]
            if not isinstance(value, dict):
                raise TypeError(f"search index state: {name} is not a mapping")
            setattr(self, name, PackedSets.of(value) if name in _SET_INDEXES else value)
        self._built = True
        self._cache.clear()

    def _add_citations(self, doc: model.Doc, cid: str) -> None:
        found: set[str] = set()
        _cites(doc, found)
        for sid in found:
            lst = self.source_cases.setdefault(sid, [])
            if cid not in lst:
                lst.append(cid)

    def _index_case(self, cid: str, case: model.Doc) -> None:
        self.status.setdefault(str(case.get("status")), set()).add(cid)
        self.country.setdefault(normalise(str(case.get("country", ""))), set()).add(cid)
        self.title[cid] = normalise(str(case.get("title", "")))
        for ev in case.get("events", ()):
            date = model.parse_date(ev.get("date"))
            if date:
                self.years.setdefault(date.year, set()).add(cid)
                self._first(cid, date.iso())
        for p in case.get("participants", ()):
            role = str(p.get("role"))
            self.role.setdefault(role, set()).add(cid)
            self.role_party.setdefault(role, set()).add(p["party"])
        for ch in case.get("charges", ()):
            label = normalise(str(ch.get("label", "")))
            self.charge_label.setdefault(label, set()).add(cid)
            self.charge_party.setdefault("l:" + label, set()).add(ch["party"])
            art = ch.get("article")
            if art:
                art_n = normalise(str(art))
                self.charge_article.setdefault(art_n, set()).add(cid)
                self.charge_party.setdefault("a:" + art_n, set()).add(ch["party"])
        self._add_citations(case, cid)

    def _index_proceeding(self, doc: model.Doc) -> None:
        """A proceeding of either kind (schema v2: ruling or hearing; v1: no kind)."""
        cid = doc["case"]
        self.level.setdefault(str(doc.get("level")), set()).add(cid)
        if doc.get("outcome"):
            self.outcome.setdefault(str(doc["outcome"]), set()).add(cid)
        if doc.get("court"):
            self.court.setdefault(str(doc["court"]), set()).add(cid)
        date = model.parse_date(doc.get("date"))
        if date:
            self.years.setdefault(date.year, set()).add(cid)
            iso = date.iso()
            self._first(cid, iso)
            if doc.get("kind", "ruling") == "ruling" and iso > self.ruling_date.get(cid, ""):
                self.ruling_date[cid] = iso
        self._add_citations(doc, cid)

    def _first(self, cid: str, iso: str) -> None:
        old = self.first_date.get(cid)
        if old is None or iso < old:
            self.first_date[cid] = iso

    def ensure_built(self) -> None:
        """Build the indexes unless built (or loaded) since the last change."""
        if not self._built:
            self.build()

    def citing_case(self, source_id: str) -> str | None:
        """A case citing the source (the first in store order), or ``None``."""
        if not self._built:
            self.build()
        cases = self.source_cases.get(source_id)
        return cases[0] if cases else None

    # -- resolving filter values

    def courts_matching(self, want: str) -> frozenset[str]:
        """Courts whose id, name or an alias has words starting with ``want``'s words."""
        out = set()
        for cid, court in self.store.table(model.COURTS).items():
            names = [court.get("name", ""), cid, *court.get("aliases", ())]
            if any(_words_match(want, normalise(str(n))) for n in names):
                out.add(cid)
        return frozenset(out)

    def charge_keys(self, want: str) -> tuple[frozenset[str], frozenset[str]]:
        """Charge labels with words starting with ``want``'s, and article numbers equal to it."""
        labels = frozenset(lab for lab in self.charge_label if _words_match(want, lab))
        arts = frozenset(a for a in self.charge_article if a == want)
        return labels, arts

    def resolve(self, filters: Filters, party_ids: Callable[[str], set[str]]) -> Resolved:
        """What each ``party:``, ``court:``, ``charge:`` and ``country:`` value names."""
        if not self._built:
            self.build()
        return Resolved(
            parties=tuple(frozenset(party_ids(v)) for v in filters.parties),
            courts=tuple(self.courts_matching(v) for v in filters.courts),
            charges=tuple(self.charge_keys(v) for v in filters.charges),
            countries=tuple(
                frozenset(c for c in self.country if _words_match(v, c)) for v in filters.countries
            ),
        )

    def allowed(
        self,
        filters: Filters,
        party_ids: Callable[[str], set[str]],
        cancelled: Callable[[], bool],
    ) -> Allowed:
        """The documents ``filters`` let through; ``party_ids(value)`` resolves ``party:``."""
        if not filters.case_filters():
            return Allowed(filters.kinds)
        resolved = self.resolve(filters, party_ids)
        key = (filters.kinds, *case_filter_key(filters, resolved))
        hit = self._cache.get(key)
        if hit is not None:
            return hit
        result = self._compute(filters, resolved, cancelled)
        if len(self._cache) > 32:
            self._cache.clear()
        self._cache[key] = result
        return result

    # -- what passes

    def _union(self, index: dict[Any, set[str]], keys: Iterable[Any]) -> set[str] | None:
        """Cases under any of ``keys``; ``None`` when that is every case."""
        n_cases = len(self.store.table(model.CASES))
        found = [index[k] for k in keys if k in index]
        if any(len(f) == n_cases for f in found):
            return None
        return union_of(index, keys)

    def case_base(
        self, filters: Filters, resolved: Resolved, cancelled: Callable[[], bool]
    ) -> set[str] | None:
        """Cases passing the conditions that do not depend on which party is meant
        (status, country, year, level, outcome, court, party); ``None``: every case."""
        base: set[str] | None = None
        for s in filters.statuses:
            base = narrow(base, self._union(self.status, s))
        for c in resolved.countries:
            base = narrow(base, self._union(self.country, c))
        for lo, hi in filters.years:
            base = narrow(base, self._union(self.years, [y for y in self.years if lo <= y <= hi]))
        for lv in filters.levels:
            base = narrow(base, self._union(self.level, lv))
        for oc in filters.outcomes:
            base = narrow(base, self._union(self.outcome, oc))
        for ct in resolved.courts:
            base = narrow(base, self._union(self.court, ct))
        n_cases = len(self.store.table(model.CASES))
        for ps in resolved.parties:
            with_party: set[str] = set()
            for p in ps:
                with_party.update(self.store.cases_of_party(p))
            base = narrow(base, with_party if len(with_party) < n_cases else None)
        if cancelled():
            raise Cancelled
        return base

    def cases_passing(
        self, base: set[str] | None, filters: Filters, resolved: Resolved
    ) -> set[str] | None:
        """``base`` narrowed by ``role:`` and ``charge:`` (some participant has the
        role, some charge matches); ``None``: every case."""
        cases_ok = base
        for rs in filters.roles:
            cases_ok = narrow(cases_ok, self._union(self.role, rs))
        for labels, arts in resolved.charges:
            cases_ok = narrow(
                cases_ok,
                union_of(self.charge_label, labels) | union_of(self.charge_article, arts),
            )
        return cases_ok

    def party_candidates(self, filters: Filters, resolved: Resolved) -> set[str] | None:
        """Parties that could pass at all (the role, the charge somewhere): a quick
        reject; ``None`` when there is no role or charge filter."""
        maybe: set[str] | None = None
        for rs in filters.roles:
            have = union_of(self.role_party, rs)
            maybe = have if maybe is None else maybe & have
        for labels, arts in resolved.charges:
            keys = [f"l:{x}" for x in labels] + [f"a:{x}" for x in arts]
            have = union_of(self.charge_party, keys)
            maybe = have if maybe is None else maybe & have
        return maybe

    def party_test(
        self,
        base: set[str] | None,
        filters: Filters,
        resolved: Resolved,
        maybe: set[str] | None,
    ) -> Callable[[str], bool]:
        """ "Some case of the party passes, with the party's own role and charge"
        (``maybe``: ``party_candidates``)."""
        store = self.store
        cases_table = store.table(model.CASES)
        roles = filters.roles
        charges = resolved.charges
        # One role or charge filter and nothing else: the quick reject is the answer.
        exact_maybe = base is None and len(roles) + len(charges) == 1

        def test(pid: str) -> bool:
            if maybe is not None:
                if pid not in maybe:
                    return False
                if exact_maybe:
                    return True
            for cid in store.cases_of_party(pid):
                if base is not None and cid not in base:
                    continue
                case = cases_table[cid]
                if roles:
                    mine = {p["role"] for p in case["participants"] if p["party"] == pid}
                    if not all(mine & rs for rs in roles):
                        continue
                if charges:
                    own = [ch for ch in case.get("charges", ()) if ch["party"] == pid]
                    if not all(
                        any(
                            normalise(str(ch.get("label", ""))) in labels
                            or normalise(str(ch.get("article", ""))) in arts
                            for ch in own
                        )
                        for labels, arts in charges
                    ):
                        continue
                return True
            return False

        return test

    def source_test(self, filters: Filters, cases_ok: set[str] | None) -> Callable[[str], bool]:
        """ "Published in the years asked for; cited by a passing case"."""
        non_year = _non_year(filters)
        years = filters.years

        def test(sid: str) -> bool:
            if years:
                year = self.source_year.get(sid)
                if year is None or not all(lo <= year <= hi for lo, hi in years):
                    return False
            if not non_year or cases_ok is None:
                return True
            return any(c in cases_ok for c in self.source_cases.get(sid, ()))

        return test

    def courts_passing(self, filters: Filters, resolved: Resolved) -> set[str]:
        """Courts passing ``court:``, ``level:`` and ``country:`` themselves."""
        out = set()
        for cid, court in self.store.table(model.COURTS).items():
            if not all(cid in ct for ct in resolved.courts):
                continue
            if not all(court.get("level") in lv for lv in filters.levels):
                continue
            country = normalise(str(court.get("country", "")))
            if all(country in c for c in resolved.countries):
                out.add(cid)
        return out

    def _compute(
        self, filters: Filters, resolved: Resolved, cancelled: Callable[[], bool]
    ) -> Allowed:
        base = self.case_base(filters, resolved, cancelled)
        cases_ok = self.cases_passing(base, filters, resolved)
        kinds = set(filters.kinds)
        # Kinds nothing can pass are dropped, so listings do not test them one by one.
        maybe = self.party_candidates(filters, resolved)
        if (maybe is not None and not maybe) or (base is not None and not base):
            kinds.discard("party")
        if _non_year(filters) and cases_ok is not None and not cases_ok:
            kinds.discard("source")
            kinds.discard("article")
        courts_ok: set[str] | None = None
        if _court_only(filters):
            courts_ok = self.courts_passing(filters, resolved)
        else:
            kinds.discard("court")
        return Allowed(
            frozenset(kinds),
            cases=cases_ok,
            courts=courts_ok,
            party_test=self.party_test(base, filters, resolved, maybe),
            source_test=self.source_test(filters, cases_ok),
            roles=filters.roles,
            filtered=True,
            notes=filter_notes(filters, resolved),
        )


def _non_year(filters: Filters) -> bool:
    """Some filter other than ``kind:`` and ``year:`` is present."""
    return bool(
        filters.parties
        or filters.roles
        or filters.courts
        or filters.levels
        or filters.charges
        or filters.statuses
        or filters.outcomes
        or filters.countries
    )


def _court_only(filters: Filters) -> bool:
    """Only filters that apply to courts themselves (court, level, country) are present."""
    return not (
        filters.parties
        or filters.roles
        or filters.charges
        or filters.statuses
        or filters.outcomes
        or filters.years
    )


__all__ = [
    "Allowed",
    "Cancelled",
    "Facets",
    "Resolved",
    "case_filter_key",
    "filter_notes",
    "narrow",
    "union_of",
]
