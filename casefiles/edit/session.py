"""``casefiles edit TABLE ID``: a document (or a case with its proceedings and
sentences) as YAML in ``$VISUAL``/``$EDITOR``, the way ``kubectl edit`` works.

1. The YAML is written to a work file in the user data folder (``edits/``), so
   that even a crash of this program leaves the text on disk, and the editor
   runs on it: ``$VISUAL``, else ``$EDITOR``, else ``vi``; the variable is split
   like a shell would (``shlex``) but run without a shell, the file path as its
   own last argument.
2. When the editor returns, the file is read back (``casefiles.edit.yamlio``),
   turned into an ``Operation`` (``casefiles.edit.ops``), checked and committed.
3. Saved empty (nothing but comments), or with the same data as before: nothing
   is written, "no change", exit 0.
4. Problems (validation as ``Store.put`` decides, provenance, YAML that is
   refused) are written as comments at the top of the file and the editor
   opens again on the user's text.  Warnings (a quote not found in its
   article) and a document another program changed meanwhile (both versions
   shown) are written the same way; saving again *without changes* accepts
   them and saves.
5. The user gives up by saving the file again without changes while problems
   stand (or by making the editor exit with a non-zero status, ``:cq`` in vim),
   or after ``MAX_ROUNDS`` rounds.  The text is then kept in a recovery file in
   the user data folder (``recovery/``), whose path is printed; exit 1.

With ``new`` (``casefiles edit --new``) the file starts from a template
(``yamlio.template``) and the document is added.  Work files that a killed
edit left behind are moved to ``recovery/`` by the next edit of the document.

The TUI's ``E`` key runs ``edit_session`` while the app is suspended
(``with app.suspend(): outcome = edit_session(store, table, id,
command=editor_command())``) and can hand ``outcome.operation`` to its
``History.record`` so that ``u`` undoes the editor's save too.
"""

from __future__ import annotations

import contextlib
import os
import re
import shlex
import shutil
import subprocess
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Final

import platformdirs

from casefiles import model, paths
from casefiles.edit import yamlio
from casefiles.edit.ops import Check, EditRefused, Operation, label
from casefiles.store import Store
from casefiles.store.changelog import MAX_REASON
from casefiles.textsafe import literal, refused_in_line

_SLUG: Final = re.compile(r"^[a-z0-9]+(?:[-_.][a-z0-9]+)*\Z", re.ASCII)
MAX_ROUNDS: Final = 20
"""Times the editor opens for one edit before the session gives up."""
MAX_FILE_BYTES: Final = 4 * yamlio.MAX_CHARS
TABLE_NAMES: Final[dict[str, str]] = {
    **{t: t for t in model.TABLES},
    "source": model.SOURCES,
    "party": model.PARTIES,
    "court": model.COURTS,
    "case": model.CASES,
    "proceeding": model.PROCEEDINGS,
    "sentence": model.SENTENCES,
}
"""Table names ``casefiles edit`` accepts (plural and singular)."""

RunEditor = Callable[[Sequence[str], Path], int]


class EditorError(Exception):
    """No usable editor: ``str()`` says what to set."""


@dataclass(slots=True)
class Outcome:
    """How an edit session ended."""

    status: str
    """``saved``, ``no change``, ``gave up``, ``interrupted`` or ``not found``."""
    lines: list[str] = field(default_factory=list)
    """What to tell the user (already safe for a terminal)."""
    recovery: Path | None = None
    """Where the text was kept when the user gave up."""
    operation: Operation | None = None
    """What was saved."""

    @property
    def exit_code(self) -> int:
        """0 saved or nothing to save, 130 interrupted, 1 otherwise."""
        if self.status == "interrupted":
            return 130
        return 0 if self.status in ("saved", "no change") else 1


def editor_command(environ: os._Environ[str] | dict[str, str] | None = None) -> list[str]:
    """``$VISUAL``, else ``$EDITOR``, else ``vi``, split as a shell would split it."""
    env = os.environ if environ is None else environ
    for name in ("VISUAL", "EDITOR"):
        value = env.get(name, "").strip()
        if value:
            try:
                words = shlex.split(value)
            except ValueError as exc:
                raise EditorError(f"${name} cannot be split into words ({exc})") from None
            if words:
                return words
    if shutil.which("vi"):
        return ["vi"]
    raise EditorError("no editor: set $VISUAL or $EDITOR (for example EDITOR=nano)")


def run_editor(command: Sequence[str], path: Path) -> int:
    """Run the editor on ``path`` (no shell; the path is one argument) and wait;
    its exit status, or 127 when it cannot be started."""
    try:
        return subprocess.run([*command, str(path)], check=False).returncode
    except OSError:
        return 127


def data_folder(name: str) -> Path:
    """A private folder in the user data folder (``edits``, ``recovery``)."""
    folder = Path(platformdirs.user_data_dir(paths.APP)) / name
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    return folder


def reason_problem(reason: str | None) -> str | None:
    """Why the change log would refuse ``reason`` (checked before the editor opens)."""
    if reason is None:
        return None
    if len(reason) > MAX_REASON:
        return f"the reason is longer than {MAX_REASON:,} characters"
    if refused_in_line(reason) is not None:
        return "the reason holds a control character"
    return None


def _header(table: str, doc_id: str, store: Store) -> list[str]:
    lines = [
        f"casefiles edit {label(table, doc_id)} in {store.name}",
        "Save and close the editor to apply. To cancel, empty the file (or leave it as it is).",
        "Lines starting with '#' are ignored. An empty value removes a field. Dates may be",
        'written as articles write them ("26 Sept 2018"), terms as "2y6m" or "18 months".',
        "A new or changed fact (participant, charge, event, proceeding, sentence) needs a cite.",
    ]
    if table == model.CASES:
        lines.append(
            "Proceedings and sentences may be added, changed or removed here; ids stay as they are."
        )
    return lines


def _notes(
    kind: str, check: Check | None, problems: Sequence[str], hints: Sequence[str]
) -> list[str]:
    lines: list[str] = [""]
    if kind == "problems":
        n = len(problems)
        lines += [
            f"NOT SAVED: {n} problem{'s' if n != 1 else ''}. Fix and save again; to give up, "
            "save without changes",
            "(your text is then kept in a recovery file).",
        ]
        lines += [f"  - {p}" for p in problems]
        lines += [f"  - hint: {h}" for h in hints]
    elif kind == "stale" and check is not None:
        lines += [
            "NOT SAVED: another program changed what you are editing since you opened it.",
            "Their version is shown below as comments; yours is the document. Save again without",
            "changes to put yours in place of theirs (merge by hand first if both matter), or",
            "empty the file to cancel.",
        ]
        for stale in check.stale:
            lines.append(f"  theirs: {label(stale.table, stale.doc_id)}")
            if stale.theirs is None:
                lines.append("  | (deleted)")
            else:
                body = yamlio.dump(yamlio.ordered(stale.table, stale.theirs))
                lines += [f"  | {line}" for line in body.splitlines()]
    elif kind == "warnings" and check is not None:
        n = len(check.warnings)
        lines += [
            f"PLEASE CHECK (not saved yet): {n} warning{'s' if n != 1 else ''}. Save again "
            "without changes to save anyway.",
        ]
        lines += [f"  - {w}" for w in check.warnings]
    lines.append("")
    return lines


def _render(header: list[str], notes: list[str], body: str) -> str:
    return yamlio.comment(header + notes) + ("" if notes else "\n") + body


def edit_session(
    store: Store,
    table: str,
    doc_id: str,
    *,
    command: Sequence[str],
    run: RunEditor = run_editor,
    reason: str | None = None,
    new: bool = False,
) -> Outcome:
    """Edit ``table[doc_id]`` in an editor until it is saved, cancelled or given
    up; with ``new``, create it from a template.  Work files of earlier edits of
    the same document whose program died (killed, a crash) are moved to the
    recovery folder and named in the outcome."""
    rescued = _rescue(_prefix(table, doc_id))
    outcome = _edit_session(store, table, doc_id, command=command, run=run, reason=reason, new=new)
    outcome.lines += [
        f"an earlier edit of {label(table, doc_id)} was cut short; its text is kept in "
        f"{literal(str(path))}"
        for path in rescued
    ]
    return outcome


def _prefix(table: str, doc_id: str) -> str:
    return f"{table}-{re.sub(r'[^a-z0-9._-]+', '_', doc_id)[:80]}-"


def _rescue(prefix: str) -> list[Path]:
    """Move work files of dead programs for this document to the recovery folder."""
    out: list[Path] = []
    try:
        found = sorted(data_folder("edits").glob(f"{prefix}*.yaml"))
    except OSError:
        return out
    for path in found:
        pid = path.stem.rsplit("-", 1)[-1]
        if not pid.isdigit() or _alive(int(pid)):
            continue
        with contextlib.suppress(OSError):
            out.append(_keep(path))
    return out


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True
    return True


def _edit_session(
    store: Store,
    table: str,
    doc_id: str,
    *,
    command: Sequence[str],
    run: RunEditor,
    reason: str | None,
    new: bool,
) -> Outcome:
    snap = yamlio.snapshot(store, table, doc_id)
    if new and snap is not None:
        return Outcome(
            "not found", [f"{label(table, doc_id)} already exists; edit it without --new"]
        )
    if not new and snap is None:
        return Outcome(
            "not found",
            [f"no document {label(table, doc_id)} in {store.name} (--new creates one)"],
        )
    if new and not _SLUG.match(doc_id):
        return Outcome(
            "not found",
            [
                f"{literal(doc_id)!r} is not an id: lowercase letters, digits and '-' "
                "(like 'kem-sokha'), at most 120 characters"
            ],
        )
    bad_reason = reason_problem(reason)
    if bad_reason:
        return Outcome("gave up", [f"not opened: {bad_reason}"])
    header = _header(table, doc_id, store)
    if snap is None:
        base: list[tuple[str, dict[str, object]]] = []
        header[0] += " (new: fill in the fields, uncomment the ones you need)"
        body = yamlio.template(table, doc_id)
    else:
        base = yamlio.documents(table, snap)
        body = yamlio.dump(snap)
    offered = _render(header, [], body)
    first = offered
    stem = f"{_prefix(table, doc_id)}{time.strftime('%Y%m%dT%H%M%S')}-{os.getpid()}.yaml"
    work = data_folder("edits") / stem
    pending: str | None = None  # what the last round asked the user about
    problems: list[str] = []
    hints: list[str] = []
    try:
        for _round in range(MAX_ROUNDS):
            _write(work, offered)
            status = run(command, work)
            raw = _read(work)
            if raw is None:
                return _give_up(work, first, f"the file {literal(str(work))} is gone or too big")
            if status != 0:
                return _give_up(
                    work,
                    first,
                    f"the editor exited with status {status}"
                    + (" (could not be started)" if status == 127 else ""),
                )
            text = raw.decode("utf-8", errors="surrogateescape")
            unchanged = text == offered
            if text == first:
                _remove(work)
                return Outcome("no change", ["no change"])
            user_body = yamlio.strip_comments_on_top(text)
            if not user_body.strip() or _only_comments(user_body):
                _remove(work)
                return Outcome("no change", ["no change (the file was saved empty)"])
            try:
                raw.decode("utf-8")
                data = yamlio.load(user_body)
                if data is None:
                    _remove(work)
                    return Outcome("no change", ["no change (the file was saved empty)"])
                parsed = yamlio.typed(table, doc_id, data)
            except UnicodeDecodeError as exc:
                problems = [f"the file is not UTF-8 text (byte {exc.start})"]
                hints = []
            except yamlio.YamlRefused as exc:
                problems, hints = exc.problems, []
                # Name the lines as the reopened file will number them.
                notes = _notes("problems", None, problems, hints)
                body_line = len(yamlio.comment(header + notes).splitlines()) + 1
                try:
                    yamlio.load(user_body, first_line=body_line)
                except yamlio.YamlRefused as again:
                    problems = again.problems
            else:
                op = Operation.between(base, parsed.docs, f"edit {label(table, doc_id)}")
                if not op.changes:
                    _remove(work)
                    return Outcome("no change", ["no change"])
                accept = unchanged and pending in ("warnings", "stale")
                try:
                    result = op.apply(store, reason=reason, accept_warnings=accept)
                except EditRefused as exc:
                    check = exc.check
                    if check.stale:
                        # Show theirs; the next save is measured against it.
                        base = _rebase(store, base, check)
                        pending = "stale"
                        offered = _render(header, _notes("stale", check, [], []), user_body)
                        continue
                    if check.ok:  # warnings only
                        pending = "warnings"
                        offered = _render(header, _notes("warnings", check, [], []), user_body)
                        continue
                    problems, hints = list(check.problems), parsed.hints
                else:
                    _remove(work)
                    lines = [f"saved: {c}" for c in op.describe()]
                    lines.append(f"change log entry {store.log_seq}")
                    lines += [f"  {r}" for r in parsed.readings]
                    lines += [f"  saved despite: {w}" for w in result.warnings]
                    return Outcome("saved", lines, operation=op)
            if unchanged and pending == "problems":
                return _give_up(work, first, "saved again without changes while problems stand")
            pending = "problems"
            offered = _render(header, _notes("problems", None, problems, hints), user_body)
        return _give_up(work, first, f"still not valid after {MAX_ROUNDS} rounds")
    except KeyboardInterrupt:
        out = _give_up(work, first, "interrupted")
        out.status = "interrupted"
        return out
    except BaseException:
        # Failed: keep whatever the user typed before the error goes up.
        with contextlib.suppress(OSError):
            if work.exists():
                _keep(work)
        raise


def _only_comments(text: str) -> bool:
    return all(not line.strip() or line.lstrip().startswith("#") for line in text.splitlines())


def _rebase(
    store: Store, base: list[tuple[str, dict[str, object]]], check: Check
) -> list[tuple[str, dict[str, object]]]:
    """``base`` with the other program's versions of the stale documents."""
    theirs = {(s.table, s.doc_id): s.theirs for s in check.stale}
    out = [
        (t, d)
        for t, d in ((t, theirs.get((t, str(d.get("id"))), d)) for t, d in base)
        if d is not None
    ]
    known = {(t, str(d.get("id"))) for t, d in base}
    for (t, i), doc in theirs.items():
        if (t, i) not in known and doc is not None:
            out.append((t, doc))
    return out


def _write(path: Path, text: str) -> None:
    data = text.encode("utf-8", errors="surrogateescape")
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_CLOEXEC, 0o600)
    try:
        os.write(fd, data)
        os.fsync(fd)
    finally:
        os.close(fd)


def _read(path: Path) -> bytes | None:
    try:
        with path.open("rb") as f:
            data = f.read(MAX_FILE_BYTES + 1)
    except OSError:
        return None
    return None if len(data) > MAX_FILE_BYTES else data


def _remove(path: Path) -> None:
    with contextlib.suppress(OSError):
        path.unlink()


def _keep(work: Path) -> Path:
    target = data_folder("recovery") / work.name
    os.replace(work, target)
    return target


def _give_up(work: Path, first: str, why: str) -> Outcome:
    try:
        text = work.read_bytes().decode("utf-8", errors="surrogateescape")
    except OSError:
        text = None
    if text is None:
        return Outcome("gave up", [f"not saved: {why}; nothing changed"])
    if text == first:
        _remove(work)
        return Outcome("gave up", [f"not saved: {why}; nothing changed, nothing to keep"])
    kept = _keep(work)
    return Outcome(
        "gave up",
        [f"not saved: {why}; nothing changed. Your text is kept in {literal(str(kept))}"],
        recovery=kept,
    )


__all__ = [
    "MAX_ROUNDS",
    "TABLE_NAMES",
    "EditorError",
    "Outcome",
    "edit_session",
    "editor_command",
    "reason_problem",
    "run_editor",
]
