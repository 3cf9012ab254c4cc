"""The ``Store``: a loaded, valid case file with in-memory indexes, whose edits
are checked like a full validation would check them and committed to the
change log under an inter-process lock.

State = the canonical file (the last checkpoint) + the log entries after the
checkpoint.  A commit: take the lock; replay entries other programs appended
since (refusing, with ``ConflictError``, an edit of a document they changed);
check the edit against the store; append the entry and fsync; apply it in
memory.  Until the append has succeeded nothing in memory changes for good; if
the append fails or is interrupted, what was written is cut off again (we hold
the lock), so memory and disk agree; if even that fails, the next write
replays it first.
"""

from __future__ import annotations

import contextlib
import copy
import math
import os
import signal
import threading
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final

import orjson
from msgspec import Struct

from casefiles import collector, model, validcache
from casefiles.model import Doc
from casefiles.store import changelog, offsets
from casefiles.store.changelog import Entry, LogError, doc_hash
from casefiles.store.errors import ConflictError, StoreError
from casefiles.store.files import (
    Fingerprint,
    cannot_write,
    check_article_files,
    describe_os_error,
    fingerprint,
    fsync_dir,
    open_store_file,
    parse_bytes,
    read_article_file,
    read_meta,
    real_path,
    serialise,
    sidecar,
    write_atomic,
    write_atomic_pieces,
)
from casefiles.store.indexes import Indexes
from casefiles.store.lazy import DocTable, FileVersion
from casefiles.textsafe import literal, refused_in_line

if TYPE_CHECKING:
    from filelock import FileLock

    from casefiles.validate import Problem

LOCK_TIMEOUT: Final = 10.0
CHECKPOINT_BYTES: Final = 8 * 2**20
"""Fold the log into the canonical file once this many bytes were appended since
the last checkpoint (``$CASEFILES_CHECKPOINT_BYTES`` overrides)."""
MAX_DEPTH: Final = 64

Change = tuple[str, str, Any]
"""``("put", table, document)`` or ``("delete", table, id)``."""


def checkpoint_bytes() -> int:
    """The automatic checkpoint threshold in bytes of log."""
    raw = os.environ.get("CASEFILES_CHECKPOINT_BYTES", "")
    return int(raw) if raw.isdigit() else CHECKPOINT_BYTES


@contextlib.contextmanager
def _interrupts_held() -> Iterator[None]:
    """Hold Ctrl-C (SIGINT) back until the block ends, then raise it: the block
    runs to its end or fails on its own, never stops half-way.  Only in the main
    thread, and only where Python's own handler is installed."""
    if (
        threading.current_thread() is not threading.main_thread()
        or signal.getsignal(signal.SIGINT) is not signal.default_int_handler
    ):
        yield
        return
    received: list[int] = []
    signal.signal(signal.SIGINT, lambda signum, _frame: received.append(signum))
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, signal.default_int_handler)
        if received:
            raise KeyboardInterrupt


class Counts(Struct, frozen=True):
    """How many documents each table holds, and proceedings per court level.
    (A Struct, not a dataclass: created in C at import, before the first frame.)"""

    tables: dict[str, int]
    levels: dict[str, int]


def _cited_sources(facts: Any, out: dict[str, None]) -> None:
    """Collect source ids from every ``cites`` list below ``facts`` (in order)."""
    if isinstance(facts, dict):
        for cite in facts.get("cites", ()):
            out.setdefault(cite["source"], None)
        for value in facts.values():
            if isinstance(value, list):
                _cited_sources(value, out)
    elif isinstance(facts, list):
        for item in facts:
            if isinstance(item, dict):
                _cited_sources(item, out)


def unwritable(value: object, path: str = "", depth: int = 0) -> list[tuple[str, str]]:
    """Values JSON cannot hold faithfully, as (field path, why): lone surrogates,
    numbers beyond 64 bits, NaN and infinities (orjson would write ``null``),
    non-string keys, non-JSON types."""
    out: list[tuple[str, str]] = []
    if depth > MAX_DEPTH:
        return [(path, "nested too deeply")]
    if isinstance(value, str):
        try:
            value.encode("utf-8")
        except UnicodeEncodeError as exc:
            out.append(
                (
                    path,
                    f"holds a lone surrogate U+{ord(value[exc.start]):04X} at position "
                    f"{exc.start}, which UTF-8 cannot encode",
                )
            )
    elif value is None or isinstance(value, bool):
        pass
    elif isinstance(value, int):
        if not -(2**63) <= value < 2**64:
            out.append((path, "number too large to be written (beyond 64 bits)"))
    elif isinstance(value, float):
        if not math.isfinite(value):
            out.append((path, f"{value!r} cannot be written as JSON"))
    elif isinstance(value, dict):
        for key, item in value.items():
            if not isinstance(key, str):
                out.append((path, f"key {key!r} is not a string"))
                continue
            sub = f"{path}.{literal(key)}" if path else literal(key)
            if unwritable(key, sub, depth + 1):
                out.append((sub, "field name cannot be encoded as UTF-8"))
                continue
            out.extend(unwritable(item, sub, depth + 1))
    elif isinstance(value, list):
        for i, item in enumerate(value):
            out.extend(unwritable(item, f"{path}[{i}]", depth + 1))
    else:
        out.append((path, f"a {type(value).__name__} cannot be written as JSON"))
    return out


class Store:
    """A loaded, valid case file with in-memory indexes.

    Every lookup is a dictionary access: ``get(table, id)``, ``cases_of_party``,
    ``proceedings_of``, ``sentences_of``, ``sources_of``.  Edits go through
    ``put``/``delete``/``commit``, which append to the change log before they
    return; ``checkpoint`` folds the log into the canonical file.
    """

    def __init__(
        self,
        path: Path,
        data: Mapping[str, Any],
        fingerprint: Fingerprint | None,
        fields: Mapping[str, offsets.Fields] | None = None,
    ) -> None:
        self.path = path
        self.folder = path.parent
        self.by_id: dict[str, DocTable] = {}
        for table in model.TABLES:
            docs = data.get(table, {})
            self.by_id[table] = (
                docs if isinstance(docs, DocTable) else DocTable.from_docs(table, docs)
            )
        self._meta: dict[str, Any] = dict(data.get(model.META) or {})
        self._tree: dict[str, Any] | None = None
        self.fingerprint = fingerprint
        self.notices: list[str] = []
        """Things the user should know that are not errors (shown by the CLI)."""
        self._lock: FileLock | None = None
        self._max_key: dict[str, int] = {}
        meta = self._meta_doc()
        seq = meta.get("log_seq")
        self._cp_seq: int = seq if isinstance(seq, int) else 0
        cp_hash = meta.get("log_hash")
        self._log_seq = self._cp_seq
        self._log_hash: str | None = cp_hash if isinstance(cp_hash, str) else None
        self._log_end = 0
        self._log_last = 0
        self._cp_end = 0
        self._hashes: dict[int, str] = {}
        self.replayed_before: dict[int, Doc | None] = {}
        """The version before of every log entry this store replayed (for ``casefiles log``)."""
        if self._log_hash is not None:
            self._hashes[self._cp_seq] = self._log_hash
        self._ix = Indexes(self.by_id, fields)

    @property
    def data(self) -> dict[str, Any]:
        """The whole document tree in TinyDB's layout (``{"table": {"number":
        document}}``).  Every document is parsed for it (kept until the next
        change): for exports and scripts; lookups use ``get``/``table``."""
        if self._tree is None:
            tree: dict[str, Any] = {model.META: self._meta}
            for table in model.TABLES:
                tree[table] = self.by_id[table].tree()
            self._tree = tree
        return self._tree

    @property
    def name(self) -> str:
        """The store's path for messages."""
        return literal(str(self.path))

    @property
    def log_path(self) -> Path:
        """The change log beside the store (beside a symlink's target)."""
        return sidecar(self.path, ".log")

    @property
    def log_seq(self) -> int:
        """The last log entry applied in memory (0: none)."""
        return self._log_seq

    @property
    def log_end(self) -> int:
        """The byte offset in the log just after the last entry applied in memory
        (0: none), so that readers of the log can start there."""
        return self._log_end

    @property
    def version(self) -> tuple[object, ...]:
        """What this store's memory holds, exactly: the canonical file as read
        (fingerprint) and the last log entry applied (seq and hash).  Another
        program's commit, or this store's, gives another value: a key for caches."""
        return (self.fingerprint, self._log_seq, self._log_hash or "")

    @property
    def checkpoint_seq(self) -> int:
        """The last log entry folded into the canonical file (0: none)."""
        return self._cp_seq

    def _meta_doc(self) -> dict[str, Any]:
        meta = self._meta
        if isinstance(meta, dict) and len(meta) == 1:
            doc = next(iter(meta.values()))
            if isinstance(doc, dict):
                return doc
        return {}

    # -- loading

    @classmethod
    def load(cls, path: str | os.PathLike[str], *, check_files: bool = False) -> Store:
        """Read, migrate, validate and index a store and replay its change log;
        raise ``StoreError`` on any problem."""
        p = Path(path)
        real = real_path(p)

        with collector.paused():
            # The file stays open: documents are read from this very version
            # (by its descriptor) as they are looked up, never all at once.
            fd, st = open_store_file(p)
            file = FileVersion(real, fd, st)
            file_stamp = offsets.stamp(st)
            digest = None if check_files else offsets.known_digest(file.path, file_stamp)
            store = None
            if not check_files and offsets.enabled():
                if digest is None:
                    digest = file.sha256()
                    offsets.remember_digest(file.path, file_stamp, digest)
                file.digest = digest
                store = cls._load_mapped(p, file, digest)
            if store is None:
                store = cls._load_parsed(p, file, file_stamp, digest, check_files=check_files)
                if not check_files and store.by_id[model.CASES].file is not None:
                    # Start again from the offsets table just saved: the parsed
                    # tree is then freed whole, and its memory returned.
                    assert file.digest is not None
                    again = cls._load_mapped(p, file, file.digest)
                    store = again if again is not None else store
        store._open_log()
        if check_files:
            sources = {model.SOURCES: store.by_id[model.SOURCES]}
            problems = check_article_files(sources, store.folder, store.name)
            if problems:
                n = len(problems)
                raise StoreError(
                    f"{store.name}: {n} problem{'s' if n != 1 else ''} found", problems
                )
        return store

    @classmethod
    def _load_mapped(cls, path: Path, file: FileVersion, digest: str) -> Store | None:
        """A start that parses no document: the saved offsets table of these bytes
        and a remembered verdict on them (``None`` when either is missing)."""
        if not validcache.known_valid(digest):
            return None
        saved = offsets.load(digest, file.size)
        if saved is None:
            return None
        tables: dict[str, Any] = {model.META: saved.meta}
        for name, (ids, keys, starts, ends) in saved.tables.items():
            table = DocTable(name)
            table.back_with(file, ids, keys, starts, ends)
            if not offsets.plausible(table, ids, keys):
                return None  # not the table of these bytes after all: read them in full
            tables[name] = table
        return cls(path, tables, file.fingerprint, fields=saved.fields)

    @classmethod
    def _load_parsed(
        cls,
        path: Path,
        file: FileVersion,
        file_stamp: tuple[int, ...],
        digest: str | None,
        *,
        check_files: bool,
    ) -> Store:
        """Parse the whole file and validate it unless its bytes passed before;
        when it is in the canonical layout, keep its documents as file bytes from
        then on and save its offsets table for the next start."""
        raw = file.all_bytes()
        data = parse_bytes(raw, literal(str(path)))
        key = digest or validcache.digest(raw)
        file.digest = key
        trusted = not check_files and validcache.known_valid(key)
        store = cls.from_data(path, data, file.fingerprint, trusted=trusted, read_log=False)
        del data
        if not trusted:
            validcache.remember_valid(key)
        ranges = offsets.matches(raw, store.by_id, store._meta)
        if ranges is None:  # not canonical (hand-formatted, or migrated): kept parsed
            return store
        for name, (ids, keys, starts, ends) in ranges.tables.items():
            store.by_id[name].back_with(file, ids, keys, starts, ends)
        offsets.save(
            file.path,
            file_stamp,
            key,
            len(raw),
            ranges,
            store._ix.load_fields,
            store._meta,
        )
        return store

    @classmethod
    def from_data(
        cls,
        path: Path,
        data: object,
        fingerprint: Fingerprint | None = None,
        *,
        check_files: bool = False,
        trusted: bool = False,
        read_log: bool = True,
    ) -> Store:
        """Validate an already parsed document tree (the checkpoint) and wrap it as
        a store for ``path``, replaying the log beside ``path`` when ``read_log``.

        ``trusted`` skips validation: only for bytes that passed it before."""
        name = literal(str(path))
        if isinstance(data, dict):
            # imported here: a start from a saved offsets table parses (and so
            # migrates) nothing, and the regular expressions cost its first frame
            from casefiles import migrations

            data = migrations.migrate(data)
        if trusted:
            problems = []
        else:  # imported here: a start from checked bytes does without validation
            from casefiles.validate import validate

            problems = validate(data, name)
        if not problems and check_files:
            assert isinstance(data, dict)
            problems = check_article_files(data, path.parent, name)
        if problems:
            n = len(problems)
            raise StoreError(f"{name}: {n} problem{'s' if n != 1 else ''} found", problems)
        assert isinstance(data, dict)
        for table in model.TABLES:
            data.setdefault(table, {})
        store = cls(path, data, fingerprint)
        if read_log:
            store._open_log()
        return store

    @classmethod
    def create_empty(cls, path: str | os.PathLike[str]) -> Store:
        """A new, empty store written to ``path`` (which must not exist)."""
        p = Path(path)
        if p.exists():
            raise StoreError(f"{literal(str(p))}: already exists; not overwritten")
        data: dict[str, Any] = {model.META: {"1": {"schema_version": model.SCHEMA_VERSION}}}
        data.update({t: {} for t in model.TABLES})
        store = cls(p, data, None)
        with store._locked():
            store.fingerprint = write_atomic(p, *serialise(data))
        return store

    def _open_log(self) -> None:
        """Replay the log entries after the checkpoint (each checked as an edit)."""
        log = self.log_path
        name = literal(str(log))
        if not log.exists():
            if self._cp_seq:
                self.notices.append(
                    f"{name}: the change log is missing; its history up to entry "
                    f"{self._cp_seq} is not available (new entries continue after it)"
                )
            return
        meta = self._meta_doc()
        offset = meta.get("log_offset")
        start = offset if isinstance(offset, int) and self._cp_seq else 0
        try:
            tail = changelog.read_from(log, start, name)
        except LogError:
            if not start:
                raise
            tail = changelog.Tail([], start, 0)  # the offset is stale: read it all
        entries = tail.entries
        if self._cp_seq:
            if not entries or entries[0].seq != self._cp_seq:
                tail = changelog.read_from(log, 0, name)
                entries = tail.entries
            found = [i for i, e in enumerate(entries) if e.seq == self._cp_seq]
            restarted = (
                not found
                and bool(entries)
                and entries[0].seq == self._cp_seq + 1
                and entries[0].prev == self._log_hash
            )
            if restarted:  # the log went missing once; a new one continued the chain
                self.notices.append(
                    f"{name}: the change log starts after entry {self._cp_seq} (its earlier "
                    "history is missing)"
                )
            elif not found or entries[found[0]].hash != self._log_hash:
                raise StoreError(
                    f"{name}: does not hold entry {self._cp_seq} as the store's last checkpoint "
                    "recorded it (the log was replaced or changed, or the store file comes "
                    "from another copy); see 'casefiles log --verify', or move the log aside "
                    "to open the file as it is"
                )
            else:
                here = entries[found[0]]
                self._cp_end = self._log_end = here.end
                self._log_last = here.offset
                entries = entries[found[0] + 1 :]
        changelog.check_chain(entries, self._log_seq, self._log_hash, name)
        for entry in entries:
            self._replay(entry)
        if tail.torn:
            self.notices.append(
                f"{name}: ignored an incomplete last entry ({tail.torn} bytes: a write was "
                "cut short and never acknowledged); the next write removes it"
            )

    @property
    def doc_ids(self) -> dict[str, Mapping[str, int]]:
        """TinyDB's document number of every id, per table (do not mutate)."""
        return {t: self.by_id[t].keys_map for t in model.TABLES}

    def _next_key(self, table: str) -> int:
        """TinyDB's rule for a new document number: one more than the largest."""
        if table not in self._max_key:
            self._max_key[table] = max(self.doc_ids[table].values(), default=0)
        return self._max_key[table] + 1

    # -- reading

    def table(self, name: str) -> Mapping[str, Doc]:
        """All documents of a table by id, in document-number order (do not
        mutate; use ``put``).  A lookup parses a document on first use; iterating
        values or items parses every document without keeping them."""
        return self.by_id[name]

    def get(self, table: str, doc_id: str) -> Doc | None:
        """One document by id, or ``None``."""
        return self.by_id[table].get(doc_id)

    def name_of(self, table: str, doc_id: object) -> str:
        """Display name of a referenced document: its name or title, else its id
        (empty for a missing or non-string reference)."""
        if not isinstance(doc_id, str) or not doc_id:
            return ""
        doc = self.by_id[table].get(doc_id)
        if doc is None:
            return doc_id
        return str(doc.get("name") or doc.get("title") or doc_id)

    def cases_of_party(self, party: str) -> list[str]:
        """Ids of the cases the party takes part in, in store order."""
        return list(self._ix.cases_by_party.get(party, ()))

    def proceedings_of(self, case: str) -> list[Doc]:
        """The case's proceedings ordered as a court ladder (level, then date)."""
        procs = self.by_id[model.PROCEEDINGS]
        return model.court_ladder(procs[p] for p in self._ix.procs_by_case.get(case, ()))  # type: ignore[return-value]

    def sentences_of(self, case: str) -> list[Doc]:
        """The case's sentences, in store order."""
        sents = self.by_id[model.SENTENCES]
        return [sents[s] for s in self._ix.sents_by_case.get(case, ())]

    def sources_of(self, case: str) -> list[Doc]:
        """Every source cited by the case, its proceedings and its sentences."""
        sources = self.by_id[model.SOURCES]
        return [sources[s] for s in self._source_ids_of(case) if s in sources]

    def _source_ids_of(self, case: str) -> tuple[str, ...]:
        ids = self._ix.sources_by_case.get(case)
        if ids is None:
            seen: dict[str, None] = {}
            _cited_sources(self.by_id[model.CASES].get(case, {}), seen)
            for proc in self.proceedings_of(case):
                _cited_sources(proc, seen)
            for sent in self.sentences_of(case):
                _cited_sources(sent, seen)
            ids = tuple(seen)
            self._ix.sources_by_case[case] = ids
        return ids

    def prefetch_case(self, case: str) -> None:
        """Read what a view of ``case`` shows (its proceedings, sentences,
        parties, courts and sources) in few reads of the file, before the view
        asks for each document alone."""
        doc = self.by_id[model.CASES].get(case)
        if doc is None:
            return
        self.by_id[model.PROCEEDINGS].prefetch(self._ix.procs_by_case.get(case, ()))
        self.by_id[model.SENTENCES].prefetch(self._ix.sents_by_case.get(case, ()))
        people = [p.get("party") for p in doc.get("participants", ()) if isinstance(p, dict)]
        self.by_id[model.PARTIES].prefetch(p for p in people if isinstance(p, str))
        courts = [p.get("court") for p in self.proceedings_of(case)]
        self.by_id[model.COURTS].prefetch(c for c in courts if isinstance(c, str))
        self.by_id[model.SOURCES].prefetch(self._source_ids_of(case))

    def latest_outcomes(self, case: str) -> dict[str, model.PartyOutcome]:
        """Each accused party's latest outcome in ``case``."""
        doc = self.by_id[model.CASES].get(case)
        if doc is None:
            return {}
        return model.latest_outcomes(doc, self.proceedings_of(case))

    def counts(self) -> Counts:
        """Documents per table and proceedings per court level."""
        levels = dict.fromkeys(model.COURT_LEVELS, 0)
        for proc in self.by_id[model.PROCEEDINGS].values():
            levels[proc["level"]] += 1
        return Counts({t: len(self.by_id[t]) for t in model.TABLES}, levels)

    def article_path(self, source: Mapping[str, Any]) -> Path | None:
        """The local article file of a source, only if it lies inside the store's folder."""
        rel = source.get("file")
        if not isinstance(rel, str):
            return None
        folder = self.folder.resolve()
        target = (folder / rel).resolve()
        if not target.is_relative_to(folder):
            return None
        return target

    def read_article(self, source: Mapping[str, Any]) -> str:
        """The stored article text of a source; ``StoreError`` says why it cannot be read."""
        target = self.article_path(source)
        sid = literal(str(source.get("id")))
        if target is None:
            raise StoreError(f"source {sid}: no article file inside the store's folder")
        return read_article_file(target, sid)

    def referrers(self, table: str, doc_id: str) -> list[tuple[str, str, str]]:
        """Every (table, id, field) that refers to ``table[doc_id]``: a search of
        the file's bytes for the id, then only the documents that hold it parsed."""
        from casefiles.validate import can_refer, references

        out: list[tuple[str, str, str]] = []
        needle = orjson.dumps(doc_id)  # the id as a JSON string: only those documents can refer
        for t in model.TABLES:
            if not can_refer(t, table):
                continue
            docs = self.by_id[t]
            for other_id in docs.mentioning(needle):
                doc = docs.peek(other_id)
                assert doc is not None
                for path, _target, ref in references(t, doc, table):
                    if ref == doc_id:
                        out.append((t, other_id, path))
        return out

    @property
    def file_version(self) -> FileVersion | None:
        """The version of the canonical file the file-backed documents are read
        from (``None``: every document is in memory)."""
        for table in self.by_id.values():
            if table.file is not None:
                return table.file
        return None

    @property
    def stale(self) -> str | None:
        """Why documents not read yet can no longer be read (the file they are
        read from was rewritten in place or cut short by another program since
        the load), as a one-line message; ``None`` while nothing says so.  One
        ``fstat``, cheap enough for a timer: a rewrite of the very same size is
        found by the next read, which compares the contents.  A read of a
        document from such a file raises ``StaleFileError`` with this message."""
        file = self.file_version
        return None if file is None else file.stale

    # -- writing

    def changed_on_disk(self) -> bool:
        """Whether another program wrote the file or the log since this store read them."""
        try:
            if fingerprint(real_path(self.path).stat()) != self.fingerprint:
                return True
            return self.log_path.stat().st_size != self._log_end
        except FileNotFoundError:
            return self._log_end != 0
        except OSError:
            return True

    @contextlib.contextmanager
    def _locked(self, *, hold_interrupts: bool = False) -> Iterator[None]:
        """Hold the inter-process write lock (re-entrant within this process);
        with ``hold_interrupts``, Ctrl-C waits until the lock is released (a
        commit takes milliseconds, and half-applied bookkeeping is worse)."""
        from filelock import FileLock, Timeout

        lock_path = str(sidecar(self.path, ".lock"))
        if self._lock is None or self._lock.lock_file != lock_path:
            self._lock = FileLock(lock_path, timeout=LOCK_TIMEOUT)
        try:
            self._lock.acquire()
        except Timeout:
            raise StoreError(
                f"{self.name}: another program holds the write lock "
                f"({literal(lock_path)}) for over {LOCK_TIMEOUT:.0f} s; try again"
            ) from None
        except OSError as exc:
            raise cannot_write(
                real_path(self.path), f"(lock file {literal(lock_path)})", exc
            ) from None
        with _interrupts_held() if hold_interrupts else contextlib.nullcontext():
            try:
                yield
            finally:
                self._lock.release()

    def put(self, table: str, doc: Doc, *, reason: str | None = None) -> None:
        """Insert or replace the document with ``doc['id']`` and commit it.

        The document is checked against the store as a full validation would
        check it: its fields, its references, and the consistency of every
        document whose checks read it (the proceedings of a court, the
        proceedings and sentences of a case, the sentences of a proceeding).
        On any error nothing changes, in memory or on disk.  Documents handed
        out earlier are never mutated: a replaced document is a new object.
        """
        self.commit([("put", table, doc)], reason=reason)

    def delete(self, table: str, doc_id: str, *, reason: str | None = None) -> None:
        """Remove a document that nothing refers to, and commit it.  Finding what
        refers to it searches the file's bytes for its id."""
        self.commit([("delete", table, doc_id)], reason=reason)

    def commit(self, changes: Sequence[Change], *, reason: str | None = None) -> None:
        """Check and commit several changes at once (all or none), in order."""
        reason = self._check_reason(reason)
        prepared: list[Change] = []
        for op, table, payload in changes:
            if table not in model.TABLES:
                raise StoreError(f"unknown table {literal(str(table))!r}")
            if op == "put":
                prepared.append((op, table, copy.deepcopy(payload)))
            elif op == "delete":
                if not isinstance(payload, str):
                    raise StoreError(f"{table}: a delete needs an id")
                prepared.append((op, table, payload))
            else:
                raise StoreError(f"unknown operation {literal(str(op))!r}")
        for op, table, payload in prepared:
            if op == "put":
                problems = self._check_shape(table, payload)
                if problems:
                    raise StoreError(f"edit of {table} refused", problems)
        touching = {(t, p["id"] if op == "put" else p) for op, t, p in prepared}
        with self._locked(hold_interrupts=True):
            self._catch_up(touching)
            self._commit_locked(prepared, reason)
        if self._log_end - self._cp_end > checkpoint_bytes():
            # Folded by a detached child process, one at a time per store, so this
            # commit returns at once; the next catch-up accepts its checkpoint.
            from casefiles.store import autocheckpoint

            autocheckpoint.start(self.path)

    def _check_reason(self, reason: str | None) -> str | None:
        if reason is None or not reason.strip():
            return None
        if len(reason) > changelog.MAX_REASON:
            raise StoreError(f"the reason is longer than {changelog.MAX_REASON:,} characters")
        bad = refused_in_line(reason)
        if bad is not None or unwritable(reason):
            raise StoreError("the reason holds a control character or cannot be encoded")
        return reason

    def _check_shape(self, table: str, doc: object) -> list[Problem]:
        """What can be checked of a new document without the store: JSON-writable."""
        from casefiles.validate import Problem

        label = str(doc.get("id")) if isinstance(doc, dict) else "new"
        return [
            Problem(self.name, table, label, path or None, f"cannot be written: {why}")
            for path, why in unwritable(doc)[:50]
        ]

    def _commit_locked(self, changes: Sequence[Change], reason: str | None) -> None:
        undo: list[tuple[str, str, Doc | None, int | None]] = []
        lines: list[bytes] = []
        seq, prev = self._log_seq, self._log_hash
        who, when = changelog.author(), changelog.utc_now()
        try:
            for op, table, payload in changes:
                doc_id = payload["id"] if op == "put" else payload
                old = self.by_id[table].get(doc_id)
                if op == "delete" and old is None:
                    raise StoreError(f"{table}: no document with id {literal(doc_id)!r}")
                undo.append((table, doc_id, old, self.doc_ids[table].get(doc_id)))
                problems = self._check_and_apply(table, doc_id, payload if op == "put" else None)
                if problems:
                    verb = "delete" if op == "delete" else "edit"
                    what = f"{table}[{literal(doc_id)}]" if op == "delete" else table
                    raise StoreError(f"{verb} of {what} refused", problems)
                seq += 1
                line = changelog.encode(
                    seq=seq,
                    op=op,
                    table=table,
                    doc_id=doc_id,
                    before=doc_hash(old),
                    doc=payload if op == "put" else None,
                    prev=prev,
                    who=who,
                    when=when,
                    reason=reason,
                )
                lines.append(line)
                prev = changelog.line_hash(line)
            hashes: dict[int, str] = {}
            pos = last = self._log_end
            for i, line in enumerate(lines):
                hashes[self._log_seq + i + 1] = changelog.line_hash(line)
                last = pos
                pos += len(line) + 1
            self._append(lines)
        except BaseException:
            for table, doc_id, old, old_key in reversed(undo):
                was_removed = old is not None and doc_id not in self.by_id[table]
                self._set(table, doc_id, old, old_key)
                if was_removed:
                    self._resort(table)
            # Interrupted after the append had completed: the entries are on disk,
            # so memory takes them from the log (we still hold the lock).
            with contextlib.suppress(Exception):
                if self.log_path.stat().st_size > self._log_end:
                    self._catch_up()
            raise
        # One statement, no call: an interrupt cannot land inside it.  Should one
        # land just before it, the next catch-up finds these entries already
        # applied in memory and only moves past them (see ``_replay``).
        self._log_seq, self._log_hash, self._log_end, self._log_last = seq, prev, pos, last
        self._hashes.update(hashes)

    def _append(self, lines: list[bytes]) -> None:
        """Append lines to the log and fsync; on any failure cut them off again."""
        if not lines:
            return
        log = self.log_path
        payload = b"".join(line + b"\n" for line in lines)
        created = not log.exists()
        try:
            # The log holds the same data as the store: the same permissions.
            mode = real_path(self.path).stat().st_mode & 0o666
        except OSError:
            mode = 0o600
        try:
            fd = os.open(log, os.O_WRONLY | os.O_APPEND | os.O_CREAT | os.O_CLOEXEC, mode)
        except OSError as exc:
            raise cannot_write(
                real_path(self.path), f"(change log {literal(str(log))})", exc
            ) from None
        try:
            start = os.fstat(fd).st_size
            if start != self._log_end:
                raise StoreError(
                    f"{literal(str(log))}: the change log is not where this program left it; "
                    "nothing was written, reload"
                )
            try:
                view = memoryview(payload)
                while view:
                    n = os.write(fd, view)
                    view = view[n:]
                os.fsync(fd)
            except BaseException as exc:
                try:
                    os.ftruncate(fd, start)
                    os.fsync(fd)
                except BaseException:
                    # The next write (under the lock) replays or cuts what is there.
                    pass
                if isinstance(exc, OSError):
                    raise StoreError(
                        f"{literal(str(log))}: write failed: {describe_os_error(exc)}; "
                        "nothing was written"
                    ) from None
                raise
        finally:
            os.close(fd)
        if created:
            fsync_dir(log.parent)

    def _check_and_apply(self, table: str, doc_id: str, new: Doc | None) -> list[Problem]:
        """Check one change against the store and apply it in memory (the caller
        undoes it when problems are returned or anything later fails)."""
        from casefiles.validate import Problem, link_problems, validate_document

        name = self.name
        if new is None:
            refs = self.referrers(table, doc_id)
            if refs:
                return [
                    Problem(name, t, i, path, f"refers to {table}[{literal(doc_id)}]")
                    for t, i, path in refs
                ]
            self._set(table, doc_id, None)
            return []

        def lookup(t: str, i: str) -> Mapping[str, Any] | None:
            return new if (t == table and i == doc_id) else self.by_id[t].get(i)

        problems = validate_document(table, new, lookup, name)
        if problems:
            return problems
        old, _ = self._set(table, doc_id, new)
        for t, dependent in self._dependents(table, doc_id, old, new):
            problems += link_problems(t, dependent, self._lookup, name)
        return problems

    def _lookup(self, table: str, doc_id: str) -> Doc | None:
        return self.by_id[table].get(doc_id)

    def _dependents(
        self, table: str, doc_id: str, old: Doc | None, new: Doc
    ) -> list[tuple[str, Doc]]:
        """The documents whose link checks (``validate.link_problems``) read
        ``table[doc_id]``: they must be checked again when it changes.  A new
        rule in ``link_problems`` that reads another table must be added here
        (the hypothesis test in tests/test_store_log.py compares with a full
        validation)."""
        out: list[tuple[str, Doc]] = []
        procs = self.by_id[model.PROCEEDINGS]
        sents = self.by_id[model.SENTENCES]
        if table == model.COURTS:
            out += [
                (model.PROCEEDINGS, procs[p]) for p in self._ix.procs_by_court().get(doc_id, ())
            ]
        elif table == model.CASES:
            out += [(model.PROCEEDINGS, procs[p]) for p in self._ix.procs_by_case.get(doc_id, ())]
            out += [(model.SENTENCES, sents[s]) for s in self._ix.sents_by_case.get(doc_id, ())]
        elif table == model.PROCEEDINGS:
            cases = {new.get("case")} | ({old.get("case")} if old else set())
            for case in cases:
                for s in self._ix.sents_by_case.get(case, ()):  # type: ignore[arg-type]
                    if sents[s].get("proceeding") == doc_id:
                        out.append((model.SENTENCES, sents[s]))
        return out

    def _set(
        self, table: str, doc_id: str, new: Doc | None, key: int | None = None
    ) -> tuple[Doc | None, int | None]:
        """Put ``new`` (or remove, for ``None``) in the tree and every index;
        return the old document and its number."""
        docs = self.by_id[table]
        old_key = docs.key_of(doc_id)
        old = docs.get(doc_id)
        self._tree = None
        if table == model.PROCEEDINGS:
            self._ix.procs_by_court()  # built from the courts as loaded, before this change
        if new is None:
            if old_key is None:
                return None, None
            docs.remove(doc_id)
            if self._max_key.get(table) == old_key:
                del self._max_key[table]
        else:
            k = old_key if old_key is not None else (key or self._next_key(table))
            docs.put(doc_id, new, k)
            if k > self._max_key.get(table, 0) and table in self._max_key:
                self._max_key[table] = k
        self._ix.reindex(table, doc_id, old, new)
        return old, old_key

    def _resort(self, table: str) -> None:
        """Documents in number order again (after a removed one was put back)."""
        self.by_id[table].resort()

    # -- the log

    def _catch_up(self, touching: set[tuple[str, str]] = frozenset()) -> None:  # type: ignore[assignment]
        """Under the lock: replay what other programs appended since this store
        read the log, drop a torn last line, and accept a checkpoint another
        program wrote.  ``ConflictError`` when the canonical file was changed
        outside casefiles, or when a replayed entry changed one of ``touching``
        (memory then shows their version)."""
        real = real_path(self.path)
        log = self.log_path
        name = literal(str(log))
        try:
            current: Fingerprint | None = fingerprint(real.stat())
        except FileNotFoundError:
            current = None
        except OSError as exc:
            raise StoreError(f"{self.name}: cannot read: {describe_os_error(exc)}") from None
        try:
            size = log.stat().st_size
        except FileNotFoundError:
            size = 0
        if size < self._log_end:
            raise ConflictError(
                f"{name}: the change log is shorter than when it was read (replaced or cut "
                "by another program); nothing was written. Reload, then edit again."
            )
        tail = changelog.read_from(log, self._log_end, name) if size > self._log_end else None
        entries = tail.entries if tail else []
        changelog.check_chain(entries, self._log_seq, self._log_hash, name)
        checkpoint_seq = None
        if current != self.fingerprint:
            meta = read_meta(real) or {}
            seq, digest = meta.get("log_seq"), meta.get("log_hash")
            known = {**self._hashes, **{e.seq: e.hash for e in entries}}
            if not (isinstance(seq, int) and seq > self._cp_seq and known.get(seq) == digest):
                raise ConflictError(
                    f"{self.name} changed on disk since it was loaded "
                    "(another program wrote it); nothing was written. Reload to see the "
                    "other change, then edit again."
                )
            checkpoint_seq = seq
        conflicts: list[Entry] = []
        for entry in entries:
            self._replay(entry, own=True)
            if (entry.table, entry.id) in touching:
                conflicts.append(entry)
        if tail is not None and tail.torn:
            with contextlib.suppress(OSError):
                os.truncate(log, tail.end)
            self.notices.append(
                f"{name}: removed an incomplete last entry ({tail.torn} bytes: a write was "
                "cut short and never acknowledged)"
            )
        if checkpoint_seq is not None:
            self._relinked()  # their checkpoint kept the version we read from as .bak
            self.fingerprint = current
            # The meta document that checkpoint wrote (``data`` and this store's
            # next checkpoint start from it).
            self._meta, self._tree = {next(iter(self._meta), "1"): meta}, None
            self._cp_seq = checkpoint_seq
            self._cp_end = self._end_of(checkpoint_seq, entries)
            self._hashes = {s: h for s, h in self._hashes.items() if s >= checkpoint_seq}
        if conflicts:
            last = conflicts[-1]
            raise ConflictError(
                f"{last.table}[{literal(last.id)}] was changed by {literal(last.author)} at "
                f"{literal(last.time)} (entry {last.seq}) since this program read it; nothing "
                "was written. It now shows that version: edit again."
            )

    def _relinked(self) -> None:
        """A checkpoint (ours or another casefiles writer's, under the lock)
        replaced the canonical file atomically, linking the version we read from
        as ``.bak`` (or unlinking it): only its status-change time moved."""
        file = self.file_version
        if file is not None:
            file.relinked()

    def _end_of(self, seq: int, entries: list[Entry]) -> int:
        for entry in entries:
            if entry.seq == seq:
                return entry.end
        return self._cp_end if seq == self._cp_seq else self._log_end

    def _replay(self, entry: Entry, *, own: bool = False) -> None:
        """Apply one entry of the log, checked like an edit.  With ``own`` (a
        catch-up), an entry whose result memory already holds (a commit of this
        store interrupted after its append) is only moved past."""
        name = literal(str(self.log_path))
        current = self.by_id[entry.table].get(entry.id)
        before = doc_hash(current)
        if before != entry.before and own and before == doc_hash(entry.doc):
            self._log_seq, self._log_hash = entry.seq, entry.hash
            self._log_end, self._log_last = entry.end, entry.offset
            self._hashes[entry.seq] = entry.hash
            return
        if before != entry.before:
            raise LogError(
                f"{name}: entry {entry.seq} ({entry.op} {entry.table}[{literal(entry.id)}]) "
                "does not apply: the document it changed is not the one in the store "
                "(the store file was changed outside casefiles?); see 'casefiles log --verify'. "
                "Moving the log aside opens the file without the entries it did not fold"
            )
        if entry.op == "delete" and current is None:
            raise LogError(f"{name}: entry {entry.seq} deletes a document that does not exist")
        old_key = self.doc_ids[entry.table].get(entry.id)
        self.replayed_before[entry.seq] = current
        problems = self._check_and_apply(entry.table, entry.id, entry.doc)
        if problems:
            removed = current is not None and entry.id not in self.by_id[entry.table]
            self._set(entry.table, entry.id, current, old_key)
            if removed:
                self._resort(entry.table)
            raise LogError(
                f"{name}: entry {entry.seq} ({entry.op} {entry.table}[{literal(entry.id)}]) "
                "does not validate",
                problems,
            )
        self._log_seq, self._log_hash = entry.seq, entry.hash
        self._log_end, self._log_last = entry.end, entry.offset
        self._hashes[entry.seq] = entry.hash

    def refresh(self) -> None:
        """Replay what other programs committed since this store read the log
        (``ConflictError`` when the canonical file changed outside casefiles)."""
        with self._locked():
            self._catch_up()

    def checkpoint(self, *, wait: bool = False) -> bool:
        """Fold the log into the canonical file, atomically; ``False`` when there
        was nothing to fold.  The log itself is never truncated.  The new file's
        verdict is remembered in a background thread, or before returning with
        ``wait`` (for a process that ends right after)."""
        with self._locked():
            self._catch_up()
            if self._log_seq == self._cp_seq:
                return False
            ((meta_key, meta_doc),) = self._meta.items()
            new_meta = {
                meta_key: {
                    **meta_doc,
                    "log_seq": self._log_seq,
                    "log_hash": self._log_hash,
                    "log_offset": self._log_last,
                }
            }
            # Untouched documents are copied from the file as they are; only
            # edited ones are serialised.  Memory keeps the old bytes (the same
            # documents); the new file's offsets are worked out and saved off
            # this thread.
            trace = offsets.Trace()
            try:
                self.fingerprint = write_atomic_pieces(
                    self.path, offsets.emit(self.by_id, new_meta, trace)
                )
            finally:
                self._relinked()  # the version we read from is now the .bak
            self._meta, self._tree = new_meta, None
            self._cp_seq, self._cp_end = self._log_seq, self._log_end
            self._hashes = {self._log_seq: self._log_hash} if self._log_hash else {}
            self.replayed_before.clear()  # the new file holds those versions
            fields = self._ix.fields_later()
            real, fp = real_path(self.path), self.fingerprint

        # Every edit was checked as a full validation checks it, on a store that
        # passed one: the file is valid.  Hashing hundreds of MB releases the GIL.
        def remember() -> None:
            with contextlib.suppress(OSError):
                got = offsets.digest_of(real, fp)
                if got is not None:
                    digest, file_stamp = got
                    validcache.remember_valid(digest)
                    offsets.save(
                        real, file_stamp, digest, trace.size, trace.ranges(), fields(), new_meta
                    )

        remember_thread = threading.Thread(
            target=remember, name="casefiles-remember-valid", daemon=True
        )
        try:
            remember_thread.start()
        except RuntimeError:  # no thread to spare: the next load validates in full
            return True
        if wait:
            remember_thread.join()
        return True

    def checkpoint_in_background(self) -> int | None:
        """When the log holds entries the canonical file does not, start
        ``casefiles checkpoint`` in a detached child process (for the browser to
        call as it quits, so that quitting is instant); its process id, or
        ``None`` when there is nothing to fold or it could not start."""
        try:
            size = self.log_path.stat().st_size
        except OSError:
            return None
        if size <= self._cp_end and self._log_seq == self._cp_seq:
            return None
        from casefiles.store import autocheckpoint

        return autocheckpoint.start(self.path)  # none while another child folds

    def reload(self) -> Store:
        """A fresh store from the file and log as they are now on disk."""
        return Store.load(self.path)


__all__ = ["Change", "Counts", "Store", "unwritable"]
