"""The browser's key table and every rule about keys: binding ids and defaults
(``KEYS``), which bindings are active together on each screen (``SCREENS``),
what a key string in the config file may say (``normalise_keys``), which
remappings clash (``clashes``), and how keys are shown to people
(``key_label``, ``keys_label``, ``short_key``).

Key names are Textual's: a printable character (``j``, ``G``, ``1``) or its
name (``slash``, ``question_mark``, ``plus``, ``comma``), or a named key
(``down``, ``pagedown``, ``f5``, ``escape``), optionally after modifiers
(``ctrl+n``, ``ctrl+shift+up``).  Only ``textual.keys`` is imported (tables
of names, no app machinery).  ``KeySpec`` and ``Clash`` are Structs (msgspec),
not dataclasses: created in C at import, which the browser's first frame waits for.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping
from typing import Final

from msgspec import Struct
from textual.keys import KEY_ALIASES, KEY_NAME_REPLACEMENTS, Keys, key_to_character


class KeySpec(Struct, frozen=True):
    """A default key binding: its id (what the config file names), keys, action
    description and where it applies (``app``, ``main`` screen, ``list`` panes,
    ``view`` (help, dossier), ``reader``, ``search``).  ``replaces`` names the
    bindings it deliberately shadows on its screens (the reader's ``q`` closes
    the reader instead of quitting)."""

    id: str
    keys: str
    description: str
    scope: str
    show: bool = False
    short: str = ""
    replaces: tuple[str, ...] = ()

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
    KeySpec("casefiles.pane_2", "2", "parties, charges, events pane (party view: events)", "main"),
    KeySpec("casefiles.pane_3", "3", "court levels pane", "main"),
    KeySpec("casefiles.pane_4", "4", "sentences pane", "main"),
    KeySpec("casefiles.pane_5", "5", "sources pane", "main"),
    KeySpec("casefiles.pane_6", "6", "cites pane (enter reads the cite at its quote)", "main"),
    KeySpec(
        "casefiles.pane_0", "0", "case pane: title, status, summary (party view: the party)", "main"
    ),
    KeySpec(
        "casefiles.next_conflict",
        "right_square_bracket",
        "next fact that sources disagree on (⚠)",
        "main",
    ),
    KeySpec(
        "casefiles.prev_conflict",
        "left_square_bracket",
        "previous fact that sources disagree on (⚠)",
        "main",
    ),
    KeySpec(
        "casefiles.filter",
        "f",
        "filter the cases list (search syntax: status:, year:, party:, … and title"
        " words; enter keeps, esc clears)",
        "main",
        show=True,
        short="filter",
    ),
    KeySpec(
        "casefiles.sort",
        "s",
        "sort the cases list: latest ruling, first event, title, status, store order",
        "main",
        short="sort",
    ),
    KeySpec("casefiles.sort_reverse", "S", "reverse the cases list's sort", "main"),
    KeySpec(
        "casefiles.zoom",
        "z",
        "zoom the focused pane to the whole screen (again: back)",
        "main",
        show=True,
        short="zoom",
    ),
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
    KeySpec(
        "casefiles.close",
        "q",
        "close the view (help, dossier, timeline, party view); q quits from the main screen only",
        "view",
        show=True,
        short="close",
        replaces=("casefiles.quit",),
    ),
    KeySpec("casefiles.palette", "ctrl+p", "command palette", "app", show=True, short="cmds"),
    KeySpec(
        "casefiles.timeline",
        "t",
        "timeline of the case or person, drawn to scale",
        "app",
        show=True,
        short="timeline",
    ),
    KeySpec(
        "casefiles.edit_external",
        "E",
        "edit the selected document (a case: all of it) in $VISUAL/$EDITOR",
        "app",
        short="edit",
    ),
    KeySpec("casefiles.undo", "u", "undo the last change made in the browser", "app", short="undo"),
    KeySpec("casefiles.redo", "ctrl+r", "redo what was undone", "app", short="redo"),
    KeySpec(
        "casefiles.delete",
        "x",
        "delete the selected document (after a confirmation)",
        "app",
        short="delete",
    ),
    KeySpec(
        "casefiles.import",
        "i",
        "import a source from a URL or file (cited on the case)",
        "app",
        short="import",
    ),
    KeySpec(
        "casefiles.history",
        "H",
        "history of the selected document: its versions, restore one",
        "app",
        short="history",
    ),
    KeySpec(
        "casefiles.history_restore",
        "r",
        "restore the selected version (asks first; u undoes it)",
        "history",
        show=True,
        short="restore",
    ),
    KeySpec(
        "casefiles.history_close",
        "escape,q,H",
        "close the history",
        "history",
        show=True,
        short="close",
        replaces=("casefiles.back", "casefiles.quit", "casefiles.history"),
    ),
    KeySpec(
        "casefiles.edit_form",
        "e",
        "edit the selected fact in a form",
        "app",
        short="edit",
    ),
    KeySpec(
        "casefiles.add",
        "a",
        "add a fact of the focused pane's kind, prefilled from the cursor",
        "app",
        short="add",
    ),
    KeySpec(
        "casefiles.cite",
        "c",
        "cite the selected fact: a source, a quote, a note",
        "app",
        short="cite",
    ),
    KeySpec(
        "casefiles.next_quote", "n", "next cited quote", "reader", show=True, short="next quote"
    ),
    KeySpec(
        "casefiles.prev_quote", "N", "previous cited quote", "reader", show=True, short="prev quote"
    ),
    KeySpec("casefiles.reader_page_down", "space", "page down", "reader"),
    KeySpec("casefiles.reader_page_up", "b", "page up", "reader"),
    KeySpec(
        "casefiles.select_passage",
        "v",
        "select a passage from the quote or top line (arrows extend it by line and word;"
        " again or esc: drop it)",
        "reader",
        show=True,
        short="select",
    ),
    KeySpec(
        "casefiles.cite_passage",
        "c",
        "cite the selected passage (else the current quote) on the current fact",
        "reader",
        short="cite",
        replaces=("casefiles.cite",),
    ),
    KeySpec(
        "casefiles.reader_close",
        "escape,q",
        "close the reader",
        "reader",
        show=True,
        short="close",
        replaces=("casefiles.back", "casefiles.quit"),
    ),
    KeySpec(
        "casefiles.search_next",
        "down,ctrl+n",
        "next result (after up: a later query)",
        "search",
        show=True,
        short="next",
    ),
    KeySpec(
        "casefiles.search_prev",
        "up,ctrl+p",
        "previous result (on the first: an earlier query)",
        "search",
        show=True,
        short="previous",
    ),
    KeySpec(
        "casefiles.search_recall",
        "ctrl+r",
        "reverse search of earlier queries: the newest containing what is typed"
        " (again: older; typing refines; esc ends)",
        "search",
        show=True,
        short="recall",
        replaces=("casefiles.redo",),
    ),
    KeySpec("casefiles.search_page_down", "pagedown", "page of results down", "search"),
    KeySpec("casefiles.search_page_up", "pageup", "page of results up", "search"),
    KeySpec("casefiles.search_open", "enter", "open the result", "search", show=True, short="open"),
    KeySpec(
        "casefiles.search_close",
        "escape",
        "close search",
        "search",
        show=True,
        short="close",
        replaces=("casefiles.back",),
    ),
    KeySpec(
        "casefiles.filter_keep",
        "enter",
        "keep the filter and close the filter line",
        "filter",
        show=True,
        short="keep",
    ),
    KeySpec(
        "casefiles.filter_clear",
        "escape",
        "clear the filter and close the filter line",
        "filter",
        show=True,
        short="clear",
        replaces=("casefiles.back",),
    ),
    KeySpec("casefiles.form_save", "ctrl+s", "save the form", "form", show=True, short="save"),
    KeySpec(
        "casefiles.form_cancel",
        "escape",
        "cancel the form (asks when something was typed)",
        "form",
        show=True,
        short="cancel",
        replaces=("casefiles.back",),
    ),
)
KEY_IDS: Final = frozenset(spec.id for spec in KEYS)
SPECS: Final[Mapping[str, KeySpec]] = {spec.id: spec for spec in KEYS}


def _ids(*scopes: str) -> frozenset[str]:
    return frozenset(spec.id for spec in KEYS if spec.scope in scopes)


#: Bindings that only move a cursor or a page.
SCROLL_IDS: Final = frozenset(
    {
        "casefiles.down",
        "casefiles.up",
        "casefiles.top",
        "casefiles.bottom",
        "casefiles.page_down",
        "casefiles.page_up",
    }
)
#: The bindings active together on each screen: a key may do one thing per
#: screen.  Help, dossier and search are modal (the app's keys are not active
#: there).  ``tests/tui/test_keys.py`` checks this against the running app.
SCREENS: Final[Mapping[str, frozenset[str]]] = {
    "main screen": _ids("app", "main", "list"),
    "party view": _ids("app", "list")
    | {
        "casefiles.close",
        "casefiles.next_pane",
        "casefiles.prev_pane",
        "casefiles.zoom",
        *(f"casefiles.pane_{n}" for n in (0, 1, 2, 4, 6)),
    },
    "help and dossier": _ids("view") | SCROLL_IDS | {"casefiles.back", "casefiles.help"},
    "reader": _ids("app", "reader")
    | {"casefiles.down", "casefiles.up", "casefiles.top", "casefiles.bottom"},
    "search screen": _ids("search") | {"casefiles.back", "casefiles.search", "casefiles.redo"},
    "timeline": _ids("view") | SCROLL_IDS | {"casefiles.back", "casefiles.timeline"},
    "form": _ids("form"),
    # the filter line's text field over the main screen: it types the keys
    # that are characters, so of the main screen's and app's only these remain
    "filter line": _ids("filter")
    | {
        "casefiles.back",
        "casefiles.next_pane",
        "casefiles.prev_pane",
        "casefiles.palette",
        "casefiles.redo",
        "casefiles.search",
    },
    "history": _ids("history") | SCROLL_IDS | {"casefiles.choose"},
}

_LIST_OWN: Final = {
    "left": "scroll left",
    "right": "scroll right",
    "ctrl+pageup": "page left",
    "ctrl+pagedown": "page right",
}
_SCREEN_OWN: Final = {"ctrl+c": "copy text", "super+c": "copy text"}
_FOCUS_OWN: Final = {"tab": "focus next", "shift+tab": "focus previous"}
_APP_OWN: Final = {"ctrl+q": "quit"}
_INPUT_OWN: Final = {
    key: "editing the search text"
    for key in [
        "left",
        "right",
        "home",
        "end",
        "ctrl+pageup",
        "ctrl+pagedown",
        "shift+left",
        "ctrl+left",
        "ctrl+shift+left",
        "shift+right",
        "ctrl+right",
        "ctrl+shift+right",
        "backspace",
        "ctrl+shift+a",
        "ctrl+a",
        "ctrl+e",
        "shift+home",
        "shift+end",
        "delete",
        "ctrl+d",
        "ctrl+w",
        "ctrl+u",
        "super+backspace",
        "ctrl+backspace",
        "alt+backspace",
        "ctrl+k",
        "ctrl+x",
        "ctrl+c",
        "super+c",
        "ctrl+v",
    ]
}
#: Textual's own keys on each screen (its bindings without an id: scrolling a
#: list sideways, editing the search text, copying, moving focus, ``ctrl+q``):
#: a key from the config file that one of these already has never arrives.
#: Measured from the running app by ``tests/tui/test_keys.py``.
TEXTUAL_KEYS: Final[Mapping[str, Mapping[str, str]]] = {
    "main screen": {**_LIST_OWN, **_SCREEN_OWN, **_APP_OWN},
    "party view": {**_LIST_OWN, **_SCREEN_OWN, **_APP_OWN},
    "help and dossier": {**_FOCUS_OWN, **_SCREEN_OWN},
    "reader": {
        **_LIST_OWN,
        "pageup": "page up",
        "pagedown": "page down",
        **_FOCUS_OWN,
        **_SCREEN_OWN,
        **_APP_OWN,
    },
    "search screen": {**_INPUT_OWN, **_FOCUS_OWN, **_SCREEN_OWN, **_APP_OWN},
    "timeline": {**_FOCUS_OWN, **_SCREEN_OWN},
    "form": {
        **_INPUT_OWN,
        **_FOCUS_OWN,
        **_SCREEN_OWN,
        "enter": "a field's enter (a picker, or the next field)",
        "up": "scroll the form",
        "down": "scroll the form",
        "pageup": "scroll the form",
        "pagedown": "scroll the form",
    },
    "history": {**_LIST_OWN, **_FOCUS_OWN, **_SCREEN_OWN},
    "filter line": {
        **{key: "editing the filter text" for key in _INPUT_OWN},
        **_SCREEN_OWN,
        **_APP_OWN,
        "up": "scroll the filter line",
        "down": "scroll the filter line",
        "pageup": "scroll the filter line",
        "pagedown": "scroll the filter line",
    },
}
#: A Textual key a binding may take because it does the same thing there.
_SAME_AS: Final = {
    ("ctrl+q", "casefiles.quit"),
    ("pageup", "casefiles.reader_page_up"),
    ("pagedown", "casefiles.reader_page_down"),
}

# -- key names

#: Modifiers in the order Textual writes them (alphabetical).
MODIFIERS: Final = ("alt", "ctrl", "hyper", "meta", "shift", "super")


def _character_key(ch: str) -> str:
    """Textual's name of a one-character key (``/`` -> ``slash``, ``a`` -> ``a``)."""
    if ch.isalnum():
        return ch
    try:
        name = unicodedata.name(ch).lower().replace("-", "_").replace(" ", "_")
    except ValueError:
        return ch
    return KEY_NAME_REPLACEMENTS.get(name, name)


def _functional_keys() -> frozenset[str]:
    try:  # the kitty keyboard protocol's keys (a private table of Textual's)
        from textual._keyboard_protocol import FUNCTIONAL_KEYS
    except ImportError:  # pragma: no cover - a later Textual
        return frozenset()
    return frozenset(FUNCTIONAL_KEYS.values())


#: Names of keys that are not one printable character.
NAMED_KEYS: Final[frozenset[str]] = (
    frozenset(
        key.value.rpartition("+")[2]
        for key in Keys
        if not key.value.startswith("<") and len(key.value.rpartition("+")[2]) > 1
    )
    - {"ctrl-at", "return"}
) | _functional_keys()
#: Names of the printable ASCII characters (``slash``, ``comma``, ``plus``, …).
CHARACTER_NAMES: Final[Mapping[str, str]] = {
    _character_key(chr(code)): chr(code) for code in range(0x21, 0x7F) if not chr(code).isalnum()
}
#: Textual's aliases: a key that also arrives as another name (``ctrl+i`` is ``tab``).
_CANONICAL: Final[Mapping[str, str]] = {
    alias: key for key, aliases in KEY_ALIASES.items() for alias in aliases
}


class KeyValueError(ValueError):
    """A key string that cannot be bound; the message says why, in one line."""


def _base_problem(base: str, modifiers: list[str]) -> str | None:
    if len(base) == 1:
        if not base.isprintable() or base.isspace():
            return "a key must be a visible character or a key name such as 'space'"
        if modifiers and base != base.lower():
            return f"after {'+'.join(modifiers)}, write the letter in lower case"
        if modifiers == ["shift"]:
            return (
                f"shift+{base} never arrives: Textual reports the character itself "
                "(write 'A' for shift+a)"
            )
        return None
    if base in NAMED_KEYS:
        return None
    if base in CHARACTER_NAMES:
        if modifiers == ["shift"]:
            return f"shift+{base} never arrives: write the character it types"
        return None
    return (
        f"{base!r} is not a key name Textual knows "
        "(e.g. 'j', 'G', 'down', 'pagedown', 'f5', 'slash', 'ctrl+n')"
    )


def normalise_key(key: str) -> str:
    """One key in the form Textual reports it (``/`` -> ``slash``, ``shift+ctrl+up``
    -> ``ctrl+shift+up``); ``KeyValueError`` when no key press can produce it."""
    key = key.strip()
    if not key:
        raise KeyValueError("an empty key (two commas in a row, or a comma at an end)")
    if key == ",":
        raise KeyValueError("write 'comma' for the , key (commas separate keys)")
    if key == "+":
        raise KeyValueError("write 'plus' for the + key (+ joins a modifier to a key)")
    *mods, base = key.split("+")
    if not base:
        raise KeyValueError(f"{key!r} ends with '+': a modifier needs a key after it")
    if any(not mod for mod in mods):
        raise KeyValueError(f"{key!r} has an empty part between '+' signs")
    unknown = [mod for mod in mods if mod not in MODIFIERS]
    if unknown:
        raise KeyValueError(
            f"{unknown[0]!r} in {key!r} is not a modifier (modifiers: {', '.join(MODIFIERS)})"
        )
    if len(set(mods)) != len(mods):
        raise KeyValueError(f"{key!r} repeats a modifier")
    problem = _base_problem(base, mods)
    if problem:
        raise KeyValueError(problem)
    name = _character_key(base) if len(base) == 1 else base
    ordered = sorted(mods, key=MODIFIERS.index)
    return "+".join([*ordered, name])


def normalise_keys(value: str) -> str:
    """A comma-separated key list in Textual's form, duplicates dropped;
    ``KeyValueError`` saying what is wrong with the first bad key."""
    if not value.strip():
        raise KeyValueError("no key given")
    if not value.replace(",", "").strip():
        raise KeyValueError("write 'comma' for the , key (commas separate keys)")
    keys: list[str] = []
    for part in value.split(","):
        key = normalise_key(part)
        if key not in keys:
            keys.append(key)
    return ",".join(keys)


def canonical(key: str) -> str:
    """The key a press arrives as (``ctrl+i`` -> ``tab``), for comparing keys."""
    return _CANONICAL.get(key, key)


# -- clashes


class Clash(Struct, frozen=True):
    """Two bindings active on one screen that share a key; ``second`` is a
    binding id, or ``textual`` when it is one of Textual's own keys there
    (``what`` says which)."""

    screen: str
    key: str
    first: str
    second: str
    what: str = ""

    @property
    def owner(self) -> str:
        """Who has the key besides ``first``, for a message."""
        return f"Textual's {self.what!r} key" if self.second == "textual" else f"{self.second}'s"


def _types_a_character(key: str) -> bool:
    """Whether ``key`` types a character (the search field takes those first)."""
    return "+" not in key and (len(key) == 1 or key in CHARACTER_NAMES or key == "space")


def _replaces(a: str, b: str) -> bool:
    return b in SPECS[a].replaces or a in SPECS[b].replaces


def clashes(keys: Mapping[str, str]) -> list[Clash]:
    """Every pair of bindings on one screen with a common key, given the keys
    each binding has now (``keys``: id -> key list; missing ids have their
    defaults).  A pair where one deliberately ``replaces`` the other is not a
    clash.  A key given in ``keys`` that is not among the binding's defaults
    also clashes with Textual's own keys on that screen (``TEXTUAL_KEYS``)."""
    found: list[Clash] = []
    for screen, ids in SCREENS.items():
        owners: dict[str, list[str]] = {}
        own = {canonical(key): what for key, what in TEXTUAL_KEYS[screen].items()}
        for spec in KEYS:
            if spec.id not in ids:
                continue
            defaults = {canonical(key) for key in spec.keys.split(",")}
            for key in keys.get(spec.id, spec.keys).split(","):
                key = canonical(key)
                owners.setdefault(key, []).append(spec.id)
                if key in defaults or (key, spec.id) in _SAME_AS:
                    continue
                if key in own:
                    found.append(Clash(screen, key, spec.id, "textual", own[key]))
                elif spec.scope in ("search", "filter") and _types_a_character(key):
                    found.append(Clash(screen, key, spec.id, "textual", "typing in the search"))
        for key, owner_ids in owners.items():
            for i, first in enumerate(owner_ids):
                for second in owner_ids[i + 1 :]:
                    if first != second and not _replaces(first, second):
                        found.append(Clash(screen, key, first, second))
    return found


# -- showing keys to people

#: How a named key is shown (characters are shown as themselves: ``slash`` -> ``/``).
KEY_NAMES: Final[Mapping[str, str]] = {
    "enter": "⏎",
    "escape": "esc",
    "backspace": "⌫",
    "pagedown": "PgDn",
    "pageup": "PgUp",
    "space": "space",
    "tab": "tab",
}


def key_label(key: str, short: bool = False) -> str:
    """One key for people: ``slash`` -> ``/``, ``escape`` -> ``esc``, ``ctrl+p``
    (``^p`` when ``short``)."""
    *mods, base = key.split("+")
    shown = KEY_NAMES.get(base) or CHARACTER_NAMES.get(base) or key_to_character(base) or base
    if short and mods == ["ctrl"]:
        return "^" + shown
    return "+".join([*mods, shown])


def keys_label(keys: str) -> str:
    """Every key of a binding for people, separated by spaces (``j down``)."""
    return " ".join(key_label(key.strip()) for key in keys.split(","))


def short_key(keys: str) -> str:
    """The first of a binding's keys as the key bar shows it (``ctrl+p`` -> ``^p``)."""
    return key_label(keys.split(",")[0].strip(), short=True)


def default_keys(binding_id: str) -> str:
    """The default keys of a binding in the key table."""
    return SPECS[binding_id].keys


__all__ = [
    "CHARACTER_NAMES",
    "KEYS",
    "KEY_IDS",
    "KEY_NAMES",
    "MODIFIERS",
    "NAMED_KEYS",
    "SCREENS",
    "SCROLL_IDS",
    "SPECS",
    "TEXTUAL_KEYS",
    "Clash",
    "KeySpec",
    "KeyValueError",
    "canonical",
    "clashes",
    "default_keys",
    "key_label",
    "keys_label",
    "normalise_key",
    "normalise_keys",
    "short_key",
]
