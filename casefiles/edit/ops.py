"""Edits as operations: checked, applied, undone.

An ``Operation`` is a list of document changes (table, id, the document as the
edit found it, the document it leaves; ``None`` for absent).  It can be

- *checked* against a store without writing anything: the documents must still
  be what the edit found (else another program changed them: both versions are
  reported), each change is validated as ``Store.put``/``Store.delete`` validate
  it (the document's fields and references, the documents whose checks read it,
  what refers to a deleted document), and the provenance rules hold (below);
- *applied*: one ``Store.commit`` (all or nothing, one entry per document in the
  change log, with a reason);
- *inverted*: undo is the inverse operation, itself an ordinary put/delete.

Provenance rules, checked for user edits (not for undo, redo or restore, which
put back what was there):

- a new or changed fact (a case's participant, charge or event; a proceeding;
  a sentence) carries at least one cite;
- a cite's quote that is new in the edit is looked up in its source's article
  text (``casefiles.article.find_quote``); one that is not found is a *warning*,
  reported before saving: the caller saves only with ``accept_warnings``;
- a different version of a fact (``Operation.add_version``) is added beside the
  first, both sharing a ``conflict`` key, each with its own cites; the first is
  never overwritten (it only gains the key).  An edit that changes a fact's
  values and replaces every one of its cites looks like another source's
  version typed over the first: a *warning*, like a quote not found.

``History`` keeps the operations applied in one session for undo and redo.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any, Final

from casefiles import model
from casefiles.article import find_quote
from casefiles.model import Doc
from casefiles.store import ConflictError, Store, StoreError, unwritable
from casefiles.textsafe import clip, literal
from casefiles.validate import Problem, link_problems, references, validate_document

FACT_LISTS: Final = ("participants", "charges", "events")
"""The facts a case holds in lists; proceedings and sentences are documents."""
FACT_TABLES: Final = (model.PROCEEDINGS, model.SENTENCES)
SINGULAR: Final = {
    model.SOURCES: "source",
    model.PARTIES: "party",
    model.COURTS: "court",
    model.CASES: "case",
    model.PROCEEDINGS: "proceeding",
    model.SENTENCES: "sentence",
    "participants": "participant",
    "charges": "charge",
    "events": "event",
}
HISTORY_LIMIT: Final = 500


def label(table: str, doc_id: object) -> str:
    """``parties[chin-malin]``: a document's name in messages, safe for a terminal."""
    shown = literal(clip(doc_id, 60)) if isinstance(doc_id, str) else "?"
    return f"{table}[{shown}]"


class Finding(str):
    """One problem or warning, as the line shown to the user
    (``cases[x].events[2].date: bad date …``), with where it is: ``table``,
    ``doc_id`` and ``field`` (a path inside the document, ``""`` for the whole
    document), so a form can show ``message`` beside its field."""

    table: str
    doc_id: str
    field: str
    message: str

    def __new__(cls, table: str, doc_id: str, field: str, message: str) -> Finding:
        where = label(table, doc_id) if table else ""
        if field:
            where += f".{field}"
        self = super().__new__(cls, f"{where}: {message}" if where else message)
        self.table, self.doc_id, self.field, self.message = table, doc_id, field, message
        return self


def problem_line(problem: Problem) -> Finding:
    """A validation problem without the file name: ``cases[x].events[2].date: bad date …``."""
    return Finding(problem.table or "", problem.doc_id or "", problem.field or "", problem.message)


@dataclass(frozen=True, slots=True)
class DocChange:
    """One document before and after an edit (``None``: absent)."""

    table: str
    doc_id: str
    before: Doc | None
    after: Doc | None

    @property
    def verb(self) -> str:
        """``add``, ``edit`` or ``delete``."""
        if self.after is None:
            return "delete"
        return "add" if self.before is None else "edit"

    def inverse(self) -> DocChange:
        """The change that puts ``before`` back."""
        return DocChange(self.table, self.doc_id, self.after, self.before)

    def __str__(self) -> str:
        return f"{self.verb} {label(self.table, self.doc_id)}"


@dataclass(frozen=True, slots=True)
class Stale:
    """A document another program changed since the edit read it: both versions."""

    table: str
    doc_id: str
    mine: Doc | None
    """What this edit would leave."""
    theirs: Doc | None
    """What the store holds now."""
    base: Doc | None
    """What the edit started from."""


@dataclass(slots=True)
class Check:
    """What checking an operation found.  ``problems`` refuse it; ``warnings``
    (quotes not found in their article) need the user's confirmation."""

    problems: list[Finding] = field(default_factory=list)
    warnings: list[Finding] = field(default_factory=list)
    stale: list[Stale] = field(default_factory=list)
    order: tuple[DocChange, ...] = ()
    """The changes in the order they validate in (and are committed in)."""

    @property
    def ok(self) -> bool:
        """Nothing refuses the operation (warnings may remain)."""
        return not self.problems and not self.stale

    def by_field(self, table: str, doc_id: str) -> dict[str, list[str]]:
        """Problems and warnings of one document by field path (``""``: the
        document as a whole): what a form shows beside each field."""
        out: dict[str, list[str]] = {}
        for finding in (*self.problems, *self.warnings):
            if finding.table == table and finding.doc_id == doc_id:
                out.setdefault(finding.field, []).append(finding.message)
        return out


class EditRefused(Exception):
    """An operation was not applied; ``check`` says why.  Nothing changed."""

    def __init__(self, message: str, check: Check) -> None:
        super().__init__(message)
        self.check = check

    @property
    def warnings_only(self) -> bool:
        """Only warnings stand in the way: applying with ``accept_warnings`` saves."""
        return self.check.ok and bool(self.check.warnings)


# ------------------------------------------------------------ operations


@dataclass(frozen=True, slots=True)
class Operation:
    """Changes to one or more documents, applied together (all or none).

    ``kind`` is ``edit`` (a user's edit: provenance rules apply), ``undo``,
    ``redo`` or ``restore``."""

    changes: tuple[DocChange, ...]
    title: str
    kind: str = "edit"

    # -- constructors

    @classmethod
    def put(cls, store: Store, table: str, doc: Doc, title: str | None = None) -> Operation:
        """Add or replace ``table[doc['id']]`` with ``doc``."""
        doc_id = str(doc.get("id", ""))
        before = store.get(table, doc_id)
        change = DocChange(table, doc_id, _copy(before), copy.deepcopy(doc))
        return cls((change,), title or str(change))

    @classmethod
    def delete(cls, store: Store, table: str, doc_id: str, title: str | None = None) -> Operation:
        """Remove ``table[doc_id]`` (refused by ``check`` while anything refers to it)."""
        change = DocChange(table, doc_id, _copy(store.get(table, doc_id)), None)
        return cls((change,), title or str(change))

    @classmethod
    def restore(cls, store: Store, table: str, doc_id: str, version: Doc | None) -> Operation:
        """Put an earlier version back (``None``: the document did not exist), as a new change."""
        change = DocChange(table, doc_id, _copy(store.get(table, doc_id)), _copy(version))
        return cls((change,), f"restore {label(table, doc_id)}", kind="restore")

    @classmethod
    def between(
        cls,
        before: Sequence[tuple[str, Doc]],
        after: Sequence[tuple[str, Doc]],
        title: str,
    ) -> Operation:
        """The changes that turn one set of documents into another (the editor
        round trip of a case: its proceedings and sentences may be added,
        changed or removed).  Unchanged documents are left out; removals come
        first (sentences before proceedings), then additions and changes in
        ``after``'s order."""
        old = {(t, str(d.get("id"))): d for t, d in before}
        new_keys = {(t, str(d.get("id"))) for t, d in after}
        changes: list[DocChange] = []
        for table in reversed(model.TABLES):
            for (t, doc_id), doc in old.items():
                if t == table and (t, doc_id) not in new_keys:
                    changes.append(DocChange(t, doc_id, _copy(doc), None))
        for t, doc in after:
            doc_id = str(doc.get("id"))
            prior = old.get((t, doc_id))
            if prior != doc:
                changes.append(DocChange(t, doc_id, _copy(prior), copy.deepcopy(doc)))
        return cls(tuple(changes), title)

    @classmethod
    def add_version(
        cls,
        store: Store,
        table: str,
        doc_id: str,
        values: Mapping[str, Any],
        cites: Sequence[Mapping[str, Any]],
        *,
        fact: tuple[str, int] | None = None,
        new_id: str | None = None,
    ) -> Operation:
        """Another version of a fact, kept beside the first as a version of one
        conflict (a shared ``conflict`` key), with its own ``cites``.

        For a proceeding or sentence, ``table[doc_id]`` is the first version and
        the new one is a new document (``new_id``, by default ``<id>-v2`` …).
        For a case's participant, charge or event, ``table`` is ``cases``,
        ``doc_id`` the case and ``fact`` = (``participants``/``charges``/``events``,
        index); the new item goes right after the group's last version.
        ``values`` are the fields that differ (``None`` leaves a field out of the
        new version).  The first version keeps every value and cite; it only
        gains the key when it had none.
        """
        doc = store.get(table, doc_id)
        if doc is None:
            raise EditRefused(
                f"no document {label(table, doc_id)}",
                Check(problems=[Finding(table, doc_id, "", "no such document")]),
            )
        if fact is None:
            if table not in FACT_TABLES:
                raise ValueError(f"{table} documents are not facts with versions")
            case_id = str(doc.get("case"))
            key = doc.get("conflict") or _free_key(store, case_id, doc_id)
            first = {**doc, "conflict": key}
            wanted = new_id or _free_id(store, table, doc_id)
            if store.get(table, wanted) is not None:
                finding = Finding(table, wanted, "id", "already exists; choose another id")
                raise EditRefused(str(finding), Check(problems=[finding]))
            second = _version(doc, values, cites, key)
            second["id"] = wanted
            _differs(doc, second, table, doc_id, "")
            changes = [DocChange(table, wanted, None, second)]
            if first != doc:
                changes.insert(0, DocChange(table, doc_id, _copy(doc), first))
            return cls(tuple(changes), f"add a version of {label(table, doc_id)}")
        if table != model.CASES or fact[0] not in FACT_LISTS:
            raise ValueError("versions of a case's facts: table 'cases', fact (list, index)")
        name, index = fact
        items = [dict(i) for i in doc.get(name, ())]
        if not 0 <= index < len(items):
            where = f"{label(table, doc_id)}.{name}[{index}]"
            raise EditRefused(
                f"no fact {where}",
                Check(problems=[Finding(table, doc_id, f"{name}[{index}]", "no such fact")]),
            )
        item = items[index]
        key = item.get("conflict") or _free_key(
            store, doc_id, f"{doc_id}-{SINGULAR[name]}-{index + 1}"
        )
        item["conflict"] = key
        items[index] = item
        second = _version(item, values, cites, key)
        _differs(item, second, table, doc_id, f"{name}[{index}]")
        last = max(i for i, it in enumerate(items) if it.get("conflict") == key)
        items.insert(last + 1, second)
        new_case = copy.deepcopy({**doc, name: items})
        change = DocChange(table, doc_id, _copy(doc), new_case)
        return cls((change,), f"add a version of {label(table, doc_id)}.{name}[{index}]")

    # -- use

    def inverse(self, kind: str = "undo") -> Operation:
        """The operation that undoes this one (changes inverted, in reverse order)."""
        title = f"{kind}: {self.title}"
        return Operation(tuple(c.inverse() for c in reversed(self.changes)), title, kind)

    def check(self, store: Store, *, referrers: bool = True) -> Check:
        """Everything that would refuse or question this operation, without
        writing anything.  ``referrers=False`` leaves out what refers to a
        deleted document (a scan of the whole store, which the commit does again
        anyway: ``apply`` uses it)."""
        result = Check()
        for change in self.changes:
            current = store.get(change.table, change.doc_id)
            if current != change.before:
                result.stale.append(
                    Stale(change.table, change.doc_id, change.after, _copy(current), change.before)
                )
                what = "deleted" if current is None else "changed"
                if change.before is None:
                    what = "added"
                result.problems.append(
                    Finding(
                        change.table,
                        change.doc_id,
                        "",
                        f"{what} by another program since this edit began; both versions "
                        "are kept, nothing was written",
                    )
                )
        if result.stale:
            return result
        if self.kind == "edit":
            result.problems += provenance_problems(self.changes)
        first: list[Finding] | None = None
        for order in _orderings(self.changes):
            problems = dry_run(store, order, referrers=referrers)
            if not problems:
                result.order = order
                break
            if first is None:
                first = problems
        else:
            result.problems += first or []
        if self.kind == "edit":
            result.warnings += overwrite_warnings(self.changes)
            result.warnings += quote_warnings(store, self.changes)
        return result

    def apply(
        self, store: Store, *, reason: str | None = None, accept_warnings: bool = False
    ) -> Check:
        """Check, then commit to the store (one change-log entry per document).
        ``EditRefused`` when something refuses it, or when warnings stand and
        ``accept_warnings`` is false; nothing is written then."""
        result = self.check(store, referrers=False)
        if not result.ok:
            raise EditRefused(f"{self.title}: refused", result)
        if result.warnings and not accept_warnings:
            raise EditRefused(f"{self.title}: please confirm", result)
        if not self.changes:
            return result
        commits: list[tuple[str, str, Any]] = [
            ("delete", c.table, c.doc_id) if c.after is None else ("put", c.table, c.after)
            for c in result.order
        ]
        try:
            store.commit(commits, reason=reason or self.title)
        except ConflictError as exc:
            # The store now shows the other program's version: report both.
            again = self.check(store, referrers=False)
            if again.ok:
                again.problems.append(Finding("", "", "", literal(str(exc))))
            raise EditRefused(str(exc), again) from None
        except StoreError as exc:
            refused = Check(
                problems=[problem_line(p) for p in exc.problems]
                or [Finding("", "", "", literal(str(exc)))],
                warnings=result.warnings,
            )
            raise EditRefused(str(exc), refused) from None
        return result

    def describe(self) -> list[str]:
        """One line per change (``edit parties[chin-malin]``)."""
        return [str(c) for c in self.changes]


def _copy(doc: Doc | None) -> Doc | None:
    return copy.deepcopy(doc) if doc is not None else None


def _version(
    first: Mapping[str, Any], values: Mapping[str, Any], cites: Sequence[Any], key: str
) -> Doc:
    """The first version with ``values`` (``None``: left out), the key and its own cites."""
    out = copy.deepcopy({**first, **values, "conflict": key, "cites": list(cites)})
    return {k: v for k, v in out.items() if v is not None}


def _differs(
    first: Mapping[str, Any], second: Mapping[str, Any], table: str, doc_id: str, path: str
) -> None:
    strip = ("cites", "conflict", "id")
    if {k: v for k, v in first.items() if k not in strip} == {
        k: v for k, v in second.items() if k not in strip
    }:
        finding = Finding(
            table,
            doc_id,
            path,
            "the new version has the same values as the first; to add a source for the "
            "same fact, add a cite to it instead",
        )
        raise EditRefused(f"{finding}", Check(problems=[finding]))


def _slug(text: str) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")
    return slug[:100].strip("-") or "fact"


def _case_keys(store: Store, case_id: str) -> set[str]:
    keys: set[str] = set()
    case = store.get(model.CASES, case_id) or {}
    for name in FACT_LISTS:
        keys.update(str(i["conflict"]) for i in case.get(name, ()) if i.get("conflict"))
    for doc in (*store.proceedings_of(case_id), *store.sentences_of(case_id)):
        if doc.get("conflict"):
            keys.add(str(doc["conflict"]))
    return keys


def _free_key(store: Store, case_id: str, base: str) -> str:
    used = _case_keys(store, case_id)
    slug = _slug(base)
    key, n = slug, 2
    while key in used:
        key, n = f"{slug}-{n}", n + 1
    return key


def _free_id(store: Store, table: str, doc_id: str) -> str:
    base = re.sub(r"-v[0-9]+\Z", "", doc_id)[:110]
    n = 2
    while store.get(table, f"{base}-v{n}") is not None:
        n += 1
    return f"{base}-v{n}"


# ----------------------------------------------------------- provenance


def _new_items(before: Doc | None, after: Doc, name: str) -> Iterator[tuple[int, Doc]]:
    """Items of ``after[name]`` that ``before[name]`` does not hold as they are."""
    old = list((before or {}).get(name, ()))
    for i, item in enumerate(after.get(name, ())):
        if item in old:
            old.remove(item)
        else:
            yield i, item


def provenance_problems(changes: Iterable[DocChange]) -> list[Finding]:
    """New or changed facts without a cite."""
    out: list[Finding] = []
    for c in changes:
        if c.after is None or not isinstance(c.after, dict):
            continue
        if c.table in FACT_TABLES and c.after != c.before and not c.after.get("cites"):
            out.append(
                Finding(
                    c.table,
                    c.doc_id,
                    "cites",
                    f"a new or changed {SINGULAR[c.table]} needs at least one cite "
                    "(a source, and optionally a quote and a note)",
                )
            )
        elif c.table == model.CASES:
            for name in FACT_LISTS:
                for i, item in _new_items(c.before, c.after, name):
                    if isinstance(item, dict) and not item.get("cites"):
                        out.append(
                            Finding(
                                c.table,
                                c.doc_id,
                                f"{name}[{i}].cites",
                                f"a new or changed {SINGULAR[name]} needs at least one cite "
                                "(a source, and optionally a quote and a note)",
                            )
                        )
    return out


def _replaced(old: Mapping[str, Any], new: Mapping[str, Any]) -> bool:
    """Whether ``new`` changes ``old``'s values and keeps none of its cites: what
    another source's version looks like when it is typed over the first."""
    values = {k: v for k, v in old.items() if k not in ("cites", "conflict")}
    new_values = {k: v for k, v in new.items() if k not in ("cites", "conflict")}
    old_cites = [c for c in old.get("cites", ()) if isinstance(c, dict)]
    new_cites = [c for c in new.get("cites", ()) if isinstance(c, dict)]
    kept = any(c in new_cites for c in old_cites)
    return values != new_values and bool(old_cites) and bool(new_cites) and not kept


_VERSION_HINT: Final = (
    "changed, and none of its cites kept: if another source says otherwise, keep both "
    "as versions (copy it and give both the same 'conflict:' key); save again without "
    "changes to replace it anyway"
)


def overwrite_warnings(changes: Iterable[DocChange]) -> list[Finding]:
    """Facts whose values and all of whose cites were replaced (warnings: the
    first version would be lost).  Lists of a case are compared item by item
    when their length did not change."""
    out: list[Finding] = []
    for c in changes:
        if c.before is None or c.after is None:
            continue
        if c.table in FACT_TABLES and _replaced(c.before, c.after):
            out.append(
                Finding(c.table, c.doc_id, "", f"this {SINGULAR[c.table]} was {_VERSION_HINT}")
            )
        elif c.table == model.CASES:
            for name in FACT_LISTS:
                old, new = c.before.get(name, ()), c.after.get(name, ())
                if not isinstance(new, list) or len(old) != len(new):
                    continue
                for i, (a, b) in enumerate(zip(old, new, strict=True)):
                    if isinstance(b, dict) and _replaced(a, b):
                        out.append(
                            Finding(
                                c.table,
                                c.doc_id,
                                f"{name}[{i}]",
                                f"this {SINGULAR[name]} was {_VERSION_HINT}",
                            )
                        )
    return out


def _cites_in(value: object, path: str) -> Iterator[tuple[str, Mapping[str, Any]]]:
    """Every cite below ``value`` with its field path."""
    if isinstance(value, dict):
        for i, cite in enumerate(value.get("cites", ()) or ()):
            if isinstance(cite, dict):
                yield f"{path}.cites[{i}]" if path else f"cites[{i}]", cite
        for key, sub in value.items():
            if key != "cites" and isinstance(sub, list):
                for i, item in enumerate(sub):
                    where = f"{path}.{key}[{i}]" if path else f"{key}[{i}]"
                    yield from _cites_in(item, where)


def quote_warnings(store: Store, changes: Iterable[DocChange]) -> list[Finding]:
    """Quotes new in the edit that are not found in their source's article text
    (sources without a readable article are not checked)."""
    out: list[Finding] = []
    texts: dict[str, str | None] = {}
    for c in changes:
        if c.after is None:
            continue
        known = {
            (str(cite.get("source")), str(cite.get("quote"))) for _, cite in _cites_in(c.before, "")
        }
        for path, cite in _cites_in(c.after, ""):
            quote, source_id = cite.get("quote"), cite.get("source")
            if not isinstance(quote, str) or not isinstance(source_id, str):
                continue
            if (source_id, quote) in known:
                continue
            if source_id not in texts:
                texts[source_id] = _article_text(store, source_id)
            text = texts[source_id]
            if text is None or find_quote(text, quote):
                continue
            out.append(
                Finding(
                    c.table,
                    c.doc_id,
                    f"{path}.quote",
                    f"{literal(clip(quote, 80))!r} is not in the article of source "
                    f"{literal(clip(source_id, 60))}",
                )
            )
    return out


def _article_text(store: Store, source_id: str) -> str | None:
    source = store.get(model.SOURCES, source_id)
    if source is None or not source.get("file"):
        return None
    try:
        return store.read_article(source)
    except StoreError:
        return None


# -------------------------------------------------------------- dry run


def _orderings(changes: tuple[DocChange, ...]) -> Iterator[tuple[DocChange, ...]]:
    """The order given, then (when a case changes with its proceedings or
    sentences) the case's change after theirs: a case that drops a participant
    must wait until its sentences no longer name it; one that adds a
    participant must come before a sentence that names it."""
    yield changes
    cases = [c for c in changes if c.table == model.CASES and c.after is not None]
    if cases and len(changes) > 1:
        rest = [c for c in changes if c not in cases]
        yield (*rest, *cases)


def dry_run(store: Store, changes: Sequence[DocChange], *, referrers: bool = True) -> list[Finding]:
    """Validate ``changes`` in order as ``Store.commit`` would (each against the
    store as the previous ones leave it), writing nothing; ``referrers=False``
    does not look for what refers to a deleted document."""
    overlay: dict[tuple[str, str], Doc | None] = {}
    name = store.name

    def lookup(t: str, i: str) -> Mapping[str, Any] | None:
        if (t, i) in overlay:
            return overlay[(t, i)]
        return store.get(t, i)

    out: list[Finding] = []
    for c in changes:
        if c.after is None:
            if lookup(c.table, c.doc_id) is None:
                out.append(Finding(c.table, c.doc_id, "", "no such document"))
                continue
            refs = _referrers(store, overlay, c.table, c.doc_id) if referrers else []
            if refs:
                shown = ", ".join(f"{label(t, i)}.{path}" for t, i, path in refs[:20])
                more = f" and {len(refs) - 20} more" if len(refs) > 20 else ""
                out.append(
                    Finding(
                        c.table,
                        c.doc_id,
                        "",
                        f"cannot be deleted while {len(refs)} "
                        f"reference{'s' if len(refs) != 1 else ''} to it remain: {shown}{more}",
                    )
                )
                continue
            overlay[(c.table, c.doc_id)] = None
            continue
        doc = c.after
        shape = [
            Finding(c.table, c.doc_id, path, f"cannot be written: {why}")
            for path, why in unwritable(doc)[:50]
        ]
        if shape:
            out += shape
            continue
        if doc.get("id") != c.doc_id:
            out.append(Finding(c.table, c.doc_id, "id", "does not match the document's id"))
            continue
        problems = validate_document(c.table, doc, lookup, name)
        if problems:
            out += [problem_line(p) for p in problems]
            continue
        old = lookup(c.table, c.doc_id)
        overlay[(c.table, c.doc_id)] = doc
        for t, dependent in _dependents(store, overlay, c.table, c.doc_id, old, doc):
            out += [problem_line(p) for p in link_problems(t, dependent, lookup, name)]
    return out


def _overlaid(
    store: Store, overlay: Mapping[tuple[str, str], Doc | None], table: str, docs: Iterable[Doc]
) -> list[Doc]:
    """``docs`` of ``table`` as the overlay leaves them (changed, removed)."""
    out: list[Doc] = []
    for doc in docs:
        key = (table, str(doc["id"]))
        if key in overlay:
            now = overlay[key]
            if now is not None:
                out.append(now)
        else:
            out.append(doc)
    return out


def _dependents(
    store: Store,
    overlay: Mapping[tuple[str, str], Doc | None],
    table: str,
    doc_id: str,
    old: Mapping[str, Any] | None,
    new: Doc,
) -> list[tuple[str, Doc]]:
    """The documents whose link checks read ``table[doc_id]`` (as the store's
    own commit checks them again)."""
    out: list[tuple[str, Doc]] = []

    def added(t: str, key: str, value: str) -> list[Doc]:
        return [
            d
            for (tt, i), d in overlay.items()
            if tt == t and d is not None and d.get(key) == value and store.get(t, i) is None
        ]

    if table == model.COURTS:
        procs = [p for p in store.table(model.PROCEEDINGS).values() if p.get("court") == doc_id]
        out += [
            (model.PROCEEDINGS, p)
            for p in _overlaid(store, overlay, model.PROCEEDINGS, procs)
            + added(model.PROCEEDINGS, "court", doc_id)
            if p.get("court") == doc_id
        ]
    elif table == model.CASES:
        for t, docs in (
            (model.PROCEEDINGS, store.proceedings_of(doc_id)),
            (model.SENTENCES, store.sentences_of(doc_id)),
        ):
            out += [
                (t, d)
                for d in _overlaid(store, overlay, t, docs) + added(t, "case", doc_id)
                if d.get("case") == doc_id
            ]
    elif table == model.PROCEEDINGS:
        cases = {new.get("case")} | ({old.get("case")} if old else set())
        for case in cases:
            if not isinstance(case, str):
                continue
            sents = _overlaid(store, overlay, model.SENTENCES, store.sentences_of(case))
            out += [
                (model.SENTENCES, s)
                for s in sents + added(model.SENTENCES, "case", case)
                if s.get("proceeding") == doc_id
            ]
    return out


def _referrers(
    store: Store, overlay: Mapping[tuple[str, str], Doc | None], table: str, doc_id: str
) -> list[tuple[str, str, str]]:
    """What refers to ``table[doc_id]`` once the overlay's changes are made."""
    out = [
        (t, i, path)
        for t, i, path in store.referrers(table, doc_id)
        if (t, i) not in overlay and not (t == table and i == doc_id)
    ]
    for (t, i), doc in overlay.items():
        if doc is None or (t == table and i == doc_id):
            continue
        out += [
            (t, i, path) for path, tt, ref in references(t, doc) if tt == table and ref == doc_id
        ]
    return out


# --------------------------------------------------------------- history


class History:
    """Undo and redo over the operations applied in one session.

    Undo applies the inverse operation and redo the operation again: each is an
    ordinary commit (the change log shows it, with the reason ``undo: …``).
    Either is refused, and the history left as it was, when another program has
    changed the documents since."""

    def __init__(self, limit: int = HISTORY_LIMIT) -> None:
        self._done: list[Operation] = []
        self._undone: list[Operation] = []
        self._limit = limit

    @property
    def can_undo(self) -> bool:
        """Whether there is an operation to undo."""
        return bool(self._done)

    @property
    def can_redo(self) -> bool:
        """Whether there is an undone operation to redo."""
        return bool(self._undone)

    @property
    def next_undo(self) -> Operation | None:
        """The operation ``undo`` would undo."""
        return self._done[-1] if self._done else None

    @property
    def next_redo(self) -> Operation | None:
        """The operation ``redo`` would apply again."""
        return self._undone[-1] if self._undone else None

    def apply(
        self,
        store: Store,
        op: Operation,
        *,
        reason: str | None = None,
        accept_warnings: bool = False,
    ) -> Check:
        """Apply ``op`` and remember it (a new operation clears what could be redone)."""
        result = op.apply(store, reason=reason, accept_warnings=accept_warnings)
        self.record(op)
        return result

    def record(self, op: Operation) -> None:
        """Remember an operation applied elsewhere (``Operation.apply``)."""
        self._done.append(op)
        del self._done[: -self._limit]
        self._undone.clear()

    def undo(self, store: Store) -> Operation:
        """Undo the last operation; return it."""
        if not self._done:
            raise EditRefused(
                "nothing to undo", Check(problems=[Finding("", "", "", "nothing to undo")])
            )
        op = self._done[-1]
        op.inverse("undo").apply(store, accept_warnings=True)
        self._done.pop()
        self._undone.append(op)
        return op

    def redo(self, store: Store) -> Operation:
        """Apply the last undone operation again; return it."""
        if not self._undone:
            raise EditRefused(
                "nothing to redo", Check(problems=[Finding("", "", "", "nothing to redo")])
            )
        op = self._undone[-1]
        replace(op, kind="redo", title=f"redo: {op.title}").apply(store, accept_warnings=True)
        self._undone.pop()
        self._done.append(op)
        return op


__all__ = [
    "FACT_LISTS",
    "FACT_TABLES",
    "Check",
    "DocChange",
    "EditRefused",
    "Finding",
    "History",
    "Operation",
    "Stale",
    "dry_run",
    "label",
    "overwrite_warnings",
    "problem_line",
    "provenance_problems",
    "quote_warnings",
]
