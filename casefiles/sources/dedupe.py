"""Is this source already in the store?  URL normalisation and hash lookup.

Two URLs are the same source when they differ only in scheme, host case, a
``www.``/``m.``/``amp.`` host prefix, tracking parameters (courlan's strict
cleaning: ``utm_*``, ``fbclid`` …), the order of the other query parameters,
a trailing slash or a fragment.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from typing import Any, Final
from urllib.parse import parse_qsl, urlencode, urlsplit

_HOST_PREFIXES: Final = ("www.", "m.", "mobile.", "amp.")


def url_key(url: str) -> str:
    """A comparison key for ``url``: equal keys mean the same page."""
    from courlan import normalize_url

    try:
        cleaned = normalize_url(url, strict=True)
    except Exception:  # courlan on a malformed URL: fall back to the raw one
        cleaned = url
    try:
        parts = urlsplit(cleaned)
        host = (parts.hostname or "").lower()
        port = parts.port
    except ValueError:
        return url.strip().lower()
    for prefix in _HOST_PREFIXES:
        if host.startswith(prefix) and host.count(".") >= 2:
            host = host[len(prefix) :]
            break
    if port and port not in (80, 443):
        host += f":{port}"
    path = parts.path.rstrip("/") or "/"
    query = urlencode(sorted(parse_qsl(parts.query, keep_blank_values=True)))
    return f"{host}{path}" + (f"?{query}" if query else "")


def source_urls(source: Mapping[str, Any]) -> Iterator[str]:
    """Every URL a source is known by: its URL, and the final URL of each capture."""
    for key in ("url", "final_url"):
        value = source.get(key)
        if isinstance(value, str):
            yield value
    for cap in source.get("recaptures", ()) or ():
        if isinstance(cap, dict) and isinstance(cap.get("final_url"), str):
            yield cap["final_url"]


def source_hashes(source: Mapping[str, Any]) -> Iterator[str]:
    """Every SHA-256 recorded for a source's captures."""
    value = source.get("sha256")
    if isinstance(value, str):
        yield value
    for cap in source.get("recaptures", ()) or ():
        if isinstance(cap, dict) and isinstance(cap.get("sha256"), str):
            yield cap["sha256"]


def find_by_url(sources: Iterable[Mapping[str, Any]], *urls: str) -> str | None:
    """The id of a source known by one of ``urls`` (after normalisation), if any."""
    wanted = {url_key(u) for u in urls if u}
    if not wanted:
        return None
    for source in sources:
        for known in source_urls(source):
            if url_key(known) in wanted:
                return str(source["id"])
    return None


def find_by_hash(sources: Iterable[Mapping[str, Any]], sha256: str) -> str | None:
    """The id of a source with a capture of exactly these bytes, if any."""
    for source in sources:
        if sha256 in source_hashes(source):
            return str(source["id"])
    return None


__all__ = ["find_by_hash", "find_by_url", "source_hashes", "source_urls", "url_key"]
