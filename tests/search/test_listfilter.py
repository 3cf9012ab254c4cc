"""The cases list filter (``casefiles.search.listfilter``): every field, combinations,
free title words, sorts and bad filters, checked against a brute-force scan of every
case on the bundled file and on a generated store of 1,000 cases."""

from __future__ import annotations

import random
from collections.abc import Callable
from pathlib import Path

import pytest

from casefiles import model
from casefiles.generate import write_generated
from casefiles.search import SearchIndex, normalise
from casefiles.search.filters import Cancelled
from casefiles.search.listfilter import (
    SORT_KEYS,
    SORT_SLICE,
    FilterError,
    ListFilter,
    Sort,
    gently_sorted,
)
from casefiles.store import Store

ROOT = Path(__file__).resolve().parents[2]
BUNDLED = ROOT / "data" / "casefiles.json"


@pytest.fixture(scope="module")
def bundled() -> tuple[Store, SearchIndex]:
    store = Store.load(BUNDLED)
    return store, SearchIndex.build(store)


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> tuple[Store, SearchIndex]:
    path = tmp_path_factory.mktemp("gen1k") / "store.json"
    write_generated(path, 1000, seed=11)
    store = Store.load(path)
    return store, SearchIndex.build(store)


def lister(pair: tuple[Store, SearchIndex]) -> ListFilter:
    return ListFilter.from_index(*pair)


# -- the brute force: every case looked at, the filters' documented meaning


def _words(want: str, have: str) -> bool:
    """Every word of ``want`` starts a word of ``have`` (both normalised)."""
    return all(any(h.startswith(w) for h in have.split(" ")) for w in want.split(" "))


def brute(store: Store, index: SearchIndex, text: str) -> list[str]:
    """The cases ``text`` lets through, in store order, by looking at each case."""
    q = ListFilter.parse(text)
    f = q.filters
    courts = store.table(model.COURTS)
    court_sets = [
        {
            cid
            for cid, c in courts.items()
            if any(
                _words(v, normalise(str(n)))
                for n in [c.get("name", ""), cid, *c.get("aliases", ())]
            )
        }
        for v in f.courts
    ]
    party_sets = [index.party_ids(v) for v in f.parties]
    out = []
    for cid, case in store.table(model.CASES).items():
        procs = store.proceedings_of(cid)
        dates = [e.get("date") for e in case.get("events", ())] + [p.get("date") for p in procs]
        years = {int(d[:4]) for d in dates if isinstance(d, str)}
        roles = {p["role"] for p in case.get("participants", ())}
        people = {p["party"] for p in case.get("participants", ())}
        title = normalise(str(case.get("title", "")))
        ok = (
            all(case.get("status") in s for s in f.statuses)
            and all(any(lo <= y <= hi for y in years) for lo, hi in f.years)
            and all(any(p.get("level") in lv for p in procs) for lv in f.levels)
            and all(any(p.get("outcome") in oc for p in procs) for oc in f.outcomes)
            and all(any(p.get("court") in cs for p in procs) for cs in court_sets)
            and all(people & ps for ps in party_sets)
            and all(_words(v, normalise(str(case.get("country", "")))) for v in f.countries)
            and all(roles & rs for rs in f.roles)
            and all(
                any(
                    normalise(str(ch.get("article", ""))) == v
                    or _words(v, normalise(str(ch.get("label", ""))))
                    for ch in case.get("charges", ())
                )
                for v in f.charges
            )
            and all(any(_term_ok(t.text, t.mode, title) for t in g) for g in q.positive)
            and not any(t.text in title for t in q.negative)
        )
        if ok:
            out.append(cid)
    return out


def _term_ok(t: str, mode: str, title: str) -> bool:
    if mode == "fuzzy":
        return any(w.startswith(t) for w in title.split(" "))
    if mode == "exact":
        return t in title
    if mode == "prefix":
        return title.startswith(t)
    if mode == "suffix":
        return title.endswith(t)
    return title == t


def brute_order(store: Store, ids: list[str], sort: Sort) -> list[str]:
    """``ids`` in ``sort``'s order computed from scratch (ties: title, then store)."""
    cases = store.table(model.CASES)
    pos = {c: i for i, c in enumerate(cases)}
    title = {c: normalise(str(cases[c].get("title", ""))) for c in ids}
    if sort.key == "store":
        return sorted(ids, key=pos.__getitem__, reverse=sort.descending)
    if sort.key == "title":
        return sorted(
            ids,
            key=lambda c: (title[c], -pos[c] if sort.descending else pos[c]),
            reverse=sort.descending,
        )
    value: Callable[[str], object]
    if sort.key == "status":
        rank = {s: i for i, s in enumerate(model.CASE_STATUSES)}
        value = lambda c: rank[cases[c]["status"]]  # noqa: E731
    elif sort.key == "ruling":

        def value(c: str) -> object:
            ds = [
                p["date"]
                for p in store.proceedings_of(c)
                if p.get("kind", "ruling") == "ruling" and p.get("date")
            ]
            return max(ds) if ds else None
    else:

        def value(c: str) -> object:
            ds = [e["date"] for e in cases[c].get("events", ()) if e.get("date")]
            ds += [p["date"] for p in store.proceedings_of(c) if p.get("date")]
            return min(ds) if ds else None

    known = [c for c in ids if value(c) is not None]
    unknown = [c for c in ids if value(c) is None]
    base = lambda c: (title[c], pos[c])  # noqa: E731
    known.sort(key=base)
    known.sort(key=value, reverse=sort.descending)  # type: ignore[arg-type]
    unknown.sort(key=base)
    return known + unknown


BUNDLED_FILTERS = [
    "",
    "status:pending",
    "status:closed",
    "status:c",
    "year:2016",
    "year:2013..2015",
    "year:2020..",
    "year:..2010",
    "court:appeal",
    "court:supreme",
    "court:phnom penh",
    "level:supreme",
    "level:appeal",
    "level:first",
    'party:"tep vanny"',
    "party:sokha",
    "party:kem",
    "country:cambodia",
    "country:camb",
    "charge:548",
    "charge:incitement",
    "charge:defamation",
    "role:judge",
    "role:def",
    "outcome:upheld",
    "outcome:conv",
    "sokha",
    "kem sokha",
    "bo",
    "'kak",
    "^kem",
    "treason$",
    "boeung | sokha",
    "!sokha",
    "!sokha !boeung",
    "status:closed year:2016",
    "status:closed level:supreme court:supreme",
    'party:"tep vanny" year:2012..2013 level:first',
    "charge:548 role:defendant status:closed",
    "outcome:upheld level:supreme sokha",
    "court:appeal !sokha",
    "year:2016 year:2017",
    "status:pending status:closed",
]


@pytest.mark.parametrize("text", BUNDLED_FILTERS)
def test_bundled_filters_equal_a_brute_force_scan(
    bundled: tuple[Store, SearchIndex], text: str
) -> None:
    store, index = bundled
    got = lister(bundled).apply(text)
    assert got.case_ids == brute(store, index, text)
    assert got.total == 16
    assert got.text == text


def test_each_field_narrows_the_bundled_list(bundled: tuple[Store, SearchIndex]) -> None:
    lf = lister(bundled)
    for text in [
        "status:pending",
        "year:2016",
        "court:appeal",
        "level:supreme",
        'party:"tep vanny"',
        "country:cambodia",
        "charge:548",
        "role:judge",
        "outcome:upheld",
        "sokha",
    ]:
        count = lf.apply(text).count
        assert count > 0, text
        assert count < 16 or text.startswith("country"), text
    assert set(lf.apply('party:"tep vanny"').case_ids) >= {"tep-vanny-2013-protest"}
    assert lf.apply("charge:548").case_ids == [
        "adhoc-5-witness-bribery",
        "seang-chet-witness-bribery",
    ]


GENERATED_FILTERS = [
    "status:pending",
    "status:open year:2016",
    "year:2010..2012",
    "court:appeal",
    "level:supreme outcome:upheld",
    "country:test",
    "charge:305",
    "charge:defamation role:judge",
    "party:phorin",
    "prosecution",
    "p",
    "!defamation status:closed",
    "of | trial",
]


@pytest.mark.parametrize("text", GENERATED_FILTERS)
def test_generated_filters_equal_a_brute_force_scan(
    generated: tuple[Store, SearchIndex], text: str
) -> None:
    store, index = generated
    got = lister(generated).apply(text)
    assert got.case_ids == brute(store, index, text)
    assert got.total == 1000


@pytest.mark.parametrize("key", SORT_KEYS)
@pytest.mark.parametrize("descending", [False, True])
def test_sorts_equal_a_brute_force_order(
    bundled: tuple[Store, SearchIndex],
    generated: tuple[Store, SearchIndex],
    key: str,
    descending: bool,
) -> None:
    sort = Sort(key, descending)
    for pair, texts in (
        (bundled, ["", "status:closed", "sokha"]),
        (generated, ["", "status:pending year:2016", "p"]),
    ):
        store, index = pair
        lf = lister(pair)
        for text in texts:
            got = lf.apply(text, sort).case_ids
            assert got == brute_order(store, brute(store, index, text), sort), (key, text)


def test_sort_puts_undated_cases_last_both_ways(generated: tuple[Store, SearchIndex]) -> None:
    store, _ = generated
    lf = lister(generated)
    for descending in (False, True):
        ids = lf.apply("", Sort("ruling", descending)).case_ids
        dated = [bool(any(p.get("kind") == "ruling" for p in store.proceedings_of(c))) for c in ids]
        assert dated == sorted(dated, reverse=True)


def test_latest_ruling_is_newest_first_in_the_cycle() -> None:
    seen = []
    sort = Sort()
    for _ in SORT_KEYS:
        sort = sort.next()
        seen.append(sort.label())
    assert seen == ["latest ruling ↓", "first event ↑", "title ↑", "status ↑", "store order"]
    assert Sort("title").reversed().label() == "title ↓"
    assert not Sort().active and Sort("store", True).active


# -- bad filters


@pytest.mark.parametrize(
    ("text", "names"),
    [
        ("status:pendx", "status:pendx"),
        ("year:20x", "year:20x"),
        ("level:zz", "level:zz"),
        ('party:"tep', "quote"),
        ("colour:red", "colour:"),
        ("status:", "status:"),
        ("kind:party", "kind:"),
        ("a |", "|"),
        ("x" * 600, "too long"),
    ],
)
def test_a_bad_filter_names_the_bad_part_in_one_line(
    bundled: tuple[Store, SearchIndex], text: str, names: str
) -> None:
    with pytest.raises(FilterError) as caught:
        lister(bundled).apply(text)
    message = str(caught.value)
    assert names in message
    assert "\n" not in message and len(message) < 200


def test_values_that_name_nothing_give_an_empty_list_and_a_note(
    bundled: tuple[Store, SearchIndex],
) -> None:
    got = lister(bundled).apply("party:qqqxx country:atlantis")
    assert got.case_ids == []
    assert set(got.notes) == {"party:qqqxx names no party", "country:atlantis names no country"}


def test_only_negated_words_and_kind_case_are_filters_here(
    bundled: tuple[Store, SearchIndex],
) -> None:
    lf = lister(bundled)
    assert 0 < lf.apply("!sokha").count < 16
    assert lf.apply("kind:case status:closed").case_ids == lf.apply("status:closed").case_ids


# -- caching, cancelling, position


def test_results_are_cached_per_resolved_filter(bundled: tuple[Store, SearchIndex]) -> None:
    lf = lister(bundled)
    first = lf.apply("status:closed", Sort("title"))
    again = lf.apply("status:c", Sort("title"))  # the same statuses, typed shorter
    assert again.case_ids is first.case_ids
    assert lf.apply("status:closed", Sort("status")).case_ids is not first.case_ids


def test_cancelled_filter_raises(bundled: tuple[Store, SearchIndex]) -> None:
    with pytest.raises(Cancelled):
        lister(bundled).apply("status:closed sokha", cancelled=lambda: True)


def test_position_of_a_case(bundled: tuple[Store, SearchIndex]) -> None:
    got = lister(bundled).apply("charge:548")
    assert got.position("seang-chet-witness-bribery") == 1
    assert got.position("kem-sokha-treason") is None
    assert got.position(None) is None


@pytest.mark.parametrize("reverse", [False, True])
def test_gentle_sort_equals_sorted_with_ties_kept_in_order(reverse: bool) -> None:
    rng = random.Random(5)
    items = [(rng.randrange(300), i) for i in range(SORT_SLICE * 3 + 17)]
    key = lambda item: item[0]  # noqa: E731
    assert gently_sorted(items, key, reverse) == sorted(items, key=key, reverse=reverse)


def test_warmed_sorts_are_the_orders_a_sort_gives(generated: tuple[Store, SearchIndex]) -> None:
    warm = lister(generated)
    warm.warm()
    cold = lister(generated)
    for sort in [Sort("ruling", True), Sort("event"), Sort("title"), Sort("status")]:
        assert warm.full_order(sort) == cold.apply("", sort).case_ids
    stopped = lister(generated)
    stopped.warm(cancelled=lambda: True)
    assert (
        stopped.apply("status:open", Sort("title")).case_ids
        == warm.apply("status:open", Sort("title")).case_ids
    )
