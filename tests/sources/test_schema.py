"""The chain-of-custody fields of a source, as validation checks them."""

from __future__ import annotations

from typing import Any

from casefiles import model
from casefiles.validate import validate

GOOD: dict[str, Any] = {
    "id": "s1",
    "title": "A captured page",
    "url": "https://example.org/a",
    "file": "articles/s1.txt",
    "warc": "warc/s1.warc.gz",
    "sha256": "ab" * 32,
    "captured": "2026-11-30T17:42:39Z",
    "final_url": "https://example.org/a?page=1",
    "http_status": 200,
    "content_type": "text/html; charset=utf-8",
    "tool": "casefiles 0.1.0 (httpx 0.28.1)",
    "author": "Sok Dara",
    "recaptures": [
        {
            "captured": "2026-12-01T08:00:00Z",
            "sha256": "cd" * 32,
            "file": "articles/s1.20261201T080000Z.txt",
            "warc": "warc/s1.20261201T080000Z.warc.gz",
        }
    ],
}


def problems(doc: dict[str, Any]) -> list[str]:
    data = {
        model.META: {"1": {"schema_version": model.SCHEMA_VERSION}},
        model.SOURCES: {"1": doc},
    }
    return [str(p) for p in validate(data, "x.json")]


def test_a_captured_source_is_valid() -> None:
    assert problems(GOOD) == []


def test_bad_custody_fields_are_named() -> None:
    bad = {
        **GOOD,
        "sha256": "AB" * 32,
        "captured": "2026-11-30 17:42",
        "http_status": "200",
        "warc": "/etc/passwd",
        "final_url": "file:///etc/passwd",
        "recaptures": [{"sha256": "x", "file": "../out.txt"}],
    }
    found = "\n".join(problems(bad))
    for where in (
        "sources[s1].sha256: expected 64 lower-case hex digits",
        "sources[s1].captured: expected a UTC time like",
        "sources[s1].http_status: expected a whole number",
        "sources[s1].warc: expected a relative path",
        "sources[s1].final_url: expected an http(s) URL",
        "sources[s1].recaptures[0].sha256:",
        "sources[s1].recaptures[0].file: expected a relative path",
    ):
        assert where in found, (where, found)
