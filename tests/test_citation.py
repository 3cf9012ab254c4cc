"""``y`` (copy): the one-line citation of each kind of selection, built from a
temporary copy of the bundled case file (no textual involved)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from casefiles.citation import citation, quote_citation
from casefiles.store import Store
from casefiles.textsafe import one_line as clean
from casefiles.tui.selection import KINDS, Selection, fact_id

DATA = Path(__file__).resolve().parents[1] / "data"
CASE = "kem-sokha-treason"


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Store:
    folder = tmp_path_factory.mktemp("store")
    shutil.copytree(DATA, folder, dirs_exist_ok=True)
    return Store.load(folder / "casefiles.json")


def one_line(text: str) -> None:
    assert text and "\n" not in text
    assert not any(ord(ch) < 0x20 or 0x7F <= ord(ch) <= 0x9F for ch in text)


def test_sentence_citation_reads_like_a_reference(store: Store) -> None:
    sent = next(s for s in store.sentences_of(CASE) if s.get("term", {}).get("years") == 27)
    text = citation(store, Selection("sentence", sent["id"], CASE))
    assert text.startswith(
        "Kem Sokha — Phnom Penh Municipal Court, 2023-03-03: convicted, 27 years"
    )
    assert "source: LICADHO, 3 Mar 2023, https://" in text
    one_line(text)


def test_case_citation(store: Store) -> None:
    text = citation(store, Selection("case", CASE))
    assert text.startswith("Kem Sokha: conspiracy with a foreign power")
    assert "Cambodia" in text and "source: " in text
    one_line(text)


def test_party_citation_in_and_outside_a_case(store: Store) -> None:
    in_case = citation(store, Selection("party", "kem-sokha", CASE))
    assert in_case.startswith("Kem Sokha (also ")
    assert "defendant in Kem Sokha: conspiracy" in in_case
    alone = citation(store, Selection("party", "kem-sokha"))
    assert "case" in alone and "source: " in alone


def test_proceeding_court_and_source(store: Store) -> None:
    proc = store.proceedings_of(CASE)[0]
    text = citation(store, Selection("proceeding", proc["id"], CASE))
    assert text.startswith("Phnom Penh Municipal Court, 2023-03-03 (trial): convicted; Kem Sokha:")
    assert "source: LICADHO" in text
    court = citation(store, Selection("court", "ppmc"))
    assert court.startswith("Phnom Penh Municipal Court (first instance, Cambodia)")
    assert "appeals to Phnom Penh Court of Appeal" in court
    src = citation(store, Selection("source", "s01"))
    assert src.startswith('Phnom Penh Post, undated: "Justice ministry dismissive')
    assert src.endswith(
        "https://www.phnompenhpost.com/national-politics/"
        "justice-ministry-dismissive-activist-persecution-claims"
    )


def test_charge_and_event(store: Store) -> None:
    charge = citation(store, Selection("charge", fact_id(CASE, 0), CASE))
    assert charge.startswith("Kem Sokha — charged with Conspiracy with a foreign power")
    assert "art. 443" in charge
    event = citation(store, Selection("event", fact_id(CASE, 0), CASE))
    # the arrest time is disputed: four versions, each with its sources
    assert event.startswith("sources disagree (4 versions): Kem Sokha — Arrested")
    assert "2017-09-03 [k03]" in event


def test_every_kind_gives_one_clean_line(store: Store) -> None:
    samples = {
        "case": CASE,
        "party": "chin-malin",
        "court": "sc",
        "proceeding": store.proceedings_of(CASE)[-1]["id"],
        "sentence": store.sentences_of(CASE)[0]["id"],
        "source": "s01",
        "charge": fact_id(CASE, 0),
        "event": fact_id(CASE, 0),
    }
    assert set(samples) == set(KINDS)
    for kind, key in samples.items():
        one_line(citation(store, Selection(kind, key, CASE)))


def test_unknown_ids_do_not_crash(store: Store) -> None:
    for kind in KINDS:
        text = citation(store, Selection(kind, "no-such-thing#9", "no-such-case"))
        assert "not in the store" in text


def test_control_characters_are_escaped_and_whitespace_collapsed() -> None:
    assert clean("a\x1b[31mb\x07\nc\u202e d") == "a\\x1b[31mb\\x07 c\\u202e d"


ADHOC = "adhoc-5-witness-bribery"


def test_a_case_whose_last_ruling_is_disputed_names_every_version(store: Store) -> None:
    """Defect: ``1 y`` on ADHOC 5 copied "Supreme Court of Cambodia, 2022-11-23" as fact."""
    text = citation(store, Selection("case", ADHOC))
    assert "sources disagree" in text
    assert "2022-11-18" in text and "2022-11-23" in text
    # each version carries its own sources: the seed article (s01) says 23 Nov
    assert "2022-11-23 (cassation) [s01," in text
    one_line(text)


def test_a_disputed_ruling_names_every_version_with_its_sources(store: Store) -> None:
    """Defect: ``3 G y`` copied the 23 Nov proceeding with no mark."""
    from casefiles.caseview import CaseView

    view = CaseView.of(store, ADHOC)
    last = view.ladder[-1]
    assert last.conflict is not None
    text = citation(store, Selection("proceeding", last.id, ADHOC))
    assert text.startswith("sources disagree (")
    for version in view.versions(last):
        assert version.date is not None and version.date in text
    one_line(text)


def test_quote_citation_names_the_source(store: Store) -> None:
    text = quote_citation(store, "s01", "bribing\nwitnesses")
    assert text.startswith("“bribing witnesses” — Phnom Penh Post, undated: ")
    assert "phnompenhpost.com" in text
    one_line(text)
