"""Opening a source outside the app (the ``O`` key): its URL in a browser, or its
stored article file in a pager.

Nothing here goes through a shell.  ``plan_open`` is the pure decision — what
to open, with which argument vector, whether the program needs the terminal,
or why it is refused — and is tested directly.  ``run_plan`` carries a plan
out and returns an ``OpenResult`` (opened, refused, failed or timed out, with a
one-line message): the app runs a terminal program (a pager, a text browser)
inside ``App.suspend`` on its own thread, any other program in a worker thread.

Rules:

* only URLs that pass ``casefiles.links.url_problem`` are opened — the rule
  validation applies to the store (lower-case ``http://``/``https://``, no
  spaces, control or invisible characters);
* only regular files inside the store's folder are opened, after resolving
  ``..`` and symbolic links;
* the program is the configured opener (``config.opener``, an argv list) when
  there is one, else ``$BROWSER`` (URLs) or ``$PAGER`` (files), else
  ``xdg-open``/``open`` (URLs) or ``less`` (files);
* the URL or path is always one whole argument: an argv item that is exactly
  ``%s`` is replaced by it, otherwise it is appended as the last argument; an
  item with ``%s`` inside a larger string (``sh -c "echo %s"``) is refused.
"""

from __future__ import annotations

import os
import shlex
import subprocess
import sys
import tempfile
from collections.abc import Callable, Mapping, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final, Literal

from casefiles.links import url_problem
from casefiles.textsafe import clip, literal, one_line

#: Programs that take over the terminal: the app is suspended while they run.
TERMINAL_PROGRAMS: Final = frozenset(
    {
        "less",
        "more",
        "most",
        "pg",
        "bat",
        "batcat",
        "view",
        "vi",
        "vim",
        "nvim",
        "nano",
        "emacs",
        "micro",
        "w3m",
        "lynx",
        "links",
        "elinks",
        "browsh",
        "carbonyl",
    }
)
#: The argv item replaced by the URL or path (only when it is the whole item).
TARGET: Final = "%s"
#: Seconds ``run_plan`` waits for a program that does not take the terminal.
OPEN_TIMEOUT: Final = 5.0


@dataclass(frozen=True, slots=True)
class OpenPlan:
    """What ``O`` will do: run ``argv`` (``terminal``: in the foreground, app suspended),
    or nothing, with ``refusal`` saying why."""

    argv: tuple[str, ...] = ()
    terminal: bool = False
    target: str = ""
    refusal: str | None = None

    @property
    def ok(self) -> bool:
        """Whether there is something to run."""
        return self.refusal is None and bool(self.argv)


OpenStatus = Literal["opened", "refused", "failed", "timeout"]


@dataclass(frozen=True, slots=True)
class OpenResult:
    """How opening went: ``status`` is ``opened`` (the program ran and exited 0,
    or a terminal program was closed), ``refused`` (nothing was run), ``failed``
    (program missing, not startable, or a non-zero exit) or ``timeout`` (still
    running after the wait; left running).  ``message`` is one line, safe to
    show as plain text."""

    status: OpenStatus
    message: str

    @property
    def ok(self) -> bool:
        """Whether the program ran and reported success."""
        return self.status == "opened"


def check_url(url: object) -> str | None:
    """Why ``url`` must not be opened, or ``None`` (the rule validation uses)."""
    return url_problem(url)


def argv_problem(argv: Sequence[str]) -> str | None:
    """Why an opener command is refused, or ``None``: the URL or path may only
    be a whole argument (``"%s"``), never put inside a larger string such as a
    shell command."""
    if not argv:
        return "the opener command is empty"
    for part in argv:
        if TARGET in part and part != TARGET:
            return (
                f"{clip(literal(part), 40)!r} puts %s inside a larger string: the URL or "
                'path may only be an argument of its own ("%s")'
            )
    return None


def resolve_file(rel: object, folder: Path) -> tuple[Path | None, str | None]:
    """The article file ``rel`` inside ``folder`` (resolved), or why it is refused."""
    if not isinstance(rel, str) or not rel:
        return None, "the source has no stored file"
    if "\x00" in rel:
        return None, "the file name contains a NUL character"
    root = folder.resolve()
    try:
        target = (root / rel).resolve()
    except (OSError, RuntimeError):
        return None, "the file path cannot be resolved"
    if not target.is_relative_to(root):
        return None, "the file lies outside the store's folder"
    if not target.exists():
        return None, "the stored file does not exist"
    if not target.is_file():
        return None, "the stored path is not a regular file"
    return target, None


def _command(spec: str | Sequence[str] | None) -> list[str]:
    """An argv from a config list or an environment string (``less -R``, ``a:b`` lists)."""
    if spec is None:
        return []
    if isinstance(spec, str):
        first = spec.split(os.pathsep)[0].strip()  # $BROWSER may list several
        try:
            return shlex.split(first)
        except ValueError:
            return []
    return [str(part) for part in spec if str(part)]


def _with_target(argv: Sequence[str], target: str) -> tuple[str, ...]:
    """``argv`` with ``target`` as every item that is exactly ``%s``, else appended."""
    if TARGET in argv:
        return tuple(target if part == TARGET else part for part in argv)
    return (*argv, target)


def _is_terminal(argv: Sequence[str]) -> bool:
    return bool(argv) and Path(argv[0]).name in TERMINAL_PROGRAMS


def default_url_opener(platform: str) -> list[str]:
    """The system's "open this URL" command."""
    if platform == "darwin":
        return ["open"]
    if platform.startswith("win"):
        return ["explorer"]
    return ["xdg-open"]


def _plan(argv: Sequence[str], target: str, sid: str) -> OpenPlan:
    problem = argv_problem(argv)
    if problem is not None:
        return OpenPlan(refusal=f"not opening source {sid}: {problem}")
    return OpenPlan(_with_target(argv, target), _is_terminal(argv), target)


def plan_open(
    source: Mapping[str, Any],
    folder: Path,
    opener: Sequence[str] | None = None,
    env: Mapping[str, str] | None = None,
    platform: str = sys.platform,
) -> OpenPlan:
    """Decide how to open ``source`` outside the app (pure apart from resolving paths).

    The URL wins when it passes ``casefiles.links.url_problem``; otherwise the
    stored file is opened when it is inside ``folder``; otherwise the plan is a
    refusal whose message names the source and the reason.  The target is
    always one whole argument: an opener that puts ``%s`` inside a larger
    string is refused.
    """
    env = os.environ if env is None else env
    sid = literal(str(source.get("id", "?")))
    url = source.get("url")
    url_issue = check_url(url)
    configured = _command(opener) if opener else []
    if url_issue is None:
        assert isinstance(url, str)
        argv = configured or _command(env.get("BROWSER")) or default_url_opener(platform)
        return _plan(argv, url, sid)
    path, file_problem = resolve_file(source.get("file"), folder)
    if path is not None:
        argv = configured or _command(env.get("PAGER")) or ["less"]
        return _plan(argv, str(path), sid)
    reasons: list[str] = []
    if url is not None and url_issue:
        reasons.append(url_issue)
    if source.get("file") is not None and file_problem:
        reasons.append(file_problem)
    reason = "; ".join(reasons) or "it has no URL and no stored file"
    return OpenPlan(refusal=f"not opening source {sid}: {reason}")


def _last_line(data: bytes) -> str:
    """The last non-empty line a program wrote to stderr, short and printable."""
    lines = [line.strip() for line in data.decode("utf-8", "replace").splitlines()]
    last = next((line for line in reversed(lines) if line), "")
    return clip(one_line(last), 160)


def _ended(code: int) -> str:
    """How a program that failed ended: ``exited with status 3``, ``was killed by signal 9``."""
    return f"exited with status {code}" if code > 0 else f"was killed by signal {-code}"


def run_plan(
    plan: OpenPlan,
    *,
    suspend: Callable[[], AbstractContextManager[Any]] | None = None,
    timeout: float = OPEN_TIMEOUT,
) -> OpenResult:
    """Run a plan without a shell and say how it went (never raises for the
    program's failures).

    A terminal program (a pager, a text browser) runs in the foreground inside
    ``suspend()`` (the app's ``App.suspend``) when given, and its exit status is
    reported.  Any other program runs in its own session with its output
    discarded; ``run_plan`` waits up to ``timeout`` seconds for it to exit and
    reports a non-zero exit with the last line it wrote to stderr, or a
    ``timeout`` when it is still running (it is left running).  Waiting blocks:
    call it from a worker thread for anything but a terminal program.
    """
    if not plan.ok:
        return OpenResult("refused", plan.refusal or "nothing to open")
    name = literal(Path(plan.argv[0]).name or plan.argv[0])
    what = clip(literal(plan.target), 120)
    try:
        if plan.terminal and suspend is not None:
            try:
                with suspend():
                    code = subprocess.call(list(plan.argv))
            except Exception as exc:  # SuspendNotSupported and friends
                if type(exc).__name__ != "SuspendNotSupported":
                    raise
                return OpenResult(
                    "failed", "this terminal cannot hand the screen to another program"
                )
            if code != 0:
                return OpenResult("failed", f"{name} {_ended(code)}")
            return OpenResult("opened", f"opened {what} with {name}")
        with tempfile.TemporaryFile() as errors:
            process = subprocess.Popen(
                list(plan.argv),
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                stderr=errors,
                start_new_session=True,
            )
            try:
                code = process.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                return OpenResult(
                    "timeout",
                    f"{name} is still running after {timeout:g} s (left running); "
                    "if nothing opened, check the opener in the config file",
                )
            if code != 0:
                errors.seek(max(errors.seek(0, os.SEEK_END) - 4096, 0))
                said = _last_line(errors.read())
                return OpenResult(
                    "failed", f"{name} {_ended(code)}" + (f": {said}" if said else "")
                )
    except FileNotFoundError:
        return OpenResult(
            "failed",
            f"cannot open: program {name!r} not found (set the opener in the config file)",
        )
    except OSError as exc:
        return OpenResult(
            "failed", f"cannot open with {name!r}: {literal(str(exc.strerror or exc))}"
        )
    return OpenResult("opened", f"opened {what} with {name}")


__all__ = [
    "OPEN_TIMEOUT",
    "TARGET",
    "TERMINAL_PROGRAMS",
    "OpenPlan",
    "OpenResult",
    "argv_problem",
    "check_url",
    "plan_open",
    "resolve_file",
    "run_plan",
]
