"""``casefiles archive``: capture the sources that have a URL but no stored copy.

Downloads run a few at a time in worker threads; every finished capture is
written and put into the store by the calling thread right away, so an
interrupted run loses nothing it finished and the next ``--missing`` run
picks up where it stopped.

A source that already has a stored copy (a capture, or a text file from
before) is never overwritten: a new capture is stored beside it (file names
carry the capture time) and listed in the source's ``recaptures``, and the
result says whether the document's hash changed (an article edited after
publication is itself evidence).
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor, as_completed
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

from casefiles import model
from casefiles.sources.capture import Capture, Written, take, write_files
from casefiles.sources.fetch import FAILED, REFUSED, CaptureError, Limits
from casefiles.store import Store, StoreError
from casefiles.textsafe import clip, literal

CAPTURED: Final = "captured"
UNCHANGED: Final = "unchanged"
CHANGED: Final = "changed"
DEFAULT_JOBS: Final = 4


@dataclass(frozen=True, slots=True)
class Row:
    """The result for one source."""

    id: str
    outcome: str
    """captured, unchanged, changed, or one of ``fetch.OUTCOMES``."""
    detail: str

    @property
    def ok(self) -> bool:
        """Whether a capture was stored."""
        return self.outcome in (CAPTURED, UNCHANGED, CHANGED)


class ArchiveInterrupted(Exception):
    """The run was interrupted; ``rows`` holds what finished (all of it stored)."""

    def __init__(self, rows: list[Row]) -> None:
        super().__init__("interrupted")
        self.rows = rows


def has_copy(source: dict[str, Any]) -> bool:
    """Whether a source has a stored copy (a text file or a capture)."""
    return bool(source.get("file") or source.get("warc"))


def missing(store: Store) -> list[dict[str, Any]]:
    """Sources with a URL and no stored copy, in store order."""
    return [
        doc
        for doc in store.table(model.SOURCES).values()
        if isinstance(doc.get("url"), str) and not has_copy(doc)
    ]


def chosen(store: Store, ids: Sequence[str]) -> list[dict[str, Any]]:
    """The named sources; ``StoreError`` for an unknown id."""
    out = []
    for source_id in dict.fromkeys(ids):
        doc = store.get(model.SOURCES, source_id)
        if doc is None:
            raise StoreError(
                f"no source with id {literal(source_id)!r} in {literal(str(store.path))}"
            )
        out.append(doc)
    return out


class _Stopped(Exception):
    """The run was interrupted before this capture was written."""


def capture_files(
    folder: Path, source: dict[str, Any], limits: Limits | None, stop: threading.Event
) -> tuple[Capture, Written, bool]:
    """Capture a source's URL and write its files (in a worker thread: the
    download, the extraction and the fsyncs overlap with other sources').
    After an interruption (``stop``) nothing is written, or it is removed again."""
    cap = take(str(source["url"]), limits)
    if stop.is_set():
        raise _Stopped
    source_id = str(source["id"])
    first = not has_copy(source)
    stem = source_id if first else f"{source_id}.{cap.stamp}"
    written = write_files(folder, stem, cap)
    if stop.is_set():
        written.remove()
        raise _Stopped
    return cap, written, first


def record(
    store: Store,
    source_id: str,
    cap: Capture,
    written: Written | None = None,
    written_as_first: bool = False,
) -> Row:
    """Put one capture into its source (writing its files first unless ``written``
    has them); the files are removed again when the store refuses."""
    current = store.get(model.SOURCES, source_id)
    if current is None:
        if written is not None:
            written.remove()
        return Row(source_id, REFUSED, "the source was removed from the store meanwhile")
    first = not has_copy(current)
    if written is not None and written_as_first != first:
        # The source changed between the download and now (another program captured it).
        written.remove()
        written = None
    new = dict(current)
    chars = len(cap.extracted.text)
    if first:
        if written is None:
            written = write_files(store.folder, source_id, cap)
        new["file"] = written.text
        new["warc"] = written.warc
        new.update(cap.fields())
        if cap.extracted.date and not new.get("published"):
            new["published"] = cap.extracted.date
        if cap.extracted.author and not new.get("author"):
            new["author"] = cap.extracted.author
        outcome, detail = CAPTURED, f"{chars:,} chars, sha256 {cap.sha256[:12]}…"
    else:
        if written is None:
            written = write_files(store.folder, f"{source_id}.{cap.stamp}", cap)
        later = list(new.get("recaptures") or [])
        before = [c.get("sha256") for c in later] or [current.get("sha256")]
        previous = next((h for h in reversed(before) if isinstance(h, str)), None)
        later.append({**cap.fields(), "file": written.text, "warc": written.warc})
        new["recaptures"] = later
        if previous is None:
            outcome = CAPTURED
            detail = f"{chars:,} chars, stored beside the existing text ({written.text})"
        elif previous == cap.sha256:
            outcome, detail = UNCHANGED, f"same sha256 as before, stored as {written.warc}"
        else:
            outcome = CHANGED
            detail = f"hash changed: {previous[:12]}… → {cap.sha256[:12]}…, kept both"
    if cap.extracted.cleaned:
        detail += "; escape sequences or control characters left out of the text"
    try:
        why = "capture" if first else "capture again"
        url = literal(clip(str(current.get("url")), 300))
        store.put(model.SOURCES, new, reason=f"casefiles archive: {why} of {url}")
    except BaseException:
        written.remove()
        raise
    return Row(source_id, outcome, detail)


def archive(
    store: Store,
    sources: Iterable[dict[str, Any]],
    limits: Limits | None = None,
    *,
    jobs: int = DEFAULT_JOBS,
    progress: Callable[[int, int, Row], None] | None = None,
) -> list[Row]:
    """Capture ``sources`` (``jobs`` downloads at a time) and store each as it
    finishes; returns one row per source, in the order given."""
    todo = list(sources)
    rows: dict[str, Row] = {}
    no_url = [d for d in todo if not isinstance(d.get("url"), str)]
    for doc in no_url:
        rows[doc["id"]] = Row(doc["id"], REFUSED, "the source has no URL")
    todo = [d for d in todo if isinstance(d.get("url"), str)]
    total = len(todo) + len(no_url)
    done = len(no_url)
    if progress is not None:
        for doc in no_url:
            progress(done, total, rows[doc["id"]])
    stop = threading.Event()
    pool = ThreadPoolExecutor(max_workers=max(1, jobs), thread_name_prefix="casefiles-archive")
    futures: dict[Future[tuple[Capture, Written, bool]], str] = {}
    handed: set[str] = set()  # given to ``record``, which cleans up after itself
    try:
        futures = {
            pool.submit(capture_files, store.folder, doc, limits, stop): str(doc["id"])
            for doc in todo
        }
        for fut in as_completed(futures):
            source_id = futures[fut]
            handed.add(source_id)
            try:
                row = record(store, source_id, *fut.result())
            except CaptureError as exc:
                row = Row(source_id, exc.outcome, str(exc))
            except StoreError as exc:
                first = f": {exc.problems[0]}" if exc.problems else ""
                row = Row(source_id, REFUSED, f"the store refused it: {exc}{first}")
            except Exception as exc:  # one page's surprise must not end the whole run
                what = f"{type(exc).__name__}: {clip(str(exc), 100)}"
                row = Row(source_id, FAILED, f"internal error ({what}); please report it")
            rows[source_id] = row
            done += 1
            if progress is not None:
                progress(done, total, row)
    except KeyboardInterrupt:
        stop.set()
        pool.shutdown(wait=False, cancel_futures=True)
        # Captures written but not yet recorded: take their files away again.
        for fut, source_id in futures.items():
            if source_id in handed or not fut.done() or fut.cancelled():
                continue
            if fut.exception() is None:
                fut.result()[1].remove()
        raise ArchiveInterrupted(_ordered(rows, [])) from None
    pool.shutdown(wait=True)
    return _ordered(rows, [*no_url, *todo])


def _ordered(rows: dict[str, Row], docs: list[dict[str, Any]]) -> list[Row]:
    if not docs:
        return list(rows.values())
    return [rows[d["id"]] for d in docs if d["id"] in rows]


def table(rows: Sequence[Row]) -> list[str]:
    """The per-source table and a summary line, ready to print (literal text)."""
    if not rows:
        return ["nothing to archive"]
    width = max(len(r.id) for r in rows)
    width = min(max(width, 6), 40)
    owidth = max(len(r.outcome) for r in rows)
    lines = [f"{'source':<{width}}  {'result':<{owidth}}  detail"]
    for r in rows:
        lines.append(
            f"{literal(clip(r.id, width)):<{width}}  {r.outcome:<{owidth}}  {literal(r.detail)}"
        )
    counts: dict[str, int] = {}
    for r in rows:
        counts[r.outcome] = counts.get(r.outcome, 0) + 1
    lines.append(", ".join(f"{n} {outcome}" for outcome, n in counts.items()))
    return lines


__all__ = [
    "CAPTURED",
    "CHANGED",
    "UNCHANGED",
    "ArchiveInterrupted",
    "Row",
    "archive",
    "chosen",
    "missing",
    "record",
    "table",
]
