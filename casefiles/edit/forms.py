"""One form being filled in (``Form``), without a user interface.

A ``Form`` holds the texts typed so far into one ``FormSpec``
(``casefiles.edit.formspec``), the document they came from (an edit) or the
place a new one goes (an add), and the cite that gives the change its source.
``casefiles.edit.formopen`` opens forms prefilled from where the cursor is.

- ``Form.read(name)`` reads one field as typed (``26 Sept 2018`` → ``2018-09-26``,
  ``2y6m`` → 2 years 6 months) and says how it was read, or why it cannot be;
- ``Form.operation(store)`` assembles the document(s) and returns the
  ``casefiles.edit.ops.Operation`` a save applies: a put, or, for another
  source's version of a fact, ``Operation.add_version`` (both kept);
- ``Form.check(store)`` is that operation's core check (the rules ``validate``
  applies, the provenance rules, quotes looked up in their article) with each
  finding put beside the field it is about; besides it refuses a new
  document's id that is taken, names field by field what another program
  changed meanwhile, and warns when a correction changes a fact's values on
  the word of a source that is not among its cites (that is another version);
- ``pending_doc`` is the new document a nested form ("new party…") holds.

Nothing here imports textual: ``casefiles.tui.screens.form`` only presents.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Final

from casefiles import model
from casefiles.edit.fieldtext import Reading, free_id, shown, slug, split_text
from casefiles.edit.formspec import (
    CITE,
    CITE_FIELDS,
    CORRECTION,
    PICKED,
    VERSION,
    FieldSpec,
    FormSpec,
)
from casefiles.edit.ops import (
    Check,
    DocChange,
    EditRefused,
    Finding,
    Operation,
)
from casefiles.edit.parse import ParseError, read_date, read_duration
from casefiles.model import Doc, humanise
from casefiles.store import Store

_AMOUNT: Final = re.compile(r"^[0-9][0-9,_ ]*(?:\.[0-9]+)?\Z", re.ASCII)


@dataclass(slots=True)
class FormCheck:
    """What checking a form found: ``errors`` refuse the save, ``warnings``
    (a quote not found in its article, a fact whose cites were all replaced)
    need a second save to confirm; each by field name (``""``: the form as a
    whole)."""

    errors: dict[str, list[str]] = field(default_factory=dict)
    warnings: dict[str, list[str]] = field(default_factory=dict)
    operation: Operation | None = None

    @property
    def ok(self) -> bool:
        """Nothing refuses the save (warnings may remain)."""
        return not self.errors

    def add(self, name: str, message: str, *, warning: bool = False) -> None:
        """One more finding beside field ``name``."""
        target = self.warnings if warning else self.errors
        found = target.setdefault(name, [])
        if message not in found:
            found.append(message)

    def lines(self) -> list[str]:
        """Every finding as one line (``date: bad date …``)."""
        out: list[str] = []
        for kind, found in (("", self.errors), ("warning: ", self.warnings)):
            for name, messages in found.items():
                out += [f"{kind}{name + ': ' if name else ''}{m}" for m in messages]
        return out


@dataclass(slots=True)
class Form:
    """One form being filled in.

    ``doc_id`` names the document the form edits or adds (``None``: a new one
    whose id is made from the fields); ``index`` is the position of the item
    in the case's list (``None``: a new item).  ``base`` is the whole document
    as the form found it (a case for an item or a cite), so a save refuses,
    showing both versions, when another program changed it meanwhile.
    ``pending`` holds new parties and sources made from inside this form (a
    picker's "new party…"), saved together with it."""

    spec: FormSpec
    mode: str
    """``add`` or ``edit``."""
    doc_id: str | None
    case_id: str | None = None
    index: int | None = None
    base: Doc | None = None
    texts: dict[str, str] = field(default_factory=dict)
    fixed: dict[str, Any] = field(default_factory=dict)
    """Values the form sets without showing a field (a proceeding's case)."""
    pending: list[tuple[str, Doc]] = field(default_factory=list)
    save_as: str = CORRECTION
    title: str = ""
    cite_path: str | None = None
    """For a cite form: the fact the cite is added to (``participants[2]``, ``""``
    for the document itself)."""
    cite_index: int | None = None
    """For a cite form that edits a cite: its position in the fact's cites."""
    initial: dict[str, str] = field(default_factory=dict)
    """The texts as the form opened (``dirty`` compares with them)."""

    # -- what the form holds

    @property
    def table(self) -> str:
        """The table of the document the form writes."""
        return self.spec.table

    @property
    def fields(self) -> tuple[FieldSpec, ...]:
        """Every field shown, the cite section's last."""
        return self.spec.all_fields

    @property
    def original(self) -> Doc | None:
        """The fact as found (the item of a case's list; the document otherwise)."""
        if self.base is None:
            return None
        if self.spec.item is not None:
            if self.index is None:
                return None
            items = self.base.get(self.spec.item, ())
            return items[self.index] if 0 <= self.index < len(items) else None
        if self.spec.kind == "cite":
            return at_path(self.base, self.cite_path or "")
        return self.base

    @property
    def can_version(self) -> bool:
        """An edit of a fact that may be saved as another source's version."""
        return self.mode == "edit" and self.spec.cites == "required" and self.spec.kind != "cite"

    @property
    def dirty(self) -> bool:
        """Whether anything was typed since the form opened."""
        return self.texts != self.initial or bool(self.pending)

    def text(self, name: str) -> str:
        """What field ``name`` holds now."""
        return self.texts.get(name, "")

    def set_text(self, name: str, text: str) -> None:
        """Field ``name`` now holds ``text``."""
        self.texts[name] = text

    @property
    def _has_id(self) -> bool:
        return any(f.name == "id" for f in self.spec.fields)

    def editable(self, name: str) -> bool:
        """The id of a stored document cannot be changed here (other facts refer to it)."""
        return not (name == "id" and self.mode == "edit")

    def choices(self, store: Store, name: str) -> list[tuple[str, str]]:
        """``(value, label)`` pairs of a vocabulary or a proceeding field."""
        spec = self.spec.field(name)
        if spec.kind == "vocab":
            vocab = spec.vocab
            if name == "outcome" and self.spec.kind == "proceeding":
                vocab = model.OUTCOMES_BY_KIND.get(self.text("kind"), vocab)
            return [(v, humanise(v)) for v in vocab]
        if spec.kind == "proceeding" and self.case_id:
            return [
                (str(p["id"]), proceeding_label(p))
                for p in store.proceedings_of(self.case_id)
                if not model.is_hearing(p)
            ]
        return []

    # -- reading one field

    def name_of(self, store: Store, table: str, doc_id: str) -> str | None:
        """A referenced document's name (a pending new one too), ``None`` if unknown."""
        for t, doc in self.pending:
            if t == table and doc.get("id") == doc_id:
                return str(doc.get("name") or doc.get("title") or doc_id)
        if store.get(table, doc_id) is None:
            return None
        return store.name_of(table, doc_id)

    def read(self, store: Store, name: str) -> Reading:
        """Field ``name`` as read from its text."""
        spec = self.spec.field(name)
        raw = self.text(name)
        text = raw.strip() if spec.kind != "text" else raw.rstrip()
        if not text:
            if name == "id" and self.mode == "add":
                return Reading(None, "made from the other fields when saved")
            return Reading(None, "required" if spec.required else "")
        kind = spec.kind
        try:
            if kind == "date":
                date = read_date(text)
                method = date.how.rpartition(" (")[2].rstrip(")")
                if text == date.iso:
                    return Reading(date.iso, f"{date.date.human()} ({method})")
                return Reading(date.iso, f"{shown(text, 30)} → {date.iso} ({method})")
            if kind == "duration":
                term = read_duration(text)
                if text == term.how:
                    return Reading(term.parts or None, "✓")
                return Reading(term.parts or None, f"{shown(text, 30)} → {term.how}")
        except ParseError as exc:
            return Reading(None, error=str(exc))
        if kind == "vocab":
            value = text.lower().replace(" ", "_")
            if value not in spec.vocab:
                allowed = ", ".join(spec.vocab)
                return Reading(None, error=f"{shown(text, 40)!r} is not one of: {allowed}")
            return Reading(value, humanise(value) if value != text else "")
        if kind in PICKED:
            table = {
                "party": model.PARTIES,
                "court": model.COURTS,
                "source": model.SOURCES,
            }[kind]
            found = self.name_of(store, table, text)
            if found is None:
                return Reading(text, error=f"no {kind} {shown(text, 40)!r}; press enter to pick")
            return Reading(text, f"→ {shown(found)}")
        if kind == "proceeding":
            proc = store.get(model.PROCEEDINGS, text)
            if proc is None:
                return Reading(text, error=f"no proceeding {shown(text, 40)!r}")
            return Reading(text, f"→ {shown(proceeding_label(proc))}")
        if kind == "parties":
            ids = split_text(text, ",")
            names = []
            for pid in ids:
                found = self.name_of(store, model.PARTIES, pid)
                if found is None:
                    return Reading(ids, error=f"no party {shown(pid, 40)!r}")
                names.append(found)
            return Reading(ids, "→ " + shown("; ".join(names)))
        if kind == "lines":
            parts = split_text(text, ";")
            return Reading(parts, f"{len(parts)} item{'s' if len(parts) != 1 else ''}")
        if kind == "amount":
            plain = text.replace(",", "").replace("_", "").replace(" ", "")
            if not _AMOUNT.match(text) or not plain:
                return Reading(None, error=f"{shown(text, 40)!r} is not an amount (5,000,000)")
            number: int | float = float(plain) if "." in plain else int(plain)
            return Reading(number, f"→ {number:,}")
        if kind == "currency":
            return Reading(text.upper(), "")
        return Reading(text if kind != "text" else raw)

    # -- assembling

    def _values(self, store: Store) -> tuple[dict[str, Any], dict[str, str]]:
        """The fact's values from the fields (``None``: left out) and the
        fields that cannot be read."""
        values: dict[str, Any] = {}
        errors: dict[str, str] = {}
        fine: dict[str, Any] = {}
        for spec in self.spec.fields:
            if not self.editable(spec.name):
                continue
            reading = self.read(store, spec.name)
            if reading.error is not None:
                errors[spec.name] = reading.error
            if spec.name.startswith("fine."):
                if reading.value is not None:
                    fine[spec.name.partition(".")[2]] = reading.value
                continue
            values[spec.name] = reading.value if reading.error is None else None
        if any(f.name.startswith("fine.") for f in self.spec.fields):
            values["fine"] = fine or None
        return values, errors

    def new_cite(self, store: Store) -> Doc | None:
        """The cite typed in the cite section (``None``: none typed)."""
        if self.spec.cites == "none":
            return None
        cite: Doc = {}
        for spec in CITE_FIELDS:
            value = self.read(store, spec.name).value
            if value is not None:
                cite[spec.name.removeprefix(CITE)] = value
        if not cite:
            return None
        if "source" not in cite:  # a quote or note with no source: validate says so
            cite = {"source": "", **cite}
        return cite

    def _fact(self, store: Store, values: Mapping[str, Any]) -> Doc:
        """The fact as the form leaves it: what it was, with the fields' values
        and the new cite added to its cites."""
        doc: Doc = copy.deepcopy(self.original) if self.original is not None else {}
        for key, value in {**values, **self.fixed}.items():
            if value is None:
                doc.pop(key, None)
            else:
                doc[key] = value
        cite = self.new_cite(store)
        cites = list(doc.get("cites", ()))
        if self.cite_index is not None and 0 <= self.cite_index < len(cites):
            if cite is None:  # every field emptied: the cite goes
                del cites[self.cite_index]
            else:
                cites[self.cite_index] = cite
            doc["cites"] = cites
        elif cite is not None:
            doc["cites"] = [*cites, cite]
        if self.spec.item is None and self.spec.kind != "cite":
            doc["id"] = self.doc_id or self.suggest_id(store, values)
            doc = {"id": doc.pop("id"), **doc}
        return doc

    def suggest_id(self, store: Store, values: Mapping[str, Any] | None = None) -> str:
        """A free id for a new document, from what the form holds."""
        if values is None:
            values, _ = self._values(store)
        typed = self.read(store, "id").value if self.mode == "add" else None
        if typed:
            return str(typed)
        kind = self.spec.kind
        taken = [str(d.get("id")) for _, d in self.pending]
        if kind == "proceeding":
            when = values.get("date") or values.get("kind") or "ruling"
            base = f"{self.case_id or 'case'}-{values.get('level') or 'court'}-{when}"
        elif kind == "sentence":
            base = f"{values.get('party') or 'party'}-{self.case_id or 'case'}"
            proc = values.get("proceeding")
            if isinstance(proc, str) and store.get(model.PROCEEDINGS, proc):
                base += f"-{store.get(model.PROCEEDINGS, proc).get('level', '')}"  # type: ignore[union-attr]
        else:
            base = str(values.get("title") or values.get("name") or kind)
        return free_id(store, self.spec.table, slug(base, 100), taken)

    def operation(self, store: Store) -> Operation:
        """What saving the form applies (``EditRefused`` when a version cannot be
        added: the same values as the first)."""
        values, _ = self._values(store)
        changes: list[DocChange] = [
            DocChange(t, str(d["id"]), None, copy.deepcopy(d)) for t, d in self.pending
        ]
        spec = self.spec
        if self.mode == "edit" and self.save_as == VERSION and self.can_version:
            cite = self.new_cite(store)
            original = self.original or {}
            differ = {
                k: v
                for k, v in values.items()
                if v != original.get(k) and k not in ("id", "cites", "conflict")
            }
            if spec.item is not None and self.case_id is not None and self.index is not None:
                op = Operation.add_version(
                    store,
                    model.CASES,
                    self.case_id,
                    differ,
                    [cite] if cite else [],
                    fact=(spec.item, self.index),
                )
            else:
                assert self.doc_id is not None
                op = Operation.add_version(
                    store, spec.table, self.doc_id, differ, [cite] if cite else []
                )
            return Operation((*changes, *op.changes), op.title)
        fact = self._fact(store, values)
        if spec.item is not None or spec.kind == "cite":
            assert self.case_id is not None or spec.kind == "cite"
            whole = copy.deepcopy(self.base) if self.base is not None else {}
            if spec.kind == "cite":
                whole = _put_at(whole, self.cite_path or "", fact)
            else:
                items = list(whole.get(spec.item or "", ()))
                if self.index is None:
                    items.append(fact)
                else:
                    items[self.index] = fact
                whole[spec.item or ""] = items
            doc_id = str(whole.get("id"))
            title = f"{'add' if self.index is None and spec.kind != 'cite' else 'edit'} "
            title += f"{spec.title} in {spec.table}[{shown(doc_id)}]"
            changes.append(DocChange(spec.table, doc_id, self.base, whole))
        else:
            doc_id = str(fact["id"])
            before = self.base if self.mode == "edit" else store.get(spec.table, doc_id)
            changes.append(DocChange(spec.table, doc_id, copy.deepcopy(before), fact))
            title = f"{'add' if self.mode == 'add' else 'edit'} {spec.table}[{shown(doc_id)}]"
            case = store.get(model.CASES, self.case_id or "") if self.mode == "add" else None
            if spec.kind == "source" and case is not None:
                # a new source from a case's sources pane is cited on the case (as
                # an import is), so that it is listed there
                cited = {**case, "cites": [*case.get("cites", ()), {"source": doc_id}]}
                changes.append(DocChange(model.CASES, str(case["id"]), copy.deepcopy(case), cited))
                title += f", cited on {model.CASES}[{shown(str(case['id']))}]"
        return Operation(tuple(changes), title)

    # -- checking

    def _field_of(self, finding: Finding, op: Operation) -> str | None:
        """The form field a finding is about (``""``: the form as a whole;
        ``None``: another document's, shown as a whole-form line)."""
        if not op.changes:
            return ""
        main = next((c for c in reversed(op.changes) if c.table == self.spec.table), None)
        if main is None:
            return ""
        version = self.save_as == VERSION and self.can_version
        if (finding.table, finding.doc_id) != (main.table, main.doc_id):
            if version and finding.table == self.spec.table and finding.doc_id == self.doc_id:
                return ""
            return None
        path = finding.field
        prefix = ""
        if self.spec.item is not None:
            index = self.index
            if version or index is None:
                index = _changed_index(main, self.spec.item)
            prefix = f"{self.spec.item}[{index}]"
        elif self.spec.kind == "cite":
            prefix = self.cite_path or ""
        if prefix:
            if path == prefix:
                return ""
            if not path.startswith(prefix + "."):
                return None if self.spec.kind != "cite" else ""
            path = path[len(prefix) + 1 :]
        if path == "cites" or re.match(r"^cites\[[0-9]+\]\Z", path):
            return "cite.source"
        m = re.match(r"^cites\[([0-9]+)\]\.(\w+)", path)
        if m:
            return f"{CITE}{m.group(2)}"
        path = re.sub(r"\[[0-9]+\]\Z", "", path)
        names = {f.name for f in self.fields}
        if path in names:
            return path
        head = path.partition(".")[0].partition("[")[0]
        if head == "fine":
            return "fine.amount"
        return head if head in names else ""

    def check(self, store: Store) -> FormCheck:
        """Every reason the save would be refused or questioned, by field: the
        fields that cannot be read, then the core check of the operation (as
        ``validate`` and the store's commit check it)."""
        result = FormCheck()
        _, errors = self._values(store)
        for name, message in errors.items():
            result.add(name, message)
        typed_id = self.read(store, "id").value if self.mode == "add" and self._has_id else None
        if typed_id and store.get(self.spec.table, str(typed_id)) is not None:
            result.add("id", f"{self.spec.table} already holds {shown(str(typed_id))!r}")
        for spec in CITE_FIELDS if self.spec.cites != "none" else ():
            error = self.read(store, spec.name).error
            if error is not None and self.text(spec.name).strip():
                result.add(spec.name, error)
        try:
            op = self.operation(store)
        except EditRefused as exc:
            for finding in exc.check.problems:
                result.add("", finding.message)
            return result
        result.operation = op
        core: Check = op.check(store, referrers=False)
        self._place(result, op, core)
        typed_over = self._typed_over(store)
        if typed_over:
            result.add("", typed_over, warning=True)
        for stale in core.stale:
            for line in _theirs(stale.table, stale.doc_id, stale.base, stale.theirs):
                result.add("", line)
        return result

    def _typed_over(self, store: Store) -> str | None:
        """A correction that changes the fact's values on the word of a source
        that is not among its cites looks like another source's version typed
        over the first: a warning that suggests saving it as a version."""
        if not self.can_version or self.save_as != CORRECTION:
            return None
        cite = self.new_cite(store)
        original = self.original or {}
        sources = {c.get("source") for c in original.get("cites", ()) if isinstance(c, dict)}
        if cite is None or cite.get("source") in sources:
            return None
        values, _ = self._values(store)
        if all(v == original.get(k) for k, v in values.items() if k not in ("id", "cites")):
            return None
        source = shown(str(cite.get("source")), 40)
        return (
            f"the values changed, on the word of {source}, which is not among this fact's "
            f"sources: if {source} says otherwise, save as another version (both are kept); "
            "saving again corrects this fact"
        )

    def _place(self, result: FormCheck, op: Operation, core: Check) -> None:
        for warning, findings in ((False, core.problems), (True, core.warnings)):
            for finding in findings:
                name = self._field_of(finding, op)
                if name is None:
                    result.add("", str(finding), warning=warning)
                elif name in result.errors and not warning:
                    continue  # the field's own reading said it first
                else:
                    result.add(name, finding.message, warning=warning)


def _theirs(
    table: str, doc_id: str, base: Mapping[str, Any] | None, theirs: Mapping[str, Any] | None
) -> list[str]:
    """What another program changed in a document since the form opened, field
    by field (``base`` → ``theirs``): shown beside the user's own version."""
    where = f"{table}[{shown(doc_id)}]"
    if theirs is None:
        return [f"meanwhile another program deleted {where}"]
    if base is None:
        return [f"meanwhile another program added {where}"]
    out: list[str] = []
    for key in [*base, *(k for k in theirs if k not in base)]:
        if base.get(key) != theirs.get(key):
            old, new = _brief(base.get(key)), _brief(theirs.get(key))
            out.append(f"meanwhile another program changed {where}.{shown(key)}: {old} → {new}")
    return out[:8]


def _brief(value: object) -> str:
    if value is None:
        return "(none)"
    if isinstance(value, list):
        return f"{len(value)} item{'s' if len(value) != 1 else ''}"
    return shown(str(value), 40)


def _changed_index(change: DocChange, name: str) -> int:
    """The position of the item an edit added or changed in a case's list (a
    first version that only gained its ``conflict`` key does not count)."""

    def bare(item: object) -> object:
        if isinstance(item, dict):
            return {k: v for k, v in item.items() if k != "conflict"}
        return item

    before = [bare(item) for item in (change.before or {}).get(name, ())]
    after = list((change.after or {}).get(name, ()))
    for i, item in enumerate(after):
        if i >= len(before) or bare(item) not in before:
            return i
    return max(len(after) - 1, 0)


def at_path(doc: Mapping[str, Any], path: str) -> Doc | None:
    """The object at ``participants[2]`` (``""``: the document) inside a document."""
    if not path:
        return dict(doc)
    m = re.match(r"^(\w+)\[([0-9]+)\]\Z", path)
    if not m:
        return None
    items = doc.get(m.group(1), ())
    index = int(m.group(2))
    return dict(items[index]) if 0 <= index < len(items) else None


def _put_at(doc: Doc, path: str, value: Doc) -> Doc:
    if not path:
        return value
    m = re.match(r"^(\w+)\[([0-9]+)\]\Z", path)
    assert m is not None
    items = list(doc.get(m.group(1), ()))
    items[int(m.group(2))] = value
    return {**doc, m.group(1): items}


def proceeding_label(proc: Mapping[str, Any]) -> str:
    level = humanise(str(proc.get("level", "")))
    kind = humanise(str(proc.get("kind", "")))
    when = model.human_date(proc.get("date"), "undated")
    outcome = f" · {proc['outcome']}" if proc.get("outcome") else ""
    return f"{kind} · {level} · {when}{outcome}"


def pending_doc(store: Store, form: Form) -> tuple[str, Doc]:
    """The new document a nested form holds (checked by ``form.check``)."""
    values, _ = form._values(store)
    return form.table, form._fact(store, values)
