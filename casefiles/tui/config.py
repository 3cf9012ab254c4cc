"""The browser's settings: key bindings, the outside opener and the theme, read
from a TOML file (``casefiles.paths.config_file()``; ``$CASEFILES_CONFIG``
overrides the location).

Example::

    theme = "gruvbox"

    [keys]
    "casefiles.down" = "j,down,ctrl+n"
    "casefiles.quit" = "q,ctrl+q"

    [opener]
    command = ["xdg-open"]

A bad file never stops the browser: ``load_config`` returns the defaults plus
``problems``, each naming the file and line, which the app shows as a
notification.  Nothing here imports textual.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final

from casefiles import paths
from casefiles.textsafe import literal


@dataclass(frozen=True, slots=True)
class KeySpec:
    """A default key binding: its id (what the config file names), keys, action
    description and where it applies (``app``, ``main`` screen, ``list`` panes)."""

    id: str
    keys: str
    description: str
    scope: str
    show: bool = False
    short: str = ""

    @property
    def label(self) -> str:
        """The footer label (short form of the description)."""
        return self.short or self.description


#: Every binding of the browser, in the order the help screen lists them.
KEYS: Final[tuple[KeySpec, ...]] = (
    KeySpec("casefiles.down", "j,down", "cursor down", "list"),
    KeySpec("casefiles.up", "k,up", "cursor up", "list"),
    KeySpec("casefiles.top", "g,home", "first line", "list"),
    KeySpec("casefiles.bottom", "G,end", "last line", "list"),
    KeySpec("casefiles.page_down", "pagedown,ctrl+d", "page down", "list"),
    KeySpec("casefiles.page_up", "pageup,ctrl+u", "page up", "list"),
    KeySpec("casefiles.choose", "enter", "open / drill in", "list", show=True, short="open"),
    KeySpec("casefiles.next_pane", "tab,l", "next pane", "main"),
    KeySpec("casefiles.prev_pane", "shift+tab,h", "previous pane", "main"),
    KeySpec("casefiles.pane_1", "1", "cases pane", "main"),
    KeySpec("casefiles.pane_2", "2", "parties, charges, events pane", "main"),
    KeySpec("casefiles.pane_3", "3", "court levels pane", "main"),
    KeySpec("casefiles.pane_4", "4", "sentences pane", "main"),
    KeySpec("casefiles.pane_5", "5", "sources pane", "main"),
    KeySpec("casefiles.dossier", "d", "whole case as a readable dossier", "app", short="dossier"),
    KeySpec("casefiles.back", "escape,backspace", "back", "app", show=True),
    KeySpec("casefiles.search", "slash", "search everything", "app", show=True, short="search"),
    KeySpec("casefiles.read", "o", "read article inside the app", "app", show=True, short="read"),
    KeySpec(
        "casefiles.open",
        "O",
        "open article outside (browser, pager)",
        "app",
        show=True,
        short="outside",
    ),
    KeySpec(
        "casefiles.copy", "y", "copy a citation of the selection", "app", show=True, short="copy"
    ),
    KeySpec(
        "casefiles.help", "question_mark", "help: keys and config", "app", show=True, short="help"
    ),
    KeySpec("casefiles.quit", "q", "quit", "app", show=True),
    KeySpec("casefiles.close", "q", "close help or dossier", "view"),
    KeySpec("casefiles.palette", "ctrl+p", "command palette", "app", show=True, short="cmds"),
    KeySpec(
        "casefiles.next_quote", "n", "next cited quote", "reader", show=True, short="next quote"
    ),
    KeySpec(
        "casefiles.prev_quote", "N", "previous cited quote", "reader", show=True, short="prev quote"
    ),
    KeySpec("casefiles.reader_page_down", "space", "page down", "reader"),
    KeySpec("casefiles.reader_page_up", "b", "page up", "reader"),
    KeySpec(
        "casefiles.reader_close", "escape,q", "close the reader", "reader", show=True, short="close"
    ),
    KeySpec(
        "casefiles.search_next", "down,ctrl+n", "next result", "search", show=True, short="next"
    ),
    KeySpec(
        "casefiles.search_prev",
        "up,ctrl+p",
        "previous result",
        "search",
        show=True,
        short="previous",
    ),
    KeySpec("casefiles.search_page_down", "pagedown", "page of results down", "search"),
    KeySpec("casefiles.search_page_up", "pageup", "page of results up", "search"),
    KeySpec("casefiles.search_open", "enter", "open the result", "search", show=True, short="open"),
    KeySpec("casefiles.search_close", "escape", "close search", "search", show=True, short="close"),
)
KEY_IDS: Final = frozenset(spec.id for spec in KEYS)
_KEY_RE: Final = re.compile(r"^[A-Za-z0-9_+,\-]+$|^[^\s,]$")
_TOP_LEVEL: Final = frozenset({"keys", "opener", "theme"})


@dataclass(slots=True)
class Config:
    """Settings in effect: ``keys`` maps binding ids to key strings (only the
    overridden ones), ``opener`` the command for ``O`` (``None``: the system's),
    ``theme`` a Textual theme name; ``problems`` the messages about the file."""

    path: Path | None = None
    keys: dict[str, str] = field(default_factory=dict)
    opener: list[str] | None = None
    theme: str | None = None
    problems: list[str] = field(default_factory=list)

    def key_for(self, binding_id: str) -> str:
        """The keys a binding has now (override, else default)."""
        if binding_id in self.keys:
            return self.keys[binding_id]
        for spec in KEYS:
            if spec.id == binding_id:
                return spec.keys
        raise KeyError(binding_id)


def _line_of(raw: str, needle: str) -> int | None:
    for n, line in enumerate(raw.splitlines(), 1):
        if needle in line:
            return n
    return None


def _where(path: Path, raw: str, needle: str) -> str:
    line = _line_of(raw, needle)
    name = literal(str(path))
    return f"{name}, line {line}" if line else name


def parse_config(raw: str, path: Path) -> Config:
    """Read settings from TOML text; problems are collected, never raised."""
    config = Config(path=path)
    name = literal(str(path))
    try:
        data: dict[str, Any] = tomllib.loads(raw)
    except tomllib.TOMLDecodeError as exc:
        config.problems.append(f"{name}: not valid TOML: {literal(str(exc))}; using defaults")
        return config
    for key in data:
        if key not in _TOP_LEVEL:
            config.problems.append(
                f"{_where(path, raw, key)}: unknown setting {literal(key)!r} "
                f"(expected one of: {', '.join(sorted(_TOP_LEVEL))})"
            )
    keys = data.get("keys", {})
    if not isinstance(keys, dict):
        config.problems.append(f"{_where(path, raw, 'keys')}: [keys] must be a table")
        keys = {}
    for binding_id, value in keys.items():
        where = _where(path, raw, binding_id)
        if binding_id not in KEY_IDS:
            config.problems.append(
                f"{where}: unknown binding id {literal(binding_id)!r} "
                "(see the README's key table, e.g. 'casefiles.down')"
            )
        elif not isinstance(value, str) or not value.strip() or not _KEY_RE.match(value):
            config.problems.append(
                f"{where}: keys for {binding_id} must be a string like 'j,down' "
                f"or 'ctrl+n', got {literal(repr(value))}"
            )
        else:
            config.keys[binding_id] = value.replace(" ", "")
    opener = data.get("opener")
    if opener is not None:
        command = opener.get("command") if isinstance(opener, dict) else None
        if isinstance(command, str):
            command = [command]
        if (
            isinstance(command, list)
            and command
            and all(isinstance(part, str) and part for part in command)
        ):
            config.opener = list(command)
        else:
            config.problems.append(
                f'{_where(path, raw, "opener")}: [opener] needs command = ["program", '
                '"arg", ...] (a list of strings)'
            )
    theme = data.get("theme")
    if theme is not None:
        if isinstance(theme, str) and theme:
            config.theme = theme
        else:
            config.problems.append(f"{_where(path, raw, 'theme')}: theme must be a name string")
    return config


def load_config(path: Path | None = None) -> Config:
    """The settings from ``path`` (default: ``paths.config_file()``); a missing file
    means defaults without problems."""
    target = path or paths.config_file()
    try:
        raw = target.read_bytes()
    except FileNotFoundError:
        return Config(path=target)
    except OSError as exc:
        return Config(
            path=target,
            problems=[
                f"{literal(str(target))}: cannot read: {exc.strerror or exc}; using defaults"
            ],
        )
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        return Config(
            path=target,
            problems=[f"{literal(str(target))}, line {line}: not UTF-8 text; using defaults"],
        )
    return parse_config(text, target)


__all__ = ["KEYS", "KEY_IDS", "Config", "KeySpec", "load_config", "parse_config"]
