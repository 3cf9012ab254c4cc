"""One capture with its chain of custody, written beside the store.

``take(target, limits)`` fetches a URL (or reads a local file), hashes the
document (SHA-256 of the decoded bytes: what the server meant to send, the
same whether or not it was compressed on the way), notes the capture time in
UTC and the capturing tool, and extracts the text.

``write_files(folder, stem, capture)`` stores the plain text under
``articles/`` and the original as a WARC file under ``warc/`` in the store's
folder.  Each file is written to a temporary name, flushed and fsynced, then
linked to its final name, which fails rather than replacing an existing file:
a capture is never overwritten.  ``Written.remove()`` takes them away again
when the store refuses the source that names them.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import tempfile
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Final

from casefiles.sources.extract import Extracted, extract
from casefiles.sources.fetch import FAILED, CaptureError, Limits, Original, fetch, read_local
from casefiles.store.files import fsync_dir
from casefiles.textsafe import literal

ARTICLES_DIR: Final = "articles"
WARC_DIR: Final = "warc"


def is_url(target: str) -> bool:
    """Whether ``target`` is meant as a URL (has a scheme) rather than a local path."""
    head, sep, _ = target.partition("://")
    return bool(sep) and head.isalpha() and len(head) > 1


def tool_name() -> str:
    """The capturing tool and the versions of the libraries that did the work."""
    from importlib.metadata import PackageNotFoundError, version

    from casefiles import __version__

    parts = []
    for name in ("httpx", "trafilatura", "htmldate", "warcio", "pypdf"):
        try:
            parts.append(f"{name} {version(name)}")
        except PackageNotFoundError:  # pragma: no cover - all are dependencies
            continue
    return f"casefiles {__version__} ({', '.join(parts)})"


def utc_now() -> str:
    """The current time as ``YYYY-MM-DDTHH:MM:SSZ``."""
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


@dataclass(frozen=True, slots=True)
class Capture:
    """A captured document, hashed and extracted, not yet written."""

    original: Original
    extracted: Extracted
    sha256: str
    captured: str
    tool: str

    @property
    def stamp(self) -> str:
        """The capture time as a file-name part (``20261130T174239Z``)."""
        return self.captured.replace("-", "").replace(":", "")

    def fields(self) -> dict[str, Any]:
        """The chain-of-custody fields of a source (without the file names)."""
        out: dict[str, Any] = {
            "sha256": self.sha256,
            "captured": self.captured,
            "content_type": self.original.content_type,
            "tool": self.tool,
        }
        if self.original.final_url is not None:
            out["final_url"] = self.original.final_url
        if self.original.status is not None:
            out["http_status"] = self.original.status
        return out


def take(target: str, limits: Limits | None = None) -> Capture:
    """Fetch or read ``target`` and extract it; ``CaptureError`` says why not."""
    captured = utc_now()
    original = fetch(target, limits) if is_url(target) else read_local(Path(target), limits)
    extracted = extract(original)
    sha = hashlib.sha256(original.body).hexdigest()
    return Capture(original, extracted, sha, captured, tool_name())


@dataclass(slots=True)
class Written:
    """Files (and folders) one capture created, relative names as the source records them."""

    folder: Path
    text: str = ""
    warc: str = ""
    created: list[Path] = field(default_factory=list)
    dirs: list[Path] = field(default_factory=list)

    def remove(self) -> None:
        """Undo: remove every file and (empty) folder this capture created."""
        for path in reversed(self.created):
            with contextlib.suppress(FileNotFoundError):
                path.unlink()
        for d in reversed(self.dirs):
            with contextlib.suppress(OSError):
                d.rmdir()
        self.created.clear()
        self.dirs.clear()


def write_new(path: Path, data: bytes) -> bool:
    """Write ``data`` to ``path`` only if no file has that name (atomic, durable).

    Returns False, writing nothing, when the name is taken."""
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, 0o644)
        try:
            os.link(tmp, path)
        except FileExistsError:
            return False
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
    fsync_dir(path.parent)
    return True


def _ensure_dir(path: Path, written: Written) -> None:
    missing = []
    p = path
    while not p.exists():
        missing.append(p)
        p = p.parent
    path.mkdir(parents=True, exist_ok=True)
    written.dirs.extend(reversed(missing))


def write_files(folder: Path, stem: str, capture: Capture) -> Written:
    """Store ``capture``'s text and WARC under ``folder`` with names from ``stem``,
    never replacing a file (a taken name gets ``-2``, ``-3`` … ); on any error
    nothing stays behind."""
    from casefiles.sources.warc import warc_bytes

    written = Written(folder)
    try:
        articles = folder / ARTICLES_DIR
        warcs = folder / WARC_DIR
        _ensure_dir(articles, written)
        _ensure_dir(warcs, written)
        text = capture.extracted.text.rstrip("\n") + "\n"
        n = 1
        while True:
            name = stem if n == 1 else f"{stem}-{n}"
            text_path = articles / f"{name}.txt"
            warc_path = warcs / f"{name}.warc.gz"
            if text_path.exists() or warc_path.exists():
                n += 1
                continue
            payload = warc_bytes(
                capture.original,
                captured=capture.captured,
                sha256=capture.sha256,
                tool=capture.tool,
                filename=warc_path.name,
            )
            if not write_new(warc_path, payload):
                n += 1
                continue
            written.created.append(warc_path)
            if not write_new(text_path, text.encode("utf-8")):
                warc_path.unlink()
                written.created.remove(warc_path)
                n += 1
                continue
            written.created.append(text_path)
            break
        written.text = f"{ARTICLES_DIR}/{text_path.name}"
        written.warc = f"{WARC_DIR}/{warc_path.name}"
    except OSError as exc:
        written.remove()
        raise CaptureError(
            FAILED,
            f"cannot write in {literal(str(folder))}: {exc.strerror or exc}; nothing was kept",
        ) from None
    except BaseException:
        written.remove()
        raise
    return written


__all__ = [
    "ARTICLES_DIR",
    "WARC_DIR",
    "Capture",
    "Written",
    "is_url",
    "take",
    "tool_name",
    "utc_now",
    "write_files",
    "write_new",
]
