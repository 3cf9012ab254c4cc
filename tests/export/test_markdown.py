"""``casefiles export --format md``: the dossier of ADHOC 5 with footnotes for
every fact and both versions of every disputed fact; hostile strings stay text
(parsed back with markdown-it, CommonMark with footnotes)."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest
from markdown_it import MarkdownIt
from markdown_it.token import Token
from mdit_py_plugins.footnote import footnote_plugin

from casefiles.caseview import CaseView
from casefiles.citation import fact_text
from casefiles.export.markdown import md
from casefiles.store import Store
from tests.export.conftest import ADHOC5, HOSTILE_NAME, HOSTILE_TITLE, export

PARSER = MarkdownIt("commonmark").use(footnote_plugin)


def tokens(text: str) -> list[Token]:
    """Every token, children included."""
    out: list[Token] = []
    for t in PARSER.parse(text):
        out.append(t)
        out.extend(t.children or ())
    return out


def section(text: str, title: str) -> str:
    m = re.search(rf"^## {re.escape(title)}\n(.*?)(?=^## |^\[\^1\]:|\Z)", text, re.S | re.M)
    assert m, title
    return m.group(1)


@pytest.fixture(scope="module")
def dossiers(hostile_store: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return export(hostile_store, "md", tmp_path_factory.mktemp("md") / "dossiers")


@pytest.fixture(scope="module")
def adhoc5(dossiers: Path) -> str:
    return (dossiers / f"{ADHOC5}.md").read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def view(hostile_store: Path) -> CaseView:
    return CaseView.of(Store.load(hostile_store), ADHOC5)


def test_one_dossier_per_case(dossiers: Path, hostile_store: Path) -> None:
    store = Store.load(hostile_store)
    assert sorted(p.name for p in dossiers.iterdir()) == sorted(
        f"{c}.md" for c in store.table("cases")
    )


def test_footnotes_are_numbered_defined_and_used(adhoc5: str) -> None:
    refs = set(re.findall(r"(?<!^)\[\^(\d+)\](?!:)", adhoc5, re.M))
    defs = re.findall(r"^\[\^(\d+)\]: ", adhoc5, re.M)
    assert defs == [str(i) for i in range(1, len(defs) + 1)]
    assert refs == set(defs)
    assert len(defs) > 50
    toks = tokens(adhoc5)
    assert sum(t.type == "footnote_open" for t in toks) == len(defs)


def test_every_fact_has_its_footnotes(adhoc5: str, view: CaseView) -> None:
    body = "".join(
        section(adhoc5, name)
        for name in ("Parties", "Charges", "Events and hearings", "Court levels", "Sentences")
    )
    listed = [line for line in body.splitlines() if line.startswith("- ")]
    for fact in view.facts():
        text = md(fact_text(view, fact))
        line = next((i for i in listed if text in i), None)
        assert line is not None, text
        if fact.cites:
            assert re.search(r"\[\^\d+\]", line), line
        else:
            assert "(no source cited)" in line


def test_footnote_names_source_date_url_and_quote(adhoc5: str, view: CaseView) -> None:
    cite = next(c for c in view.cites if c.quote)
    assert cite.source is not None and cite.source.url
    note = next(
        line for line in adhoc5.splitlines() if line.startswith("[^") and md(cite.quote) in line
    )
    assert md(cite.source.publisher or "") in note
    assert cite.source.date_text in note
    assert f"<{cite.source.url}>" in note
    assert f"“{md(cite.quote)}”" in note
    dated = next(c for c in view.all_cites() if c.source and c.source.published)
    assert dated.source is not None
    assert any(
        dated.source.date_text in line for line in adhoc5.splitlines() if line.startswith("[^")
    )


def test_conflicts_show_every_version(adhoc5: str, view: CaseView) -> None:
    disputes = section(adhoc5, "Sources disagree")
    assert len(view.conflicts) >= 5
    for group in view.conflicts.values():
        block = disputes.split(f". {md(group.key)}\n", 1)[1].split("\n### ", 1)[0]
        for j, fact in enumerate(group.facts, 1):
            line = next(x for x in block.splitlines() if x.startswith(f"- Version {j} "))
            assert md(fact_text(view, fact)) in line
            assert re.search(r"\[\^\d+\]", line)
    # Where the facts stand, each version is marked.
    arrests = [
        line
        for line in section(adhoc5, "Events and hearings").splitlines()
        if "arrested" in line.lower()
    ]
    assert len([a for a in arrests if "sources disagree: version" in a]) == 5
    assert "version 5 of 5" in arrests[-1]


def test_sentences_show_the_arithmetic(adhoc5: str) -> None:
    sentences = section(adhoc5, "Sentences")
    assert "term 5 years; suspended 3 years 10 months; custodial 1 year 2 months" in sentences


def test_hostile_strings_stay_text(dossiers: Path) -> None:
    text = (dossiers / "hostile-case.md").read_text(encoding="utf-8")
    toks = tokens(text)
    assert not [t for t in toks if t.type in ("html_inline", "html_block", "image")]
    links = [t for t in toks if t.type == "link_open"]
    assert links and all(t.info == "auto" for t in links)
    assert all(str(t.attrs["href"]).startswith("https://") for t in links)
    assert [t.tag for t in toks if t.type == "heading_open"][:1] == ["h1"]
    headings = [toks[i + 1].content for i, t in enumerate(toks) if t.type == "heading_open"]
    assert "not a heading" not in " ".join(headings)
    assert not [t for t in toks if t.type in ("ordered_list_open", "code_inline")]
    assert not [t for t in toks if t.type == "strong_open" and "bold" in t.content]
    plain = "".join(t.content for t in toks if t.type == "text")
    assert HOSTILE_TITLE in plain
    assert HOSTILE_NAME in plain
    # Only our footnotes: the name's "[^1]" is text, not a reference.
    assert text.count("[^") == text.count("\n[^") + len(re.findall(r"[^\\]\[\^\d+\](?!:)", text))


def test_escaping_rules() -> None:
    assert md("[x](javascript:alert(1))") == "\\[x\\]\\(javascript:alert\\(1\\)\\)"
    assert md("<b>&amp;</b>") == "\\<b\\>\\&amp;\\</b\\>"
    assert md("1. item") == "1\\. item"
    assert md("- item") == "\\- item"
    assert md("a\n\n# b") == "a \\# b"
    assert md("$x$ @key ^s^ ~t~ `c` *e* _u_ |p|") == (
        "\\$x\\$ \\@key \\^s\\^ \\~t\\~ \\`c\\` \\*e\\* \\_u\\_ \\|p\\|"
    )
    assert md("\x1b[31m") == "\\\\x1b\\[31m"


@pytest.mark.skipif(shutil.which("pandoc") is None, reason="pandoc is not installed")
def test_pandoc_renders_hostile_strings_as_text(dossiers: Path) -> None:
    html = subprocess.run(
        ["pandoc", "-f", "markdown-smart", "-t", "html", str(dossiers / "hostile-case.md")],
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    ).stdout
    assert "<img" not in html and "<script" not in html
    assert 'href="http://evil' not in html and "javascript:" not in html.replace(
        "[x](javascript:alert(1))", ""
    )
    assert "*bold*" in html and "$x$" in html and "[^1]" in html
    hrefs = re.findall(r'href="([^"]+)"', html)
    assert hrefs and all(h.startswith(("#fn", "https://")) for h in hrefs)
