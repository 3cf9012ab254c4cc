"""``casefiles import``: one URL or local file becomes a source with its capture.

Order of work, so that a failure leaves nothing behind: duplicate check by
URL (before any download), capture (fetch, hash, extract), duplicate check by
hash, files written under new names, then the source (and, with ``case``,
the case with a cite of it) committed to the store in one change.  When the
store refuses, the files are removed again.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final

from casefiles import model
from casefiles.sources.capture import Capture, Written, is_url, take, write_files
from casefiles.sources.dedupe import find_by_hash, find_by_url
from casefiles.sources.fetch import NOT_FOUND, REFUSED, CaptureError, Limits, check_url
from casefiles.sources.suggest import Suggestions, suggest
from casefiles.store import Change, Store, StoreError
from casefiles.textsafe import clip, literal

_LOOKS_LIKE_HOST: Final = re.compile(
    r"^(?:www\.)?[a-z0-9-]+(?:\.[a-z0-9-]+)*\.[a-z]{2,}(?:/|$)", re.I
)
_FILE_SUFFIXES: Final = frozenset({".html", ".htm", ".txt", ".text", ".md", ".pdf"})
MAX_ID_WORDS: Final = 6
MAX_ID_CHARS: Final = 48


@dataclass(slots=True)
class ImportResult:
    """What an import did."""

    id: str
    source: dict[str, Any]
    duplicate: str | None = None
    """``"url"`` or ``"hash"`` when an existing source was found instead."""
    capture: Capture | None = None
    case_linked: bool = False
    suggestions: Suggestions = field(default_factory=Suggestions)

    @property
    def text_chars(self) -> int:
        """Characters of extracted text (0 for a duplicate found by URL)."""
        return len(self.capture.extracted.text) if self.capture else 0

    def as_json(self) -> dict[str, Any]:
        """``{"id", "title", "date", "url", "sha256", "text_chars"}`` and extras."""
        src = self.source
        return {
            "id": self.id,
            "title": src.get("title"),
            "date": src.get("published"),
            "url": src.get("url") or src.get("final_url"),
            "sha256": self.capture.sha256 if self.capture else src.get("sha256"),
            "text_chars": self.text_chars,
            "duplicate": self.duplicate,
            "file": src.get("file"),
            "case": None,
            "suggestions": self.suggestions.as_json(),
        }

    def suggestions_lines(self) -> list[str]:
        """What the text mentions, one line per kind (none when nothing was found)."""
        s = self.suggestions
        out = []
        if s.parties:
            out.append("parties named: " + ", ".join(f"{h.name} ({h.id})" for h in s.parties))
        if s.courts:
            out.append("courts named: " + ", ".join(f"{h.name} ({h.id})" for h in s.courts))
        if s.dates:
            out.append("dates mentioned: " + ", ".join(s.dates))
        if s.cases:
            shown = ", ".join(f"{c} ({n} named)" for c, _, n in s.cases)
            out.append("cases of those parties: " + shown)
        return out


def slug(title: str) -> str:
    """An id stem from a title: ASCII words, lower case, joined by ``-``."""
    folded = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode("ascii")
    words = re.findall(r"[a-z0-9]+", folded.lower())
    out = ""
    for word in words[:MAX_ID_WORDS]:
        nxt = f"{out}-{word}" if out else word
        if len(nxt) > MAX_ID_CHARS:
            break
        out = nxt
    return out


def new_id(store: Store, title: str, sha256: str) -> str:
    """A free source id derived from the title (else from the hash)."""
    base = slug(title) or f"source-{sha256[:10]}"
    taken = store.table(model.SOURCES)
    candidate, n = base, 2
    while candidate in taken:
        candidate = f"{base}-{n}"
        n += 1
    return candidate


def source_doc(source_id: str, target: str, cap: Capture, written: Written) -> dict[str, Any]:
    """The new source document for a capture."""
    ext = cap.extracted
    title = ext.title
    if not title:
        title = Path(target).name if not is_url(target) else target
        title = clip(" ".join(title.split()), 200)
    doc: dict[str, Any] = {"id": source_id, "title": title}
    if is_url(target):
        doc["url"] = target
    else:
        doc["note"] = f"Imported from the local file {literal(Path(target).name)}."
    if ext.date:
        doc["published"] = ext.date
    if ext.author:
        doc["author"] = ext.author
    if ext.language:
        doc["language"] = ext.language
    if cap.original.kind == "pdf" and not is_url(target):
        doc["kind"] = "other"
    doc["file"] = written.text
    doc["warc"] = written.warc
    doc.update(cap.fields())
    return doc


def _reason(what: str, target: str) -> str:
    """The change-log reason of an import (one line, escapes shown, clipped)."""
    return clip(f"casefiles import {what}: {literal(target)}", 500)


def _cited_case(store: Store, case_id: str, source_id: str) -> dict[str, Any] | None:
    """The case with a cite of the source added, or ``None`` when it cites it already."""
    case = store.get(model.CASES, case_id)
    assert case is not None
    cites = list(case.get("cites") or [])
    if any(c.get("source") == source_id for c in cites):
        return None
    return {**case, "cites": [*cites, {"source": source_id}]}


def import_source(
    store: Store, target: str, *, case: str | None = None, limits: Limits | None = None
) -> ImportResult:
    """Capture ``target`` (URL or path) into ``store``; ``CaptureError`` or
    ``StoreError`` when it cannot, with nothing left behind."""
    if case is not None and store.get(model.CASES, case) is None:
        raise StoreError(f"no case with id {literal(case)!r} in {literal(str(store.path))}")
    sources = store.table(model.SOURCES)
    if is_url(target):
        check_url(target)
        existing = find_by_url(sources.values(), target)
        if existing is not None:
            return _existing(store, existing, "url", case)
    elif target.startswith("-"):
        raise CaptureError(REFUSED, f"{literal(target)}: not a URL or a file")
    elif (
        not Path(target).exists()
        and _LOOKS_LIKE_HOST.match(target)
        and ("/" in target or Path(target).suffix.lower() not in _FILE_SUFFIXES)
    ):
        raise CaptureError(
            NOT_FOUND,
            f"{literal(target)}: no such file (for a web page, give the whole URL: "
            f"https://{literal(target)})",
        )
    cap = take(target, limits)
    urls = [u for u in (cap.original.final_url,) if u]
    how = "hash"
    existing = find_by_hash(sources.values(), cap.sha256)
    if existing is None and urls:
        how, existing = "url", find_by_url(sources.values(), *urls)
    if existing is not None:
        result = _existing(store, existing, how, case)
        result.capture = cap
        return result
    source_id = new_id(store, cap.extracted.title or "", cap.sha256)
    written = write_files(store.folder, source_id, cap)
    doc = source_doc(source_id, target, cap, written)
    changes: list[Change] = [("put", model.SOURCES, doc)]
    cited = _cited_case(store, case, source_id) if case is not None else None
    if cited is not None:
        changes.append(("put", model.CASES, cited))
    try:
        # The source and the case's cite together, or neither.
        store.commit(changes, reason=_reason("new source", target))
    except BaseException:
        written.remove()
        raise
    result = ImportResult(source_id, doc, capture=cap, case_linked=cited is not None)
    result.suggestions = suggest(store, cap.extracted.text)
    return result


def _existing(store: Store, source_id: str, how: str, case: str | None) -> ImportResult:
    doc = dict(store.get(model.SOURCES, source_id) or {})
    cited = _cited_case(store, case, source_id) if case is not None else None
    if cited is not None:
        store.put(model.CASES, cited, reason=_reason("cite existing source", source_id))
    return ImportResult(source_id, doc, duplicate=how, case_linked=cited is not None)


__all__ = ["ImportResult", "import_source", "new_id", "slug", "source_doc"]
