"""Fixtures for the export tests: temporary copies of the bundled case file,
one with hostile strings added through ``Store.put``, and exports of them made
through the real command line (once per module)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from casefiles import model
from casefiles.store import Store
from tests.conftest import ROOT, run_cli

BUNDLED = ROOT / "data" / "casefiles.json"
ADHOC5 = "adhoc-5-witness-bribery"

HOSTILE_TITLE = (
    '=HYPERLINK("http://evil.example/","[x](javascript:alert(1))") <img src=x onerror=alert(1)>'
)
HOSTILE_NAME = "+cmd|' /C calc'!A0 [^1] *bold* `code` $x$"
HOSTILE_SUMMARY = (
    "\t-2+3 starts with a tab\n\n# not a heading\n- not an item\n1. not a list\n"
    "<script>alert(1)</script>"
)
HOSTILE_QUOTE = "@SUM(A1:A9) ![img](http://evil.example/x.png)"
HOSTILE_LABEL = "-1 day [link](http://evil.example/)"


def copy_bundled(folder: Path) -> Path:
    """A private copy of the bundled store file (no articles: exports do not read them)."""
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / "casefiles.json"
    shutil.copyfile(BUNDLED, target)
    return target


def add_hostile(path: Path) -> None:
    """Add a case and a party whose strings try formulas, links, HTML and markup."""
    store = Store.load(path)
    store.put(
        model.PARTIES,
        {"id": "hostile-party", "kind": "person", "name": HOSTILE_NAME},
        reason="export test",
    )
    store.put(
        model.CASES,
        {
            "id": "hostile-case",
            "title": HOSTILE_TITLE,
            "status": "open",
            "country": "@Cambodia",
            "summary": HOSTILE_SUMMARY,
            "tags": ["-tag", "a|b"],
            "participants": [
                {
                    "party": "hostile-party",
                    "role": "defendant",
                    "cites": [{"source": "s01", "quote": HOSTILE_QUOTE}],
                }
            ],
            "events": [
                {
                    "date": "2020-01-02",
                    "label": HOSTILE_LABEL,
                    "kind": "arrest",
                    "party": "hostile-party",
                    "cites": [{"source": "s01", "note": "=1+1"}],
                }
            ],
            "related": [ADHOC5],
        },
        reason="export test",
    )


@pytest.fixture(scope="module")
def hostile_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the bundled store with the hostile case and party (in its change log)."""
    path = copy_bundled(tmp_path_factory.mktemp("hostile"))
    add_hostile(path)
    return path


def export(store: Path, fmt: str, out: Path, *extra: str) -> Path:
    """Run ``casefiles export`` and insist it succeeds."""
    result = run_cli("export", "--store", str(store), "--format", fmt, "--out", str(out), *extra)
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    assert result.stdout.startswith("wrote "), result.stdout
    return out
