"""After an import: which known parties and courts a text names, and which dates.

Names and aliases (Latin or Khmer script) are compared with the text after
the search normaliser (``casefiles.search.normalise``: case, accents and
punctuation folded, Khmer kept intact; rapidfuzz's ``default_process`` would
strip Khmer vowel signs).  A name is found when it occurs as whole words, or
when rapidfuzz's best partial alignment, widened to whole words, scores at
least ``FUZZY_CUTOFF`` (``Lem Mony`` for ``Lim Mony``).  Short names (three
characters or fewer after normalisation: ``SC``, ``CoA``) count only as an
exact whole word.

Dates: ``23 November 2022``, ``November 23, 2022``, ``Nov 2022``, ISO
``2022-11-23``, Khmer ``ថ្ងៃទី២៣ ខែវិច្ឆិកា ឆ្នាំ២០២២``; a day and month without a
year (``November 23``) is listed as such, never given a guessed year.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Final

from casefiles import model

FUZZY_CUTOFF: Final = 88.0
SHORT_NAME: Final = 3
MAX_TEXT: Final = 400_000
"""Only the first characters of a very long text are searched."""


@dataclass(frozen=True, slots=True)
class Hit:
    """A known party or court found in the text."""

    table: str
    id: str
    name: str
    matched: str
    """The words of the text that matched (normalised)."""
    score: float
    """100 for an exact whole-word match, else the fuzzy score."""


@dataclass(slots=True)
class Suggestions:
    """What an imported text mentions."""

    parties: list[Hit] = field(default_factory=list)
    courts: list[Hit] = field(default_factory=list)
    dates: list[str] = field(default_factory=list)
    """Partial ISO dates (``2022-11-23``), or ``--11-23`` style for day and month only."""
    cases: list[tuple[str, str, int]] = field(default_factory=list)
    """(case id, title, parties named) of the cases the named parties take part
    in, most parties first: where the source most likely belongs."""

    def as_json(self) -> dict[str, Any]:
        """Plain data for ``--json``."""
        return {
            "parties": [
                {"id": h.id, "name": h.name, "score": round(h.score)} for h in self.parties
            ],
            "courts": [{"id": h.id, "name": h.name, "score": round(h.score)} for h in self.courts],
            "dates": list(self.dates),
            "cases": [{"id": c, "title": t, "parties_named": n} for c, t, n in self.cases],
        }


def _names(doc: Mapping[str, Any]) -> list[str]:
    out = [doc.get("name")]
    out += list(doc.get("aliases") or ())
    return [n for n in out if isinstance(n, str) and n.strip()]


@dataclass(slots=True)
class _Text:
    """The normalised text, its words, and where each word start (3 characters) occurs."""

    norm: str
    padded: str
    bare: str
    """Without spaces, for scripts written without spaces between words (Khmer)."""
    words: list[str]
    starts: dict[str, list[int]]
    phrases: set[str]
    """Every run of 1 to ``MAX_PHRASE`` words, for exact whole-word lookups."""

    @classmethod
    def of(cls, text: str) -> _Text:
        from casefiles.search.normalise import normalise

        norm = normalise(text)
        words = norm.split()
        starts: dict[str, list[int]] = {}
        for i, w in enumerate(words):
            starts.setdefault(w[:PREFIX], []).append(i)
        phrases = {
            " ".join(words[i : i + n])
            for n in range(1, MAX_PHRASE + 1)
            for i in range(len(words) - n + 1)
        }
        return cls(norm, f" {norm} ", norm.replace(" ", ""), words, starts, phrases)


PREFIX: Final = 3
MAX_CASES: Final = 5
MAX_PHRASE: Final = 6
MAX_CANDIDATES: Final = 400
"""Places tried per name (the first ones in the text)."""


def _find(text: _Text, name: str) -> tuple[float, str] | None:
    """(score, matched words) when ``name`` occurs in the text, exactly or nearly."""
    from rapidfuzz import fuzz

    from casefiles.search.normalise import normalise

    key = normalise(name)
    if not key:
        return None
    if key in text.phrases or (key.count(" ") >= MAX_PHRASE and f" {key} " in text.padded):
        return 100.0, key
    if len(key) <= SHORT_NAME:
        return None
    if not key.isascii() and key.replace(" ", "") in text.bare:
        # Khmer and other scripts written with or without spaces between words.
        return 100.0, key
    # Fuzzy: phrases of the text as many words long as the name, starting where one
    # of the name's words starts the same way (a typo rarely hits every word's start).
    parts = key.split()
    n = len(parts)
    tried: set[int] = set()
    best: tuple[float, str] | None = None
    for j, part in enumerate(parts):
        if len(part) < PREFIX:
            continue
        for i in text.starts.get(part[:PREFIX], ())[:MAX_CANDIDATES]:
            start = i - j
            if start < 0 or start in tried or start + n > len(text.words):
                continue
            tried.add(start)
            phrase = " ".join(text.words[start : start + n])
            score = fuzz.ratio(key, phrase, processor=None, score_cutoff=FUZZY_CUTOFF)
            if score and (best is None or score > best[0]):
                best = (score, phrase)
    return best


def _scan(table: str, docs: Iterable[Mapping[str, Any]], text: _Text) -> list[Hit]:
    hits = []
    for doc in docs:
        best: tuple[float, str, str] | None = None
        for name in _names(doc):
            found = _find(text, name)
            if found and (best is None or found[0] > best[0]):
                best = (found[0], found[1], name)
                if found[0] >= 100:
                    break
        if best is not None:
            name = str(doc.get("name") or doc["id"])
            hits.append(Hit(table, str(doc["id"]), name, best[1], best[0]))
    hits.sort(key=lambda h: (-h.score, h.name))
    return hits


def suggest(store: Any, text: str) -> Suggestions:
    """Known parties and courts named in ``text``, and the dates it mentions."""
    text = text[:MAX_TEXT]
    prepared = _Text.of(text)
    parties = _scan(model.PARTIES, store.table(model.PARTIES).values(), prepared)
    named: dict[str, int] = {}
    for hit in parties:
        for case_id in store.cases_of_party(hit.id):
            named[case_id] = named.get(case_id, 0) + 1
    ranked = sorted(named.items(), key=lambda item: -item[1])[:MAX_CASES]
    return Suggestions(
        parties=parties,
        courts=_scan(model.COURTS, store.table(model.COURTS).values(), prepared),
        dates=find_dates(text),
        cases=[(c, store.name_of(model.CASES, c), n) for c, n in ranked],
    )


# ------------------------------------------------------------------- dates

_MONTHS: Final = {
    name: i + 1
    for i, names in enumerate(
        [
            ("january", "jan"),
            ("february", "feb"),
            ("march", "mar"),
            ("april", "apr"),
            ("may",),
            ("june", "jun"),
            ("july", "jul"),
            ("august", "aug"),
            ("september", "sep", "sept"),
            ("october", "oct"),
            ("november", "nov"),
            ("december", "dec"),
        ]
    )
    for name in names
}
_KHMER_MONTHS: Final = {
    "មករា": 1,
    "កុម្ភៈ": 2,
    "មីនា": 3,
    "មេសា": 4,
    "ឧសភា": 5,
    "មិថុនា": 6,
    "កក្កដា": 7,
    "សីហា": 8,
    "កញ្ញា": 9,
    "តុលា": 10,
    "វិច្ឆិកា": 11,
    "ធ្នូ": 12,
}
_KHMER_DIGITS: Final = str.maketrans("០១២៣៤៥៦៧៨៩", "0123456789")
_M: Final = "(?:" + "|".join(sorted(_MONTHS, key=len, reverse=True)) + r")(?![a-z])\.?"
_KM: Final = "(?:" + "|".join(_KHMER_MONTHS) + ")"
_D: Final = r"(?:[0-9]{1,2})(?:st|nd|rd|th)?"
_Y: Final = r"(?:19[5-9][0-9]|20[0-9][0-9])"
_PATTERNS: Final = [
    ("dmy", re.compile(rf"\b({_D})\s+({_M})\s*,?\s+({_Y})\b", re.I)),
    ("mdy", re.compile(rf"\b({_M})\s+({_D}),?\s+({_Y})\b", re.I)),
    ("iso", re.compile(rf"\b({_Y})-([01][0-9])-([0-3][0-9])\b")),
    ("my", re.compile(rf"\b({_M})\s+(?:of\s+)?({_Y})\b", re.I)),
    ("dm", re.compile(rf"\b({_D})\s+({_M})(?![\s,]*(?:{_Y}|[0-9]))", re.I)),
    ("md", re.compile(rf"\b({_M})\s+({_D})\b(?!,?\s*{_Y})(?!\s*[0-9])", re.I)),
    (
        "km",
        re.compile(rf"(?:ថ្ងៃទី\s*)?([0-9០-៩]{{1,2}})\s*ខែ\s*({_KM})\s*(?:ឆ្នាំ\s*)?([0-9០-៩]{{4}})?"),
    ),
]


def _day(text: str) -> int:
    return int(re.sub(r"\D", "", text.translate(_KHMER_DIGITS)))


def _valid(year: int | None, month: int, day: int | None) -> str | None:
    if not 1 <= month <= 12:
        return None
    if day is not None:
        if not 1 <= day <= 31:
            return None
        if year is not None:
            iso = f"{year:04d}-{month:02d}-{day:02d}"
            try:
                model.PartialDate.parse(iso)
            except ValueError:
                return None
            return iso
        return f"--{month:02d}-{day:02d}"
    return f"{year:04d}-{month:02d}" if year is not None else None


def find_dates(text: str) -> list[str]:
    """Dates the text mentions, in order of first mention, each once."""
    found: list[tuple[int, str]] = []
    taken: list[tuple[int, int]] = []
    for kind, pattern in _PATTERNS:
        for m in pattern.finditer(text):
            if any(a < m.end() and m.start() < b for a, b in taken):
                continue
            g = m.groups()
            iso: str | None
            if kind == "dmy":
                iso = _valid(int(g[2]), _MONTHS[g[1].lower().rstrip(".")], _day(g[0]))
            elif kind == "mdy":
                iso = _valid(int(g[2]), _MONTHS[g[0].lower().rstrip(".")], _day(g[1]))
            elif kind == "iso":
                iso = _valid(int(g[0]), int(g[1]), int(g[2]))
            elif kind == "my":
                iso = _valid(int(g[1]), _MONTHS[g[0].lower().rstrip(".")], None)
            elif kind == "dm":
                iso = _valid(None, _MONTHS[g[1].lower().rstrip(".")], _day(g[0]))
            elif kind == "md":
                if g[0].lower() == "may" and not g[0][0].isupper():
                    continue  # "may 5 people" is not a date
                iso = _valid(None, _MONTHS[g[0].lower().rstrip(".")], _day(g[1]))
            else:
                year = int(g[2].translate(_KHMER_DIGITS)) if g[2] else None
                iso = _valid(year, _KHMER_MONTHS[g[1]], _day(g[0]))
            taken.append(m.span())  # an impossible date is no month-year mention either
            if iso is not None:
                found.append((m.start(), iso))
    found.sort()
    return list(dict.fromkeys(iso for _, iso in found))


__all__ = ["FUZZY_CUTOFF", "Hit", "Suggestions", "find_dates", "suggest"]
