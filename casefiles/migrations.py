"""Schema migrations: bring a parsed store up to ``model.SCHEMA_VERSION`` in memory.

``migrate(data)`` runs each step from the stored version to the current one.
It runs *before* validation, so the data may be anything: a step only changes
what it recognises and leaves everything else for validation to report.
Nothing here does I/O; the store writes the migrated document tree on its
next write.

- 0 -> 1: a store without a ``meta`` table gets one.
- 1 -> 2: proceedings get a ``kind`` (a ruling on the merits or a hearing);
  the v1 boolean ``in_absentia`` becomes ``absent``, the list of parties tried
  in absentia (the proceeding's ``parties``, or else the case's accused);
  events get a ``kind`` guessed from their label.

A store newer than this program is left alone: validation refuses it with a
message naming both versions.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import Any, Final

from casefiles import model

Migration = Callable[[dict[str, Any]], dict[str, Any]]


def _migrate_0_to_1(data: dict[str, Any]) -> dict[str, Any]:
    """Version 0 is a store without a ``meta`` table: give it one."""
    data[model.META] = {"1": {"schema_version": 1}}
    return data


# Label words that tell an event's kind, tried in this order: a hearing that
# denies bail is a hearing, "released on bail" is bail, an arrest warrant or
# "grounds for arrest" is no arrest.  Custody kinds are guessed only from
# clear words, since they change the arithmetic; anything unclear is "other".
_EVENT_WORDS: Final[tuple[tuple[str, re.Pattern[str]], ...]] = (
    ("pardon", re.compile(r"\bpardon")),
    ("other", re.compile(r"\bwarrants?\b")),
    ("statement", re.compile(r"\b(statement|says|said)\b")),
    ("hearing", re.compile(r"\bhearings?\b")),
    (
        "hearing",
        re.compile(
            r"\b(den(?:ies|ied)|refus(?:es|ed)|reject(?:s|ed)|postpone[sd]?|adjourn(?:s|ed)?|"
            r"extend(?:s|ed))\b"
        ),
    ),
    ("bail", re.compile(r"\bbail(?:ed)?\b")),
    ("release", re.compile(r"\b(released?|freed)\b")),
    ("arrest", re.compile(r"^arrest|\barrested\b")),
    ("detention", re.compile(r"\b(detained|detention|jailed|imprisoned)\b")),
    ("hearing", re.compile(r"(?<![-\w])trial\b")),
)


def guess_event_kind(label: object) -> str:
    """The kind of a v1 event, guessed from the words of its label (``other`` when
    nothing fits)."""
    if not isinstance(label, str):
        return "other"
    text = label.lower()
    for kind, pattern in _EVENT_WORDS:
        if pattern.search(text):
            return kind
    return "other"


def proceeding_kind(proceeding: Mapping[str, Any]) -> str:
    """The kind of a v1 proceeding: a ruling when it has a ruling outcome or sits
    at a stage that rules on the merits (trial, appeal, cassation, retrial), else
    a hearing."""
    outcome = proceeding.get("outcome")
    stage = proceeding.get("stage")
    if (isinstance(outcome, str) and outcome in model.RULING_OUTCOMES) or (
        isinstance(stage, str) and stage in model.MERITS_STAGES
    ):
        return "ruling"
    return "hearing"


def _accused(case: object) -> list[str]:
    """Ids of a case's defendants and accomplices, in participant order."""
    out: list[str] = []
    if isinstance(case, dict):
        participants = case.get("participants")
        if isinstance(participants, list):
            for p in participants:
                if (
                    isinstance(p, dict)
                    and p.get("role") in model.ACCUSED_ROLES
                    and isinstance(p.get("party"), str)
                    and p["party"] not in out
                ):
                    out.append(p["party"])
    return out


def _docs(data: Mapping[str, Any], table: str) -> list[dict[str, Any]]:
    """The documents of a table that are objects (anything else is for validation)."""
    docs = data.get(table)
    if not isinstance(docs, dict):
        return []
    return [doc for doc in docs.values() if isinstance(doc, dict)]


def _migrate_1_to_2(data: dict[str, Any]) -> dict[str, Any]:
    """Proceedings get ``kind`` and ``absent``; events get ``kind``."""
    cases = {doc["id"]: doc for doc in _docs(data, model.CASES) if isinstance(doc.get("id"), str)}
    for proc in _docs(data, model.PROCEEDINGS):
        if "kind" not in proc:
            proc["kind"] = proceeding_kind(proc)
        flag = proc.get("in_absentia")
        if isinstance(flag, bool):  # anything else stays for validation to report
            del proc["in_absentia"]
            if flag and "absent" not in proc:
                named = proc.get("parties")
                if isinstance(named, list) and named:
                    absent = list(named)
                else:
                    case_id = proc.get("case")
                    absent = _accused(cases.get(case_id)) if isinstance(case_id, str) else []
                if absent:
                    proc["absent"] = absent
    for case in cases.values():
        events = case.get("events")
        if isinstance(events, list):
            for event in events:
                if isinstance(event, dict) and "kind" not in event:
                    event["kind"] = guess_event_kind(event.get("label"))
    _set_version(data, 2)
    return data


def _set_version(data: dict[str, Any], version: int) -> None:
    meta = data.get(model.META)
    if isinstance(meta, dict) and len(meta) == 1:
        doc = next(iter(meta.values()))
        if isinstance(doc, dict):
            doc["schema_version"] = version


#: ``MIGRATIONS[n]`` turns a version-n store into version n+1, in memory.
MIGRATIONS: Final[dict[int, Migration]] = {0: _migrate_0_to_1, 1: _migrate_1_to_2}


def schema_version(data: Mapping[str, Any]) -> int | None:
    """The stored schema version, 0 when there is no meta table, None when unreadable."""
    meta = data.get(model.META)
    if meta is None:
        return 0
    if isinstance(meta, dict) and len(meta) == 1:
        doc = next(iter(meta.values()))
        if isinstance(doc, dict):
            version = doc.get("schema_version")
            if isinstance(version, int) and not isinstance(version, bool):
                return version
    return None


def migrate(data: dict[str, Any]) -> dict[str, Any]:
    """Bring a store up to ``model.SCHEMA_VERSION`` in place and return it.

    Unreadable and newer versions are left as they are for validation to report
    (a store newer than this program is refused, never downgraded)."""
    version = schema_version(data)
    while version is not None and version < model.SCHEMA_VERSION and version in MIGRATIONS:
        data = MIGRATIONS[version](data)
        version += 1
    return data
