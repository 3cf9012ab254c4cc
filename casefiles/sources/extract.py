"""Main text and metadata of a captured document.

HTML goes through trafilatura (main text without navigation, comments, share
boxes; title, author) and htmldate for the publication date, looking only at
the page's own date markup (no guessing from the text or the URL's look).  When
trafilatura finds no title, the page's ``<title>`` is used; when no date is
marked, there is no date.  Plain text is taken as it is; PDFs go through
pypdf.  Every string is cleaned of control characters and escape sequences
(the original bytes stay untouched in the WARC file).
"""

from __future__ import annotations

import html
import io
import logging
import re
import unicodedata
from dataclasses import dataclass
from typing import Final

from casefiles.sources.fetch import NOT_ARTICLE, CaptureError, Original
from casefiles.textsafe import clip, literal, refused_in_text, strip_refused

MAX_TITLE: Final = 300
MAX_PDF_PAGES: Final = 2_000
MAX_PDF_TEXT: Final = 10_000_000
"""Characters of PDF text after which the remaining pages are left out."""
MIN_TEXT_CHARS: Final = 20

# Library warnings must not reach the user's terminal as stray lines.
for _name in ("trafilatura", "htmldate", "courlan", "pypdf", "charset_normalizer", "justext"):
    logging.getLogger(_name).setLevel(logging.CRITICAL)

_ANSI: Final = re.compile(r"\x1b(?:\[[0-?]*[ -/]*[@-~]|\][^\x07\x1b]*(?:\x07|\x1b\\)?|[@-Z\\-_])")
_META_CHARSET: Final = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([a-zA-Z0-9_.:-]+)""", re.I)
_DATE_OK: Final = re.compile(r"^\d{4}-\d{2}-\d{2}$")


@dataclass(frozen=True, slots=True)
class Extracted:
    """The readable part of a document."""

    text: str
    title: str | None
    author: str | None
    date: str | None
    """Publication date as ``YYYY-MM-DD`` when the document marks one."""
    language: str | None
    cleaned: bool = False
    """Whether escape sequences or control characters were removed (the WARC
    keeps the document as it came)."""


def has_unsafe(text: str) -> bool:
    """Whether ``text`` holds an escape sequence or a control character that
    ``clean_text`` removes."""
    return refused_in_text(text) is not None


def clean_text(text: str) -> str:
    """``text`` without escape sequences and control characters (tab/newline kept),
    line ends as ``\\n``, NFC-normalised."""
    text = _ANSI.sub("", text).replace("\r\n", "\n").replace("\r", "\n")
    return unicodedata.normalize("NFC", strip_refused(text))


def clean_line(text: str | None, limit: int = MAX_TITLE) -> str | None:
    """One line of metadata: cleaned, whitespace collapsed, clipped; ``None`` if empty."""
    if not text:
        return None
    line = " ".join(clean_text(text).split())
    return clip(line, limit) or None


def decode(orig: Original) -> str:
    """The document as text: the declared charset (HTTP header, else ``<meta>``), else
    UTF-8, else windows-1252.  A document that breaks its declared charset is refused."""
    body = orig.body
    if body.startswith(b"\xef\xbb\xbf"):
        body = body[3:]
        declared: str | None = "utf-8"
    else:
        declared = orig.charset
        if declared is None and orig.kind == "html":
            m = _META_CHARSET.search(body[:4096])
            if m:
                declared = m.group(1).decode("ascii", "replace").lower()
    if declared:
        try:
            codec = _codec(declared)
        except LookupError:
            codec = None
        if codec is not None:
            try:
                return body.decode(codec)
            except UnicodeDecodeError as exc:
                raise CaptureError(
                    NOT_ARTICLE,
                    f"{literal(clip(orig.source, 120))}: declared as {literal(declared)} but "
                    f"byte 0x{body[exc.start]:02x} at offset {exc.start} is not valid "
                    f"{literal(declared)}",
                ) from None
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError:
        return body.decode("cp1252", errors="replace")


def _codec(name: str) -> str:
    import codecs

    info = codecs.lookup(name)
    # Browsers read latin-1 and ascii labels as windows-1252 (WHATWG Encoding).
    if info.name in ("latin-1", "iso8859-1", "ascii"):
        return "cp1252"
    return info.name


def extract(orig: Original) -> Extracted:
    """Main text and metadata of a captured document; ``CaptureError`` when there is none."""
    if orig.kind == "pdf":
        result = _pdf(orig)
    elif orig.kind == "text":
        raw = decode(orig)
        text = clean_text(raw).strip()
        first = next((ln for ln in text.splitlines() if ln.strip()), "")
        result = Extracted(text, clean_line(first, 200), None, None, None, has_unsafe(raw))
    else:
        try:
            result = _html(orig)
        except CaptureError:
            raise
        except Exception as exc:  # a parser surprise on hostile markup: not an article
            raise CaptureError(
                NOT_ARTICLE,
                f"{literal(clip(orig.source, 120))}: the page could not be read as HTML "
                f"({type(exc).__name__})",
            ) from None
    if len(result.text.strip()) < MIN_TEXT_CHARS:
        raise CaptureError(
            NOT_ARTICLE, f"{literal(clip(orig.source, 120))}: no article text found in the page"
        )
    return result


def _config() -> object:
    from copy import deepcopy

    from trafilatura.settings import DEFAULT_CONFIG

    config = deepcopy(DEFAULT_CONFIG)
    config["DEFAULT"]["extraction_timeout"] = "0"
    config["DEFAULT"]["extensive_date_search"] = "off"
    config["DEFAULT"]["min_extracted_size"] = "100"
    return config


_CONFIG: object | None = None


def _html(orig: Original) -> Extracted:
    import trafilatura

    global _CONFIG
    if _CONFIG is None:
        _CONFIG = _config()
    # Escape sequences go before parsing: lxml would drop the ESC and keep the rest
    # ("[2J") as text.
    raw = decode(orig)
    page = _ANSI.sub("", raw)
    url = orig.final_url or None
    doc = trafilatura.bare_extraction(
        page,
        url=url,
        include_comments=False,
        include_tables=True,
        include_images=False,
        include_links=False,
        with_metadata=True,
        date_extraction_params={"extensive_search": False, "original_date": True},
        config=_CONFIG,  # type: ignore[arg-type]
    )
    text = ""
    title = author = date = language = None
    if doc is not None and not isinstance(doc, dict):
        text = doc.text or ""
        title, author, language = doc.title, doc.author, doc.language
        date = doc.date
    if not text.strip():
        text = trafilatura.baseline(page)[1] if page.strip() else ""
    if not title:
        title = _page_title(orig.body, page)
    if date is None or not _DATE_OK.match(str(date)):
        date = _page_date(page)
    return Extracted(
        clean_text(text).strip(),
        clean_line(title),
        clean_line(author, 200),
        date,
        clean_line(language, 20) or _html_lang(page),
        has_unsafe(raw),
    )


def _page_title(body: bytes, page: str) -> str | None:
    m = re.search(r"<title[^>]*>(.*?)</title", page, re.I | re.S)
    if m is None:
        return None
    return html.unescape(re.sub(r"<[^>]*>", "", m.group(1)))


def _html_lang(page: str) -> str | None:
    m = re.search(r"<html[^>]*\blang\s*=\s*[\"']?([A-Za-z]{2,3})(?:[-_][A-Za-z0-9]+)?", page[:4096])
    return m.group(1).lower() if m else None


def _page_date(page: str) -> str | None:
    """A date the page's markup states (htmldate without its text-guessing search)."""
    try:
        from htmldate import find_date

        found = find_date(page, extensive_search=False, original_date=True)
    except Exception:  # htmldate on hostile markup: no date rather than a crash
        return None
    return found if isinstance(found, str) and _DATE_OK.match(found) else None


def _pdf(orig: Original) -> Extracted:
    from pypdf import PdfReader

    where = literal(clip(orig.source, 120))
    try:
        reader = PdfReader(io.BytesIO(orig.body))
        if reader.is_encrypted and not reader.decrypt(""):
            raise CaptureError(NOT_ARTICLE, f"{where}: the PDF is encrypted")
        pages: list[str] = []
        size = 0
        for i, page in enumerate(reader.pages):
            if i >= MAX_PDF_PAGES or size > MAX_PDF_TEXT:
                break
            pages.append(page.extract_text() or "")
            size += len(pages[-1])
        meta = reader.metadata
        title = meta.title if meta is not None else None
        author = meta.author if meta is not None else None
    except CaptureError:
        raise
    except Exception as exc:  # pypdf raises many kinds on broken files
        raise CaptureError(
            NOT_ARTICLE, f"{where}: not a readable PDF ({literal(clip(str(exc), 80))})"
        ) from None
    joined = "\n\n".join(p.strip() for p in pages)
    text = clean_text(joined)
    if not title:
        title = next((ln for ln in text.splitlines() if ln.strip()), None)
    unsafe = has_unsafe(joined) or has_unsafe(str(title or ""))
    return Extracted(text.strip(), clean_line(title), clean_line(author, 200), None, None, unsafe)


__all__ = ["Extracted", "clean_line", "clean_text", "decode", "extract", "has_unsafe"]
