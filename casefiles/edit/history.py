"""A document's history from the change log, restoring an earlier version, and
knowing when someone else changed a document while it was being edited.

- ``document_history(store, table, id)``: every logged version of one
  document, newest first, each with its author, UTC time, reason, entry number
  (``seq``) and the differences from the version before it.  The log is read
  by ``casefiles.store.verify.history``, the function behind ``casefiles log
  ID``; its top-level field diff is shown by ``diff_lines`` (the CLI's lines),
  and ``changes`` goes below the top-level fields (``events[2].date``) for the
  browser, where a case's lists are long.
- ``restore_operation(store, version)``: the ``Operation.restore`` that puts a
  version back as a new change (so ``u`` undoes it), refused with the reasons
  when that version would not validate against the store as it is today
  (``restore_check``).
- ``changed_since(store, table, id, base_hash)``: whether another program
  changed a document since an edit read it (``base_hash`` =
  ``version_hash(store, table, id)`` taken when the edit began).  A form keeps
  the hash when it opens and asks before saving; on a change it shows both
  versions (``compare``) instead of overwriting either.
- ``Follower``: where this program is in the log, for a watcher: whether the
  files changed on disk (two ``stat`` calls), and the entries another program
  appended, after ``Store.refresh`` applied them (``summary`` says them in
  one line).

Nothing here imports textual.
"""

from __future__ import annotations

import copy
import difflib
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Final

import orjson

from casefiles.edit.ops import Check, EditRefused, Finding, History, Operation, label
from casefiles.model import Doc
from casefiles.store import Store
from casefiles.store.changelog import Entry, LogError, doc_hash, read_from
from casefiles.store.errors import StoreError
from casefiles.textsafe import clip, literal

#: Characters of one value shown in a diff line (the CLI's ``casefiles log``).
CLI_WIDTH: Final = 100
#: Characters of one value shown in the browser (it wraps them).
VIEW_WIDTH: Final = 4_000
#: Entries named one by one in a summary (the rest are counted).
SUMMARY_NAMES: Final = 3
#: Up to this size of the store file, a version older than the log's entries is
#: looked up in the checkpoint files (parsing them: about 3 s at 10k cases).
CHECKPOINT_PARSE_BYTES: Final = 16 * 2**20


class _Absent:
    """A field that is not there (``FieldChange.before`` of an added field)."""

    _instance: _Absent | None = None

    def __new__(cls) -> _Absent:
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "ABSENT"


ABSENT: Final = _Absent()


def shown(value: object, width: int = CLI_WIDTH) -> str:
    """A stored value as one line of literal text: JSON (strings quoted),
    clipped to ``width`` characters, unsafe characters escaped."""
    return literal(clip(orjson.dumps(value).decode(), width))


@dataclass(frozen=True, slots=True)
class FieldChange:
    """One difference between two versions of a document: ``field`` (a path:
    ``title``, ``events[2].date``), and the value before and after
    (``ABSENT``: not there)."""

    field: str
    before: Any = ABSENT
    after: Any = ABSENT

    @property
    def kind(self) -> str:
        """``added``, ``removed`` or ``changed``."""
        if self.before is ABSENT:
            return "added"
        return "removed" if self.after is ABSENT else "changed"

    @classmethod
    def from_json(cls, item: Mapping[str, Any]) -> FieldChange:
        """From an item of ``casefiles log --json``'s ``diff``."""
        return cls(str(item["field"]), item.get("before", ABSENT), item.get("after", ABSENT))

    def line(self, width: int = CLI_WIDTH) -> str:
        """One line: ``+ field: value``, ``- field: value`` or ``~ field: old -> new``."""
        name = literal(self.field)
        if self.kind == "added":
            return f"+ {name}: {shown(self.after, width)}"
        if self.kind == "removed":
            return f"- {name}: {shown(self.before, width)}"
        return f"~ {name}: {shown(self.before, width)} -> {shown(self.after, width)}"

    def lines(self, width: int = VIEW_WIDTH) -> list[str]:
        """The change as lines that read without colour: the field, then the
        old value on a line marked ``-`` and the new one on a line marked ``+``."""
        name = literal(self.field)
        if self.kind == "added":
            return [f"+ {name}: {shown(self.after, width)}"]
        if self.kind == "removed":
            return [f"- {name}: {shown(self.before, width)}"]
        return [f"~ {name}", f"  - {shown(self.before, width)}", f"  + {shown(self.after, width)}"]


def diff_lines(diff: Sequence[Mapping[str, Any]], width: int = CLI_WIDTH) -> list[str]:
    """``casefiles log``'s lines for a logged entry's ``diff`` (one per field)."""
    return [FieldChange.from_json(item).line(width) for item in diff]


def changes(before: object, after: object, path: str = "") -> list[FieldChange]:
    """The differences between two versions, below top-level fields where both
    sides are objects or lists (``participants[1].role``); list items are
    matched like lines of a text (``difflib``), so an item inserted in the
    middle is one addition, not a change of every item after it."""
    if before == after and type(before) is type(after):
        return []
    if not path:  # a document added or deleted: every field added or removed
        before = {} if before is None else before
        after = {} if after is None else after
    if isinstance(before, Mapping) and isinstance(after, Mapping):
        out: list[FieldChange] = []
        for key in sorted(before.keys() | after.keys()):
            sub = f"{path}.{key}" if path else str(key)
            if key not in before:
                out.append(FieldChange(sub, ABSENT, after[key]))
            elif key not in after:
                out.append(FieldChange(sub, before[key], ABSENT))
            else:
                out += changes(before[key], after[key], sub)
        return out
    if isinstance(before, list) and isinstance(after, list) and path:
        return list(_list_changes(before, after, path))
    return [FieldChange(path or "(document)", before, after)]


def _list_changes(before: list[Any], after: list[Any], path: str) -> Iterator[FieldChange]:
    keys_a = [orjson.dumps(v, option=orjson.OPT_SORT_KEYS) for v in before]
    keys_b = [orjson.dumps(v, option=orjson.OPT_SORT_KEYS) for v in after]
    matcher = difflib.SequenceMatcher(None, keys_a, keys_b, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            continue
        paired = min(i2 - i1, j2 - j1) if tag == "replace" else 0
        for k in range(paired):
            yield from changes(before[i1 + k], after[j1 + k], f"{path}[{j1 + k}]")
        for i in range(i1 + paired, i2):
            yield FieldChange(f"{path}[{i}]", before[i], ABSENT)
        for j in range(j1 + paired, j2):
            yield FieldChange(f"{path}[{j}]", ABSENT, after[j])


# ------------------------------------------------------------------ history


@dataclass(frozen=True, slots=True)
class Version:
    """One version of a document: what a logged change left (``doc``; ``None``
    when the change deleted it), who made it, when and why.  The oldest
    version of a document that existed before its first logged change has no
    ``seq`` (it comes from a checkpoint)."""

    table: str
    doc_id: str
    seq: int | None
    time: str
    author: str
    op: str
    """``put``, ``delete`` or ``checkpoint`` (the version before the first logged change)."""
    reason: str | None
    doc: Doc | None
    diff: tuple[FieldChange, ...] | None
    """Differences from the version before, below top-level fields (``None``:
    the version before is not known)."""
    created: bool = False
    """Whether this change added the document (there was none before it)."""
    current: bool = False
    """Whether the store holds this version now."""

    @property
    def verb(self) -> str:
        """``added``, ``edited``, ``deleted`` or ``as first recorded``."""
        if self.op == "checkpoint":
            return "as first recorded"
        if self.op == "delete":
            return "deleted"
        return "added" if self.created else "edited"

    @property
    def when(self) -> str:
        """The UTC time without seconds' fractions (``2026-11-30 18:02:11 UTC``)."""
        if not self.time:
            return "before the log"
        text = self.time.replace("T", " ").rstrip("Z")
        return literal(text.split(".", 1)[0]) + " UTC"

    def heading(self, *, reason: bool = True) -> str:
        """One line: entry, time, author, what happened, and the reason unless
        ``reason`` is false (literal text)."""
        seq = f"#{self.seq}" if self.seq is not None else "#-"
        parts = [seq, self.when, literal(self.author) if self.author else "", self.verb]
        text = "  ".join(p for p in parts if p)
        if self.current:
            text += "  (current)"
        if self.reason and reason:
            text += f"  ({literal(clip(self.reason, 200))})"
        return text

    def diff_lines(self, width: int = VIEW_WIDTH) -> list[str]:
        """The differences from the version before, as lines that read without colour."""
        if self.op == "checkpoint":
            return ["(the version before the first logged change: no differences to show)"]
        if self.diff is None:
            return ["(the version before this change is not in the log or a checkpoint)"]
        if not self.diff:
            return ["(no differences: the same document was saved again)"]
        return [line for change in self.diff for line in change.lines(width)]


@dataclass(frozen=True, slots=True)
class DocHistory:
    """The versions of one document, newest first."""

    table: str
    doc_id: str
    versions: tuple[Version, ...]
    notes: tuple[str, ...] = field(default=())
    """What the user should know (a log that could not be read)."""

    @property
    def label(self) -> str:
        """``cases[kem-sokha]``."""
        return label(self.table, self.doc_id)


def _undo_diff(after: Doc | None, diff: Sequence[Mapping[str, Any]]) -> Doc | None:
    """The version before a logged change, from the version after and the
    change's top-level diff (every changed field records its value before)."""
    before: Doc = dict(after or {})
    for item in diff:
        name = str(item["field"])
        if "before" in item:
            before[name] = item["before"]
        else:
            before.pop(name, None)
    return copy.deepcopy(before) if before else None


def document_history(
    store: Store, table: str, doc_id: str, *, checkpoints: bool | None = None
) -> DocHistory:
    """Every version of ``table[doc_id]`` the log records, newest first, up to
    the entry the store has applied (a change another program has just made
    shows once the store has read it).  Reads the whole log: call it off the
    UI thread on a big store.  ``checkpoints``: whether a version older than the
    entries the store replayed may be looked up in the checkpoint files (by
    default only for a store file up to ``CHECKPOINT_PARSE_BYTES``; beyond,
    parsing them would hold the interpreter for seconds)."""
    from casefiles.store.verify import history

    if checkpoints is None:
        try:
            checkpoints = store.path.stat().st_size <= CHECKPOINT_PARSE_BYTES
        except OSError:
            checkpoints = False
    notes: list[str] = []
    try:
        items = history(store.path, doc_id, replayed=store.replayed_before, checkpoints=checkpoints)
    except StoreError as exc:
        items = []
        notes.append(f"the change log cannot be read: {literal(str(exc))}")
    now = doc_hash(store.get(table, doc_id))
    mine = [i for i in items if i["table"] == table and i["seq"] <= store.log_seq]
    versions: list[Version] = []
    for item in mine:
        diff = item["diff"]
        doc = item["doc"]
        versions.append(
            Version(
                table=table,
                doc_id=doc_id,
                seq=item["seq"],
                time=item["time"],
                author=item["author"],
                op=item["op"],
                reason=item.get("reason"),
                doc=copy.deepcopy(doc),
                diff=None if diff is None else tuple(changes(_undo_diff(doc, diff), doc)),
                created=item["before"] is None,
            )
        )
    if mine:
        oldest = mine[-1]
        if oldest["before"] is not None and oldest["diff"] is None and not checkpoints:
            notes.append(
                f"the version before #{oldest['seq']} is in an earlier checkpoint, not read "
                "here for a store this big ('casefiles log ID' reads it)"
            )
        if oldest["before"] is not None and oldest["diff"] is not None:
            first = _undo_diff(oldest["doc"], oldest["diff"])
            if first is not None and doc_hash(first) == oldest["before"]:
                versions.append(
                    Version(table, doc_id, None, "", "", "checkpoint", None, first, None)
                )
    elif store.get(table, doc_id) is not None:
        notes.append("no change to this document is logged: it is as first recorded")
        versions.append(
            Version(table, doc_id, None, "", "", "checkpoint", None, store.get(table, doc_id), None)
        )
    if versions:
        top = versions[0]
        if doc_hash(top.doc) == now:
            versions[0] = replace(top, current=True)
    return DocHistory(table, doc_id, tuple(versions), tuple(notes))


# ------------------------------------------------------------------ restore


def restore_operation(store: Store, version: Version) -> Operation:
    """The operation that puts ``version`` back as a new change (titled
    ``restore cases[x] to #12``; a deleted version deletes the document)."""
    op = Operation.restore(store, version.table, version.doc_id, version.doc)
    where = f"#{version.seq}" if version.seq is not None else "the first recorded version"
    return replace(op, title=f"restore {label(version.table, version.doc_id)} to {where}")


def restore_check(store: Store, version: Version) -> Check:
    """What refuses putting ``version`` back today: it is the current version,
    or it would not validate against the store as it is now (a party it names
    was deleted since, a rule it breaks…), each reason as a ``Finding``."""
    current = store.get(version.table, version.doc_id)
    if doc_hash(current) == doc_hash(version.doc):
        why = "this is the version the store holds now; nothing to restore"
        return Check(problems=[Finding(version.table, version.doc_id, "", why)])
    return restore_operation(store, version).check(store)


def restore(
    store: Store,
    version: Version,
    history: History | None = None,
    *,
    reason: str | None = None,
) -> Operation:
    """Put ``version`` back as a new, logged change; through ``history`` (a
    ``casefiles.edit.ops.History``) when given, so that undo takes it back.
    ``EditRefused`` (nothing written) when ``restore_check`` refuses it."""
    check = restore_check(store, version)
    op = restore_operation(store, version)
    if not check.ok:
        raise EditRefused(f"{op.title}: refused", check)
    if history is not None:
        history.apply(store, op, reason=reason, accept_warnings=True)
    else:
        op.apply(store, reason=reason, accept_warnings=True)
    return op


# ----------------------------------------------------- someone else changed it


def version_hash(store: Store, table: str, doc_id: str) -> str | None:
    """The hash of the document as the store holds it now (``None``: absent):
    what an edit keeps when it begins, to give ``changed_since`` when it saves."""
    return doc_hash(store.get(table, doc_id))


@dataclass(frozen=True, slots=True)
class Theirs:
    """A document as another program left it since an edit began."""

    table: str
    doc_id: str
    doc: Doc | None
    """Their version (``None``: they deleted it)."""
    hash: str | None

    def describe(self) -> str:
        """One line: ``cases[x] was changed by another program since this edit began``."""
        what = "deleted" if self.doc is None else "changed"
        return (
            f"{label(self.table, self.doc_id)} was {what} by another program since this edit began"
        )


def changed_since(
    store: Store, table: str, doc_id: str, base_hash: str | None, *, refresh: bool = True
) -> Theirs | None:
    """``None`` when ``table[doc_id]`` is still the version whose hash is
    ``base_hash`` (``version_hash`` when the edit began; ``None`` for a
    document the edit adds); else their version, to show beside the user's.
    With ``refresh`` the store first reads what other programs committed
    (``StoreError`` when that fails: the caller does not save then)."""
    if refresh:
        store.refresh()
    now = store.get(table, doc_id)
    digest = doc_hash(now)
    if digest == base_hash:
        return None
    return Theirs(table, doc_id, copy.deepcopy(now), digest)


def compare(theirs: Doc | None, mine: Doc | None) -> list[str]:
    """Both versions of a document side by side as lines that read without
    colour: ``- their value`` / ``+ your value`` per field that differs."""
    if theirs is None:
        return ["their version: deleted", "your version: kept below, not saved"]
    if mine is None:
        return ["your version: deleted", "their version: kept, not deleted"]
    lines = ["lines marked - are theirs (in the store now), + are yours (not saved):"]
    for change in changes(theirs, mine):
        lines += change.lines()
    return lines


# ------------------------------------------------------------------ watching


@dataclass(frozen=True, slots=True)
class Caught:
    """What ``Follower.catch_up`` found: the entries another program appended
    (in order), and a problem that stopped reading them (``None``: none)."""

    entries: tuple[Entry, ...]
    problem: str | None = None

    @property
    def touched(self) -> set[tuple[str, str]]:
        """Every (table, id) the entries changed."""
        return {(e.table, e.id) for e in self.entries}

    def summary(self) -> str:
        """One short line: ``ana edited cases[x]; bob added parties[y]`` (the
        first few named, the rest counted)."""
        return summary(self.entries)


def summary(entries: Sequence[Entry]) -> str:
    """Entries in one short line of literal text (the first few named)."""
    if not entries:
        return "no change"
    parts: list[str] = []
    for entry in entries[:SUMMARY_NAMES]:
        verb = (
            "deleted" if entry.op == "delete" else ("added" if entry.before is None else "edited")
        )
        parts.append(f"{literal(clip(entry.author, 40))} {verb} {label(entry.table, entry.id)}")
    text = "; ".join(parts)
    if len(entries) > SUMMARY_NAMES:
        rest = len(entries) - SUMMARY_NAMES
        text += f"; and {rest} more change{'s' if rest != 1 else ''}"
    return text


class Follower:
    """This program's place in a store's change log, for a watcher.

    ``changed()`` is cheap (``Store.changed_on_disk``: two ``stat`` calls) and
    says whether another program wrote the store or its log; ``catch_up()``
    applies what they committed (``Store.refresh``) and returns those entries,
    read from where the last call stopped (entries the store had already
    applied, its own commits among them, are passed over by their ``seq``)."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self._offset: int | None = self._start()

    def _start(self) -> int | None:
        """Where the entries after the store's last one begin (``None``: not known)."""
        if self.store.changed_on_disk():
            return None
        try:
            return self.store.log_path.stat().st_size
        except FileNotFoundError:
            return 0
        except OSError:
            return None

    def changed(self) -> bool:
        """Whether the store file or its log changed on disk since the store read them."""
        return self.store.changed_on_disk()

    def catch_up(self) -> Caught:
        """Apply what other programs committed; the entries this applied."""
        store = self.store
        before = store.log_seq
        problem = None
        try:
            store.refresh()
        except StoreError as exc:
            problem = literal(str(exc))
        after = store.log_seq
        return Caught(tuple(self._read(before, after)), problem)

    def _read(self, before: int, after: int) -> list[Entry]:
        if after <= before:
            return []
        log: Path = self.store.log_path
        start = self._offset if self._offset is not None else 0
        try:
            tail = read_from(log, start, literal(str(log)))
        except (LogError, StoreError):
            if start == 0:
                return []
            try:
                tail = read_from(log, 0, literal(str(log)))
            except (LogError, StoreError):
                return []
        found = [e for e in tail.entries if e.seq <= after]
        if found:
            self._offset = found[-1].end
        return [e for e in found if e.seq > before]


__all__ = [
    "ABSENT",
    "Caught",
    "DocHistory",
    "FieldChange",
    "Follower",
    "Theirs",
    "Version",
    "changed_since",
    "changes",
    "compare",
    "diff_lines",
    "document_history",
    "restore",
    "restore_check",
    "restore_operation",
    "shown",
    "summary",
    "version_hash",
]
