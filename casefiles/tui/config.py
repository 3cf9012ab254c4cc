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
notification.  Refused, each with a problem, and the default kept:

* a file that is not UTF-8 TOML, bigger than ``MAX_CONFIG_BYTES`` or nested
  too deeply to read;
* an unknown binding id, or keys no key press can produce (``casefiles.tui.keys``:
  ``"ctrl+shift+fnord"``, ``","``, ``"+"``, ``"ctrl+"``, ``"a,,b"``);
* a key that another binding already has on the same screen (``"casefiles.read"
  = "q"`` next to quit): the binding changed later in the file keeps its default;
* an opener that puts ``%s`` inside a larger string (``["sh", "-c", "echo %s"]``):
  the URL or path may only be an argument of its own.

The key table itself lives in ``casefiles.tui.keys`` (re-exported here).
"""

from __future__ import annotations

import os
import stat
from pathlib import Path
from typing import Any, Final

from msgspec import Struct, field

from casefiles import paths
from casefiles.textsafe import clip, literal
from casefiles.tui.keys import (
    KEY_IDS,
    KEYS,
    SPECS,
    KeySpec,
    KeyValueError,
    clashes,
    keys_label,
    normalise_keys,
)

#: Largest config file read, in bytes (a settings file is a few lines).
MAX_CONFIG_BYTES: Final = 1_000_000
_TOP_LEVEL: Final = frozenset({"keys", "opener", "theme"})


class Config(Struct):
    """Settings in effect: ``keys`` maps binding ids to key strings (only the
    overridden ones), ``opener`` the command for ``O`` (``None``: the system's),
    ``theme`` a Textual theme name; ``problems`` the messages about the file.
    (A Struct, not a dataclass: created in C at import, before the first frame.)"""

    path: Path | None = None
    keys: dict[str, str] = field(default_factory=dict)
    opener: list[str] | None = None
    theme: str | None = None
    problems: list[str] = field(default_factory=list)

    def key_for(self, binding_id: str) -> str:
        """The keys a binding has now (override, else default)."""
        if binding_id in self.keys:
            return self.keys[binding_id]
        return SPECS[binding_id].keys


def _line_of(raw: str, needle: str) -> int | None:
    """The first line naming ``needle`` as a key (quoted, else bare), else mentioning it."""
    lines = raw.splitlines()
    for form in (f'"{needle}"', f"'{needle}'", f"{needle} ", f"{needle}=", f"[{needle}]", needle):
        for n, line in enumerate(lines, 1):
            if form in line:
                return n
    return None


def _where(path: Path, raw: str, needle: str) -> str:
    line = _line_of(raw, needle)
    name = literal(str(path))
    return f"{name}, line {line}" if line else name


def _preview(value: object) -> str:
    return clip(literal(repr(value)), 60)


def _read_keys(config: Config, keys: object, raw: str, path: Path) -> None:
    """Take the ``[keys]`` table: each value checked alone, then clashes on a screen."""
    if not isinstance(keys, dict):
        config.problems.append(f"{_where(path, raw, 'keys')}: [keys] must be a table")
        return
    for binding_id, value in keys.items():
        where = _where(path, raw, binding_id)
        if binding_id not in KEY_IDS and isinstance(value, dict):
            config.problems.append(
                f'{where}: put binding ids in quotes, as in "casefiles.down" = "j" '
                "(unquoted, the dots make a table)"
            )
            continue
        if binding_id not in KEY_IDS:
            config.problems.append(
                f"{where}: unknown binding id {literal(clip(binding_id, 60))!r} "
                "(see the README's key table, e.g. 'casefiles.down')"
            )
            continue
        if not isinstance(value, str):
            config.problems.append(
                f"{where}: keys for {binding_id} must be a string like 'j,down' "
                f"or 'ctrl+n', got {_preview(value)}; keeping {keys_label(SPECS[binding_id].keys)}"
            )
            continue
        try:
            config.keys[binding_id] = normalise_keys(value)
        except KeyValueError as exc:
            why = clip(literal(str(exc)), 160)
            config.problems.append(
                f"{where}: keys for {binding_id} = {_preview(value)}: {why}; "
                f"keeping {keys_label(SPECS[binding_id].keys)}"
            )
    # A key may do one thing per screen: drop the override changed later in
    # the file until no clash is left (the defaults have none).
    order = {binding_id: n for n, binding_id in enumerate(config.keys)}
    while found := [c for c in clashes(config.keys) if {c.first, c.second} & config.keys.keys()]:
        clash = found[0]
        culprit = max(
            (b for b in (clash.first, clash.second) if b in config.keys), key=order.__getitem__
        )
        owner = clash.owner if culprit == clash.first else f"{clash.first}'s"
        more = len({c.screen for c in found if culprit in (c.first, c.second)}) - 1
        also = f" (and {more} more screen{'s' if more > 1 else ''})" if more else ""
        config.problems.append(
            f"{_where(path, raw, culprit)}: key {keys_label(clash.key)!r} for {culprit} is "
            f"already {owner} on the {clash.screen}{also}; "
            f"{culprit} keeps {keys_label(SPECS[culprit].keys)}"
        )
        del config.keys[culprit]


def _read_opener(config: Config, opener: object, raw: str, path: Path) -> None:
    command = opener.get("command") if isinstance(opener, dict) else None
    where = _where(path, raw, "opener")
    if isinstance(command, str):  # "less -R": split as a shell would, never run by one
        try:
            import shlex  # only for a config file that has an opener

            command = shlex.split(command)
        except ValueError as exc:
            config.problems.append(f"{where}: [opener] command: {literal(str(exc))}")
            return
    if not (
        isinstance(command, list)
        and command
        and all(isinstance(part, str) and part for part in command)
    ):
        config.problems.append(
            f'{where}: [opener] needs command = ["program", "arg", ...] (a list of strings)'
        )
        return
    from casefiles.tui.opener import argv_problem

    problem = argv_problem(command)
    if problem is not None:
        config.problems.append(f"{where}: [opener] command: {problem}; using the system's opener")
        return
    config.opener = list(command)


def parse_config(raw: str, path: Path) -> Config:
    """Read settings from TOML text; problems are collected, never raised."""
    config = Config(path=path)
    name = literal(str(path))
    import tomllib  # only when there is a config file

    try:
        data: dict[str, Any] = tomllib.loads(raw)
    except tomllib.TOMLDecodeError as exc:
        config.problems.append(f"{name}: not valid TOML: {literal(str(exc))}; using defaults")
        return config
    except RecursionError:
        config.problems.append(f"{name}: values nested too deeply to read; using defaults")
        return config
    for key in data:
        if key not in _TOP_LEVEL:
            config.problems.append(
                f"{_where(path, raw, key)}: unknown setting {literal(clip(key, 60))!r} "
                f"(expected one of: {', '.join(sorted(_TOP_LEVEL))})"
            )
    _read_keys(config, data.get("keys", {}), raw, path)
    if data.get("opener") is not None:
        _read_opener(config, data["opener"], raw, path)
    theme = data.get("theme")
    if theme is not None:
        if isinstance(theme, str) and theme:
            config.theme = theme
        else:
            config.problems.append(f"{_where(path, raw, 'theme')}: theme must be a name string")
    return config


class _NotRegular(OSError):
    """The config path is a FIFO, device, folder or socket."""


def _read_regular(target: Path) -> bytes:
    """At most ``MAX_CONFIG_BYTES + 1`` bytes of a regular file; opening does not
    wait on a FIFO (``O_NONBLOCK``) and anything but a regular file is refused."""
    fd = os.open(target, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0))
    try:
        mode = os.fstat(fd).st_mode
        if not stat.S_ISREG(mode):
            kind = (
                "a folder"
                if stat.S_ISDIR(mode)
                else "a FIFO (named pipe)"
                if stat.S_ISFIFO(mode)
                else "a device or socket"
            )
            raise _NotRegular(f"is {kind}, not a regular file")
        chunks: list[bytes] = []
        size = 0
        while size <= MAX_CONFIG_BYTES:
            chunk = os.read(fd, MAX_CONFIG_BYTES + 1 - size)
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
        return b"".join(chunks)
    finally:
        os.close(fd)


def load_config(path: Path | None = None) -> Config:
    """The settings from ``path`` (default: ``paths.config_file()``); a missing file
    means defaults without problems."""
    target = path or paths.config_file()
    name = literal(str(target))
    try:
        raw = _read_regular(target)
    except FileNotFoundError:
        return Config(path=target)
    except _NotRegular as exc:
        return Config(path=target, problems=[f"{name}: {exc}; using defaults"])
    except OSError as exc:
        return Config(
            path=target,
            problems=[f"{name}: cannot read: {literal(str(exc.strerror or exc))}; using defaults"],
        )
    if len(raw) > MAX_CONFIG_BYTES:
        return Config(
            path=target,
            problems=[f"{name}: bigger than {MAX_CONFIG_BYTES:,} bytes; using defaults"],
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


__all__ = [
    "KEYS",
    "KEY_IDS",
    "MAX_CONFIG_BYTES",
    "Config",
    "KeySpec",
    "load_config",
    "parse_config",
]
