"""The search query language: forgiving words, fzf-style operators and field filters.

A query is split at white space (double quotes keep a phrase together).  Each
piece is a *term* or a *filter*; all of them must hold (AND).

Terms (matched against one indexed text: a name, alias, title, summary …):

=============  ==============================================================
``sokha``      forgiving: a word starting with it, a word within one typo of
               it (words of 4+ characters), or two adjacent words written
               together (``kemsokha``).  Case, accents and punctuation never
               matter; word order is free.
``'sokha``     exact: the text contains it (no typos; inside words too)
``"kem sokha"``  exact phrase
``^kem``       the text starts with it
``sokha$``     the text ends with it
``!sokha``     the text does not contain it (also ``!^x``, ``!x$``)
``a | b``      either term (an OR group; binds the terms next to the bar)
=============  ==============================================================

Filters (``name:value``; quote a value with spaces: ``party:"kem sokha"``):

``kind:``      case, party, court, source, article (repeat to allow several;
               ``!kind:article`` excludes a kind)
``party:``     a party whose name or alias matches all the words of the value
``role:``      participant role (prefix of a role name: ``role:def``)
``court:``     court id or name words
``level:``     court level (first_instance, appeal, supreme, …; prefix)
``charge:``    charge article number (``charge:548``) or label words
``status:``    case status (open, closed, pending, unknown; prefix)
``outcome:``   proceeding outcome: of a ruling (convicted, upheld, …) or of a
               hearing (detained, bail_granted, …); prefix
``year:``      ``2016``, ``2016..2018``, ``2016..``, ``..2018``
``country:``   country name words

How filters apply to each kind of hit is described in
``casefiles.search.filters``.  A malformed query raises ``QueryError`` with a
message meant for the user.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Final

from casefiles import model
from casefiles.search.normalise import normalise

KINDS: Final = ("case", "party", "court", "source", "article")
_KIND_ALIASES: Final = {
    "cases": "case",
    "parties": "party",
    "person": "party",
    "people": "party",
    "courts": "court",
    "sources": "source",
    "articles": "article",
    "text": "article",
}
FILTER_NAMES: Final = (
    "kind",
    "party",
    "role",
    "court",
    "level",
    "charge",
    "status",
    "outcome",
    "year",
    "country",
)
_FILTER_RE: Final = re.compile(r"^(!?)([A-Za-z]+):(.*)$", re.S)
MAX_QUERY: Final = 500
MAX_TERM: Final = 100
_YEAR_RE: Final = re.compile(r"^(\d{4})?(\.\.)?(\d{4})?$")


#: ``outcome:`` values: outcomes of rulings, then of hearings (schema v2; v1 had
#: rulings only, as ``OUTCOMES``).
OUTCOME_VALUES: Final[tuple[str, ...]] = tuple(
    dict.fromkeys(
        (
            *getattr(model, "RULING_OUTCOMES", getattr(model, "OUTCOMES", ())),
            *getattr(model, "HEARING_OUTCOMES", ()),
        )
    )
)


class QueryError(ValueError):
    """A malformed query; ``str()`` is a message for the user."""


@dataclass(frozen=True, slots=True)
class Term:
    """One search term: normalised ``text`` and how to match it.

    ``mode`` is ``fuzzy``, ``exact`` (substring), ``prefix`` (text starts with),
    ``suffix`` (text ends with) or ``whole`` (``^x$``: the text is exactly it).
    """

    text: str
    mode: str = "fuzzy"
    negate: bool = False
    raw: str = ""


@dataclass(frozen=True, slots=True)
class Filters:
    """Parsed field filters; empty tuples mean "no constraint"."""

    kinds: frozenset[str] = frozenset(KINDS)
    parties: tuple[str, ...] = ()  # normalised name words, one entry per party: filter
    roles: tuple[frozenset[str], ...] = ()
    courts: tuple[str, ...] = ()
    levels: tuple[frozenset[str], ...] = ()
    charges: tuple[str, ...] = ()
    statuses: tuple[frozenset[str], ...] = ()
    outcomes: tuple[frozenset[str], ...] = ()
    years: tuple[tuple[int, int], ...] = ()
    countries: tuple[str, ...] = ()

    def case_filters(self) -> bool:
        """Whether any filter other than ``kind:`` is present."""
        return bool(
            self.parties
            or self.roles
            or self.courts
            or self.levels
            or self.charges
            or self.statuses
            or self.outcomes
            or self.years
            or self.countries
        )


@dataclass(frozen=True, slots=True)
class Query:
    """A parsed query: AND of OR-groups of terms, plus filters."""

    groups: tuple[tuple[Term, ...], ...] = ()
    filters: Filters = field(default_factory=Filters)

    @property
    def positive(self) -> tuple[tuple[Term, ...], ...]:
        """Groups that select texts (not negations)."""
        return tuple(g for g in self.groups if not g[0].negate)

    @property
    def negative(self) -> tuple[Term, ...]:
        """Negated terms (each its own group)."""
        return tuple(g[0] for g in self.groups if g[0].negate)

    @property
    def empty(self) -> bool:
        """Nothing to search for and nothing to filter on."""
        return not self.groups and self.filters == Filters()


def _tokenise(text: str) -> list[str]:
    tokens: list[str] = []
    buf: list[str] = []
    quoted = False
    quote_start = 0
    for i, ch in enumerate(text):
        if ch == '"':
            quoted = not quoted
            quote_start = i
            buf.append(ch)
        elif ch.isspace() and not quoted:
            if buf:
                tokens.append("".join(buf))
                buf = []
        else:
            buf.append(ch)
    if quoted:
        raise QueryError(f'unclosed quote at character {quote_start + 1}: add the closing "')
    if buf:
        tokens.append("".join(buf))
    return tokens


def _unquote(value: str) -> str:
    if len(value) >= 2 and value.startswith('"') and value.endswith('"'):
        return value[1:-1]
    return value.replace('"', "")


def _choose(name: str, value: str, vocabulary: tuple[str, ...]) -> frozenset[str]:
    want = normalise(value).replace(" ", "")
    if not want:
        raise QueryError(f"{name}: needs a value (one of {', '.join(vocabulary)})")
    found = frozenset(v for v in vocabulary if v.replace("_", "").startswith(want))
    if not found:
        raise QueryError(
            f"{name}:{value} matches nothing; use one of {', '.join(vocabulary)} (or a prefix)"
        )
    return found


def _year(value: str) -> tuple[int, int]:
    m = _YEAR_RE.match(value.strip())
    if not m or not (m.group(1) or m.group(3)) or (m.group(3) and not m.group(2)):
        raise QueryError(
            f"year:{value} is not a year; write year:2016, year:2016..2018, "
            "year:2016.. or year:..2018"
        )
    lo = int(m.group(1)) if m.group(1) else 0
    hi = (int(m.group(3)) if m.group(3) else 9999) if m.group(2) else lo
    if lo > hi:
        raise QueryError(f"year:{value}: the range is reversed; write year:{hi}..{lo}")
    return lo, hi


def _term(token: str) -> Term | None:
    raw = token
    negate = token.startswith("!")
    if negate:
        token = token[1:]
    mode = "fuzzy"
    if token.startswith('"'):
        mode = "exact"
        token = _unquote(token)
    else:
        anchored_start = token.startswith("^")
        if anchored_start:
            token = token[1:]
        anchored_end = token.endswith("$") and not token.endswith("\\$")
        if anchored_end:
            token = token[:-1]
        if token.startswith("'"):
            token = token[1:]
            mode = "exact"
        if anchored_start and anchored_end:
            mode = "whole"
        elif anchored_start:
            mode = "prefix"
        elif anchored_end:
            mode = "suffix"
        elif negate:
            mode = "exact"
        token = _unquote(token)
    text = normalise(token)
    if len(text) > MAX_TERM:
        raise QueryError(f"{raw[:20]}…: a search word can have at most {MAX_TERM} characters")
    if not text:
        if raw in {"!", "'", "^", "$", "^$", "!'", "!^", '""'} or mode != "fuzzy" or negate:
            raise QueryError(f"{raw!r} needs a word after the operator")
        return None  # pure punctuation: nothing to match
    return Term(text, mode, negate, raw)


def parse(text: str) -> Query:
    """Parse a query string; raise ``QueryError`` with a clear message when malformed."""
    if len(text) > MAX_QUERY:
        raise QueryError(f"the query is too long ({len(text)} characters; at most {MAX_QUERY})")
    tokens = _tokenise(text)
    groups: list[list[Term]] = []
    kinds_in: set[str] = set()
    kinds_out: set[str] = set()
    f: dict[str, list[object]] = {name: [] for name in FILTER_NAMES}
    pending_or = False
    last_was_term = False
    for token in tokens:
        if token == "|":
            if not last_was_term:
                raise QueryError("'|' must stand between two terms, e.g. 'sokha | mony'")
            if pending_or:
                raise QueryError("two '|' in a row: put a term between them")
            pending_or = True
            continue
        m = _FILTER_RE.match(token)
        if m and not token.startswith(('"', "'", "^")):
            neg, name, value = m.group(1), m.group(2).lower(), _unquote(m.group(3))
            if name not in FILTER_NAMES:
                raise QueryError(
                    f"unknown filter '{name}:'; filters are " + ", ".join(FILTER_NAMES)
                )
            if pending_or:
                raise QueryError(f"'|' cannot join a filter ({name}:); it joins terms only")
            if not value.strip():
                raise QueryError(f"{name}: needs a value, e.g. {_EXAMPLES[name]}")
            if neg and name != "kind":
                raise QueryError(f"!{name}: filters cannot be negated (only !kind:)")
            last_was_term = False
            if name == "kind":
                want = normalise(value)
                kind = _KIND_ALIASES.get(want, want)
                chosen = [k for k in KINDS if k.startswith(kind)] if kind else []
                if not chosen:
                    raise QueryError(f"kind:{value} is not a kind; use one of {', '.join(KINDS)}")
                (kinds_out if neg else kinds_in).update(chosen)
            elif name == "role":
                f[name].append(_choose(name, value, model.ROLES))
            elif name == "level":
                f[name].append(_choose(name, value, model.COURT_LEVELS))
            elif name == "status":
                f[name].append(_choose(name, value, model.CASE_STATUSES))
            elif name == "outcome":
                f[name].append(_choose(name, value, OUTCOME_VALUES))
            elif name == "year":
                f[name].append(_year(value))
            else:
                norm = normalise(value)
                if not norm:
                    raise QueryError(f"{name}:{value} has no letters or digits to match")
                f[name].append(norm)
            continue
        term = _term(token)
        if term is None:
            if pending_or:
                raise QueryError(f"'|' must be followed by a term, not {token!r}")
            continue
        if term.mode == "fuzzy" and " " in term.text:
            # "kem-sokha" normalises to two words: AND them (or join them inside a|b)
            words = term.text.split(" ")
            if pending_or:
                term = Term("".join(words), "fuzzy", False, term.raw)
            else:
                groups.extend([Term(w, "fuzzy", False, term.raw)] for w in words)
                last_was_term = True
                continue
        if pending_or:
            if term.negate or groups[-1][0].negate:
                raise QueryError("a negated term (!x) cannot be part of an 'a | b' group")
            groups[-1].append(term)
            pending_or = False
        else:
            groups.append([term])
        last_was_term = True
    if pending_or:
        raise QueryError("'|' must be followed by a term, e.g. 'sokha | mony'")
    kinds = frozenset(kinds_in or KINDS) - kinds_out
    if not kinds:
        raise QueryError("the kind: filters exclude every kind of result")
    filters = Filters(
        kinds=kinds,
        parties=tuple(f["party"]),  # type: ignore[arg-type]
        roles=tuple(f["role"]),  # type: ignore[arg-type]
        courts=tuple(f["court"]),  # type: ignore[arg-type]
        levels=tuple(f["level"]),  # type: ignore[arg-type]
        charges=tuple(f["charge"]),  # type: ignore[arg-type]
        statuses=tuple(f["status"]),  # type: ignore[arg-type]
        outcomes=tuple(f["outcome"]),  # type: ignore[arg-type]
        years=tuple(f["year"]),  # type: ignore[arg-type]
        countries=tuple(f["country"]),  # type: ignore[arg-type]
    )
    query = Query(tuple(tuple(g) for g in groups), filters)
    if query.groups and not query.positive and filters == Filters():
        raise QueryError("only negated terms: add a word to search for, or a filter")
    return query


_EXAMPLES: Final = {
    "kind": "kind:party",
    "party": "party:sokha",
    "role": "role:defendant",
    "court": "court:supreme",
    "level": "level:appeal",
    "charge": "charge:548",
    "status": "status:closed",
    "outcome": "outcome:upheld",
    "year": "year:2016..2018",
    "country": "country:cambodia",
}

__all__ = [
    "FILTER_NAMES",
    "KINDS",
    "OUTCOME_VALUES",
    "Filters",
    "Query",
    "QueryError",
    "Term",
    "parse",
]
