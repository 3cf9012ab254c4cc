"""The browser's writing keys on real stores (temporary copies of the bundled
case file): ``E`` edits in ``$EDITOR`` (a script), ``u`` undoes, ``ctrl+r``
redoes, each a logged change that is on disk at once; ``x`` deletes after a
confirmation and refuses while something refers to the document.  The last
test drives ``E`` and ``u`` in a real terminal (tmux, a private server)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import BUNDLED, SIZE, make_app, sync

from casefiles import model
from casefiles.store import Store
from casefiles.tui.app import CaseFilesApp
from casefiles.tui.screens.confirm import ConfirmScreen
from casefiles.tui.screens.main import MainScreen
from casefiles.tui.screens.party import PartyScreen

NEW_TITLE = "Edited in the editor by the E key"

#: An editor (run without a terminal) that sets the case's own title (the
#: first ``title:`` and the lines that continue it) and saves.
EDITOR = f"""\
import re, sys
path = sys.argv[-1]
text = open(path, encoding="utf-8").read()
text = re.sub(r"(?m)^  title: .*(?:\\n    .*)*$", "  title: {NEW_TITLE}", text, count=1)
open(path, "w", encoding="utf-8").write(text)
"""


@pytest.fixture
def editor(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """``$EDITOR`` set to the title-editing script; edit files in ``tmp_path``."""
    script = tmp_path / "editor.py"
    script.write_text(EDITOR, encoding="utf-8")
    monkeypatch.delenv("VISUAL", raising=False)
    monkeypatch.setenv("EDITOR", f"{sys.executable} {script}")
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg-data"))
    return script


def on_disk(store: Store, table: str, doc_id: str) -> dict[str, object] | None:
    """The document as a fresh load of the store file sees it (durable)."""
    return Store.load(store.path).get(table, doc_id)


def header(app: CaseFilesApp) -> str:
    assert isinstance(app.screen, MainScreen)
    from casefiles.tui.widgets import InfoPane

    return app.screen.query_one("#case-header", InfoPane).plain


def notes(app: CaseFilesApp) -> str:
    return "\n".join(str(n.message) for n in app._notifications)


@sync
async def test_E_edits_the_case_and_u_undoes_and_ctrl_r_redoes(
    bundled_store: Store, editor: Path
) -> None:
    store = bundled_store
    case_id = list(store.table(model.CASES))[2]
    old_title = store.get(model.CASES, case_id)["title"]  # type: ignore[index]
    app = make_app(store)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("j", "j")  # the third case
        await pilot.pause()
        assert isinstance(app.screen, MainScreen) and app.screen.case_id == case_id
        seq = store.log_seq
        await pilot.press("E")
        await pilot.pause()
        assert store.get(model.CASES, case_id)["title"] == NEW_TITLE  # type: ignore[index]
        assert on_disk(store, model.CASES, case_id)["title"] == NEW_TITLE  # type: ignore[index]
        assert store.log_seq > seq
        assert NEW_TITLE in header(app)
        assert f"saved: edit cases[{case_id}]" in notes(app)
        main = app.screen
        assert main.case_id == case_id and main.pane("cases").cursor == 2  # cursor kept
        assert main.focused_pane().id == "cases"

        seq = store.log_seq
        await pilot.press("u")
        await pilot.pause()
        assert store.get(model.CASES, case_id)["title"] == old_title  # type: ignore[index]
        assert on_disk(store, model.CASES, case_id)["title"] == old_title  # type: ignore[index]
        assert store.log_seq > seq  # the undo is a change of its own in the log
        assert old_title in header(app) and NEW_TITLE not in header(app)
        assert main.pane("cases").cursor == 2
        assert f"undone: edit cases[{case_id}]" in notes(app)

        await pilot.press("ctrl+r")
        await pilot.pause()
        assert store.get(model.CASES, case_id)["title"] == NEW_TITLE  # type: ignore[index]
        assert on_disk(store, model.CASES, case_id)["title"] == NEW_TITLE  # type: ignore[index]
        assert NEW_TITLE in header(app)
        assert f"redone: edit cases[{case_id}]" in notes(app)

        await pilot.press("ctrl+r")  # nothing more to redo
        await pilot.pause()
        assert "Nothing to redo." in notes(app)
        assert app.is_running


@sync
async def test_E_with_an_editor_that_fails_keeps_the_text_and_changes_nothing(
    bundled_store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    script = tmp_path / "fails.py"
    script.write_text(EDITOR + "sys.exit(1)\n", encoding="utf-8")
    monkeypatch.delenv("VISUAL", raising=False)
    monkeypatch.setenv("EDITOR", f"{sys.executable} {script}")
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg-data"))
    store = bundled_store
    case_id = next(iter(store.table(model.CASES)))
    before, seq = store.get(model.CASES, case_id), store.log_seq
    app = make_app(store)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("E")
        await pilot.pause()
        assert store.get(model.CASES, case_id) == before and store.log_seq == seq
        shown = notes(app)
        assert "the editor exited with status 1" in shown
        assert "Your text is kept in" in shown  # the recovery file
        assert list((tmp_path / "xdg-data").rglob("recovery/*.yaml"))
        await pilot.press("u")
        await pilot.pause()
        assert "Nothing to undo." in notes(app)
        assert app.is_running


@sync
async def test_u_with_nothing_done_says_so(bundled_store: Store) -> None:
    app = make_app(bundled_store)
    async with app.run_test(size=SIZE) as pilot:
        seq = bundled_store.log_seq
        await pilot.press("u")
        await pilot.pause()
        assert "Nothing to undo." in notes(app)
        assert bundled_store.log_seq == seq


@sync
async def test_E_on_a_party_edits_the_party_and_the_panes_show_the_new_name(
    bundled_store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A party's name is not part of the case: the case views must notice anyway."""
    script = tmp_path / "rename.py"
    script.write_text(
        "import re, sys\n"
        "p = sys.argv[-1]\n"
        "t = open(p, encoding='utf-8').read()\n"
        "t = re.sub(r'(?m)^name: .*$', 'name: Renamed Party', t, count=1)\n"
        "open(p, 'w', encoding='utf-8').write(t)\n",
        encoding="utf-8",
    )
    monkeypatch.delenv("VISUAL", raising=False)
    monkeypatch.setenv("EDITOR", f"{sys.executable} {script}")
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg-data"))
    app = make_app(bundled_store)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("2")  # the parties pane: its first participant
        await pilot.pause()
        assert isinstance(app.screen, MainScreen)
        row = app.screen.current_row()
        assert row is not None and row.kind == "party"
        await pilot.press("E")
        await pilot.pause()
        assert bundled_store.get(model.PARTIES, row.id)["name"] == "Renamed Party"  # type: ignore[index]
        parties = app.screen.pane("parties")
        assert "Renamed Party" in str(parties.rows()[0].line)
        assert app.screen.focused_pane().id == "parties" and parties.cursor == 0
        await pilot.press("u")
        await pilot.pause()
        assert "Renamed Party" not in str(parties.rows()[0].line)


@sync
async def test_x_is_refused_on_a_cited_source(bundled_store: Store) -> None:
    store = bundled_store
    app = make_app(store)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("5")  # the sources pane: a source the case cites
        await pilot.pause()
        assert isinstance(app.screen, MainScreen)
        row = app.screen.current_row()
        assert row is not None and row.kind == "source"
        seq = store.log_seq
        await pilot.press("x")
        await pilot.pause()
        confirm = app.screen
        assert isinstance(confirm, ConfirmScreen)
        assert confirm.refused
        assert "cannot be deleted while" in confirm.plain
        assert "cases[" in confirm.plain  # names what refers to it
        await pilot.press("y")  # cannot be confirmed
        await pilot.pause()
        assert isinstance(app.screen, MainScreen)
        assert store.get(model.SOURCES, row.id) is not None
        assert store.log_seq == seq


@sync
async def test_x_deletes_an_unreferenced_party_after_yes_and_u_brings_it_back(
    bundled_store: Store,
) -> None:
    store = bundled_store
    lone = {"id": "lone-party", "kind": "person", "name": "Lone Party"}
    store.put(model.PARTIES, lone, reason="test: a party no case names")
    app = make_app(store)
    async with app.run_test(size=SIZE) as pilot:
        app.open_party("lone-party")
        await pilot.pause()
        assert isinstance(app.screen, PartyScreen)
        await pilot.press("x")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen)
        assert not app.screen.refused
        assert "Lone Party" in app.screen.plain
        await pilot.press("n")  # no: nothing happens
        await pilot.pause()
        assert store.get(model.PARTIES, "lone-party") is not None
        await pilot.press("x")
        await pilot.pause()
        await pilot.press("y")
        await pilot.pause()
        assert store.get(model.PARTIES, "lone-party") is None
        assert on_disk(store, model.PARTIES, "lone-party") is None
        assert "deleted: delete parties[lone-party]" in notes(app)
        assert isinstance(app.screen, MainScreen)  # the party view of a deleted party closes
        await pilot.press("u")
        await pilot.pause()
        assert store.get(model.PARTIES, "lone-party") == lone
        assert on_disk(store, model.PARTIES, "lone-party") == lone


@sync
async def test_x_on_a_charge_points_to_E(bundled_store: Store) -> None:
    app = make_app(bundled_store)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("2")
        await pilot.pause()
        assert isinstance(app.screen, MainScreen)
        pane = app.screen.pane("parties")
        index = next(i for i, r in enumerate(pane.rows()) if r.kind in ("charge", "event"))
        pane.move_to(index)
        await pilot.pause()
        await pilot.press("x")
        await pilot.pause()
        assert isinstance(app.screen, MainScreen)
        assert "press E to edit the case" in notes(app)


# ------------------------------------------------------------ a real terminal

SCRIPT = Path(sys.executable).with_name("casefiles")
SOCKET = f"cfkeys-{uuid.uuid4().hex[:8]}"
needs_tmux = pytest.mark.skipif(
    shutil.which("tmux") is None and not os.environ.get("CI"),
    reason="tmux is not installed (make system-deps installs it)",
)


def tmux(*args: str) -> str:
    done = subprocess.run(["tmux", "-L", SOCKET, *args], capture_output=True, text=True, timeout=30)
    return done.stdout


@pytest.fixture()
def terminal(tmp_path: Path) -> Iterator[tuple[str, Path]]:
    shutil.copytree(BUNDLED, tmp_path / "data")
    name = f"cfkeys-{uuid.uuid4().hex[:8]}"
    yield name, tmp_path / "data" / "casefiles.json"
    subprocess.run(["tmux", "-L", SOCKET, "kill-server"], capture_output=True, timeout=30)


def wait_for(name: str, text: str, timeout: float = 60) -> str:
    deadline = time.monotonic() + timeout
    shown = ""
    while time.monotonic() < deadline:
        shown = tmux("capture-pane", "-t", name, "-p", "-J")
        if text in shown:
            return shown
        time.sleep(0.2)
    raise AssertionError(f"{text!r} did not appear; the screen shows:\n{shown}")


@needs_tmux
def test_E_in_a_real_terminal_hands_it_to_the_editor_and_u_undoes(
    terminal: tuple[str, Path], tmp_path: Path
) -> None:
    name, store_path = terminal
    assert SCRIPT.exists(), f"console script not installed at {SCRIPT}"
    home = tmp_path / "home"
    script = tmp_path / "editor.py"
    # The editor shows it has the terminal (and waits for enter), then edits the title.
    script.write_text(
        "import sys\nprint('EDITOR HAS THE TERMINAL', flush=True)\ninput()\n" + EDITOR,
        encoding="utf-8",
    )
    env = (
        f"HOME={home} XDG_CONFIG_HOME={home}/config XDG_DATA_HOME={home}/data "
        f"XDG_CACHE_HOME={home}/cache CASEFILES_CONFIG={home}/config.toml "
        f"TERM=xterm-256color VISUAL= EDITOR='{sys.executable} {script}'"
    )
    command = f"env -u COLUMNS -u LINES {env} {SCRIPT} --store {store_path}; sleep 30"
    tmux("new-session", "-d", "-s", name, "-x", "120", "-y", "40", command)
    wait_for(name, "Cases")
    case_id = next(iter(Store.load(store_path).table(model.CASES)))
    tmux("send-keys", "-t", name, "E")
    wait_for(name, "EDITOR HAS THE TERMINAL")
    tmux("send-keys", "-t", name, "Enter")
    wait_for(name, NEW_TITLE)  # the browser is back, the header redrawn
    wait_for(name, "saved")
    assert Store.load(store_path).get(model.CASES, case_id)["title"] == NEW_TITLE  # type: ignore[index]
    tmux("send-keys", "-t", name, "u")
    wait_for(name, "undone")
    assert Store.load(store_path).get(model.CASES, case_id)["title"] != NEW_TITLE  # type: ignore[index]
    tmux("send-keys", "-t", name, "q")
