"""The YAML round trip behind ``casefiles edit`` and the browser's ``E``: every
document of the bundled store survives it exactly, and YAML that a hand-edited
file has no business holding is refused with a line number."""

from __future__ import annotations

from typing import Any

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from casefiles import model
from casefiles.edit import yamlio
from casefiles.edit.yamlio import YamlRefused
from casefiles.store import Store
from tests.edit.conftest import BUNDLED


@pytest.fixture(scope="module")
def bundled() -> Store:
    return Store.load(BUNDLED / "casefiles.json")


def test_every_bundled_document_round_trips_exactly(bundled: Store) -> None:
    count = 0
    for table in model.TABLES:
        for doc_id in bundled.table(table):
            snap = yamlio.snapshot(bundled, table, doc_id)
            assert snap is not None
            text = yamlio.dump(snap)
            back = yamlio.typed(table, doc_id, yamlio.load(text))
            assert back.docs == yamlio.documents(table, snap), (table, doc_id)
            assert back.readings == back.hints == []
            count += 1
    assert count == sum(len(bundled.table(t)) for t in model.TABLES if t != model.CASES) + len(
        bundled.table(model.CASES)
    )


def test_readable_order_unicode_and_no_python_tags(bundled: Store) -> None:
    text = yamlio.dump(yamlio.snapshot(bundled, model.PARTIES, "chin-malin"))
    lines = text.splitlines()
    assert lines[0] == "id: chin-malin"
    assert lines[1] == "kind: person"
    assert lines[2] == "name: Chin Malin"
    assert "ជិន ម៉ាលីន" in text  # Khmer kept, not \u escapes
    assert "!!" not in text
    # cites come last
    assert lines.index("cites:") > lines.index("tags:")


def test_a_case_comes_with_its_proceedings_and_sentences(bundled: Store) -> None:
    snap = yamlio.snapshot(bundled, model.CASES, "adhoc-5-witness-bribery")
    assert snap is not None
    assert list(snap) == ["case", "proceedings", "sentences"]
    assert [p["id"] for p in snap["proceedings"]] == [
        p["id"] for p in bundled.proceedings_of("adhoc-5-witness-bribery")
    ]
    assert len(snap["sentences"]) == len(bundled.sentences_of("adhoc-5-witness-bribery"))
    text = yamlio.dump(snap)
    assert "summary: |" in text  # multi-line text as a block


def test_scalars_are_typed_by_the_schema_not_by_yaml() -> None:
    text = (
        "id: x\ncase: c\nparty: p\npenalty: fine\n"
        "term: 2y6m\nsuspended: {years: 1}\nfine: {amount: 1500000, currency: KHR}\n"
        "status: no\n"
    )
    typed = yamlio.typed(model.SENTENCES, "x", yamlio.load(text))
    ((_, doc),) = typed.docs
    assert doc["term"] == {"years": 2, "months": 6}
    assert doc["suspended"] == {"years": 1}
    assert doc["fine"] == {"amount": 1500000, "currency": "KHR"}
    assert doc["status"] == "no"  # YAML 1.1 would make it False
    assert typed.readings == ["term: read '2y6m' as 2 years 6 months"]


def test_dates_as_articles_write_them_and_articles_stay_text() -> None:
    text = (
        "case:\n  id: c\n  title: T\n  status: open\n"
        "  charges:\n    - party: p\n      label: L\n      article: 548\n"
        "  events:\n    - date: 26 Sept 2018\n      label: verdict\n"
        "    - date: 2018-09-26\n      label: same day, ISO\n"
        "    - date: 26/09/2018\n      label: ambiguous\n"
    )
    typed = yamlio.typed(model.CASES, "c", yamlio.load(text))
    case = typed.docs[0][1]
    assert case["charges"][0]["article"] == "548"
    assert [e["date"] for e in case["events"]] == ["2018-09-26", "2018-09-26", "26/09/2018"]
    assert typed.readings == [
        "case.events[0].date: read '26 Sept 2018' as 2018-09-26 "
        "(26 Sep 2018 (day, month name, year))"
    ]
    assert len(typed.hints) == 1 and "ambiguous" in typed.hints[0]


def test_an_empty_value_removes_the_field() -> None:
    typed = yamlio.typed(
        model.PARTIES, "x", yamlio.load("id: x\nkind: person\nname: X\ndescription:\ntags: ~\n")
    )
    assert typed.docs == [(model.PARTIES, {"id": "x", "kind": "person", "name": "X"})]


def test_a_new_proceeding_in_a_case_belongs_to_it() -> None:
    text = (
        "case:\n  id: c\n  title: T\n  status: open\nproceedings:\n  - id: p1\n    level: appeal\n"
    )
    typed = yamlio.typed(model.CASES, "c", yamlio.load(text))
    assert typed.docs[1] == (model.PROCEEDINGS, {"id": "p1", "level": "appeal", "case": "c"})


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("a: &x [1, 2]\nb: *x\n", "an anchor (&x) is not accepted"),
        ("a: [1, 2]\nb: *x\n", "an alias (*x) is not accepted"),  # even an undefined one
        ("name: !!python/object/apply:os.system ['echo hi']\n", "a tag"),
        ("name: !!binary aGVsbG8=\n", "a tag"),
        ("name: !custom x\n", "a tag"),
        ("name: a\nname: b\n", "line 2: field 'name' is given twice (also on line 1)"),
        ("? [a, b]\n: c\n", "a field name must be plain text"),
        ("? {a: 1}\n: c\n", "a field name must be plain text"),
        ("a: 1\n---\nb: 2\n", "a second document"),
        ("a: [\n", "not valid YAML"),
        ("a: b: c\n", "not valid YAML"),
        ("[" * 100 + "]" * 100, "nested more than 32 levels deep"),
        ('a: "\\x00"\n\x01: x\n', "not valid YAML"),
    ],
)
def test_hostile_yaml_is_refused_with_a_reason(text: str, reason: str) -> None:
    with pytest.raises(YamlRefused) as exc:
        yamlio.load(text)
    problems = exc.value.problems
    assert any(r in p for r in reason.split("|") for p in problems), problems


def test_a_merge_key_is_an_ordinary_unknown_field() -> None:
    assert yamlio.load("<<: {name: x}\n") == {"<<": {"name": "x"}}


def test_the_billion_laughs_is_refused_before_any_expansion() -> None:
    bomb = "a: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
        f"{chr(98 + i)}: &{chr(98 + i)} [{', '.join(['*' + chr(97 + i)] * 9)}]\n" for i in range(8)
    )
    with pytest.raises(YamlRefused, match="anchor"):
        yamlio.load(bomb)


def test_a_huge_file_is_refused_unread() -> None:
    with pytest.raises(YamlRefused, match="characters; at most"):
        yamlio.load("a: " + "x" * yamlio.MAX_CHARS)


def test_a_100k_paste_is_loaded_for_validation_to_judge() -> None:
    # Not YAML's business: validation refuses it with its own message.
    data = yamlio.load("name: " + "x" * 100_000 + "\n")
    assert isinstance(data, dict) and len(data["name"]) == 100_000


def test_escapes_in_quoted_strings_reach_validation_as_characters() -> None:
    data = yamlio.load('name: "Chin \\e[31m \\u202e"\n')
    assert data == {"name": "Chin \x1b[31m \u202e"}


def test_no_document_is_none() -> None:
    assert yamlio.load("") is None
    assert yamlio.load("# only a comment\n\n") is None


def test_the_id_cannot_change() -> None:
    with pytest.raises(YamlRefused, match="cannot be changed"):
        yamlio.typed(model.PARTIES, "a", {"id": "b", "kind": "person", "name": "B"})


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        ([1, 2], "expected the fields"),
        ({"case": {"id": "c"}, "extra": 1}, "unknown top-level"),
        ({"proceedings": []}, "'case:' must hold"),
        ({"case": {"id": "c"}, "proceedings": {"a": 1}}, "must be a list"),
        ({"case": {"id": "c"}, "sentences": ["x"]}, "expected the fields of one sentence"),
        (
            {"case": {"id": "c"}, "sentences": [{"id": "s"}, {"id": "s"}]},
            "id 's' is used twice",
        ),
    ],
)
def test_a_case_bundle_must_keep_its_shape(data: Any, reason: str) -> None:
    table = model.PARTIES if isinstance(data, list) else model.CASES
    with pytest.raises(YamlRefused, match=reason):
        yamlio.typed(table, "c", data)


safe_text = st.text(st.characters(blacklist_categories=("Cs",)), min_size=1, max_size=80)


@settings(max_examples=200, deadline=None)
@given(
    safe_text,
    st.lists(safe_text, max_size=3),
    st.text(st.characters(blacklist_categories=("Cs",)), max_size=200)
    | st.sampled_from(["a\r\nb", "a\u2028b", "x\x85", " lead", "trail \n", "\ttab", "#no", "- x"]),
)
def test_any_text_round_trips(name: str, aliases: list[str], note: str) -> None:
    doc = {"id": "x", "kind": "person", "name": name, "aliases": aliases}
    if note.strip():
        doc["description"] = note
    text = yamlio.dump(yamlio.ordered(model.PARTIES, doc))
    try:
        data = yamlio.load(text)
    except YamlRefused as exc:
        # PyYAML refuses to read back some characters it writes escaped? Never.
        raise AssertionError(exc.problems) from None
    back = yamlio.typed(model.PARTIES, "x", data)
    expected = {k: v for k, v in doc.items() if v is not None}
    assert back.docs == [(model.PARTIES, expected)]


def test_pyyaml_safe_load_agrees_on_a_plain_document(bundled: Store) -> None:
    snap = yamlio.snapshot(bundled, model.SENTENCES, "ny-sokha-adhoc-5-ppmc")
    assert yaml.safe_load(yamlio.dump(snap)) == snap


@pytest.mark.parametrize("table", model.TABLES)
def test_every_template_reads_back_as_just_its_id(table: str) -> None:
    typed = yamlio.typed(table, "new-id", yamlio.load(yamlio.template(table, "new-id")))
    first = typed.docs[0][1]
    assert first == {"id": "new-id"}


def test_an_empty_item_is_no_item_but_an_empty_list_stays() -> None:
    data = yamlio.load("id: x\ncites:\n  - source:\n    quote:\naliases: []\n")
    assert yamlio.typed(model.PARTIES, "x", data).docs == [
        (model.PARTIES, {"id": "x", "aliases": []})
    ]
