"""``casefiles search`` through the real entry point: table, --json, exit codes,
and hostile data that must reach the terminal only as visible text."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from casefiles import model
from casefiles.store import Store

ROOT = Path(__file__).resolve().parents[2]
BUNDLED = ROOT / "data" / "casefiles.json"
MINIMAL = ROOT / "tests" / "data"


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "casefiles", "search", *args],
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
        timeout=120,
        cwd=ROOT,
    )


@pytest.fixture
def hostile_store(tmp_path: Path) -> Path:
    """The minimal store with markup in names and escape sequences in an article."""
    shutil.copytree(MINIMAL, tmp_path / "store")
    path = tmp_path / "store" / "minimal.json"
    store = Store.load(path)
    party = dict(store.table(model.PARTIES)["ana-vey"])
    party["name"] = "Ana [@click=app.quit]Vey[/]"
    party["aliases"] = ["[bold red]Ana Vey[/bold red]", "Ана Вей"]
    store.put(model.PARTIES, party)
    (tmp_path / "store" / "articles" / "src-a.txt").write_bytes(
        b"\x1b[2J\x1b[31mAna Vey\x1b[0m was convicted.\x1b]0;pwned\x07 Bell\x07 "
        b"CSI \x9b31m and \x1b[?1049h alt screen.\r\nSecond line \xff bad byte."
        + " utf-8 CSI \u009b31m, bidi \u202eoverride".encode()
    )
    return path


def test_plain_table(tmp_path: Path) -> None:
    result = run("--store", str(BUNDLED), "lim moni", "--limit", "3")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].startswith("party") and "lim-mony" in lines[0] and "Lim Mony" in lines[0]
    assert "[Lim] [Mony]" in result.stdout or "[Lim Mony]" in result.stdout
    assert lines[-1].startswith("3 hits")


def test_json_shape() -> None:
    result = run("--store", str(BUNDLED), "chhin malin", "--json", "--limit", "5")
    assert result.returncode == 0, result.stderr
    hits = json.loads(result.stdout)
    assert isinstance(hits, list) and 1 <= len(hits) <= 5
    for hit in hits:
        assert {"kind", "id", "title", "score", "field", "spans"} <= hit.keys()
        assert hit["kind"] in {"case", "party", "court", "source", "article"}
        assert isinstance(hit["score"], float)
        for a, b in hit["spans"]:
            assert 0 <= a < b <= len(hit["text"])
    assert (hits[0]["kind"], hits[0]["id"]) == ("party", "chin-malin")


def test_no_matches_is_success() -> None:
    result = run("--store", str(BUNDLED), "qqqxxzzv")
    assert result.returncode == 0
    assert "no matches" in result.stdout
    result = run("--store", str(BUNDLED), "qqqxxzzv", "--json")
    assert result.returncode == 0 and json.loads(result.stdout) == []


def test_filter_naming_nothing_says_so() -> None:
    result = run("--store", str(BUNDLED), "court:zzzz")
    assert result.returncode == 0
    assert "no matches" in result.stdout and "court" not in result.stdout.splitlines()[0][:6]
    assert "note: court:zzzz names no court" in result.stderr


def test_count_line_says_of_how_many() -> None:
    result = run("--store", str(BUNDLED), "sok", "--limit", "3")
    assert result.returncode == 0, result.stderr
    last = result.stdout.splitlines()[-1]
    assert last.startswith("3 of ") and last.endswith(" hits")


def test_the_index_is_kept_for_the_next_run() -> None:
    first = run("--store", str(BUNDLED), "kemsokha", "--json")
    kept = list((Path(os.environ["CASEFILES_CACHE_DIR"]) / "search-v1").glob("*.idx"))
    assert len(kept) == 1
    stamp = kept[0].stat().st_mtime_ns
    second = run("--store", str(BUNDLED), "kemsokha", "--json")
    assert second.stdout == first.stdout and second.returncode == 0
    assert kept[0].stat().st_mtime_ns >= stamp  # read (touched), not rebuilt under a new key
    assert list(kept[0].parent.glob("*.idx")) == kept


def test_malformed_query_exit_1_with_message() -> None:
    result = run("--store", str(BUNDLED), "year:2018..2016")
    assert result.returncode == 1
    assert "casefiles search: year:2018..2016: the range is reversed" in result.stderr
    assert "Traceback" not in result.stderr
    result = run("--store", str(BUNDLED), "bogus:x sokha", "--json")
    assert result.returncode == 1 and "unknown filter 'bogus:'" in result.stderr
    assert result.stdout == ""


def test_hostile_data_is_shown_literally(hostile_store: Path) -> None:
    for args in (("ana vey",), ("ana vey", "--json"), ("convicted",), ("kind:article bell",)):
        result = run("--store", str(hostile_store), *args)
        assert result.returncode == 0, result.stderr
        out = result.stdout + result.stderr
        assert "\x1b" not in out and "\x07" not in out and "\x9b" not in out
        assert "\u202e" not in out
        assert "\r" not in out
    table = run("--store", str(hostile_store), "kind:article convicted").stdout
    assert "\\x1b[31m" in table  # escapes shown as visible text
    plain = run("--store", str(hostile_store), "ana vey").stdout
    assert "Ana [@click=app.quit]Vey[/]" in plain
    hits = json.loads(run("--store", str(hostile_store), "kind:article convicted", "--json").stdout)
    assert hits[0]["kind"] == "article" and "\x1b" in hits[0]["text"]  # JSON keeps data exact
