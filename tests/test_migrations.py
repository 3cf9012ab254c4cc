"""Schema migrations (casefiles/migrations.py) and the schema v2 checks they lead to.

Real files: tests/data/minimal.json is a v1 store, tests/fixtures/casefiles-v1.json
is the bundled case file as it was committed under schema v1.
"""

from __future__ import annotations

import copy
import shutil
from collections import Counter
from pathlib import Path
from typing import Any

import orjson
import pytest

from casefiles import model
from casefiles.migrations import guess_event_kind, migrate, proceeding_kind, schema_version
from casefiles.store import Store, StoreError
from casefiles.validate import validate

HERE = Path(__file__).resolve().parent
MINIMAL = HERE / "data" / "minimal.json"
BUNDLED_V1 = HERE / "fixtures" / "casefiles-v1.json"


def load(path: Path) -> dict[str, Any]:
    data: dict[str, Any] = orjson.loads(path.read_bytes())
    return data


def minimal_v1() -> dict[str, Any]:
    data = load(MINIMAL)
    assert schema_version(data) == 1
    return data


def messages(data: object) -> list[str]:
    return [str(p) for p in validate(data, "t.json")]


# ------------------------------------------------------------ whole stores


def test_minimal_v1_store_migrates_to_a_valid_v2_store() -> None:
    data = migrate(minimal_v1())
    assert data["meta"] == {"1": {"schema_version": model.SCHEMA_VERSION}}
    assert model.SCHEMA_VERSION == 2
    assert messages(data) == []
    assert {p["kind"] for p in data["proceedings"].values()} == {"ruling"}
    assert [e["kind"] for e in data["cases"]["1"]["events"]] == ["arrest", "arrest", "bail"]


def test_v1_store_without_migration_is_not_a_valid_v2_store() -> None:
    got = messages(minimal_v1())
    assert "t.json: proceedings[vey-trial].kind: missing (required)" in got


def test_store_without_meta_goes_from_0_to_2() -> None:
    data = minimal_v1()
    del data["meta"]
    data["proceedings"]["1"]["in_absentia"] = True
    assert schema_version(data) == 0
    data = migrate(data)
    assert data["meta"] == {"1": {"schema_version": 2}}
    assert data["proceedings"]["1"]["absent"] == ["ana-vey"]
    assert messages(data) == []


def test_bundled_v1_file_opens_and_validates_after_migration(tmp_path: Path) -> None:
    """The bundled file as committed under v1 loads through the real store."""
    target = tmp_path / "casefiles.json"
    shutil.copy(BUNDLED_V1, target)
    store = Store.load(target)
    procs = store.table(model.PROCEEDINGS)
    assert len(procs) == 51
    assert all("in_absentia" not in p for p in procs.values())
    kinds = {p["id"]: p["kind"] for p in procs.values()}
    # investigation-stage proceedings without a ruling outcome become hearings
    assert kinds["adhoc-5-coa-2016-detention-order-hearing"] == "hearing"
    assert kinds["adhoc-5-sc-2017-detention-ruling"] == "hearing"
    assert kinds["kem-sokha-coa-2019-indictment-appeal"] == "hearing"
    assert kinds["adhoc-5-sc-ruling"] == "ruling"
    absent = {p["id"]: p.get("absent") for p in procs.values()}
    assert absent["adhoc-5-coa-ruling"] == [
        "ny-sokha",
        "nay-vanda",
        "yi-soksan",
        "lim-mony",
        "ny-chakrya",
    ]
    assert absent["sam-rainsy-defamation-ppmc-verdict"] == ["sam-rainsy"]
    assert absent["sam-rainsy-coup-ppmc-verdict"] is not None
    assert "sam-rainsy" in absent["sam-rainsy-coup-ppmc-verdict"]
    events = [e for c in store.table(model.CASES).values() for e in c.get("events", ())]
    assert all(e["kind"] in model.EVENT_KINDS for e in events)
    # the file on disk is untouched until the store writes
    assert target.read_bytes() == BUNDLED_V1.read_bytes()


def test_migrated_store_is_written_as_v2(minimal_store: Path) -> None:
    store = Store.load(minimal_store)
    store.put(model.PARTIES, {"id": "chan-dara", "kind": "person", "name": "Chan Dara"})
    reloaded = Store.load(minimal_store)
    assert reloaded.get(model.PARTIES, "chan-dara") is not None
    assert (reloaded.get(model.PROCEEDINGS, "vey-trial") or {})["kind"] == "ruling"
    written = load(minimal_store)
    if written["meta"]["1"]["schema_version"] == 1:  # the edit went to a change log
        store.checkpoint()
        written = load(minimal_store)
    assert written["meta"]["1"]["schema_version"] == 2
    assert written["proceedings"]["1"]["kind"] == "ruling"


def test_newer_store_is_refused_with_a_message(tmp_path: Path) -> None:
    data = migrate(minimal_v1())
    data["meta"]["1"]["schema_version"] = 3
    before = copy.deepcopy(data)
    assert migrate(data) == before  # never downgraded or touched
    target = tmp_path / "new.json"
    raw = orjson.dumps(data)
    target.write_bytes(raw)
    with pytest.raises(StoreError) as err:
        Store.load(target)
    text = "\n".join(str(p) for p in err.value.problems)
    assert "store has schema version 3, this casefiles understands up to 2" in text
    assert target.read_bytes() == raw


def test_migration_is_idempotent_on_v2() -> None:
    once = migrate(minimal_v1())
    twice = migrate(copy.deepcopy(once))
    assert twice == once


@pytest.mark.parametrize(
    "data",
    [
        {"meta": {"1": {"schema_version": 1}}, "proceedings": [1, 2]},
        {"meta": {"1": {"schema_version": 1}}, "proceedings": {"1": "x"}, "cases": {"1": 5}},
        {"meta": {"1": {"schema_version": 1}}, "cases": {"1": {"id": 3, "events": "x"}}},
        {"meta": {"1": {"schema_version": 1}}, "cases": {"1": {"events": [None, 1, {}]}}},
        {"meta": {"1": {"schema_version": "1"}}},
        {"meta": []},
        {"meta": {"1": {"schema_version": 1}}, "proceedings": {"1": {"in_absentia": True}}},
        {
            "meta": {"1": {"schema_version": 1}},
            "proceedings": {"1": {"in_absentia": True, "case": ["x"], "parties": "ana"}},
        },
    ],
)
def test_migration_never_raises_on_hostile_shapes(data: dict[str, Any]) -> None:
    migrate(data)
    validate(data)  # reports, never raises


def test_a_non_boolean_in_absentia_is_left_for_validation() -> None:
    data = minimal_v1()
    data["proceedings"]["1"]["in_absentia"] = "yes"
    got = messages(migrate(data))
    assert any("proceedings[vey-trial].in_absentia: unknown field" in m for m in got), got


# ------------------------------------------------------------ 1 -> 2 details


def test_in_absentia_names_the_proceedings_parties_or_else_the_accused() -> None:
    data = minimal_v1()
    case = data["cases"]["1"]
    case["participants"].append({"party": "rights-group", "role": "accomplice"})
    trial, appeal = data["proceedings"]["1"], data["proceedings"]["2"]
    trial["in_absentia"] = True  # names nobody: every accused, not the judge
    appeal["in_absentia"] = True
    appeal["parties"] = ["ana-vey"]
    data = migrate(data)
    assert data["proceedings"]["1"]["absent"] == ["ana-vey", "rights-group"]
    assert data["proceedings"]["2"]["absent"] == ["ana-vey"]
    assert messages(data) == []


def test_in_absentia_false_is_dropped_without_absent() -> None:
    data = minimal_v1()
    data["proceedings"]["1"]["in_absentia"] = False
    proc = migrate(data)["proceedings"]["1"]
    assert "in_absentia" not in proc and "absent" not in proc


@pytest.mark.parametrize(
    ("proc", "kind"),
    [
        ({"stage": "trial"}, "ruling"),
        ({"stage": "appeal"}, "ruling"),
        ({"stage": "cassation"}, "ruling"),
        ({"stage": "retrial"}, "ruling"),
        ({"stage": "investigation", "outcome": "upheld"}, "ruling"),
        ({"outcome": "convicted"}, "ruling"),
        ({"stage": "investigation"}, "hearing"),
        ({}, "hearing"),
        ({"stage": 5, "outcome": ["x"]}, "hearing"),
    ],
)
def test_proceeding_kind_of_v1(proc: dict[str, Any], kind: str) -> None:
    assert proceeding_kind(proc) == kind


@pytest.mark.parametrize(
    ("label", "kind"),
    [
        ("arrested", "arrest"),
        ('Arrested by the ACU "at 8 p.m. on Thursday"', "arrest"),
        ('"On May 2 ... authorities arrested"', "arrest"),
        ("Grounds for arrest per HRW", "other"),
        ("Arrest warrants issued for the two absent defendants", "other"),
        ("Charged and detained; held in Prey Sar", "detention"),
        ("Pre-trial detention officially begins", "detention"),
        ("Released on bail from Prey Sar", "bail"),
        ("All six released on bail", "bail"),
        ("Released from Prey Sar", "release"),
        ('Released after "427 days" of pre-trial detention', "release"),
        ("Restrictions eased (freed from house arrest)", "release"),
        ("Royal pardon", "pardon"),
        ("Tep Vanny, Heng Mom, Bo Chhorvy and Kong Chantha pardoned", "pardon"),
        ("Court of Appeal denies bail", "hearing"),
        ("Court of Appeal (Yun Narong) refuses release / bail pending appeal", "hearing"),
        ("Supreme Court bail hearing before five judges", "hearing"),
        ("Investigating judge extends pre-trial detention by six months", "hearing"),
        ("Trial opens and is adjourned the same day", "hearing"),
        ("Joint statement by more than 100 CSOs on the trial", "statement"),
        ("Shelters in CNRP headquarters", "other"),
        ("", "other"),
        (None, "other"),
    ],
)
def test_event_kind_guessed_from_label(label: object, kind: str) -> None:
    assert guess_event_kind(label) == kind


def test_existing_kinds_are_kept() -> None:
    data = minimal_v1()
    data["proceedings"]["1"]["kind"] = "detention"
    data["proceedings"]["1"]["outcome"] = "detained"
    data["cases"]["1"]["events"][0]["kind"] = "detention"
    data = migrate(data)
    assert data["proceedings"]["1"]["kind"] == "detention"
    assert data["cases"]["1"]["events"][0]["kind"] == "detention"
    assert messages(data) == []


# ------------------------------------------------------------ v2 checks


def v2() -> dict[str, Any]:
    return migrate(minimal_v1())


def test_unknown_proceeding_kind() -> None:
    data = v2()
    data["proceedings"]["1"]["kind"] = "verdict"
    assert messages(data) == [
        "t.json: proceedings[vey-trial].kind: unknown value 'verdict'; expected one of: "
        "ruling, detention, bail, adjournment, hearing"
    ]


def test_hearing_outcome_on_a_ruling_lists_the_ruling_outcomes() -> None:
    data = v2()
    data["proceedings"]["1"]["outcome"] = "bail_denied"
    assert messages(data) == [
        "t.json: proceedings[vey-trial].outcome: 'bail_denied' is not an outcome of a ruling; "
        "expected one of: convicted, acquitted, upheld, reduced, increased, overturned, "
        "remanded, dropped, pending"
    ]


def test_ruling_outcome_on_a_hearing_lists_the_hearing_outcomes() -> None:
    data = v2()
    data["proceedings"]["2"]["kind"] = "bail"
    got = messages(data)
    assert got == [
        "t.json: proceedings[vey-appeal].outcome: 'upheld' is not an outcome of a bail hearing; "
        "expected one of: detained, extended, released, bail_granted, bail_denied, rejected, "
        "granted, adjourned, pending"
    ]
    data["proceedings"]["2"]["kind"] = "hearing"
    assert "is not an outcome of a hearing" in messages(data)[0]
    data["proceedings"]["2"]["outcome"] = "bail_denied"
    assert messages(data) == []


def test_outcome_in_no_vocabulary() -> None:
    data = v2()
    data["proceedings"]["1"]["outcome"] = "guilty"
    (msg,) = messages(data)
    assert msg.startswith("t.json: proceedings[vey-trial].outcome: unknown value 'guilty'")
    assert "bail_denied" in msg and "convicted" in msg


def test_absent_party_must_be_in_the_case() -> None:
    data = v2()
    data["proceedings"]["1"]["absent"] = ["rights-group"]
    assert messages(data) == [
        "t.json: proceedings[vey-trial].absent[0]: party 'rights-group' is not a participant "
        "of case 'vey-case'"
    ]
    data["proceedings"]["1"]["absent"] = ["nobody"]
    assert messages(data) == [
        "t.json: proceedings[vey-trial].absent[0]: unknown party id 'nobody' "
        "(no such id in parties)"
    ]


def test_absent_party_must_be_among_the_proceedings_parties() -> None:
    data = v2()
    proc = data["proceedings"]["1"]
    proc["parties"] = ["ana-vey"]
    proc["absent"] = ["bo-lin"]  # a participant (the judge), but not tried here
    assert messages(data) == [
        "t.json: proceedings[vey-trial].absent[0]: party 'bo-lin' is not among this "
        "proceeding's parties"
    ]
    proc["absent"] = ["ana-vey", "ana-vey"]
    assert "is listed twice" in messages(data)[0]


def test_in_absentia_is_no_field_of_v2() -> None:
    data = v2()
    data["proceedings"]["1"]["in_absentia"] = True
    (msg,) = messages(data)
    assert msg.startswith("t.json: proceedings[vey-trial].in_absentia: unknown field")


def test_event_kind_is_optional_and_checked() -> None:
    data = v2()
    del data["cases"]["1"]["events"][0]["kind"]
    assert messages(data) == []
    data["cases"]["1"]["events"][1]["kind"] = "raid"
    assert messages(data) == [
        "t.json: cases[vey-case].events[1].kind: unknown value 'raid'; expected one of: "
        "arrest, detention, release, bail, pardon, hearing, statement, other"
    ]


def test_edit_of_one_proceeding_is_checked_against_its_kind(minimal_store: Path) -> None:
    store = Store.load(minimal_store)
    proc = dict(store.get(model.PROCEEDINGS, "vey-appeal") or {})
    proc["outcome"] = "adjourned"
    with pytest.raises(StoreError) as err:
        store.put(model.PROCEEDINGS, proc)
    assert "'adjourned' is not an outcome of a ruling" in str(err.value.problems[0])
    proc["kind"] = "adjournment"
    store.put(model.PROCEEDINGS, proc)
    assert Store.load(minimal_store).get(model.PROCEEDINGS, "vey-appeal") == proc


# ------------------------------------------------------------ the bundled file in v2

BUNDLED = HERE.parent / "data" / "casefiles.json"


@pytest.fixture(scope="module")
def bundled() -> dict[str, Any]:
    return load(BUNDLED)


def test_bundled_file_is_v2_and_hand_corrected(bundled: dict[str, Any]) -> None:
    """Not merely migrated: migrating the v1 file guesses, the committed file was
    corrected against the fact sheet."""
    assert bundled["meta"] == {"1": {"schema_version": 2}}
    assert messages(bundled) == []
    assert bundled != migrate(load(BUNDLED_V1))
    procs = list(bundled["proceedings"].values())
    assert Counter(p["kind"] for p in procs) == {
        "ruling": 39,
        "hearing": 8,
        "detention": 2,
        "bail": 2,
    }
    events = [e for c in bundled["cases"].values() for e in c.get("events", ())]
    assert Counter(e["kind"] for e in events) == {
        "other": 28,
        "arrest": 24,
        "hearing": 22,
        "bail": 15,
        "release": 10,
        "detention": 8,
        "pardon": 8,
        "statement": 6,
    }


def _procs(data: dict[str, Any], case: str) -> list[tuple[str, str, str, str]]:
    return sorted(
        (p["kind"], p["level"], p.get("date", ""), p.get("outcome", ""))
        for p in data["proceedings"].values()
        if p["case"] == case
    )


def test_bundled_adhoc_5_hearings_are_not_rulings(bundled: dict[str, Any]) -> None:
    got = _procs(bundled, "adhoc-5-witness-bribery")
    hearings = [g for g in got if g[0] != "ruling"]
    assert hearings == [
        ("detention", "appeal", "2016-08-30", ""),  # outcome not in the copy read
        ("detention", "supreme", "2017-03-13", "detained"),
        ("hearing", "appeal", "2022-04-28", ""),
        ("hearing", "supreme", "2022-11-04", ""),
    ]
    rulings = [g[1:] for g in got if g[0] == "ruling" and g[3]]
    assert rulings == [
        ("appeal", "2022-05-23", "upheld"),
        ("first_instance", "2017-09-26", "convicted"),
        ("first_instance", "2018-09-26", "convicted"),
        ("supreme", "2022-11-18", "upheld"),
    ]


def test_bundled_hearing_outcomes_where_the_sources_give_them(bundled: dict[str, Any]) -> None:
    procs = {p["id"]: p for p in bundled["proceedings"].values()}
    assert procs["kem-sokha-coa-2019-indictment-appeal"]["kind"] == "hearing"
    assert procs["kem-sokha-coa-2019-indictment-appeal"]["outcome"] == "rejected"
    # "what was decided" conflicts: a ruling on the merits vs a bail hearing
    for bail, ruling in (
        ("tep-vanny-2013-sc-bail-voa", "tep-vanny-2013-sc-ruling"),
        ("cnrp-mass-trial-sc-bail", "cnrp-mass-trial-sc-conviction"),
    ):
        assert (procs[bail]["kind"], procs[bail]["outcome"]) == ("bail", "bail_denied")
        assert (procs[ruling]["kind"], procs[ruling]["outcome"]) == ("ruling", "upheld")
        assert procs[bail]["conflict"] == procs[ruling]["conflict"]


def test_bundled_absent_parties(bundled: dict[str, Any]) -> None:
    absent = {p["id"]: p["absent"] for p in bundled["proceedings"].values() if "absent" in p}
    assert absent == {
        "adhoc-5-coa-ruling": ["ny-sokha", "nay-vanda", "yi-soksan", "lim-mony", "ny-chakrya"],
        "boeung-kak-2011-ppmc-verdict": ["heng-mom"],
        "mother-nature-ppmc-verdict": ["alejandro-gonzalez-davidson", "chea-kunthin"],
        "mother-nature-plotting-ppmc-verdict": ["alejandro-gonzalez-davidson", "sun-ratha"],
        "cnrp-mass-trial-ppmc-verdict": ["sam-rainsy"],
        "sam-rainsy-defamation-ppmc-verdict": ["sam-rainsy"],
        "sam-rainsy-defamation-coa-ruling": ["sam-rainsy"],
        "sam-rainsy-coup-ppmc-verdict": ["sam-rainsy"],
        "sam-rainsy-2022-03-verdict": ["sam-rainsy"],
    }


def _events(data: dict[str, Any], case: str, kind: str) -> list[tuple[str, str | None]]:
    (doc,) = (c for c in data["cases"].values() if c["id"] == case)
    return [(e["date"], e.get("party")) for e in doc.get("events", ()) if e["kind"] == kind]


def test_bundled_custody_events_name_their_party(bundled: dict[str, Any]) -> None:
    tv = "tep-vanny-2013-protest"
    assert _events(bundled, tv, "arrest") == [("2016-08-15", "tep-vanny")]
    assert _events(bundled, tv, "pardon") == [("2018-08-20", "tep-vanny")] * 2  # two wordings
    assert _events(bundled, tv, "release") == [("2018-08-20", "tep-vanny")]
    bk = "boeung-kak-2011-city-hall-protest"
    assert sorted(str(p) for _, p in _events(bundled, bk, "pardon")) == [
        "bo-chhorvy",
        "heng-mom",
        "kong-chantha",
        "tep-vanny",
    ]
    assert _events(bundled, "seang-chet-witness-bribery", "pardon") == [
        ("2016-12-07", "seang-chet")
    ]
    assert _events(bundled, "kem-sokha-refusal-to-appear", "pardon") == [
        ("2016-12-02", "kem-sokha")
    ]
    rc = "rong-chhun-border-incitement"
    assert _events(bundled, rc, "arrest") == [
        ("2020-07-31", "rong-chhun"),
        ("2020-08", "sar-kanika"),
        ("2020-10", "ton-nimol"),
    ]
    assert _events(bundled, rc, "release") == [("2021-11-12", "rong-chhun")]
    mn = "mother-nature-one-woman-march"
    three = ["thun-ratha", "long-kunthea", "phuon-keoreaksmey"]
    for kind, date in (
        ("arrest", "2020-09-03"),
        ("detention", "2020-09-06"),
        ("bail", "2021-11-12"),
    ):
        assert _events(bundled, mn, kind) == [(date, p) for p in three]
    # an event's party is always one of the case's participants
    for case in bundled["cases"].values():
        members = {p["party"] for p in case.get("participants", ())}
        for e in case.get("events", ()):
            assert e.get("party", next(iter(members))) in members, (case["id"], e)


def test_bundled_compensation_keeps_its_amount_in_fine(bundled: dict[str, Any]) -> None:
    comp = [s for s in bundled["sentences"].values() if s["penalty"] == "compensation"]
    assert len(comp) == 9
    assert all(s["fine"]["amount"] > 0 and s["fine"]["currency"] == "KHR" for s in comp)


def test_event_party_must_be_in_the_case() -> None:
    data = v2()
    data["cases"]["1"]["events"][1]["party"] = "rights-group"
    assert messages(data) == [
        "t.json: cases[vey-case].events[1].party: party 'rights-group' is not a participant "
        "of this case"
    ]
