"""The Markdown export: one dossier per case, formatted from its ``CaseView``.

Every fact carries numbered footnotes (``[^3]``) naming the source (publisher,
date, title, URL) and the quote and note of each cite; identical cites share
one footnote.  Facts that sources disagree on are marked where they stand and
listed again under *Sources disagree*, every version with its own footnotes.
The text is pandoc Markdown (also CommonMark with footnotes): ``pandoc -f
markdown-smart CASE.md -o CASE.docx`` (``-smart`` keeps quotes as the sources
wrote them).

Data never becomes markup: every string from the store has Markdown's
significant characters backslash-escaped (links, images, HTML, emphasis, code,
math, citations, footnote references), runs of whitespace collapsed to one
space (so no data starts a block of its own), leading list or heading markers
escaped, and unsafe characters shown as visible escapes.  A URL becomes a link
only when it is a valid http(s) URL (``casefiles.links``), as an autolink
``<…>``, which cannot hold ``<``, ``>`` or a space.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from typing import Final

from casefiles.caseview import CaseView, CiteView, Fact, SentenceView, SourceView
from casefiles.citation import fact_text
from casefiles.links import is_url
from casefiles.model import humanise
from casefiles.textsafe import literal

#: ASCII punctuation that means something somewhere in pandoc or CommonMark
#: Markdown, escaped wherever it appears in data.
_SPECIAL: Final = re.compile(r"([\\`*_{}\[\]<>()#+!|~^$&@])")
#: What would start a block at the start of a fragment: a bullet, a heading
#: underline, a definition, a title block.
_LEADING: Final = re.compile(r"^[-=:%.]")
#: An ordered-list marker at the start of a fragment (``1.``, ``a)``, ``(iv)``
#: with pandoc's fancy lists): its ``.`` or ``)`` gets escaped.
_LIST_MARK: Final = re.compile(r"^(?:\\\()?\w{1,9}(?=[.)])")
_SPACE: Final = re.compile(r"\s+")


def md(text: object) -> str:
    """Data as inline Markdown text: one line, every significant character escaped."""
    flat = literal(_SPACE.sub(" ", str(text)).strip())
    flat = _SPECIAL.sub(r"\\\1", flat)
    if _LEADING.match(flat):
        return "\\" + flat
    mark = _LIST_MARK.match(flat)
    if mark:
        flat = flat[: mark.end()] + "\\" + flat[mark.end() :]
    return flat


def md_paragraphs(text: str) -> list[str]:
    """Multi-line data as escaped paragraphs (blank lines separate them)."""
    return [md(p) for p in re.split(r"\n\s*\n", text) if p.strip()]


def md_url(url: str | None) -> str | None:
    """An autolink for a valid http(s) URL, escaped text otherwise."""
    if not url:
        return None
    if is_url(url) and not re.search(r"[\s<>]", url):
        return f"<{url}>"
    return md(url)


class Footnotes:
    """Numbered footnotes of one dossier: one per distinct cite."""

    def __init__(self) -> None:
        self._numbers: dict[tuple[str, str | None, str | None], int] = {}
        self._texts: list[str] = []

    def ref(self, cite: CiteView) -> str:
        """``[^n]`` for a cite, adding its footnote the first time."""
        key = (cite.source_id, cite.quote, cite.note)
        n = self._numbers.get(key)
        if n is None:
            n = len(self._texts) + 1
            self._numbers[key] = n
            self._texts.append(_cite_text(cite))
        return f"[^{n}]"

    def refs(self, cites: Iterable[CiteView]) -> str:
        """The footnote references of a fact's cites, or a note that there are none."""
        out = "".join(dict.fromkeys(self.ref(c) for c in cites))
        return out or " (no source cited)"

    def lines(self) -> list[str]:
        """The footnote definitions."""
        return [f"[^{i}]: {text}" for i, text in enumerate(self._texts, 1)]

    def __len__(self) -> int:
        return len(self._texts)


def source_line(source: SourceView) -> str:
    """``Publisher, 3 Mar 2023, *Title*, <URL>`` (escaped)."""
    parts = []
    if source.publisher:
        parts.append(md(source.publisher))
    parts.append(md(source.date_text))
    parts.append(f"*{md(source.title)}*")
    url = md_url(source.url)
    if url:
        parts.append(url)
    return ", ".join(parts)


def _cite_text(cite: CiteView) -> str:
    if cite.source is None:
        text = f"Source `{md(cite.source_id)}` (not in the store)"
    else:
        text = f"{source_line(cite.source)} (source {md(cite.source_id)})"
    if cite.quote:
        text += f". Quote: “{md(cite.quote)}”"
    if cite.note:
        text += f". Note: {md(cite.note)}"
    return text + "."


def _disputed(view: CaseView, fact: Fact) -> str:
    versions = view.versions(fact)
    if len(versions) < 2:
        return ""
    n = versions.index(fact) + 1 if fact in versions else 1
    return f" — ⚠ *sources disagree: version {n} of {len(versions)}*"


def _fact_item(view: CaseView, fact: Fact, notes: Footnotes, text: str | None = None) -> str:
    body = md(text if text is not None else fact_text(view, fact))
    return f"- {body}{notes.refs(fact.cites)}{_disputed(view, fact)}"


def _sentence_item(view: CaseView, s: SentenceView, notes: Footnotes) -> list[str]:
    lines = [_fact_item(view, s, notes)]
    details = [f"term {s.term.human()}"] if s.term else []
    details += [f"{label} {value}" for label, value in s.arithmetic()]
    if details:
        lines.append(f"    - {md('; '.join(details))}")
    return lines


def _section(title: str, items: Sequence[str]) -> list[str]:
    if not items:
        return []
    return [f"## {title}", "", *items, ""]


def case_markdown(view: CaseView) -> str:
    """The dossier of one case as pandoc Markdown."""
    notes = Footnotes()
    out = [f"# {md(view.title)}", ""]
    facts = [f"**Status:** {md(humanise(view.status))}"]
    if view.country:
        facts.append(f"**Country:** {md(view.country)}")
    if view.tags:
        facts.append(f"**Tags:** {md(', '.join(view.tags))}")
    facts.append(f"**Case id:** {md(view.id)}")
    out += [" · ".join(facts), ""]
    if view.summary:
        paragraphs = md_paragraphs(view.summary)
        out += [p + "\n" for p in paragraphs]
    if view.cites:
        out += [f"Sources for the case as a whole:{notes.refs(view.cites)}", ""]

    out += _section("Parties", [_fact_item(view, p, notes) for p in view.parties])
    out += _section("Charges", [_fact_item(view, c, notes) for c in view.charges])
    out += _section("Events and hearings", [_fact_item(view, e, notes) for e in view.events])
    out += _section(
        "Court levels",
        [_fact_item(view, r, notes, f"{r.level_text}: {fact_text(view, r)}") for r in view.ladder],
    )
    sentences: list[str] = []
    for s in view.sentences:
        sentences += _sentence_item(view, s, notes)
    out += _section("Sentences", sentences)

    disputes: list[str] = []
    for i, group in enumerate(view.conflicts.values(), 1):
        disputes += [f"### {i}. {md(group.key)}", ""]
        for j, fact in enumerate(group.facts, 1):
            disputes.append(
                f"- Version {j} ({md(fact.kind)}): {md(fact_text(view, fact))}"
                f"{notes.refs(fact.cites)}"
            )
        disputes.append("")
    if disputes:
        out += ["## Sources disagree", "", *disputes]

    out += _section(
        "Related cases",
        [f"- {md(r.title)} ({md(humanise(r.status))}; case id {md(r.id)})" for r in view.related],
    )
    out += _section(
        "Sources",
        [f"- {md(src.id)}: {source_line(src)}" for src in view.sources],
    )
    for line in notes.lines():  # a blank line between notes, as pandoc wants
        out += [line, ""]
    return "\n".join(out).rstrip("\n") + "\n"


__all__ = ["Footnotes", "case_markdown", "md", "md_paragraphs", "md_url", "source_line"]
