"""Opening a source outside the app (the ``O`` key): its URL in a browser, or its
stored article file in a pager.

Nothing here goes through a shell.  ``plan_open`` is the pure decision — what
to open, with which argument vector, whether the program needs the terminal,
or why it is refused — and is tested directly.  ``open_external`` carries the
plan out for the running app, suspending it while a terminal program (a pager,
a text browser) owns the screen.

Rules:

* only ``http``/``https`` URLs are opened (no ``javascript:``, ``file:``,
  ``data:``, no URL with spaces or control characters);
* only files inside the store's folder are opened, after resolving ``..`` and
  symbolic links;
* the program is the configured opener (``config.opener``, an argv list) when
  there is one, else ``$BROWSER`` (URLs) or ``$PAGER`` (files), else
  ``xdg-open``/``open`` (URLs) or ``less`` (files).  ``%s`` in an argv item is
  replaced by the target; otherwise the target is appended as the last argument.
"""

from __future__ import annotations

import os
import shlex
import subprocess
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final
from urllib.parse import urlsplit

from casefiles.textsafe import literal

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
_ALLOWED_SCHEMES: Final = frozenset({"http", "https"})


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


def check_url(url: object) -> str | None:
    """Why ``url`` must not be opened, or ``None`` when it is a plain http(s) URL."""
    if not isinstance(url, str) or not url:
        return "the source has no URL"
    if any(ch.isspace() or ord(ch) < 0x20 or 0x7F <= ord(ch) <= 0x9F for ch in url):
        return "the URL contains spaces or control characters"
    try:
        parts = urlsplit(url)
    except ValueError:
        return "the URL is malformed"
    scheme = parts.scheme.lower()
    if scheme not in _ALLOWED_SCHEMES:
        if not scheme:
            return "the URL has no http(s) scheme"
        return f"only http(s) URLs are opened, not {scheme}:"
    if not parts.hostname:
        return "the URL has no host"
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
    if not target.is_file():
        return None, "the stored file does not exist"
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
    if any("%s" in part for part in argv):
        return tuple(part.replace("%s", target) for part in argv)
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


def plan_open(
    source: Mapping[str, Any],
    folder: Path,
    opener: Sequence[str] | None = None,
    env: Mapping[str, str] | None = None,
    platform: str = sys.platform,
) -> OpenPlan:
    """Decide how to open ``source`` outside the app (pure apart from resolving paths).

    The URL wins when it is a valid http(s) URL; otherwise the stored file is
    opened when it is inside ``folder``; otherwise the plan is a refusal whose
    message names the source and the reason.
    """
    env = os.environ if env is None else env
    sid = literal(str(source.get("id", "?")))
    url = source.get("url")
    url_problem = check_url(url)
    configured = _command(opener) if opener else []
    if url_problem is None:
        assert isinstance(url, str)
        argv = configured or _command(env.get("BROWSER")) or default_url_opener(platform)
        return OpenPlan(_with_target(argv, url), _is_terminal(argv), url)
    path, file_problem = resolve_file(source.get("file"), folder)
    if path is not None:
        argv = configured or _command(env.get("PAGER")) or ["less"]
        return OpenPlan(_with_target(argv, str(path)), _is_terminal(argv), str(path))
    reasons: list[str] = []
    if url is not None and url_problem:
        reasons.append(url_problem)
    if source.get("file") is not None and file_problem:
        reasons.append(file_problem)
    reason = "; ".join(reasons) or "it has no URL and no stored file"
    return OpenPlan(refusal=f"not opening source {sid}: {reason}")


def run_plan(plan: OpenPlan, app: Any = None) -> str | None:
    """Run a plan without a shell; return an error message, or ``None`` when it started.

    A terminal program runs in the foreground inside ``app.suspend()``; any
    other program is started detached, its output discarded.
    """
    if not plan.ok:
        return plan.refusal or "nothing to open"
    name = literal(plan.argv[0])
    try:
        if plan.terminal and app is not None:
            try:
                with app.suspend():
                    code = subprocess.call(list(plan.argv))
            except Exception as exc:  # SuspendNotSupported and friends
                if type(exc).__name__ != "SuspendNotSupported":
                    raise
                return "this terminal cannot hand the screen to another program"
            return None if code == 0 else f"{name} exited with status {code}"
        subprocess.Popen(
            list(plan.argv),
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
    except FileNotFoundError:
        return f"cannot open: program {name!r} not found (set the opener in the config file)"
    except OSError as exc:
        return f"cannot open with {name!r}: {exc.strerror or exc}"
    return None


def open_external(app: Any, source_doc: Mapping[str, Any]) -> str | None:
    """Open a source outside the app; return a message for the user when it was
    refused or failed, ``None`` when the program ran."""
    config = getattr(app, "config", None)
    opener = getattr(config, "opener", None)
    store = getattr(app, "store", None)
    folder = Path(getattr(store, "folder", "."))
    return run_plan(plan_open(source_doc, folder, opener), app)


__all__ = [
    "TERMINAL_PROGRAMS",
    "OpenPlan",
    "check_url",
    "open_external",
    "plan_open",
    "resolve_file",
    "run_plan",
]
