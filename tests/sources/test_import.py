"""``casefiles import``: capture, extraction, chain of custody, duplicates, and
the hostile pages (one clear line, exit 1, nothing half-written)."""

from __future__ import annotations

import gzip
import hashlib
import json
from pathlib import Path

import pytest

from casefiles import model
from casefiles.cli import main
from casefiles.sources.dedupe import url_key
from casefiles.sources.fetch import Limits
from casefiles.sources.importer import import_source
from casefiles.sources.warc import read_document
from casefiles.store import Store, StoreError
from casefiles.validate import validate
from tests.conftest import run_cli
from tests.sources.conftest import snapshot
from tests.sources.server import EVIL_TITLE, FIXTURES, PDF_LINES, FixtureServer, make_pdf

BOILERPLATE = [
    "Subscribe today",
    "weather warning",
    "Share this story",
    "Tweet this",
    "Totally unacceptable",
    "bookshop on Street 240",
    "street food stalls",
    "All rights reserved",
    "Comments (3)",
]


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def source(store_path: Path, source_id: str) -> dict:
    doc = Store.load(store_path).get(model.SOURCES, source_id)
    assert doc is not None
    return doc


def test_news_page_keeps_article_drops_boilerplate_and_records_custody(
    server: FixtureServer, bundled: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    url = server.url("/news.html")
    code, out, err = run(capsys, "--store", str(bundled), "import", url, "--json")
    assert code == 0, err
    data = json.loads(out)
    assert {"id", "title", "date", "url", "sha256", "text_chars"} <= data.keys()
    assert data["title"] == "Court upholds sentences of rights workers"
    assert data["date"] == "2022-11-24"
    assert data["url"] == url
    original = (FIXTURES / "news.html").read_bytes()
    assert data["sha256"] == hashlib.sha256(original).hexdigest()

    doc = source(bundled, data["id"])
    folder = bundled.parent
    text = (folder / doc["file"]).read_text(encoding="utf-8")
    assert data["text_chars"] == len(text.rstrip("\n"))
    for line in (FIXTURES / "news.expected.txt").read_text().splitlines():
        assert line in text
    for junk in BOILERPLATE:
        assert junk not in text, junk
    # Chain of custody: the WARC holds the original bytes, hashed as recorded.
    assert doc["file"].startswith("articles/") and doc["warc"].startswith("warc/")
    assert read_document(folder / doc["warc"]) == original
    assert doc["final_url"] == url and doc["http_status"] == 200
    assert doc["content_type"] == "text/html; charset=utf-8"
    assert doc["tool"].startswith("casefiles ") and "trafilatura" in doc["tool"]
    assert doc["captured"].endswith("Z") and len(doc["captured"]) == 20
    assert doc["author"] == "Sok Dara"
    # Suggestions: parties and courts in the text, and the dates it mentions.
    sugg = data["suggestions"]
    assert {"chin-malin", "kem-sokha"} <= {p["id"] for p in sugg["parties"]}
    assert {"sc", "coa", "ppmc"} <= {c["id"] for c in sugg["courts"]}
    assert "2022-11-23" in sugg["dates"]
    assert sugg["cases"][0]["id"] == "adhoc-5-witness-bribery"
    # The whole store, article files included, is still valid.
    raw = json.loads(bundled.read_text())
    assert validate(raw, "x") == []
    assert main(["--store", str(bundled), "validate"]) == 0


def test_readable_line_and_case_cite(
    server: FixtureServer, bundled: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(
        capsys,
        "--store",
        str(bundled),
        "import",
        server.url("/news.html"),
        "--case",
        "adhoc-5-witness-bribery",
    )
    assert code == 0, err
    first = out.splitlines()[0]
    assert first.startswith("imported court-upholds-sentences-of-rights-workers: ")
    assert "(2022-11-24)" in first and "cited on case adhoc-5-witness-bribery" in first
    assert "parties named:" in out and "Chin Malin (chin-malin)" in out
    case = Store.load(bundled).get(model.CASES, "adhoc-5-witness-bribery")
    assert case is not None
    assert {"source": "court-upholds-sentences-of-rights-workers"} in case["cites"]


def test_windows_1252_page(
    server: FixtureServer, empty_store: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(
        capsys, "--store", str(empty_store), "import", server.url("/cp1252.html"), "--json"
    )
    assert code == 0, err
    data = json.loads(out)
    assert data["title"].startswith("Déclaration commune sur le procès")
    assert data["date"] is None  # the page marks no date: none is guessed
    text = (empty_store.parent / source(empty_store, data["id"])["file"]).read_text()
    for line in (FIXTURES / "cp1252.expected.txt").read_text().splitlines():
        assert line in text
    assert "Mentions légales" not in text


def test_khmer_page_kept_intact_and_khmer_aliases_suggested(
    server: FixtureServer, bundled: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(
        capsys, "--store", str(bundled), "import", server.url("/khmer.html"), "--json"
    )
    assert code == 0, err
    data = json.loads(out)
    assert data["title"] == "តុលាការកំពូលតម្កល់ទោសសកម្មជន"
    assert data["id"].startswith("source-")
    text = (bundled.parent / source(bundled, data["id"])["file"]).read_text(encoding="utf-8")
    for line in (FIXTURES / "khmer.expected.txt").read_text(encoding="utf-8").splitlines():
        assert line in text
    assert "ទំព័រដើម" not in text  # navigation dropped
    ids = {p["id"] for p in data["suggestions"]["parties"]}
    assert {"chin-malin", "kem-sokha"} <= ids
    assert "2022-11-18" in data["suggestions"]["dates"]


def test_pdf_over_http_and_local_pdf_and_text(
    server: FixtureServer, empty_store: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(
        capsys, "--store", str(empty_store), "import", server.url("/doc.pdf"), "--json"
    )
    assert code == 0, err
    data = json.loads(out)
    assert data["title"] == "Court record"
    text = (empty_store.parent / source(empty_store, data["id"])["file"]).read_text()
    assert "to five years of imprisonment for bribing a witness." in text

    local = tmp_path / "judgment.pdf"
    local.write_bytes(make_pdf([*PDF_LINES, "Local copy."], title="Local judgment"))
    code, out, err = run(capsys, "--store", str(empty_store), "import", str(local), "--json")
    assert code == 0, err
    data = json.loads(out)
    doc = source(empty_store, data["id"])
    assert "url" not in doc and "judgment.pdf" in doc["note"]
    assert read_document(empty_store.parent / doc["warc"]) == local.read_bytes()
    assert doc["sha256"] == hashlib.sha256(local.read_bytes()).hexdigest()

    note = tmp_path / "note.txt"
    note.write_text("Hearing adjourned\nThe hearing was adjourned to 15 January 2021.\n")
    code, out, err = run(capsys, "--store", str(empty_store), "import", str(note), "--json")
    assert code == 0, err
    assert json.loads(out)["title"] == "Hearing adjourned"


def test_gzip_transfer_keeps_wire_bytes_hashes_document(
    server: FixtureServer, empty_store: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(
        capsys, "--store", str(empty_store), "import", server.url("/gzip.html"), "--json"
    )
    assert code == 0, err
    data = json.loads(out)
    original = (FIXTURES / "news.html").read_bytes()
    assert data["sha256"] == hashlib.sha256(original).hexdigest()
    warc = (empty_store.parent / source(empty_store, data["id"])["warc"]).read_bytes()
    assert b"Content-Encoding: gzip" in gzip.decompress(warc)
    assert read_document(empty_store.parent / source(empty_store, data["id"])["warc"]) == original


def test_duplicates_by_url_and_by_hash(
    server: FixtureServer, empty_store: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # Through a redirect with tracking parameters: the final URL is recorded.
    code, out, err = run(
        capsys, "--store", str(empty_store), "import", server.url("/moved"), "--json"
    )
    assert code == 0, err
    first = json.loads(out)
    assert source(empty_store, first["id"])["final_url"].endswith(
        "/news.html?utm_source=feed&utm_medium=rss"
    )
    before = snapshot(empty_store.parent)
    # The same page by its own URL (only tracking parameters differ): no new source.
    code, out, err = run(
        capsys, "--store", str(empty_store), "import", server.url("/news.html?utm_campaign=x")
    )
    assert code == 0, err
    assert out.startswith(f"already in the store as source {first['id']} (same URL)")
    # The same bytes from a local file: found by hash.
    code, out, err = run(
        capsys, "--store", str(empty_store), "import", str(FIXTURES / "news.html"), "--json"
    )
    assert code == 0, err
    again = json.loads(out)
    assert again["id"] == first["id"] and again["duplicate"] == "hash"
    assert snapshot(empty_store.parent) == before


def test_url_key_variants() -> None:
    key = url_key("https://www.phnompenhpost.com/national/story")
    assert url_key("http://phnompenhpost.com/national/story/") == key
    assert url_key("https://m.PhnomPenhPost.com/national/story?utm_source=fb#top") == key
    assert url_key("https://www.phnompenhpost.com/national/story?fbclid=abc") == key
    assert url_key("https://www.phnompenhpost.com/national/other") != key
    assert url_key("https://x.org/a?b=2&a=1") == url_key("https://x.org/a?a=1&b=2")


HOSTILE = [
    ("/big", [], "too big", "50 MB declared"),
    ("/big-undeclared", [], "too big", "limit (stopped reading)"),
    ("/endless", [], "too big", "stopped reading"),
    ("/bomb", [], "too big", "stopped reading"),
    ("/loop", [], "refused", "redirect loop"),
    ("/chain/0", [], "refused", "more than 5 redirects"),
    ("/to-file", [], "refused", "non-http(s) URL (file:///etc/passwd)"),
    ("/to-ftp", [], "refused", "non-http(s) URL (ftp://"),
    ("/bad-utf8", [], "not an article", "declared as utf-8 but byte 0xff"),
    ("/fake.pdf", [], "not an article", "declared as a PDF but is not one"),
    ("/image.png", [], "not an article", "content type image/png is not an article"),
    ("/empty.html", [], "not an article", "no article text found"),
    ("/404", [], "not found", "HTTP 404"),
    ("/500", [], "failed", "HTTP 500"),
    ("/300", [], "failed", "HTTP 300"),
    ("/slow", ["--timeout", "1"], "failed", "no answer within 1 s"),
    ("/trickle", ["--timeout", "0.5"], "failed", "still downloading after 1.5 s"),
]


@pytest.mark.parametrize(("path", "opts", "outcome", "words"), HOSTILE, ids=[h[0] for h in HOSTILE])
def test_hostile_one_line_exit_1_nothing_written(
    server: FixtureServer,
    empty_store: Path,
    capsys: pytest.CaptureFixture[str],
    path: str,
    opts: list[str],
    outcome: str,
    words: str,
) -> None:
    before = snapshot(empty_store.parent)
    code, out, err = run(capsys, "--store", str(empty_store), "import", server.url(path), *opts)
    assert code == 1
    assert out == ""
    lines = err.splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith("casefiles import: http://127.0.0.1:")
    assert words in lines[0], lines[0]
    assert "Traceback" not in err and "\x1b" not in err
    assert snapshot(empty_store.parent) == before
    assert not (empty_store.parent / "articles").exists()
    assert not (empty_store.parent / "warc").exists()


@pytest.mark.parametrize(
    ("target", "words"),
    [
        ("file:///etc/passwd", "only http and https URLs are fetched (scheme file)"),
        ("ftp://127.0.0.1/x", "only http and https URLs are fetched (scheme ftp)"),
        ("nope/missing.html", "no such file"),
        ("www.example.org/story", "give the whole URL: https://www.example.org/story"),
        ("report.pdf", "report.pdf: no such file"),
        ("tests/sources/fixtures", "is a folder"),
    ],
)
def test_refused_targets(
    empty_store: Path, capsys: pytest.CaptureFixture[str], target: str, words: str
) -> None:
    before = snapshot(empty_store.parent)
    code, out, err = run(capsys, "--store", str(empty_store), "import", target)
    assert code == 1 and out == ""
    assert len(err.splitlines()) == 1 and words in err, err
    assert snapshot(empty_store.parent) == before


def test_markup_and_escapes_in_title_are_cleaned_and_shown_literally(
    server: FixtureServer, empty_store: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(capsys, "--store", str(empty_store), "import", server.url("/evil-title"))
    assert code == 0, err
    assert err.startswith("casefiles import: note: the page held escape sequences")
    assert "\x1b" not in err
    assert "\x1b" not in out and "\x07" not in out and "\u202e" not in out
    doc = next(iter(Store.load(empty_store).table(model.SOURCES).values()))
    assert doc["title"] == "[bold red]Pwned[/] [@click=app.quit]x[/] evil"
    assert EVIL_TITLE.startswith("[bold red]Pwned[/]")
    # The WARC keeps the page exactly as served, escapes and all.
    assert b"\x1b[2J" in read_document(empty_store.parent / doc["warc"])


def test_size_cap_is_configurable(
    server: FixtureServer, empty_store: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = run(
        capsys,
        "--store",
        str(empty_store),
        "import",
        server.url("/news.html"),
        "--max-size",
        "0.001",
    )
    assert code == 1 and "declared, larger than the" in err


def test_unknown_case_refused_before_fetching(
    server: FixtureServer, bundled: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    before = snapshot(bundled.parent)
    code, _, err = run(
        capsys, "--store", str(bundled), "import", server.url("/news.html"), "--case", "nope"
    )
    assert code == 1 and "no case with id 'nope'" in err
    assert snapshot(bundled.parent) == before


def test_store_refusal_removes_the_files(server: FixtureServer, empty_store: Path) -> None:
    store = Store.load(empty_store)
    # The change log cannot be written (a folder stands in its place): the put is refused.
    (empty_store.parent / (empty_store.name + ".log")).mkdir()
    before = snapshot(empty_store.parent)
    with pytest.raises(StoreError):
        import_source(store, server.url("/news.html"), limits=Limits(allow_private=True))
    assert snapshot(empty_store.parent) == before
    assert not (empty_store.parent / "articles").exists()


def test_cli_end_to_end_in_a_subprocess(server: FixtureServer, empty_store: Path) -> None:
    ok = run_cli("--store", str(empty_store), "import", server.url("/plain.txt"), "--json")
    assert ok.returncode == 0, ok.stderr
    assert json.loads(ok.stdout)["text_chars"] > 100
    bad = run_cli("--store", str(empty_store), "import", server.url("/to-file"))
    assert bad.returncode == 1 and bad.stdout == ""
    assert len(bad.stderr.splitlines()) == 1 and "file:///etc/passwd" in bad.stderr


def test_unwritable_articles_folder(
    server: FixtureServer, empty_store: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (empty_store.parent / "articles").write_text("a file where the folder should be")
    before = snapshot(empty_store.parent)
    code, out, err = run(capsys, "--store", str(empty_store), "import", server.url("/news.html"))
    assert code == 1 and out == ""
    assert len(err.splitlines()) == 1 and "cannot write in" in err, err
    assert snapshot(empty_store.parent) == before
    assert not (empty_store.parent / "warc").exists()


def test_this_machine_and_private_networks_refused_by_default(
    server: FixtureServer,
    empty_store: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("CASEFILES_ALLOW_PRIVATE")
    before = snapshot(empty_store.parent)
    for url in (
        server.url("/news.html"),
        "http://10.1.2.3/",
        "http://[::1]:9/",
        "http://169.254.169.254/latest",
    ):
        code, out, err = run(capsys, "--store", str(empty_store), "import", url)
        assert code == 1 and out == "", url
        assert "is on this machine or a private network; not fetched" in err, err
    assert snapshot(empty_store.parent) == before
    code, _, err = run(
        capsys, "--store", str(empty_store), "import", server.url("/news.html"), "--allow-private"
    )
    assert code == 0, err


def test_statement_page_without_article_markup(
    server: FixtureServer, empty_store: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(
        capsys, "--store", str(empty_store), "import", server.url("/statement.html"), "--json"
    )
    assert code == 0, err
    data = json.loads(out)
    assert data["title"] == "Joint statement: end judicial harassment of land activists"
    text = (empty_store.parent / source(empty_store, data["id"])["file"]).read_text()
    for line in (FIXTURES / "statement.expected.txt").read_text().splitlines():
        assert line in text
    for junk in ("use cookies", "Donate now", "About us", "Sign up", "Share this", "Sophea",
                 "Leave a reply", "Registered association", "Related:"):  # fmt: skip
        assert junk not in text, junk
