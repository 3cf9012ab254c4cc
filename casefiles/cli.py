"""The ``casefiles`` command: the browser (no sub-command) and sub-commands
``validate``, ``show``, ``stats``, ``search`` and ``generate``.

Exit codes: 0 success, 1 bad data or not found, 2 bad usage, 130 interrupted.
Every message names what is wrong and where; no traceback reaches the user
(set ``CASEFILES_DEBUG=1`` to see one), and no escape sequence from data
reaches the terminal.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import NoReturn, TextIO

import orjson

from casefiles import __version__, model, paths
from casefiles.store import Store, StoreError
from casefiles.textsafe import literal

EXIT_OK = 0
EXIT_DATA = 1
EXIT_USAGE = 2
EXIT_INTERNAL = 70
EXIT_INTERRUPTED = 130
MAX_PROBLEMS_SHOWN = 200


class UsageError(Exception):
    """Bad command-line usage; the message is shown with exit code 2."""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        raise UsageError(f"{self.prog}: {message}")


def build_parser() -> argparse.ArgumentParser:
    """The argument parser for every sub-command."""
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
    return parser


def _out(text: str, stream: TextIO | None = None) -> None:
    print(text, file=stream or sys.stdout)


def _load(args: argparse.Namespace, check_files: bool = False) -> Store:
    path = paths.default_store(args.store)
    return Store.load(path, check_files=check_files)


def cmd_validate(args: argparse.Namespace) -> int:
    store = _load(args, check_files=not args.no_files)
    c = store.counts()
    parts = ", ".join(f"{n} {t}" for t, n in c.tables.items())
    _out(f"{literal(str(store.path))}: valid ({parts})")
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
    from casefiles.dossier import case_dossier, render_dossier

    dossier = case_dossier(store, args.case_id)
    if args.json:
        sys.stdout.buffer.write(orjson.dumps(dossier, option=orjson.OPT_INDENT_2) + b"\n")
    else:
        _out("\n".join(render_dossier(dossier)))
    return EXIT_OK


def cmd_stats(args: argparse.Namespace) -> int:
    store = _load(args)
    c = store.counts()
    _out(f"{literal(str(store.path))}")
    width = max(len(t) for t in c.tables)
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


def cmd_browse(args: argparse.Namespace) -> int:
    """Open the browser, or print the case list when there is no terminal UI yet."""
    store = _load(args)
    try:
        from casefiles.tui.app import run_app
    except ImportError:
        for case in store.table(model.CASES).values():
            _out(f"{literal(case['id'])}  {literal(case['title'])}")
        return EXIT_OK
    code: int = run_app(store)
    return code


COMMANDS = {
    "validate": cmd_validate,
    "show": cmd_show,
    "stats": cmd_stats,
    "search": cmd_search,
    "generate": cmd_generate,
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


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``casefiles`` console script."""
    try:
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
