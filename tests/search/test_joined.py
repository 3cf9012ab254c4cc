"""Names written together: ``kemsokha`` finds Kem Sokha, for any two adjacent words of
any party name or alias, also with one typo in either half (``tepvany``)."""

from __future__ import annotations

import collections
import itertools
from pathlib import Path

import pytest

from casefiles import model
from casefiles.search import SearchIndex, normalise
from casefiles.store import Store

BUNDLED = Path(__file__).resolve().parents[2] / "data" / "casefiles.json"


def _pairs() -> dict[tuple[str, str], set[str]]:
    """Adjacent word pairs of every party name and alias, with the parties having them."""
    store = Store.load(BUNDLED)
    owners: dict[tuple[str, str], set[str]] = collections.defaultdict(set)
    for pid, party in store.table(model.PARTIES).items():
        for name in [party["name"], *party.get("aliases", ())]:
            for a, b in itertools.pairwise(normalise(name).split(" ")):
                owners[a, b].add(pid)
    return owners


def _drop_middle(word: str) -> str:
    i = len(word) // 2
    return word[:i] + word[i + 1 :]


def _top3(index: SearchIndex, query: str) -> list[str]:
    return [h.id for h in index.search(query, limit=10).hits[:3]]


@pytest.mark.parametrize(
    ("query", "party"),
    [
        ("tepvany", "tep-vanny"),
        ("tepvani", "tep-vanny"),
        ("kemsoka", "kem-sokha"),
        ("limmoni", "lim-mony"),
        ("chhinmalin", "chin-malin"),
        ("rongchun", "rong-chhun"),
        ("samrainsi", "sam-rainsy"),
    ],
)
def test_joined_name_with_a_typo(bundled_index: SearchIndex, query: str, party: str) -> None:
    hit = bundled_index.search(query).hits[0]
    assert (hit.kind, hit.id) == ("party", party)
    # both words are highlighted
    assert len(hit.spans) == 2


def test_every_adjacent_pair_written_together(bundled_index: SearchIndex) -> None:
    missed = []
    for (a, b), parties in _pairs().items():
        if len(parties) != 1:
            continue  # shared by several parties ("human rights"): any of them may lead
        (pid,) = parties
        if pid not in _top3(bundled_index, a + b):
            missed.append(a + b)
    assert missed == []


def test_every_adjacent_pair_with_a_typo_in_one_half(bundled_index: SearchIndex) -> None:
    missed = []
    tried = 0
    for (a, b), parties in _pairs().items():
        if len(parties) != 1 or not (a + b).isascii():
            continue
        (pid,) = parties
        variants = []
        if len(b) >= 5:
            variants.append(a + _drop_middle(b))
        if len(a) >= 5:
            variants.append(_drop_middle(a) + b)
        for query in variants:
            tried += 1
            if pid not in _top3(bundled_index, query):
                missed.append(query)
    assert tried > 100
    assert missed == []
