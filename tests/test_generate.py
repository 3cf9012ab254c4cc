"""The synthetic store generator writes valid, deterministic schema v2 stores."""

from __future__ import annotations

from collections import Counter

import orjson

from casefiles import model
from casefiles.generate import generate
from casefiles.validate import validate


def test_generated_store_is_v2_valid_and_deterministic() -> None:
    data, articles = generate(400, seed=3)
    assert data["meta"] == {"1": {"schema_version": model.SCHEMA_VERSION}}
    assert validate(data) == []
    again, articles_again = generate(400, seed=3)
    assert orjson.dumps(again) == orjson.dumps(data)
    assert articles_again == articles
    assert orjson.dumps(generate(400, seed=4)[0]) != orjson.dumps(data)


def test_generated_store_has_hearings_absences_compensation_and_custody_events() -> None:
    data, _ = generate(400, seed=3)
    procs = list(data[model.PROCEEDINGS].values())
    kinds = Counter(p["kind"] for p in procs)
    assert set(kinds) == {"ruling", "detention", "bail", "adjournment"}
    for p in procs:
        assert p["outcome"] in model.OUTCOMES_BY_KIND[p["kind"]]
        assert "in_absentia" not in p
    assert any(p.get("absent") for p in procs)
    events = Counter(e["kind"] for c in data[model.CASES].values() for e in c["events"])
    assert {"arrest", "bail", "release", "pardon"} <= set(events)
    comp = [s for s in data[model.SENTENCES].values() if s["penalty"] == "compensation"]
    assert comp and all(s["fine"]["amount"] > 0 for s in comp)
    # every hearing comes before the first ruling of its case
    first_ruling: dict[str, str] = {}
    for p in procs:
        if p["kind"] == "ruling" and p["level"] == "first_instance":
            first_ruling[p["case"]] = p["date"]
    for p in procs:
        if p["kind"] != "ruling":
            assert p["date"] < first_ruling[p["case"]], p
