"""Fetching one page over http(s) with limits, and reading one local file.

``fetch(url, limits)`` follows at most ``limits.max_redirects`` redirects by
hand (each hop must stay on ``http``/``https``; a loop is refused), stops
reading as soon as the *decoded* body passes ``limits.max_bytes`` (so a gzip
bomb or an endless chunked stream costs at most the cap), gives up when a
read stalls for ``limits.timeout`` seconds or the whole exchange takes longer
than ``limits.deadline``, and accepts only the content types an article can
have (HTML, plain text, PDF).

Every failure is a ``CaptureError`` whose ``outcome`` is one of ``OUTCOMES``
and whose message is one readable line.  The ``Original`` returned keeps the
bytes as they came over the wire (content-encoding left on, for the WARC
record) and the decoded document (what is hashed and extracted).
"""

from __future__ import annotations

import mimetypes
import time
import zlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Final
from urllib.parse import urljoin, urlsplit

from casefiles.textsafe import clip, literal

DEFAULT_MAX_BYTES: Final = 20 * 1024 * 1024
DEFAULT_TIMEOUT: Final = 20.0
MAX_REDIRECTS: Final = 5

#: Why a capture did not happen (besides ``captured``), as shown in the archive table.
NOT_FOUND: Final = "not found"
REFUSED: Final = "refused"
TOO_BIG: Final = "too big"
NOT_ARTICLE: Final = "not an article"
FAILED: Final = "failed"
OUTCOMES: Final = (NOT_FOUND, REFUSED, TOO_BIG, NOT_ARTICLE, FAILED)

#: Media types an article can have, and the kind of text extraction each gets.
ARTICLE_TYPES: Final[dict[str, str]] = {
    "text/html": "html",
    "application/xhtml+xml": "html",
    "text/plain": "text",
    "application/pdf": "pdf",
}
USER_AGENT: Final = "casefiles-capture (+https://github.com/; evidence preservation)"


class CaptureError(Exception):
    """A page or file could not be captured; ``str()`` is one line for the user."""

    def __init__(self, outcome: str, message: str) -> None:
        super().__init__(message)
        self.outcome = outcome


@dataclass(frozen=True, slots=True)
class Limits:
    """How much a capture may cost."""

    max_bytes: int = DEFAULT_MAX_BYTES
    """Largest document accepted, after content decoding."""
    timeout: float = DEFAULT_TIMEOUT
    """Longest wait for a connection or for the next bytes."""
    deadline: float | None = None
    """Longest time for the whole exchange (default: three times ``timeout``)."""
    max_redirects: int = MAX_REDIRECTS
    allow_private: bool = False
    """Also fetch from this machine (loopback) and private or link-local networks.
    Off by default: a case file from someone else must not make ``archive`` read
    a router's admin page or a cloud metadata service into the store."""

    @property
    def total(self) -> float:
        """The wall-clock limit of one capture in seconds."""
        return self.deadline if self.deadline is not None else 3 * self.timeout


@dataclass(frozen=True, slots=True)
class Original:
    """What was captured: the document and how it came."""

    source: str
    """The URL asked for, or the local file's path."""
    final_url: str | None
    """The URL that answered after redirects (``None`` for a local file)."""
    status: int | None
    reason: str
    http_version: str
    headers: list[tuple[str, str]]
    """Response headers as received (empty for a local file)."""
    content_type: str
    """The Content-Type header as received (or guessed for a local file)."""
    media_type: str
    """The bare media type, lower case (``text/html``)."""
    charset: str | None
    """The charset the server declared, if any."""
    wire: bytes
    """The body as sent (still content-encoded); the file's bytes for a local file."""
    body: bytes
    """The decoded document: what is hashed, extracted and deduplicated."""
    redirects: list[str] = field(default_factory=list)

    @property
    def kind(self) -> str:
        """``html``, ``text`` or ``pdf``."""
        return ARTICLE_TYPES[self.media_type]


def parse_content_type(value: str) -> tuple[str, str | None]:
    """``("text/html", "utf-8")`` from ``text/html; charset=UTF-8``."""
    parts = value.split(";")
    media = parts[0].strip().lower()
    charset = None
    for part in parts[1:]:
        key, _, val = part.partition("=")
        if key.strip().lower() == "charset":
            charset = val.strip().strip("\"'").lower() or None
    return media, charset


def sniff(body: bytes) -> str | None:
    """The media type the first bytes show, if they show one."""
    head = body[:1024].lstrip()
    if head.startswith(b"%PDF-"):
        return "application/pdf"
    lower = head[:512].lower()
    if lower.startswith((b"<!doctype html", b"<html", b"<head", b"<body", b"<?xml")) or (
        b"<html" in lower
    ):
        return "text/html"
    return None


def _check_type(media: str, body: bytes, where: str) -> str:
    """The media type to extract as; ``CaptureError`` when it is not an article."""
    if media in ("", "application/octet-stream"):
        media = sniff(body) or media
    if media not in ARTICLE_TYPES:
        shown = literal(clip(media, 60)) or "none"
        raise CaptureError(
            NOT_ARTICLE,
            f"{where}: content type {shown} is not an article (HTML, plain text or PDF)",
        )
    if media == "application/pdf" and not body.lstrip()[:5] == b"%PDF-":
        raise CaptureError(NOT_ARTICLE, f"{where}: declared as a PDF but is not one")
    return media


class _Decoder:
    """Content-decoding with a cap on the output (gzip/deflate/identity)."""

    def __init__(self, encoding: str, cap: int, where: str) -> None:
        enc = encoding.strip().lower()
        self.where = where
        self.cap = cap
        self.out = bytearray()
        if enc in ("", "identity"):
            self.z: zlib._Decompress | None = None
        elif enc in ("gzip", "x-gzip", "deflate"):
            # 47: zlib or gzip header, detected; deflate servers sometimes send raw.
            self.z = zlib.decompressobj(47)
            self.raw_deflate = enc == "deflate"
        else:
            raise CaptureError(
                REFUSED, f"{where}: unsupported content encoding {literal(clip(enc, 30))}"
            )

    def feed(self, chunk: bytes) -> None:
        if self.z is None:
            self.out += chunk
        else:
            room = self.cap + 1 - len(self.out)
            try:
                self.out += self.z.decompress(chunk, room)
            except zlib.error:
                if self.raw_deflate and not self.out:
                    self.z = zlib.decompressobj(-15)
                    self.raw_deflate = False
                    self.feed(chunk)
                    return
                raise CaptureError(
                    REFUSED, f"{self.where}: the compressed body is corrupt"
                ) from None
        if len(self.out) > self.cap:
            raise CaptureError(
                TOO_BIG, f"{self.where}: larger than the {_size(self.cap)} limit (stopped reading)"
            )


def _size(n: int) -> str:
    if n >= 1024 * 1024:
        return f"{n / (1024 * 1024):g} MB"
    if n >= 1024:
        return f"{n / 1024:g} KB"
    return f"{n} bytes"


def check_url(url: str) -> str:
    """``url`` if it is an http(s) URL with a host that the store accepts
    (``casefiles.links``); ``CaptureError`` (refused) otherwise."""
    from casefiles.links import url_problem

    try:
        parts = urlsplit(url)
    except ValueError:
        raise CaptureError(REFUSED, f"{literal(clip(url, 120))}: not a valid URL") from None
    if parts.scheme.lower() not in ("http", "https"):
        scheme = literal(clip(parts.scheme, 20)) or "none"
        raise CaptureError(
            REFUSED,
            f"{literal(clip(url, 120))}: only http and https URLs are fetched (scheme {scheme})",
        )
    if not parts.hostname:
        raise CaptureError(REFUSED, f"{literal(clip(url, 120))}: the URL has no host")
    problem = url_problem(url)
    if problem is not None:
        raise CaptureError(REFUSED, f"{literal(clip(url, 120))}: {problem}")
    return url


def check_host(url: str, allow_private: bool) -> None:
    """Refuse a URL whose host is (or resolves to) an address on this machine or
    a private, link-local or reserved network, unless ``allow_private``."""
    import ipaddress
    import socket

    if allow_private:
        return
    parts = urlsplit(url)
    host = parts.hostname or ""
    where = literal(clip(url, 120))
    try:
        addresses = [ipaddress.ip_address(host)]
    except ValueError:
        try:
            infos = socket.getaddrinfo(host, parts.port or None, proto=socket.IPPROTO_TCP)
        except (OSError, UnicodeError):
            raise CaptureError(
                FAILED, f"{where}: cannot find the host {literal(clip(host, 60))}"
            ) from None
        addresses = [ipaddress.ip_address(str(info[4][0]).split("%")[0]) for info in infos]
    for address in addresses:
        if not address.is_global or address.is_multicast:
            raise CaptureError(
                REFUSED,
                f"{where}: {address} is on this machine or a private network; not fetched "
                "(--allow-private fetches it)",
            )


def fetch(url: str, limits: Limits | None = None) -> Original:
    """Download one http(s) document within ``limits``; ``CaptureError`` says why not."""
    import httpx

    limits = limits or Limits()
    check_url(url)
    where = literal(clip(url, 120))
    start = time.monotonic()
    timeout = httpx.Timeout(limits.timeout)
    headers = {
        "User-Agent": USER_AGENT,
        "Accept": "text/html,application/xhtml+xml,text/plain,application/pdf;q=0.9,*/*;q=0.1",
        "Accept-Encoding": "gzip, deflate",
    }
    seen = {url}
    redirects: list[str] = []
    current = url
    try:
        with httpx.Client(timeout=timeout, follow_redirects=False, headers=headers) as client:
            while True:
                check_host(current, limits.allow_private)
                with client.stream("GET", current) as resp:
                    location = resp.headers.get("location", "").strip()
                    if resp.is_redirect and location:
                        target = urljoin(current, location)
                        if len(redirects) >= limits.max_redirects:
                            raise CaptureError(
                                REFUSED,
                                f"{where}: more than {limits.max_redirects} redirects",
                            )
                        if urlsplit(target).scheme.lower() not in ("http", "https"):
                            raise CaptureError(
                                REFUSED,
                                f"{where}: redirected to a non-http(s) URL "
                                f"({literal(clip(target, 80))}); not followed",
                            )
                        check_url(target)
                        if target in seen:
                            raise CaptureError(REFUSED, f"{where}: redirect loop")
                        seen.add(target)
                        redirects.append(target)
                        current = target
                        continue
                    return _read(resp, url, current, redirects, limits, start)
    except CaptureError:
        raise
    except httpx.TimeoutException:
        raise CaptureError(
            FAILED, f"{where}: no answer within {limits.timeout:g} s (timed out)"
        ) from None
    except httpx.TooManyRedirects:  # pragma: no cover - redirects are followed by hand
        raise CaptureError(REFUSED, f"{where}: too many redirects") from None
    except httpx.InvalidURL as exc:
        raise CaptureError(REFUSED, f"{where}: invalid URL: {literal(str(exc))}") from None
    except httpx.UnsupportedProtocol:
        raise CaptureError(REFUSED, f"{where}: only http and https URLs are fetched") from None
    except httpx.ConnectError as exc:
        raise CaptureError(FAILED, f"{where}: cannot connect: {_reason(exc)}") from None
    except httpx.HTTPError as exc:
        raise CaptureError(FAILED, f"{where}: {_reason(exc)}") from None


def _reason(exc: BaseException) -> str:
    text = str(exc) or type(exc).__name__
    return literal(clip(" ".join(text.split()), 160))


def _read(
    resp: object, url: str, final: str, redirects: list[str], limits: Limits, start: float
) -> Original:
    import httpx

    assert isinstance(resp, httpx.Response)
    where = literal(clip(url, 120))
    status = resp.status_code
    if status in (404, 410):
        raise CaptureError(NOT_FOUND, f"{where}: HTTP {status} {literal(resp.reason_phrase)}")
    if status in (401, 403, 451):
        raise CaptureError(REFUSED, f"{where}: HTTP {status} {literal(resp.reason_phrase)}")
    if not 200 <= status < 300:
        raise CaptureError(FAILED, f"{where}: HTTP {status} {literal(resp.reason_phrase)}")
    content_type = resp.headers.get("content-type", "")
    media, charset = parse_content_type(content_type)
    if media and media not in ARTICLE_TYPES and media != "application/octet-stream":
        raise CaptureError(
            NOT_ARTICLE,
            f"{where}: content type {literal(clip(media, 60))} is not an article "
            "(HTML, plain text or PDF)",
        )
    declared = resp.headers.get("content-length", "")
    if declared.strip().isdigit() and int(declared) > limits.max_bytes:
        raise CaptureError(
            TOO_BIG,
            f"{where}: {_size(int(declared))} declared, larger than the "
            f"{_size(limits.max_bytes)} limit (not downloaded)",
        )
    decoder = _Decoder(resp.headers.get("content-encoding", ""), limits.max_bytes, where)
    wire = bytearray()
    for chunk in resp.iter_raw():
        wire += chunk
        if len(wire) > limits.max_bytes:
            raise CaptureError(
                TOO_BIG,
                f"{where}: larger than the {_size(limits.max_bytes)} limit (stopped reading)",
            )
        decoder.feed(chunk)
        if time.monotonic() - start > limits.total:
            raise CaptureError(
                FAILED,
                f"{where}: still downloading after {limits.total:g} s (gave up)",
            )
    body = bytes(decoder.out)
    media = _check_type(media, body, where)
    version = resp.http_version or "HTTP/1.1"
    return Original(
        source=url,
        final_url=str(resp.url),
        status=status,
        reason=resp.reason_phrase,
        http_version=version,
        headers=[(k.decode("latin-1"), v.decode("latin-1")) for k, v in resp.headers.raw],
        content_type=content_type or media,
        media_type=media,
        charset=charset,
        wire=bytes(wire),
        body=body,
        redirects=list(redirects),
    )


def read_local(path: Path, limits: Limits | None = None) -> Original:
    """Read a local HTML, text or PDF file within the size limit."""
    limits = limits or Limits()
    where = literal(str(path))
    try:
        with path.open("rb") as fh:
            body = fh.read(limits.max_bytes + 1)
    except FileNotFoundError:
        raise CaptureError(NOT_FOUND, f"{where}: no such file") from None
    except IsADirectoryError:
        raise CaptureError(NOT_ARTICLE, f"{where}: is a folder, not a file") from None
    except OSError as exc:
        raise CaptureError(FAILED, f"{where}: cannot read: {exc.strerror or exc}") from None
    if len(body) > limits.max_bytes:
        raise CaptureError(TOO_BIG, f"{where}: larger than the {_size(limits.max_bytes)} limit")
    guessed = mimetypes.guess_type(path.name)[0] or ""
    media = sniff(body) or guessed
    if guessed == "application/pdf":
        media = guessed
    if not media and path.suffix.lower() in ("", ".txt", ".text", ".md"):
        media = "text/plain"
    media = _check_type(media, body, where)
    return Original(
        source=str(path),
        final_url=None,
        status=None,
        reason="",
        http_version="",
        headers=[],
        content_type=media,
        media_type=media,
        charset=None,
        wire=body,
        body=body,
    )


__all__ = [
    "ARTICLE_TYPES",
    "FAILED",
    "NOT_ARTICLE",
    "NOT_FOUND",
    "OUTCOMES",
    "REFUSED",
    "TOO_BIG",
    "CaptureError",
    "Limits",
    "Original",
    "check_host",
    "check_url",
    "fetch",
    "parse_content_type",
    "read_local",
    "sniff",
]
