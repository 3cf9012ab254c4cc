"""Opening a form from where the cursor is, without a user interface.

- ``edit_form(store, selection, pane)`` and ``add_form(store, pane, selection,
  case_id)`` build a ``Form`` prefilled from the selection (a ruling at the
  court the selected ruling appeals to, a sentence for the selected party …);
- ``cite_form`` adds a cite to the selected fact (from the reader: a source
  and a quote), ``edit_cite_form`` edits one in place;
- ``new_doc_form`` is the nested form of a picker's "new party…"/"new
  source…", whose document (``casefiles.edit.forms.pending_doc``) is saved in
  the same operation as the form that asked for it;
- ``describe`` names a fact in a few words for a form's title.

A ``FormError`` says why no form can be opened for what is selected.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping, Sequence
from dataclasses import replace
from typing import Any, Final, Protocol

from casefiles import model
from casefiles.citation import SelectionLike
from casefiles.edit.fieldtext import shown, text_of
from casefiles.edit.forms import Form, at_path, proceeding_label
from casefiles.edit.formspec import CITE, CITE_FIELDS, SPECS, FormSpec
from casefiles.model import Doc, humanise
from casefiles.store import Store


class FormError(ValueError):
    """No form can be opened for what is selected; ``str()`` says why."""


class Selection(SelectionLike, Protocol):
    """What is selected in the browser (``casefiles.tui.selection.Selection``):
    a ``SelectionLike`` that also knows its index in the case's charges or events."""

    def fact_index(self) -> int | None: ...


def _texts(spec: FormSpec, doc: Mapping[str, Any] | None) -> dict[str, str]:
    return {f.name: text_of(f, doc) for f in spec.all_fields}


def _new(
    spec: FormSpec,
    *,
    case_id: str | None = None,
    title: str = "",
    prefill: Mapping[str, str] | None = None,
    base: Doc | None = None,
    fixed: Mapping[str, Any] | None = None,
) -> Form:
    texts = _texts(spec, None)
    texts.update(prefill or {})
    form = Form(
        spec,
        "add",
        None,
        case_id=case_id,
        base=base,
        texts=texts,
        fixed=dict(fixed or {}),
        title=title or f"new {spec.title}",
    )
    form.initial = dict(form.texts)
    return form


def _edit(
    store: Store,
    spec: FormSpec,
    doc_id: str | None,
    *,
    case_id: str | None = None,
    index: int | None = None,
    title: str = "",
) -> Form:
    table = spec.table
    base_id = case_id if spec.item is not None else doc_id
    base = store.get(table, base_id or "")
    if base is None:
        raise FormError(f"no {table} document {shown(str(base_id))!r} in this store")
    form = Form(
        spec,
        "edit",
        doc_id,
        case_id=case_id,
        index=index,
        base=copy.deepcopy(base),
        title=title,
    )
    original = form.original
    if original is None:
        raise FormError(f"no such {spec.title} in {table}[{shown(str(base_id))}]")
    form.texts = _texts(spec, original)
    for f in CITE_FIELDS:  # the cite section adds a cite: it starts empty
        form.texts[f.name] = ""
    form.initial = dict(form.texts)
    if not form.title:
        form.title = f"edit {spec.title}: {describe(store, table, original)}"
    return form


def describe(store: Store, table: str, fact: Mapping[str, Any]) -> str:
    """A fact in a few words, for a form's title (``Ny Sokha · appeal``)."""
    if table == model.PROCEEDINGS:
        text = proceeding_label(fact)
    elif table == model.SENTENCES:
        proc = store.get(model.PROCEEDINGS, str(fact.get("proceeding", "")))
        level = f" · {humanise(str(proc.get('level')))}" if proc else ""
        text = f"{store.name_of(model.PARTIES, fact.get('party'))}{level}"
    elif "role" in fact:  # a participant
        text = f"{store.name_of(model.PARTIES, fact.get('party'))} ({humanise(str(fact['role']))})"
    elif "label" in fact:  # a charge or event
        who = store.name_of(model.PARTIES, fact.get("party"))
        text = f"{fact['label']}" + (f" · {who}" if who else "")
    else:
        text = str(fact.get("name") or fact.get("title") or fact.get("id", ""))
    return shown(text, 70)


#: A cite as a row of the browser knows it: (source, quote, note).
CiteKey = tuple[str, "str | None", "str | None"]


def participant_index(
    store: Store, case_id: str, party_id: str, cites: Sequence[CiteKey] | None = None
) -> int | None:
    """The position of a party's participant entry in a case: the one with
    ``cites`` when given (versions of one party's role share the party and
    differ by their cites), else the first."""
    case = store.get(model.CASES, case_id) or {}
    found: list[int] = []
    for i, p in enumerate(case.get("participants", ())):
        if p.get("party") == party_id:
            found.append(i)
            keys = [
                (c.get("source"), c.get("quote"), c.get("note"))
                for c in p.get("cites", ())
                if isinstance(c, dict)
            ]
            if cites is not None and keys == list(cites):
                return i
    return found[0] if found else None


def edit_form(
    store: Store,
    selection: Selection | None,
    pane: str | None = None,
    *,
    cites: Sequence[CiteKey] | None = None,
) -> Form:
    """The form that edits what is selected: a case's header (the cases list),
    a participant and role (a party in a case's parties pane), a party (the
    party view), a charge, an event, a ruling or hearing, a sentence, a source
    or a court.  ``FormError`` when nothing editable is selected."""
    if selection is None:
        raise FormError("Nothing selected to edit here.")
    kind, sid, case_id = selection.kind, selection.id, selection.case_id
    if kind == "case":
        return _edit(store, SPECS["case"], sid)
    if kind == "party":
        if case_id is not None and pane == "parties":
            index = participant_index(store, case_id, sid, cites)
            if index is None:
                raise FormError("This party is not a participant of the case.")
            name = store.name_of(model.PARTIES, sid)
            return _edit(
                store,
                SPECS["participant"],
                sid,
                case_id=case_id,
                index=index,
                title=f"edit participant: {name}",
            )
        return _edit(store, SPECS["party"], sid)
    if kind in ("charge", "event"):
        index = selection.fact_index()
        if index is None or case_id is None:
            raise FormError(f"This {kind} cannot be found in its case.")
        return _edit(store, SPECS[kind], None, case_id=case_id, index=index)
    if kind in ("proceeding", "sentence", "source", "court"):
        doc = store.get(TABLE_OF[kind], sid)
        if doc is None:
            raise FormError(f"No {kind} {shown(sid)!r} in this store.")
        form = _edit(store, SPECS[kind], sid)
        form.case_id = str(doc.get("case")) if doc.get("case") else case_id
        return form
    raise FormError(f"A {kind} cannot be edited in a form.")


TABLE_OF: Final = {
    "proceeding": model.PROCEEDINGS,
    "sentence": model.SENTENCES,
    "source": model.SOURCES,
    "court": model.COURTS,
    "case": model.CASES,
    "party": model.PARTIES,
}


def _ruling_prefill(store: Store, case_id: str, selected: Doc | None) -> dict[str, str]:
    """A new ruling on the ladder: the court the selected ruling appeals to (or
    the highest ruling's), at that court's level, about the same parties."""
    ladder = [p for p in store.proceedings_of(case_id) if not model.is_hearing(p)]
    below = selected or (ladder[-1] if ladder else None)
    out = {"kind": "ruling"}
    if below is None:
        out["level"] = "first_instance"
        return out
    court = store.get(model.COURTS, str(below.get("court", "")))
    upper = store.get(model.COURTS, str(court.get("appeals_to", ""))) if court else None
    if upper is not None:
        out["court"] = str(upper["id"])
        out["level"] = str(upper.get("level", ""))
    else:
        rank = model.LEVEL_RANK.get(str(below.get("level")), 0)
        out["level"] = model.COURT_LEVELS[min(rank + 1, len(model.COURT_LEVELS) - 1)]
    if below.get("parties"):
        out["parties"] = ", ".join(str(p) for p in below["parties"])
    return out


def _ruling_at(store: Store, case_id: str, level: str | None, party: str | None) -> str:
    """The latest ruling of the case at ``level`` that concerns ``party``."""
    case = store.get(model.CASES, case_id) or {}
    accused = model.accused_of(case)
    found = ""
    for proc in store.proceedings_of(case_id):
        if model.is_hearing(proc) or (level and proc.get("level") != level):
            continue
        if party is None or model.concerns(proc, party, accused):
            found = str(proc["id"])
    return found


def add_form(
    store: Store,
    pane: str | None,
    selection: Selection | None,
    case_id: str | None,
    *,
    row_level: str | None = None,
) -> Form:
    """The form that adds a fact of the focused pane's kind, prefilled from the
    cursor: a case (the cases list), a participant, charge or event (the
    parties pane, by the row under the cursor), a ruling on the ladder (court
    and level from the selected ruling), a sentence (the selected party at the
    selected level), a source.  ``FormError`` when there is no case to add to."""
    if pane == "cases" or (pane is None and case_id is None):
        return _new(SPECS["case"], prefill={"status": "open"})
    if pane == "sources":
        return _new(SPECS["source"], case_id=case_id, prefill={"kind": "news"})
    if case_id is None or store.get(model.CASES, case_id) is None:
        raise FormError("No case selected to add to.")
    case = store.get(model.CASES, case_id) or {}
    kind = selection.kind if selection is not None else None
    party = ""
    if selection is not None and kind == "party":
        party = selection.id
    elif selection is not None and kind in ("charge", "event"):
        index = selection.fact_index()
        items = case.get("charges" if kind == "charge" else "events", ())
        if index is not None and 0 <= index < len(items):
            party = str(items[index].get("party", ""))
    elif selection is not None and kind == "sentence":
        sent = store.get(model.SENTENCES, selection.id) or {}
        party = str(sent.get("party", ""))
    where = f" in {shown(str(case.get('title', case_id)), 50)}"
    if pane == "parties":
        if kind == "charge":
            return _new(
                SPECS["charge"],
                case_id=case_id,
                base=copy.deepcopy(case),
                prefill={"party": party, "status": "charged"},
                title=f"new charge{where}",
            )
        if kind in ("event", "proceeding"):
            return _new(
                SPECS["event"],
                case_id=case_id,
                base=copy.deepcopy(case),
                prefill={"party": party},
                title=f"new event{where}",
            )
        return _new(
            SPECS["participant"],
            case_id=case_id,
            base=copy.deepcopy(case),
            prefill={"role": "defendant"},
            title=f"new participant{where}",
        )
    if pane == "ladder":
        selected = (
            store.get(model.PROCEEDINGS, selection.id)
            if selection is not None and kind == "proceeding"
            else None
        )
        return _new(
            SPECS["proceeding"],
            case_id=case_id,
            prefill=_ruling_prefill(store, case_id, selected),
            fixed={"case": case_id},
            title=f"new ruling{where}",
        )
    if pane == "sentences":
        level = row_level
        if selection is not None and kind == "sentence":
            sent = store.get(model.SENTENCES, selection.id) or {}
            proc = store.get(model.PROCEEDINGS, str(sent.get("proceeding", "")))
            level = level or (str(proc.get("level")) if proc else None)
        prefill = {"party": party, "penalty": "imprisonment"}
        ruling = _ruling_at(store, case_id, level, party or None)
        if ruling:
            prefill["proceeding"] = ruling
        return _new(
            SPECS["sentence"],
            case_id=case_id,
            prefill=prefill,
            fixed={"case": case_id},
            title=f"new sentence{where}",
        )
    raise FormError("Nothing can be added here.")


def fact_path(
    store: Store,
    selection: Selection,
    pane: str | None = None,
    cites: Sequence[CiteKey] | None = None,
) -> tuple[str, str, str]:
    """``(table, document id, path inside it)`` of the selected fact, for a cite
    (``cites``: the selected row's, which tell versions of a participant apart)."""
    kind, sid, case_id = selection.kind, selection.id, selection.case_id
    if kind == "party" and case_id is not None and pane in ("parties", None):
        index = participant_index(store, case_id, sid, cites)
        if index is not None:
            return model.CASES, case_id, f"participants[{index}]"
    if kind in ("charge", "event") and case_id is not None:
        index = selection.fact_index()
        if index is not None:
            return model.CASES, case_id, f"{'charges' if kind == 'charge' else 'events'}[{index}]"
    if kind in ("case", "party", "proceeding", "sentence"):
        return TABLE_OF[kind], sid, ""
    raise FormError(f"A {kind} does not take cites; select a fact.")


def cite_form(
    store: Store,
    selection: Selection | None,
    pane: str | None = None,
    *,
    source_id: str = "",
    quote: str = "",
    cites: Sequence[CiteKey] | None = None,
) -> Form:
    """A form adding one cite (source, quote, note) to the selected fact."""
    if selection is None:
        raise FormError("Select a fact to cite.")
    table, doc_id, path = fact_path(store, selection, pane, cites)
    base = store.get(table, doc_id)
    if base is None or at_path(base, path) is None:
        raise FormError("The selected fact is not in the store.")
    spec = replace(SPECS["cite"], table=table)  # a cite on a fact of ``table``
    fact = at_path(base, path) or {}
    what = {"": SPECS.get(selection.kind, spec).title}.get(path, path.partition("[")[0][:-1])
    form = Form(
        spec,
        "add",
        doc_id,
        case_id=selection.case_id,
        base=copy.deepcopy(base),
        cite_path=path,
        title=f"cite on {what}: {describe(store, table, fact)}",
    )
    form.texts = {f.name: "" for f in CITE_FIELDS}
    form.texts["cite.source"] = source_id
    form.texts["cite.quote"] = quote
    form.initial = {f.name: "" for f in CITE_FIELDS}
    return form


def edit_cite_form(
    store: Store,
    selection: Selection | None,
    pane: str | None,
    cite: Mapping[str, Any],
    row_cites: Sequence[CiteKey] | None = None,
) -> Form:
    """A form editing one cite of the selected fact (the one equal to ``cite``:
    its source, quote and note); emptying every field removes it."""
    if selection is None:
        raise FormError("Select a fact to edit its cites.")
    table, doc_id, path = fact_path(store, selection, pane, row_cites)
    base = store.get(table, doc_id)
    fact = at_path(base, path) if base is not None else None
    if base is None or fact is None:
        raise FormError("The selected fact is not in the store.")
    wanted = {k: v for k, v in cite.items() if v is not None}
    cites = list(fact.get("cites", ()))
    index = next((i for i, c in enumerate(cites) if c == wanted), None)
    if index is None:
        raise FormError("This cite belongs to another version: select that version to edit it.")
    spec = replace(SPECS["cite"], table=table)  # a cite on a fact of ``table``
    form = Form(
        spec,
        "edit",
        doc_id,
        case_id=selection.case_id,
        base=copy.deepcopy(base),
        cite_path=path,
        cite_index=index,
        title=f"edit a cite of {describe(store, table, fact)}",
    )
    form.texts = {f.name: text_of(f, _uncited(cites[index])) for f in CITE_FIELDS}
    form.initial = dict(form.texts)
    return form


def _uncited(cite: Mapping[str, Any]) -> dict[str, Any]:
    """A cite's fields under the cite section's names (``cite.source`` …)."""
    return {f"{CITE}{k}": v for k, v in cite.items()}


def new_doc_form(kind: str, text: str) -> Form:
    """A nested form for a new party or source named ``text`` (a picker's
    "new party…"): saved with the form that asked for it."""
    spec = SPECS[kind]
    key = "name" if kind == "party" else "title"
    prefill = {key: text}
    if kind == "party":
        prefill["kind"] = "person"
    elif kind == "source":
        prefill["kind"] = "news"
    return _new(spec, prefill=prefill)
