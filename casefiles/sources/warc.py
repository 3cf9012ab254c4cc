"""The original bytes of a capture as a WARC file (ISO 28500, via warcio).

One gzipped WARC file per capture: a ``warcinfo`` record naming the capturing
tool, then for a page a ``request`` and a ``response`` record (status line,
headers and body exactly as received, content-encoding kept), or for a local
file a ``resource`` record with the file's bytes.  Each record carries a
``WARC-Date`` (the capture time) and warcio's block and payload digests; the
SHA-256 of the document is added as ``WARC-Payload-SHA256``-style metadata in
the warcinfo record so the file can be checked on its own.
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

from casefiles.sources.fetch import Original


def warc_bytes(orig: Original, *, captured: str, sha256: str, tool: str, filename: str) -> bytes:
    """The gzipped WARC file of one capture, in memory."""
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    buf = io.BytesIO()
    writer = WARCWriter(buf, gzip=True)
    info: dict[str, Any] = {
        "software": tool,
        "format": "WARC File Format 1.1",
        "conformsTo": "https://iipc.github.io/warc-specifications/",
        "casefiles-source": orig.source,
        "casefiles-document-sha256": sha256,
        "casefiles-content-type": orig.content_type,
    }
    if orig.redirects:
        info["casefiles-redirects"] = " ".join(orig.redirects)
    record = writer.create_warcinfo_record(filename, info)
    record.rec_headers.replace_header("WARC-Date", captured)
    writer.write_record(record)
    date = {"WARC-Date": captured}
    if orig.final_url is None:
        uri = Path(orig.source).resolve().as_uri()
        record = writer.create_warc_record(
            uri,
            "resource",
            payload=io.BytesIO(orig.wire),
            length=len(orig.wire),
            warc_content_type=orig.content_type,
            warc_headers_dict=date,
        )
        writer.write_record(record)
        return buf.getvalue()
    from urllib.parse import urlsplit

    parts = urlsplit(orig.final_url)
    path = parts.path or "/"
    if parts.query:
        path += "?" + parts.query
    request = StatusAndHeaders(
        f"GET {path} HTTP/1.1",
        [("Host", parts.netloc), ("Accept-Encoding", "gzip, deflate")],
        is_http_request=True,
    )
    req = writer.create_warc_record(
        orig.final_url,
        "request",
        payload=io.BytesIO(b""),
        length=0,
        http_headers=request,
        warc_headers_dict=date,
    )
    version = orig.http_version if orig.http_version.startswith("HTTP/") else "HTTP/1.1"
    status = StatusAndHeaders(
        f"{orig.status} {orig.reason}".strip(), list(orig.headers), protocol=version
    )
    resp = writer.create_warc_record(
        orig.final_url,
        "response",
        payload=io.BytesIO(orig.wire),
        length=len(orig.wire),
        http_headers=status,
        warc_headers_dict=date,
    )
    req.rec_headers.replace_header(
        "WARC-Concurrent-To", resp.rec_headers.get_header("WARC-Record-ID")
    )
    writer.write_record(req)
    writer.write_record(resp)
    return buf.getvalue()


def read_document(path: Path) -> bytes:
    """The decoded document in a WARC file written by ``warc_bytes`` (for checks)."""
    from warcio.archiveiterator import ArchiveIterator

    with path.open("rb") as fh:
        for record in ArchiveIterator(fh):
            if record.rec_type in ("response", "resource"):
                data: bytes = record.content_stream().read()
                return data
    return b""


__all__ = ["read_document", "warc_bytes"]
