"""The ``casefiles`` command: the browser (no sub-command) and sub-commands
``validate``, ``show``, ``stats``, ``search``, ``generate``, ``import`` and ``archive``.

Exit codes: 0 success, 1 bad data or not found, 2 bad usage, 130 interrupted.
Every message names what is wrong and where; no traceback reaches the user
(set ``CASEFILES_DEBUG=1`` to see one), and no escape sequence from data
reaches the terminal.
"""

from __future__ import annotations

import gc
import os
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from types import SimpleNamespace
from typing import TYPE_CHECKING, NoReturn, TextIO, cast

import orjson

from casefiles import __version__, model, paths
from casefiles.store import Store, StoreError
from casefiles.textsafe import clip, json_safe, literal

if TYPE_CHECKING:
    import argparse

    from casefiles.sources.fetch import Limits

EXIT_OK = 0
EXIT_DATA = 1
EXIT_USAGE = 2
EXIT_INTERNAL = 70
EXIT_INTERRUPTED = 130
MAX_PROBLEMS_SHOWN = 200
#: Seconds between two looks, and at most, while a file rewritten under the browser settles.
SETTLE_STEP = 0.3
SETTLE_LIMIT = 5.0


class UsageError(Exception):
    """Bad command-line usage; the message is shown with exit code 2."""


def build_parser() -> argparse.ArgumentParser:
    """The argument parser for every sub-command."""
    # imported here, not at the top: the browser's start parses no arguments
    # (``_browse_only``), and argparse (with gettext) is a couple of milliseconds
    import argparse

    class _Parser(argparse.ArgumentParser):
        def error(self, message: str) -> NoReturn:
            raise UsageError(f"{self.prog}: {message}")

    store_help = f"store file (default: ${paths.ENV_STORE}, else the bundled data/casefiles.json)"
    parser = _Parser(prog="casefiles", description="Terminal case-file browser.")
    parser.add_argument("--version", action="version", version=f"casefiles {__version__}")
    parser.add_argument("--store", metavar="PATH", help=store_help)
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)

    def add(name: str, help_text: str) -> argparse.ArgumentParser:
        p = sub.add_parser(name, help=help_text, description=help_text)
        p.add_argument("--store", metavar="PATH", help=store_help, default=argparse.SUPPRESS)
        return p

    p = add("validate", "check a store; exit 0 when valid, 1 with one line per problem")
    p.add_argument("--no-files", action="store_true", help="do not check article files")
    p.add_argument(
        "--quotes", action="store_true", help="also check every cited quote against its source"
    )
    p = add("show", "one case as a readable dossier")
    p.add_argument("case_id", metavar="ID")
    p.add_argument("--json", action="store_true", help="print the dossier as JSON")
    add("stats", "counts per table and per court level")
    p = add("search", "search cases, parties, courts, sources and article text")
    p.add_argument("query", metavar="QUERY")
    p.add_argument("--json", action="store_true", help="print hits as a JSON array")
    p.add_argument("--limit", type=int, default=20, metavar="N", help="at most N hits (20)")
    p = add("generate", "write a deterministic synthetic store for tests and benchmarks")
    p.add_argument("--cases", type=int, required=True, metavar="N")
    p.add_argument("--out", required=True, metavar="PATH")
    p.add_argument("--seed", type=int, default=0, metavar="S")
    p.add_argument("--force", action="store_true", help="overwrite an existing file")
    _add_source_commands(add)
    _add_store_commands(add)
    _add_export_command(add)
    _add_edit_command(add)
    return parser


def _add_export_command(add: Callable[[str, str], argparse.ArgumentParser]) -> None:
    """``export`` (casefiles.export)."""
    p = add("export", "write cases as CSV tables, a JSON store or Markdown dossiers")
    p.add_argument("--format", required=True, choices=("csv", "json", "md"), dest="fmt")
    p.add_argument(
        "--out", required=True, metavar="PATH", help="a folder (csv, md) or a file (json)"
    )
    p.add_argument(
        "--case",
        action="append",
        dest="cases",
        metavar="ID",
        help="only this case and what it refers to (repeat for more)",
    )
    p.add_argument("--force", action="store_true", help="replace an existing export")


def _add_store_commands(add: Callable[[str, str], argparse.ArgumentParser]) -> None:
    """``put``, ``rm``, ``log``, ``checkpoint``: edits through the change log."""
    reason_help = "why (kept in the change log)"
    p = add("put", "create or replace one document given as JSON (validated like any edit)")
    p.add_argument("table", metavar="TABLE", help=", ".join(model.TABLES))
    p.add_argument("file", metavar="FILE", nargs="?", default="-", help="JSON file, or - (stdin)")
    p.add_argument("--reason", metavar="TEXT", help=reason_help)
    p = add("rm", "delete one document (refused while other documents refer to it)")
    p.add_argument("table", metavar="TABLE", help=", ".join(model.TABLES))
    p.add_argument("doc_id", metavar="ID")
    p.add_argument("--reason", metavar="TEXT", help=reason_help)
    p = add("log", "list changes newest first (all, or those of one id), with a field diff")
    p.add_argument("doc_id", metavar="ID", nargs="?")
    p.add_argument("--json", action="store_true", help="print entries as a JSON array")
    p.add_argument("--limit", type=int, metavar="N", help="at most N entries")
    p.add_argument(
        "--verify",
        action="store_true",
        help="check the hash chain and that the log replays to the checkpoint",
    )
    add("checkpoint", "fold the change log into the store file (the log is kept)")


def _add_source_commands(add: Callable[[str, str], argparse.ArgumentParser]) -> None:
    """``import`` and ``archive`` (casefiles.sources)."""
    from casefiles.sources.fetch import DEFAULT_MAX_BYTES, DEFAULT_TIMEOUT

    def limits(p: argparse.ArgumentParser) -> None:
        mb = DEFAULT_MAX_BYTES // 2**20
        p.add_argument(
            "--max-size", type=float, default=mb, metavar="MB", help=f"size cap in MB ({mb})"
        )
        p.add_argument(
            "--timeout",
            type=float,
            default=DEFAULT_TIMEOUT,
            metavar="S",
            help=f"give up on a silent server after S seconds ({DEFAULT_TIMEOUT:g})",
        )
        p.add_argument(
            "--allow-private",
            action="store_true",
            default=os.environ.get("CASEFILES_ALLOW_PRIVATE") == "1",
            help="also fetch from this machine and private networks (or CASEFILES_ALLOW_PRIVATE=1)",
        )

    p = add("import", "capture a web page or local file (HTML, text, PDF) as a new source")
    p.add_argument("target", metavar="URL|PATH")
    p.add_argument("--case", metavar="ID", help="cite the source on this case")
    p.add_argument("--json", action="store_true", help="print the result as JSON")
    limits(p)
    p = add("archive", "capture the sources that have a URL but no stored copy")
    which = p.add_mutually_exclusive_group()
    which.add_argument(
        "--missing", action="store_true", help="every source with a URL and no copy (default)"
    )
    which.add_argument("--source", nargs="+", metavar="ID", help="these sources (again)")
    p.add_argument("--jobs", type=int, default=4, metavar="N", help="downloads at a time (4)")
    limits(p)


def _out(text: str, stream: TextIO | None = None) -> None:
    print(text, file=stream or sys.stdout)


def _load(args: argparse.Namespace, check_files: bool = False) -> Store:
    path = paths.default_store(args.store)
    store = Store.load(path, check_files=check_files)
    for notice in store.notices:
        _out(f"casefiles: {literal(notice)}", sys.stderr)
    return store


def cmd_validate(args: argparse.Namespace) -> int:
    store = _load(args, check_files=not args.no_files)
    c = store.counts()
    parts = ", ".join(f"{n} {t}" for t, n in c.tables.items())
    _out(f"{literal(str(store.path))}: valid ({parts})")
    if getattr(args, "quotes", False):
        from casefiles.sources import quotes

        lines, ok = quotes.report(quotes.check_quotes(store))
        _out("\n".join(lines), None if ok else sys.stderr)
        return EXIT_OK if ok else EXIT_DATA
    return EXIT_OK


def cmd_show(args: argparse.Namespace) -> int:
    store = _load(args)
    if store.get(model.CASES, args.case_id) is None:
        _out(
            f"casefiles show: no case with id {literal(args.case_id)!r} in "
            f"{literal(str(store.path))} (try 'casefiles search')",
            sys.stderr,
        )
        return EXIT_DATA
    from casefiles.dossier import case_dossier, dossier_text

    if args.json:
        dossier = case_dossier(store, args.case_id)
        text = orjson.dumps(dossier, option=orjson.OPT_INDENT_2).decode()
        sys.stdout.buffer.write(json_safe(text).encode() + b"\n")
    else:
        _out("\n".join(dossier_text(store, args.case_id)))
    return EXIT_OK


def cmd_stats(args: argparse.Namespace) -> int:
    store = _load(args)
    c = store.counts()
    _out(f"{literal(str(store.path))}")
    width = max(len(name) for name in (*c.tables, *map(model.humanise, c.levels)))
    for table, n in c.tables.items():
        _out(f"  {table:<{width}}  {n:>9,}")
    _out("proceedings per court level")
    for level, n in c.levels.items():
        _out(f"  {model.humanise(level):<{width}}  {n:>9,}")
    return EXIT_OK


def cmd_search(args: argparse.Namespace) -> int:
    from casefiles.search.command import search_command

    if args.limit < 1:
        raise UsageError("casefiles search: --limit must be at least 1")
    code: int = search_command(_load(args), args.query, limit=args.limit, as_json=args.json)
    return code


def cmd_generate(args: argparse.Namespace) -> int:
    from casefiles.generate import write_generated

    if not 0 <= args.cases <= 1_000_000:
        raise UsageError("casefiles generate: --cases must be between 0 and 1000000")
    out = Path(args.out)
    if out.exists() and not args.force:
        _out(
            f"casefiles generate: {literal(str(out))} exists; pass --force to overwrite", sys.stderr
        )
        return EXIT_DATA
    counts = write_generated(out, args.cases, args.seed)
    _out(f"{literal(str(out))}: " + ", ".join(f"{n} {t}" for t, n in counts.items()))
    return EXIT_OK


def _limits(args: argparse.Namespace, command: str) -> Limits:
    from casefiles.sources.fetch import Limits

    if not 0 < args.max_size <= 4096:
        raise UsageError(f"casefiles {command}: --max-size must be between 0 and 4096 (MB)")
    if not 0 < args.timeout <= 3600:
        raise UsageError(f"casefiles {command}: --timeout must be between 0 and 3600 (seconds)")
    return Limits(
        max_bytes=int(args.max_size * 2**20),
        timeout=args.timeout,
        allow_private=args.allow_private,
    )


def cmd_import(args: argparse.Namespace) -> int:
    """Capture one URL or local file as a new source (casefiles.sources.importer)."""
    from casefiles.sources.fetch import CaptureError
    from casefiles.sources.importer import import_source

    limits = _limits(args, "import")
    store = _load(args)
    try:
        result = import_source(store, args.target, case=args.case, limits=limits)
    except CaptureError as exc:
        _out(f"casefiles import: {exc}", sys.stderr)
        return EXIT_DATA
    if args.json:
        data = result.as_json()
        data["case"] = args.case
        text = json_safe(orjson.dumps(data, option=orjson.OPT_INDENT_2).decode("utf-8"))
        _out(text)
        return EXIT_OK
    src = result.source
    title = literal(clip(str(src.get("title", "")), 80))
    if result.duplicate is not None:
        how = "same URL" if result.duplicate == "url" else "identical content (SHA-256)"
        line = f"already in the store as source {literal(result.id)} ({how}): {title}"
        if result.case_linked:
            line += f"; now cited on case {literal(args.case)}"
        _out(line)
        return EXIT_OK
    date = src.get("published") or "no date"
    sha = str(src.get("sha256", ""))[:12]
    line = (
        f"imported {literal(result.id)}: {title} ({date}), {result.text_chars:,} chars, "
        f"sha256 {sha}…, text {literal(str(src.get('file')))}"
    )
    if result.case_linked:
        line += f", cited on case {literal(args.case)}"
    _out(line)
    if result.capture is not None and result.capture.extracted.cleaned:
        _out(
            "casefiles import: note: the page held escape sequences or control characters; "
            "they were left out of the text and title (the WARC file keeps the original)",
            sys.stderr,
        )
    for text in result.suggestions_lines():
        _out(f"  {literal(text)}")
    return EXIT_OK


def cmd_archive(args: argparse.Namespace) -> int:
    """Capture sources that have a URL but no stored copy (casefiles.sources.archive)."""
    from casefiles.sources import archive

    limits = _limits(args, "archive")
    if not 1 <= args.jobs <= 16:
        raise UsageError("casefiles archive: --jobs must be between 1 and 16")
    store = _load(args)
    docs = archive.chosen(store, args.source) if args.source else archive.missing(store)
    tty = sys.stderr.isatty()

    def progress(done: int, total: int, row: archive.Row) -> None:
        text = f"archive: {done}/{total} {literal(clip(row.id, 40))}: {row.outcome}"
        if tty:
            bar = "#" * (20 * done // max(total, 1))
            sys.stderr.write(f"\r\x1b[K[{bar:<20}] {text}")
            if done == total:
                sys.stderr.write("\n")
            sys.stderr.flush()
        else:
            _out(text, sys.stderr)

    try:
        rows = archive.archive(store, docs, limits, jobs=args.jobs, progress=progress)
    except archive.ArchiveInterrupted as exc:
        if tty:
            sys.stderr.write("\n")
        _out("\n".join(archive.table(exc.rows)))
        _out(
            f"casefiles archive: interrupted after {len(exc.rows)} of {len(docs)}; what finished "
            "is stored; run 'casefiles archive --missing' again to go on",
            sys.stderr,
        )
        return EXIT_INTERRUPTED
    _out("\n".join(archive.table(rows)))
    return EXIT_OK if all(r.ok for r in rows) else EXIT_DATA


def cmd_export(args: argparse.Namespace) -> int:
    """Write an export (casefiles.export); the store is only read."""
    from casefiles.export import ExportError, export

    store = _load(args)
    try:
        result = export(store, args.fmt, Path(args.out), args.cases, force=args.force)
    except ExportError as exc:
        _out(f"casefiles export: {exc}", sys.stderr)
        return EXIT_DATA
    _out(result.summary())
    return EXIT_OK


def _reload(args: argparse.Namespace) -> Store:
    """The store again, once its file has stopped changing (another program
    rewrote it in place under the browser): loaded and checked like any start."""
    path = paths.default_store(args.store)
    last: tuple[int, int] | None = None
    deadline = time.monotonic() + SETTLE_LIMIT
    while time.monotonic() < deadline:
        try:
            st = path.stat()
        except OSError:
            break  # the load says what is wrong
        now = (st.st_size, st.st_mtime_ns)
        if now == last:
            break
        last = now
        time.sleep(SETTLE_STEP)
    return _load(args)


def cmd_browse(args: argparse.Namespace) -> int:
    """Open the browser; when it cannot be imported (a missing or broken
    dependency), say so and fail instead of printing something else."""
    # Start-up makes objects that live as long as the browser and few cycles:
    # collections before the first frame only cost time (about a tenth of the
    # start).  The app turns the collector back on after its first frame.
    gc.disable()
    try:
        store = _load(args)
        try:
            from casefiles.tui.app import run_app
        except ImportError as exc:
            _out(f"casefiles: the browser cannot start: {literal(str(exc))}", sys.stderr)
            _out(
                "  (a dependency is missing or broken: reinstall casefiles; "
                "'casefiles show', 'search' and the other sub-commands still work)",
                sys.stderr,
            )
            return EXIT_INTERNAL
        code: int = run_app(store, reload=lambda: _reload(args))
        return code
    finally:
        gc.enable()


def _read_document(source: str) -> object:
    """The JSON document of ``casefiles put`` from a file or stdin (``-``)."""
    try:
        if source == "-":
            raw = sys.stdin.buffer.read(64 * 2**20 + 1)
        else:
            with open(source, "rb") as fh:
                raw = fh.read(64 * 2**20 + 1)
    except OSError as exc:
        raise StoreError(f"{literal(source)}: cannot read: {exc.strerror or exc}") from None
    if len(raw) > 64 * 2**20:
        raise StoreError(f"{literal(source)}: larger than 64 MiB")
    try:
        return orjson.loads(raw)
    except orjson.JSONDecodeError as exc:
        raise StoreError(
            f"{literal(source)}: invalid JSON at line {exc.lineno}, column {exc.colno}: "
            f"{literal(exc.msg)}"
        ) from None


def _table_arg(command: str, table: str) -> str:
    if table not in model.TABLES:
        raise UsageError(
            f"casefiles {command}: unknown table {literal(table)!r}; "
            f"expected one of: {', '.join(model.TABLES)}"
        )
    return table


def cmd_put(args: argparse.Namespace) -> int:
    table = _table_arg("put", args.table)
    doc = _read_document(args.file)
    if not isinstance(doc, dict):
        raise StoreError(f"casefiles put: expected one JSON object (a {table} document)")
    store = _load(args)
    existed = isinstance(doc.get("id"), str) and store.get(table, doc["id"]) is not None
    store.put(table, doc, reason=args.reason)
    verb = "replaced" if existed else "created"
    _out(f"{table}[{literal(str(doc['id']))}] {verb} (change log entry {store.log_seq})")
    return EXIT_OK


def cmd_rm(args: argparse.Namespace) -> int:
    table = _table_arg("rm", args.table)
    store = _load(args)
    if store.get(table, args.doc_id) is None:
        raise StoreError(f"{table}: no document with id {literal(args.doc_id)!r}")
    try:
        store.delete(table, args.doc_id, reason=args.reason)
    except StoreError as exc:
        if exc.problems and all("refers to" in p.message for p in exc.problems):
            n = len(exc.problems)
            raise StoreError(
                f"cannot delete {table}[{literal(args.doc_id)}]: {n} "
                f"reference{'s' if n != 1 else ''} to it (change or delete these first)",
                exc.problems,
            ) from None
        raise
    _out(f"{table}[{literal(args.doc_id)}] deleted (change log entry {store.log_seq})")
    return EXIT_OK


def cmd_log(args: argparse.Namespace) -> int:
    from casefiles.edit.history import diff_lines
    from casefiles.store.verify import history, verify

    path = Path(paths.default_store(args.store))
    if args.limit is not None and args.limit < 1:
        raise UsageError("casefiles log: --limit must be at least 1")
    if args.verify:
        verdict = verify(path)
        for line in verdict.checked:
            _out(f"  ok: {line}")
        if not verdict.ok:
            _out(f"casefiles log --verify: {verdict.problem}", sys.stderr)
            return EXIT_DATA
        _out(f"{literal(str(path))}: change log verified")
        return EXIT_OK
    store = _load(args)  # a store that does not load has no trustworthy history to show
    items = history(path, args.doc_id, args.limit, replayed=store.replayed_before)
    if args.json:
        text = orjson.dumps(items, option=orjson.OPT_INDENT_2).decode()
        _out(json_safe(text))
        return EXIT_OK
    if not items:
        _out("no changes logged" + (f" for {literal(args.doc_id)}" if args.doc_id else ""))
        return EXIT_OK
    for item in items:
        head = (
            f"#{item['seq']}  {literal(item['time'])}  {literal(item['author'])}  "
            f"{item['op']} {item['table']}[{literal(item['id'])}]"
        )
        if item.get("reason"):
            head += f"  ({literal(item['reason'])})"
        _out(head)
        diff = item["diff"]
        if diff is None:
            _out("    (the version before is not in the log or a checkpoint)")
            continue
        for line in diff_lines(diff):  # the browser's history screen shares these
            _out(f"    {line}")
    return EXIT_OK


def cmd_checkpoint(args: argparse.Namespace) -> int:
    store = _load(args)
    if store.checkpoint(wait=True):
        _out(f"{literal(str(store.path))}: folded the change log up to entry {store.log_seq}")
    else:
        _out(f"{literal(str(store.path))}: nothing to fold (entry {store.log_seq} is folded)")
    return EXIT_OK


def _add_edit_command(add: Callable[[str, str], argparse.ArgumentParser]) -> None:
    """``edit`` (casefiles.edit.session)."""
    p = add(
        "edit",
        "edit a document (a case: with its proceedings and sentences) as YAML in $VISUAL/$EDITOR",
    )
    p.add_argument(
        "table", metavar="TABLE", help="cases, parties, courts, sources, proceedings, sentences"
    )
    p.add_argument("doc_id", metavar="ID")
    p.add_argument("--reason", metavar="TEXT", help="why, for the change log")
    p.add_argument("--new", action="store_true", help="create the document from a template")


def cmd_edit(args: argparse.Namespace) -> int:
    """Edit one document in the user's editor until it is valid (casefiles.edit.session)."""
    from casefiles.edit.session import (
        TABLE_NAMES,
        EditorError,
        edit_session,
        editor_command,
        reason_problem,
    )

    table = TABLE_NAMES.get(args.table)
    if table is None:
        raise UsageError(
            f"casefiles edit: unknown table {literal(clip(args.table, 40))!r}; "
            f"expected one of: {', '.join(model.TABLES)}"
        )
    bad_reason = reason_problem(args.reason)
    if bad_reason:
        raise UsageError(f"casefiles edit: --reason: {bad_reason}")
    try:
        command = editor_command()
    except EditorError as exc:
        raise UsageError(f"casefiles edit: {exc}") from None
    store = _load(args)
    outcome = edit_session(
        store, table, args.doc_id, command=command, reason=args.reason, new=args.new
    )
    stream = sys.stdout if outcome.exit_code == EXIT_OK else sys.stderr
    for line in outcome.lines:
        _out(f"casefiles edit: {line}" if line == outcome.lines[0] else line, stream)
    return outcome.exit_code


COMMANDS = {
    "edit": cmd_edit,
    "put": cmd_put,
    "rm": cmd_rm,
    "log": cmd_log,
    "checkpoint": cmd_checkpoint,
    "validate": cmd_validate,
    "show": cmd_show,
    "stats": cmd_stats,
    "search": cmd_search,
    "generate": cmd_generate,
    "import": cmd_import,
    "archive": cmd_archive,
    "export": cmd_export,
    None: cmd_browse,
}


def report_store_error(exc: StoreError) -> None:
    """Print a store error and its problems (capped) to stderr."""
    _out(f"casefiles: {exc}", sys.stderr)
    for problem in exc.problems[:MAX_PROBLEMS_SHOWN]:
        _out(f"  {problem}", sys.stderr)
    hidden = len(exc.problems) - MAX_PROBLEMS_SHOWN
    if hidden > 0:
        _out(f"  … and {hidden} more (fix these first)", sys.stderr)


def _browse_only(argv: Sequence[str]) -> argparse.Namespace | None:
    """The arguments when ``argv`` only opens the browser (nothing, or
    ``--store PATH``), else ``None``: the browser's start then skips building
    every sub-command's parser (a few milliseconds of a start) and does not
    import argparse: a ``SimpleNamespace`` has the same attributes."""
    if not argv:
        return cast("argparse.Namespace", SimpleNamespace(store=None, command=None))
    if len(argv) == 2 and argv[0] == "--store" and argv[1] and not argv[1].startswith("-"):
        return cast("argparse.Namespace", SimpleNamespace(store=argv[1], command=None))
    return None


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``casefiles`` console script."""
    try:
        args = _browse_only(sys.argv[1:] if argv is None else argv)
        if args is None:
            args = build_parser().parse_args(argv)
        return COMMANDS[args.command](args)
    except UsageError as exc:
        _out(literal(str(exc)), sys.stderr)
        _out("Try 'casefiles --help'.", sys.stderr)
        return EXIT_USAGE
    except StoreError as exc:
        report_store_error(exc)
        return EXIT_DATA
    except KeyboardInterrupt:
        return EXIT_INTERRUPTED
    except BrokenPipeError:
        # The reader of our output went away (``| head``); that is not an error.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return EXIT_OK
    except SystemExit as exc:  # argparse --help / --version
        return int(exc.code or 0) if not isinstance(exc.code, str) else EXIT_USAGE
    except Exception as exc:  # the last line of defence: never a traceback
        if os.environ.get("CASEFILES_DEBUG"):
            raise
        _out(
            f"casefiles: internal error: {type(exc).__name__}: {literal(str(exc))} "
            "(set CASEFILES_DEBUG=1 for details, and please report it)",
            sys.stderr,
        )
        return EXIT_INTERNAL
