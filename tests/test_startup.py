"""A light start (issue 9 item 8): the browser's first frame imports only what it draws.

The real entry point (``casefiles.cli.main``, as the console script runs it)
starts in a pseudo-terminal of 120×40.  A hook in the child notes
``sys.modules`` (and the widgets drawn) the moment the first frame of the main
screen is written to the terminal, then, once the search index is open,
whether the cyclic collector is on again.  The search index, the editing and
capture code, the other screens and their libraries must not be among those
modules (they are imported on first use, or in the index thread after the
first frame), nor the filter line (and its text field) among the widgets.
The main screen is the first screen (none is built under it), its first
frame styles each widget as it mounts, not again when the screen first
shows, and fills the cites, sentences and sources panes once.  A
behaviour test, not a timing test: the timings are in ``bench/tui.py``.
"""

from __future__ import annotations

import fcntl
import json
import os
import pty
import select
import shutil
import struct
import subprocess
import sys
import termios
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
BUNDLED = ROOT / "data" / "casefiles.json"

#: Modules (and their submodules) that the first frame must not import.
NOT_AT_START = (
    # the search index is opened in a thread after the first frame
    "casefiles.search",
    "rapidfuzz",
    "tantivy",
    # editing, export, capture and the other sub-commands' code
    "casefiles.edit",
    "casefiles.export",
    "casefiles.generate",
    "casefiles.dossier",
    "casefiles.store.scripting",
    "casefiles.store.verify",
    "casefiles.sources.archive",
    "casefiles.sources.capture",
    "casefiles.sources.dedupe",
    "casefiles.sources.extract",
    "casefiles.sources.fetch",
    "casefiles.sources.importer",
    "casefiles.sources.suggest",
    "casefiles.sources.warc",
    # what only the party view and the timeline draw
    "casefiles.tui.screens.party",
    "casefiles.person",
    "casefiles.timeline",
    # screens other than the main one, the palette, the outside opener
    "casefiles.tui.commands",
    "casefiles.tui.opener",
    "casefiles.tui.screens.confirm",
    "casefiles.tui.screens.form",
    "casefiles.tui.screens.help",
    "casefiles.tui.screens.history",
    "casefiles.tui.screens.importer",
    "casefiles.tui.screens.picker",
    "casefiles.tui.screens.reader",
    "casefiles.tui.screens.search",
    "casefiles.tui.screens.timeline",
    # widgets of those screens, and the filter line (mounted on the first f)
    "casefiles.tui.widgets.article",
    "casefiles.tui.widgets.results",
    "casefiles.tui.widgets.filterline",
    # libraries of those
    "httpx",
    "trafilatura",
    "lxml",
    "yaml",
    "pygments",
    "markdown_it",
    "tinydb",
    # the cites pane checks its quotes in a thread started after the first frame
    "concurrent.futures.thread",
    # a config file that does not exist is not parsed; no edit asks for an author
    "tomllib",
    "getpass",
    # the plain browse parses no arguments (casefiles.cli._browse_only)
    "argparse",
    "gettext",
)

#: What a start from bytes checked before (the validation cache says so) must
#: not import either: the first load of new bytes validates (and migrates) them,
#: later ones do not.
NOT_AT_WARM_START = (
    "casefiles.validate",
    "casefiles.links",
    "casefiles.migrations",
    # nothing is hashed: the offsets table is found by path and checked by CRC
    "hashlib",
    "_hashlib",
)

CHILD = r"""
import gc, json, os, sys

import textual.app
import textual.screen

out, store = sys.argv[1], sys.argv[2]
seen = {"resumes": [], "cites_filled": 0}
display = textual.app.App._display
resume = textual.screen.Screen._on_screen_resume


def _resume(self, event):
    # whether Textual restyles the main screen's every node as it shows it
    if type(self).__name__ == "MainScreen" and "modules" not in seen:
        seen["resumes"].append(event.refresh_styles)
    return resume(self, event)


textual.screen.Screen._on_screen_resume = _resume


def _display(self, screen, renderable):
    display(self, screen, renderable)
    if renderable is None or "modules" in seen or type(screen).__name__ != "MainScreen":
        return
    seen["modules"] = sorted(sys.modules)
    seen["widgets"] = sorted({type(w).__name__ for w in screen.walk_children()})
    seen["gc_at_first_frame"] = gc.isenabled()
    seen["cites_filled"] = type(screen).update_cites.calls
    seen["stack"] = [type(s).__name__ for s in self.screen_stack]

    def done():
        # once the search index is open: its thread pauses the collector while
        # it builds (casefiles.collector), which says nothing about the start
        if self.search_index is None and self.index_error is None:
            return
        seen["gc_after"] = gc.isenabled()
        with open(out, "w", encoding="utf-8") as fh:
            json.dump(seen, fh)
        os._exit(0)

    self.set_interval(0.1, done)


textual.app.App._display = _display
from casefiles.tui.screens.main import MainScreen

update_cites = MainScreen.update_cites


def _update_cites(self):
    _update_cites.calls += 1
    update_cites(self)


_update_cites.calls = 0
MainScreen.update_cites = _update_cites
from casefiles.cli import main

sys.exit(main(["--store", store]))
"""


def first_frame(store: Path, out: Path, timeout: float = 120) -> dict[str, object]:
    """Start the browser on ``store`` in a 120×40 pseudo-terminal; what the
    child noted at its first frame."""
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 40, 120, 0, 0))
    env = {**os.environ, "TERM": "xterm-256color"}
    env.pop("CASEFILES_DEBUG", None)
    proc = subprocess.Popen(
        [sys.executable, "-c", CHILD, str(out), str(store)],
        stdin=slave,
        stdout=slave,
        stderr=slave,
        env=env,
        cwd=ROOT,
        start_new_session=True,
    )
    os.close(slave)
    screen = b""
    deadline = time.monotonic() + timeout
    try:
        while proc.poll() is None and time.monotonic() < deadline:
            ready, _, _ = select.select([master], [], [], 0.1)
            if ready:
                try:
                    screen += os.read(master, 65536)
                except OSError:  # the child closed the terminal
                    break
        proc.wait(timeout=max(1.0, deadline - time.monotonic()))
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        os.close(master)
    assert out.exists(), (
        f"the browser did not draw its main screen (exit {proc.returncode}); "
        f"the terminal got: {screen[-2000:]!r}"
    )
    result: dict[str, object] = json.loads(out.read_text(encoding="utf-8"))
    return result


def unwanted(modules: list[str]) -> list[str]:
    """The modules of ``modules`` that the first frame must not import."""
    return [
        m for m in modules if any(m == name or m.startswith(name + ".") for name in NOT_AT_START)
    ]


@pytest.fixture
def bundled_copy(tmp_path: Path) -> Path:
    """A temporary copy of the bundled case file and its articles."""
    shutil.copytree(BUNDLED.parent, tmp_path / "data")
    return tmp_path / "data" / BUNDLED.name


def test_the_first_frame_imports_only_what_it_draws(bundled_copy: Path, tmp_path: Path) -> None:
    cold = first_frame(bundled_copy, tmp_path / "cold.json")  # validates, fills the cache
    warm = first_frame(bundled_copy, tmp_path / "warm.json")  # the cache says valid
    for name, seen in (("first", cold), ("second", warm)):
        modules = seen["modules"]
        assert isinstance(modules, list)
        assert "casefiles.tui.screens.main" in modules
        assert unwanted(modules) == [], f"the {name} start imported them before its first frame"
        if name == "second":
            assert not set(modules) & set(NOT_AT_WARM_START), (
                "a start from checked bytes validated or hashed",
                sorted(set(modules) & set(NOT_AT_WARM_START)),
            )
        # the filter line (and its text field) is mounted when it first opens (f)
        widgets = seen["widgets"]
        assert isinstance(widgets, list)
        assert "Input" not in widgets, widgets
        assert "FilterLine" not in widgets, widgets


def test_the_first_frame_styles_and_fills_the_panes_once(
    bundled_copy: Path, tmp_path: Path
) -> None:
    seen = first_frame(bundled_copy, tmp_path / "once.json")
    # the main screen is the first screen (no empty default screen under it)
    assert seen["stack"] == ["MainScreen"]
    # the widgets are styled as they mount; showing the screen does not style
    # every node again (MainScreen.on_screen_resume)
    assert seen["resumes"] == [False]
    # the focus message after on_mount does not fill the cites, sentences and
    # sources panes a second time
    assert seen["cites_filled"] == 1


def test_the_collector_is_off_until_the_first_frame_then_on(
    bundled_copy: Path, tmp_path: Path
) -> None:
    seen = first_frame(bundled_copy, tmp_path / "gc.json")
    assert seen["gc_at_first_frame"] is False
    assert seen["gc_after"] is True


def test_the_check_sees_an_unwanted_import() -> None:
    assert unwanted(["casefiles.tui.app", "casefiles.search.index", "rapidfuzz", "yaml"]) == [
        "casefiles.search.index",
        "rapidfuzz",
        "yaml",
    ]
    assert unwanted(["casefiles.searching", "casefiles.tui.screens.main"]) == []
