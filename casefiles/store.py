"""The case-file store: one TinyDB JSON file, loaded once, validated, indexed in
memory, and written atomically under an inter-process lock.

Stock TinyDB rewrites its file in place and re-reads it for every query.  Here
``AtomicJSONStorage`` (a TinyDB ``Storage``) serves reads from the document
tree parsed at load time and writes a whole new file beside the old one
(flush, fsync, ``os.replace``, fsync of the folder), keeping the previous
version as ``<file>.bak``.  A write is refused when the file changed on disk
since it was loaded, so two running copies never lose each other's edits.
"""

from __future__ import annotations

import contextlib
import copy
import errno
import gc
import os
import shutil
import stat
import tempfile
import threading
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final

import orjson
from tinydb import TinyDB
from tinydb.storages import Storage

from casefiles import migrations, model, validcache

if TYPE_CHECKING:
    from filelock import FileLock
from casefiles.model import Doc
from casefiles.textsafe import literal
from casefiles.validate import Problem, link_problems, validate, validate_document

JSON_OPTIONS: Final = orjson.OPT_INDENT_2 | orjson.OPT_SORT_KEYS
LOCK_TIMEOUT: Final = 10.0
MAX_ARTICLE_BYTES: Final = 20 * 1024 * 1024

Fingerprint = tuple[int, int, int, int]
"""(device, inode, size, mtime in ns) of the file as loaded or last written."""


class StoreError(Exception):
    """A store could not be loaded or written; ``str()`` is the user-facing message,
    ``problems`` lists every validation problem when there are any."""

    def __init__(self, message: str, problems: list[Problem] | None = None) -> None:
        super().__init__(message)
        self.problems: list[Problem] = problems or []


class ConflictError(StoreError):
    """The file changed on disk since it was loaded; writing would lose that change."""


def serialise(data: Mapping[str, Any]) -> tuple[bytes, bytes]:
    """The canonical bytes of a store in two pieces (body, final newline), so that
    hundreds of MB are not copied just to append one byte."""
    return orjson.dumps(data, option=JSON_OPTIONS), b"\n"


def dumps(data: Mapping[str, Any]) -> bytes:
    """The canonical bytes of a store: UTF-8 JSON, 2-space indent, sorted keys."""
    return b"".join(serialise(data))


def _fingerprint(st: os.stat_result) -> Fingerprint:
    return (st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns)


def _describe_os_error(path: Path, exc: OSError) -> str:
    reason = exc.strerror or exc.__class__.__name__
    return f"{literal(str(path))}: cannot read: {reason}"


# ----------------------------------------------------------------- reading


def read_file(path: Path) -> tuple[object, Fingerprint, str]:
    """Parse a store file; raise ``StoreError`` naming the file and what is wrong.

    Returns the document tree, the file's fingerprint and its content key."""
    name = literal(str(path))
    try:
        with path.open("rb") as fh:
            st = os.fstat(fh.fileno())
            if stat.S_ISDIR(st.st_mode):
                raise StoreError(f"{name}: is a folder, expected a JSON file")
            raw = fh.read()
    except IsADirectoryError:
        raise StoreError(f"{name}: is a folder, expected a JSON file") from None
    except FileNotFoundError:
        raise StoreError(
            f"{name}: no such file (create one with 'casefiles generate' or pass --store)"
        ) from None
    except OSError as exc:
        raise StoreError(_describe_os_error(path, exc)) from None
    return parse_bytes(raw, name), _fingerprint(st), validcache.digest(raw)


def parse_bytes(raw: bytes, name: str) -> object:
    """Parse store bytes, with messages that say what is wrong and where."""
    if not raw or raw.isspace():
        raise StoreError(f"{name}: the file is empty; expected a JSON object of tables")
    if raw.startswith(b"\xef\xbb\xbf"):
        raise StoreError(
            f"{name}: starts with a byte-order mark (BOM); save it as UTF-8 without BOM"
        )
    try:
        return orjson.loads(raw)
    except orjson.JSONDecodeError as exc:
        try:
            raw.decode("utf-8")
        except UnicodeDecodeError as uexc:
            line = raw.count(b"\n", 0, uexc.start) + 1
            raise StoreError(
                f"{name}: not UTF-8 text: byte 0x{raw[uexc.start]:02x} at offset {uexc.start} "
                f"(line {line})"
            ) from None
        msg = str(exc)
        if exc.pos >= len(raw.rstrip()) - 1 and "recursion" not in msg:
            hint = " (the file looks truncated)"
        else:
            hint = ""
        raise StoreError(
            f"{name}: invalid JSON at line {exc.lineno}, column {exc.colno}: "
            f"{literal(exc.msg)}{hint}"
        ) from None
    except RecursionError:  # pragma: no cover - orjson reports depth itself
        raise StoreError(f"{name}: invalid JSON: nested too deeply") from None


# -------------------------------------------------------------- migrations

Migration = Callable[[dict[str, Any]], dict[str, Any]]


def _migrate_0_to_1(data: dict[str, Any]) -> dict[str, Any]:
    """Version 0 is a store without a ``meta`` table: give it one."""
    data[model.META] = {"1": {"schema_version": 1}}
    return data


#: ``MIGRATIONS[n]`` turns a version-n store into version n+1, in memory.
MIGRATIONS: Final[dict[int, Migration]] = {0: _migrate_0_to_1}


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
    """Bring a store up to ``model.SCHEMA_VERSION`` (unknown versions are left for
    validation to report)."""
    version = schema_version(data)
    while version is not None and version < model.SCHEMA_VERSION and version in MIGRATIONS:
        data = MIGRATIONS[version](data)
        version += 1
    return data


# ----------------------------------------------------------------- storage


class AtomicJSONStorage(Storage):
    """TinyDB storage that reads from memory and writes whole files atomically.

    TinyDB passes its constructor arguments through: ``TinyDB(path,
    storage=AtomicJSONStorage, data=..., fingerprint=...)``.
    """

    def __init__(
        self, path: str | os.PathLike[str], *, data: dict[str, Any], fingerprint: Fingerprint | None
    ) -> None:
        super().__init__()
        self.path = Path(path)
        self.data = data
        self.fingerprint = fingerprint
        self._lock: FileLock | None = None

    @property
    def lock(self) -> FileLock:
        """The inter-process write lock, made on first use (only writers need it)."""
        if self._lock is None:
            from filelock import FileLock

            self._lock = FileLock(str(self.path) + ".lock", timeout=LOCK_TIMEOUT)
        return self._lock

    def read(self) -> dict[str, Any]:
        """The document tree as loaded and edited; never touches the disk."""
        return self.data

    def changed_on_disk(self) -> bool:
        """Whether the file is no longer the one this storage loaded or wrote."""
        try:
            current: Fingerprint | None = _fingerprint(self.path.stat())
        except FileNotFoundError:
            current = None
        except OSError:
            return True
        return current != self.fingerprint

    @contextlib.contextmanager
    def locked(self) -> Iterator[None]:
        """Hold the inter-process write lock (re-entrant within this process)."""
        from filelock import Timeout

        try:
            with self.lock:
                yield
        except Timeout:
            raise StoreError(
                f"{literal(str(self.path))}: another program holds the write lock "
                f"({literal(self.lock.lock_file)}) for over {LOCK_TIMEOUT:.0f} s; try again"
            ) from None

    def check_unchanged(self) -> None:
        """Raise ``ConflictError`` when the file changed since it was loaded."""
        if self.changed_on_disk():
            raise ConflictError(
                f"{literal(str(self.path))} changed on disk since it was loaded "
                "(another program wrote it); nothing was written. Reload to see the "
                "other change, then edit again."
            )

    def write(self, data: dict[str, Any]) -> None:
        """Write ``data`` atomically, keeping the old file as ``.bak``."""
        with self.locked():
            self.check_unchanged()
            payload = serialise(data)
            self.fingerprint = write_atomic(self.path, *payload)
            self.data = data
            # Writes go through edit validation, so what we wrote is valid; hashing
            # hundreds of MB releases the GIL, so it does not hold up the caller.
            threading.Thread(
                target=lambda: validcache.remember_valid(validcache.digest(*payload)),
                name="casefiles-remember-valid",
                daemon=True,
            ).start()

    def close(self) -> None:
        """Nothing stays open between writes."""


def _fsync_dir(folder: Path) -> None:
    try:
        fd = os.open(folder, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def _remove_stale_temps(path: Path) -> None:
    """Temporary files left by a writer that died (we hold the lock, so none is live)."""
    for leftover in path.parent.glob(f".{path.name}.*.tmp"):
        with contextlib.suppress(OSError):
            leftover.unlink()


def _keep_backup(path: Path) -> None:
    """Make ``path.bak`` the current file, atomically (hard link, else copy)."""
    if not path.exists():
        return
    bak = path.with_name(path.name + ".bak")
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    os.close(fd)
    try:
        os.unlink(tmp)
        try:
            os.link(path, tmp)
        except OSError:
            shutil.copy2(path, tmp)
        os.replace(tmp, bak)
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)


def write_atomic(path: Path, *payload: bytes) -> Fingerprint:
    """Replace ``path`` by the ``payload`` pieces so that a crash leaves the old or the new file,
    never a mix.  The caller holds the write lock."""
    _remove_stale_temps(path)
    try:
        fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    except OSError as exc:
        raise StoreError(
            f"{literal(str(path))}: cannot write in {literal(str(path.parent))}: "
            f"{exc.strerror or exc}"
        ) from None
    tmp = Path(tmp_name)
    try:
        with os.fdopen(fd, "wb") as fh:
            for piece in payload:
                fh.write(piece)
            fh.flush()
            os.fsync(fh.fileno())
        with contextlib.suppress(OSError):
            os.chmod(tmp, path.stat().st_mode & 0o777 if path.exists() else 0o644)
        _keep_backup(path)
        os.replace(tmp, path)
    except OSError as exc:
        with contextlib.suppress(OSError):
            tmp.unlink()
        detail = "disk full" if exc.errno == errno.ENOSPC else (exc.strerror or str(exc))
        raise StoreError(f"{literal(str(path))}: write failed: {detail}; file unchanged") from None
    except BaseException:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise
    _fsync_dir(path.parent)
    return _fingerprint(path.stat())


# ------------------------------------------------------------------- store


@contextlib.contextmanager
def _collector_paused() -> Iterator[None]:
    """Pause Python's cyclic garbage collector while millions of documents are
    built (each collection would scan them all, again and again; loading takes
    about half the time without), then move them to the permanent generation
    so later collections skip them.  JSON trees hold no reference cycles:
    reference counting alone frees them."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
        gc.freeze()


@dataclass(frozen=True, slots=True)
class Counts:
    """How many documents each table holds, and proceedings per court level."""

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


class Store:
    """A loaded, valid case file with in-memory indexes.

    Every lookup is a dictionary access: ``get(table, id)``, ``cases_of_party``,
    ``proceedings_of``, ``sentences_of``, ``sources_of``.  Edits go through
    ``put``/``delete``, which write the file before they return.
    """

    def __init__(self, path: Path, data: dict[str, Any], fingerprint: Fingerprint | None) -> None:
        self.path = path
        self.folder = path.parent
        self.db = TinyDB(path, storage=AtomicJSONStorage, data=data, fingerprint=fingerprint)
        storage = self.db.storage
        assert isinstance(storage, AtomicJSONStorage)
        self.storage = storage
        self._rebuild()

    # -- loading

    @classmethod
    def load(cls, path: str | os.PathLike[str], *, check_files: bool = False) -> Store:
        """Read, migrate, validate and index a store; raise ``StoreError`` on any problem."""
        p = Path(path)
        with _collector_paused():
            data, fingerprint, key = read_file(p)
            trusted = not check_files and validcache.known_valid(key)
            store = cls.from_data(p, data, fingerprint, check_files=check_files, trusted=trusted)
        if not trusted:
            validcache.remember_valid(key)
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
    ) -> Store:
        """Validate an already parsed document tree and wrap it as a store for ``path``.

        ``trusted`` skips validation: only for bytes that passed it before."""
        name = literal(str(path))
        if isinstance(data, dict):
            data = migrations.migrate(data)
        problems = [] if trusted else validate(data, name)
        if not problems and check_files:
            assert isinstance(data, dict)
            problems = check_article_files(data, path.parent, name)
        if problems:
            n = len(problems)
            raise StoreError(f"{name}: {n} problem{'s' if n != 1 else ''} found", problems)
        assert isinstance(data, dict)
        for table in model.TABLES:
            data.setdefault(table, {})
        return cls(path, data, fingerprint)

    @classmethod
    def create_empty(cls, path: str | os.PathLike[str]) -> Store:
        """A new, empty store written to ``path`` (which must not exist)."""
        p = Path(path)
        if p.exists():
            raise StoreError(f"{literal(str(p))}: already exists; not overwritten")
        data: dict[str, Any] = {model.META: {"1": {"schema_version": model.SCHEMA_VERSION}}}
        data.update({t: {} for t in model.TABLES})
        store = cls(p, data, None)
        with store.storage.locked():
            store.storage.fingerprint = write_atomic(p, *serialise(data))
        return store

    def _rebuild(self) -> None:
        data = self.storage.data
        self.by_id: dict[str, dict[str, Doc]] = {}
        self._doc_ids: dict[str, dict[str, int]] | None = None
        for table in model.TABLES:
            # Keys are sorted as text in the file ("1", "10", "2"); keep insertion order.
            docs = data.get(table, {})
            self.by_id[table] = {docs[k]["id"]: docs[k] for k in sorted(docs, key=int)}
        # Tight loops: at 100k cases these run over a million participants.
        cases_by_party: dict[str, dict[str, None]] = {}
        parties_of_case: dict[str, tuple[str, ...]] = {}
        for case_id, case in self.by_id[model.CASES].items():
            parties = tuple(dict.fromkeys([p["party"] for p in case.get("participants", ())]))
            parties_of_case[case_id] = parties
            for party in parties:
                found = cases_by_party.get(party)
                if found is None:
                    cases_by_party[party] = {case_id: None}
                else:
                    found[case_id] = None
        self._cases_by_party = cases_by_party
        self._parties_of_case = parties_of_case
        self._procs_by_case = self._group_by_case(model.PROCEEDINGS)
        self._sents_by_case = self._group_by_case(model.SENTENCES)
        self._sources_by_case: dict[str, tuple[str, ...]] = {}

    def _group_by_case(self, table: str) -> dict[str, dict[str, None]]:
        groups: dict[str, dict[str, None]] = {}
        for doc_id, doc in self.by_id[table].items():
            case = doc["case"]
            found = groups.get(case)
            if found is None:
                groups[case] = {doc_id: None}
            else:
                found[doc_id] = None
        return groups

    @property
    def doc_ids(self) -> dict[str, dict[str, int]]:
        """TinyDB's document number of every id, per table (built on first edit)."""
        if self._doc_ids is None:
            data = self.storage.data
            self._doc_ids = {
                t: {doc["id"]: int(k) for k, doc in data.get(t, {}).items()} for t in model.TABLES
            }
        return self._doc_ids

    def _index_case_parties(self, case_id: str) -> None:
        for party in self._parties_of_case.pop(case_id, ()):
            cases = self._cases_by_party.get(party)
            if cases is not None:
                cases.pop(case_id, None)
        case = self.by_id[model.CASES].get(case_id)
        if case is None:
            return
        parties: dict[str, None] = {}
        for p in case.get("participants", ()):
            parties[p["party"]] = None
        self._parties_of_case[case_id] = tuple(parties)
        for party in parties:
            self._cases_by_party.setdefault(party, {})[case_id] = None

    # -- reading

    def table(self, name: str) -> dict[str, Doc]:
        """All documents of a table by id (do not mutate; use ``put``)."""
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
        return list(self._cases_by_party.get(party, ()))

    def proceedings_of(self, case: str) -> list[Doc]:
        """The case's proceedings ordered as a court ladder (level, then date)."""
        procs = self.by_id[model.PROCEEDINGS]
        return model.court_ladder(procs[p] for p in self._procs_by_case.get(case, ()))  # type: ignore[return-value]

    def sentences_of(self, case: str) -> list[Doc]:
        """The case's sentences, in store order."""
        sents = self.by_id[model.SENTENCES]
        return [sents[s] for s in self._sents_by_case.get(case, ())]

    def sources_of(self, case: str) -> list[Doc]:
        """Every source cited by the case, its proceedings and its sentences."""
        ids = self._sources_by_case.get(case)
        if ids is None:
            seen: dict[str, None] = {}
            _cited_sources(self.by_id[model.CASES].get(case, {}), seen)
            for proc in self.proceedings_of(case):
                _cited_sources(proc, seen)
            for sent in self.sentences_of(case):
                _cited_sources(sent, seen)
            ids = tuple(seen)
            self._sources_by_case[case] = ids
        sources = self.by_id[model.SOURCES]
        return [sources[s] for s in ids if s in sources]

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

    # -- writing

    def changed_on_disk(self) -> bool:
        """Whether another program wrote the file since it was loaded."""
        return self.storage.changed_on_disk()

    def put(self, table: str, doc: Doc) -> None:
        """Insert or replace the document with ``doc['id']`` and write the file.

        The document is validated against the store first (its fields, its
        references and, for a case, the proceedings and sentences that depend
        on it); on any error the store, in memory and on disk, is left as it was.
        Documents handed out earlier are never mutated: a replaced document is
        a new object.
        """
        if table not in model.TABLES:
            raise StoreError(f"unknown table {literal(table)!r}")
        new = copy.deepcopy(doc)
        doc_id = new.get("id")
        with self.storage.locked():
            self.storage.check_unchanged()
            self._check_edit(table, new)
            tiny = self.db.table(table)
            key = self.doc_ids[table].get(doc_id)  # type: ignore[arg-type]
            old = self.by_id[table].get(doc_id)  # type: ignore[arg-type]
            if key is not None:
                # Replace in place of TinyDB's Table.update, which rebuilds the
                # whole table dict twice per call (0.2 s at 100k cases).
                docs = self.storage.data[table]
                docs[str(key)] = new
                try:
                    self.storage.write(self.storage.data)
                except BaseException:
                    docs[str(key)] = old
                    raise
                tiny.clear_cache()
            else:
                try:
                    key = tiny.insert(new)
                except BaseException:
                    # TinyDB put the document in the tree before the write failed.
                    docs = self.storage.data[table]
                    known = set(map(str, self.doc_ids[table].values()))
                    for k in [k for k in docs if k not in known]:
                        del docs[k]
                    raise
            self._after_edit(table, doc_id, key, old)  # type: ignore[arg-type]

    def delete(self, table: str, doc_id: str) -> None:
        """Remove a document that nothing refers to, and write the file.

        The check re-validates the whole store (seconds at 100k cases); deletes
        are rare and no screen offers them yet."""
        key = self.doc_ids[table].get(doc_id)
        if key is None:
            raise StoreError(f"{table}: no document with id {literal(doc_id)!r}")
        with self.storage.locked():
            self.storage.check_unchanged()
            trial = {t: dict(docs) for t, docs in self.storage.data.items()}
            del trial[table][str(key)]
            problems = validate(trial, literal(str(self.path)))
            if problems:
                raise StoreError(f"cannot delete {table}[{literal(doc_id)}]", problems)
            old = self.by_id[table][doc_id]
            self.db.table(table).remove(doc_ids=[key])
            self._after_edit(table, doc_id, None, old)

    def _lookup(self, table: str, doc_id: str) -> Doc | None:
        return self.by_id[table].get(doc_id)

    def _check_edit(self, table: str, new: Doc) -> None:
        """Validate one edited document against the store, and for a case, the
        proceedings and sentences that depend on its participants."""
        name = literal(str(self.path))
        problems = validate_document(table, new, self._lookup, name)
        if not problems and table == model.CASES:

            def lookup(t: str, i: str) -> Doc | None:
                return new if (t == model.CASES and i == new["id"]) else self.by_id[t].get(i)

            for proc in self.proceedings_of(new["id"]):
                problems += link_problems(model.PROCEEDINGS, proc, lookup, name)
            for sent in self.sentences_of(new["id"]):
                problems += link_problems(model.SENTENCES, sent, lookup, name)
        if problems:
            raise StoreError(f"edit of {table} refused", problems)

    def _after_edit(self, table: str, doc_id: str, key: int | None, old: Doc | None) -> None:
        docs = self.storage.data[table]
        if key is None:
            self.by_id[table].pop(doc_id, None)
            self.doc_ids[table].pop(doc_id, None)
        else:
            self.by_id[table][doc_id] = docs[str(key)]
            self.doc_ids[table][doc_id] = key
        touched: set[str] = set()
        if table == model.CASES:
            self._index_case_parties(doc_id)
            touched.add(doc_id)
        elif table in (model.PROCEEDINGS, model.SENTENCES):
            index = self._procs_by_case if table == model.PROCEEDINGS else self._sents_by_case
            if old is not None:
                index.get(old["case"], {}).pop(doc_id, None)
                touched.add(old["case"])
            new = self.by_id[table].get(doc_id)
            if new is not None:
                index.setdefault(new["case"], {})[doc_id] = None
                touched.add(new["case"])
        elif table == model.SOURCES:
            self._sources_by_case.clear()
        for case in touched:
            self._sources_by_case.pop(case, None)

    def reload(self) -> Store:
        """A fresh store from the file as it is now on disk."""
        return Store.load(self.path)


def read_article_file(target: Path, label: str) -> str:
    """Read an article as UTF-8 text (invalid bytes shown as U+FFFD), size-limited."""
    try:
        with target.open("rb") as fh:
            raw = fh.read(MAX_ARTICLE_BYTES + 1)
    except FileNotFoundError:
        raise StoreError(
            f"source {label}: article file {literal(str(target))} is missing"
        ) from None
    except OSError as exc:
        raise StoreError(f"source {label}: {_describe_os_error(target, exc)}") from None
    if len(raw) > MAX_ARTICLE_BYTES:
        raise StoreError(
            f"source {label}: article file is larger than {MAX_ARTICLE_BYTES // 2**20} MiB"
        )
    return raw.decode("utf-8", errors="replace")


def check_article_files(data: Mapping[str, Any], folder: Path, name: str) -> list[Problem]:
    """Problems with the article files that sources name (missing, outside, unreadable)."""
    problems: list[Problem] = []
    root = folder.resolve()
    for doc in data.get(model.SOURCES, {}).values():
        rel = doc.get("file")
        if rel is None:
            continue
        target = (root / rel).resolve()
        if not target.is_relative_to(root):
            problems.append(
                Problem(name, model.SOURCES, doc["id"], "file", "points outside the store's folder")
            )
        elif not target.is_file():
            problems.append(
                Problem(
                    name,
                    model.SOURCES,
                    doc["id"],
                    "file",
                    f"article file {literal(rel)!r} not found next to the store",
                )
            )
    return problems


__all__ = [
    "AtomicJSONStorage",
    "ConflictError",
    "Counts",
    "Store",
    "StoreError",
    "dumps",
    "read_file",
    "serialise",
    "write_atomic",
]
