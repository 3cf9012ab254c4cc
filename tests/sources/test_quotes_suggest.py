"""``casefiles validate --quotes`` and the suggestions after an import."""

from __future__ import annotations

from pathlib import Path

import pytest

from casefiles import model
from casefiles.cli import main
from casefiles.sources.quotes import FOUND, MISSING, NEAR, NO_TEXT, check_quotes
from casefiles.sources.suggest import find_dates, suggest
from casefiles.store import Store


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_bundled_file_passes(bundled: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "--store", str(bundled), "validate", "--quotes")
    assert code == 0, err
    assert "quotes: 31 checked: 31 found, 0 near, 0 not found" in out


def _cite(store: Store, quote: str, source: str = "s01") -> None:
    case = store.get(model.CASES, "adhoc-5-witness-bribery")
    assert case is not None
    charges = [dict(c) for c in case["charges"]]
    charges[0]["cites"] = [*charges[0].get("cites", []), {"source": source, "quote": quote}]
    store.put(model.CASES, {**case, "charges": charges})


@pytest.mark.parametrize(
    ("quote", "status"),
    [
        # whitespace, quote marks and case are normalised: found
        ("SENTENCED  to five\nyears in prison", FOUND),
        ('"arbitrary arrests and punishment"', FOUND),
        ('they considered "unjust" rulings', FOUND),
        # punctuation differs inside the quote: a near match
        ("ADHOC staff, and former employees", NEAR),
        # a typo: a near match
        ("sentenced to five yaers in prison for bribing witnesses", NEAR),
        ("sentenced to life imprisonment for treason", MISSING),
    ],
)
def test_quote_statuses(bundled: Path, quote: str, status: str) -> None:
    store = Store.load(bundled)
    _cite(store, quote)
    checks = [c for c in check_quotes(store) if c.quote == quote]
    assert [c.status for c in checks] == [status]
    assert checks[0].case == "adhoc-5-witness-bribery"
    assert checks[0].fact.startswith("charges[0]")


def test_missing_quote_listed_with_case_fact_source(
    bundled: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    store = Store.load(bundled)
    _cite(store, "the court acquitted everyone [bold]")  # markup is shown as it is
    _cite(store, "words from an article nobody stored", source="s07")
    code, _out, err = run(capsys, "--store", str(bundled), "validate", "--quotes")
    assert code == 1
    assert "1 not found, 1 whose source has no stored text" in err
    line = next(ln for ln in err.splitlines() if ln.startswith("  not found:"))
    assert "case adhoc-5-witness-bribery" in line and "charges[0]" in line
    assert "source s01" in line and "the court acquitted everyone" in line
    assert "[bold]" in line
    assert any(ln.startswith(f"  {NO_TEXT}: ") and "source s07" in ln for ln in err.splitlines())


def test_suggestions_fuzzy_names_khmer_and_no_partial_words(bundled: Path) -> None:
    store = Store.load(bundled)
    text = (
        "Lem Mony and Chhin Malin spoke after the ceremony. លោក កឹម សុខា "
        "The Court of Appeal will rule on November 23."
    )
    found = suggest(store, text)
    ids = {h.id for h in found.parties}
    assert {"lim-mony", "chin-malin", "kem-sokha"} <= ids
    assert "coa" in {h.id for h in found.courts}
    assert found.dates == ["--11-23"]
    # "ceremony" holds "mony" but names no one; a short alias needs a whole word
    none = suggest(store, "A long ceremony in the SCience museum, then harmony.")
    assert not {h.id for h in none.parties} & {"lim-mony"}
    assert "sc" not in {h.id for h in none.courts}


def test_dates() -> None:
    text = (
        "On 23 November 2022 and on November 18, 2022; in June 2017; 2016-05-02; "
        "ថ្ងៃទី១៨ ខែវិច្ឆិកា ឆ្នាំ២០២២; on 15 janvier 2021; may 5 people; 31 February 2022."
    )
    assert find_dates(text) == ["2022-11-23", "2022-11-18", "2017-06", "2016-05-02"]
