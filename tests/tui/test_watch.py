"""Another program commits while the browser runs (casefiles.tui.watch): a
real second process (``casefiles put``) writes the store's copy; the browser
picks the change up, redraws with the cursor kept and says who changed what.
An edit in progress on a document that changed meanwhile (``E`` in an
editor) shows both versions and overwrites neither; ``u`` of an edit another
program has changed since is refused."""

from __future__ import annotations

import asyncio
import copy
import json
import os
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from conftest import SIZE, make_app, sync
from textual.pilot import Pilot

from casefiles import model
from casefiles.edit.ops import Operation
from casefiles.store import Store
from casefiles.tui.app import CaseFilesApp
from casefiles.tui.screens.main import MainScreen
from casefiles.tui.widgets import InfoPane

ROOT = Path(__file__).resolve().parents[2]
OTHER = "Other Monitor"


async def other_process(store: Store, *args: str, doc: object = None) -> None:
    """``casefiles ARGS --store <the store>`` in a second process, as ``OTHER``."""
    env = {**os.environ, "CASEFILES_AUTHOR": OTHER}
    proc = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "casefiles",
        *args,
        "--store",
        str(store.path),
        stdin=asyncio.subprocess.PIPE,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
        env=env,
        cwd=ROOT,
    )
    data = json.dumps(doc).encode() if doc is not None else b""
    _out, err = await asyncio.wait_for(proc.communicate(data), 120)
    assert proc.returncode == 0, err.decode()


async def until(pilot: Pilot[Any], check: Any, seconds: float = 15.0) -> None:
    """Let the app run until ``check()`` holds (the watcher polls every 0.5 s)."""
    end = time.monotonic() + seconds
    while not check():
        assert time.monotonic() < end, "the browser did not pick the change up"
        await pilot.pause(0.1)


def notes(app: CaseFilesApp) -> str:
    return "\n".join(str(n.message) for n in app._notifications)


def header(app: CaseFilesApp) -> str:
    return app.main.query_one("#case-header", InfoPane).plain


@sync
async def test_another_program_s_edit_is_drawn_with_the_cursor_kept(bundled_store: Store) -> None:
    store = bundled_store
    case_id = list(store.table(model.CASES))[2]
    theirs = copy.deepcopy(store.get(model.CASES, case_id))
    assert theirs is not None
    theirs["title"] = "Retitled by another program"
    app = make_app(store)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("j", "j", "2", "j")  # third case, its parties pane, second row
        await pilot.pause()
        main = app.screen
        assert isinstance(main, MainScreen) and main.case_id == case_id
        row = main.pane("parties").cursor
        seq = store.log_seq
        await other_process(store, "put", "cases", "-", doc=theirs)
        await until(pilot, lambda: store.log_seq == seq + 1)
        await until(pilot, lambda: "Retitled by another program" in header(app))
        assert app.screen is main
        assert main.case_id == case_id and main.pane("cases").cursor == 2
        assert main.focused_pane().id == "parties" and main.pane("parties").cursor == row
        assert f"{OTHER} edited cases[{case_id}]" in notes(app)


@sync
async def test_a_case_another_program_adds_appears_and_the_selection_stays(
    small_store: Store,
) -> None:
    store = small_store
    first = list(store.table(model.CASES))
    new_case = copy.deepcopy(store.get(model.CASES, first[0]))
    assert new_case is not None
    new_case["id"] = "zz-new-case"
    new_case["title"] = "A case added by another program"
    app = make_app(store)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("j")
        await pilot.pause()
        main = app.main
        assert main.case_id == first[1]
        await other_process(store, "put", "cases", "-", doc=new_case)
        await until(pilot, lambda: len(main.case_ids) == len(first) + 1)
        assert main.case_id == first[1] and main.pane("cases").cursor == 1
        assert main.pane("cases").border_title == f"1 Cases ({len(first) + 1:,})"
        assert f"{OTHER} added cases[zz-new-case]" in notes(app)


@sync
async def test_an_edit_in_the_editor_that_another_program_overtook_keeps_both(
    bundled_store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``E``: while the editor is open another program retitles the case.  The
    save is refused, the reopened file shows their version beside the user's,
    and when the user gives up the store keeps theirs and the user's text is
    kept in a recovery file: neither is overwritten."""
    store = bundled_store
    case_id = next(iter(store.table(model.CASES)))
    theirs = copy.deepcopy(store.get(model.CASES, case_id))
    assert theirs is not None
    theirs["title"] = "Their title"
    doc_file = tmp_path / "theirs.json"
    doc_file.write_text(json.dumps(theirs), encoding="utf-8")
    seen = tmp_path / "seen"
    script = tmp_path / "editor.py"
    script.write_text(
        "import os, re, subprocess, sys, pathlib\n"
        "path = pathlib.Path(sys.argv[-1])\n"
        f"seen = pathlib.Path({str(seen)!r})\n"
        "text = path.read_text(encoding='utf-8')\n"
        "n = len(list(seen.parent.glob('seen*')))\n"
        "pathlib.Path(f'{seen}{n}').write_text(text, encoding='utf-8')\n"
        "if n:\n"
        "    sys.exit(1)  # the second time: give up\n"
        "env = {**os.environ, 'CASEFILES_AUTHOR': 'Other Monitor'}\n"
        "subprocess.run([sys.executable, '-m', 'casefiles', 'put', 'cases', "
        f"{str(doc_file)!r}, '--store', {str(store.path)!r}], check=True, env=env, "
        f"cwd={str(ROOT)!r})\n"
        "text = re.sub(r'(?m)^  title: .*(?:\\n    .*)*$', '  title: My title', text, count=1)\n"
        "path.write_text(text, encoding='utf-8')\n",
        encoding="utf-8",
    )
    monkeypatch.delenv("VISUAL", raising=False)
    monkeypatch.setenv("EDITOR", f"{sys.executable} {script}")
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg-data"))
    app = make_app(store)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("E")
        await pilot.pause()
        second = (tmp_path / "seen1").read_text(encoding="utf-8")
        assert "NOT SAVED: another program changed what you are editing" in second
        assert "#   | title: Their title" in second  # their version, as comments
        assert "  title: My title" in second  # the user's text, below their version
        assert store.get(model.CASES, case_id)["title"] == "Their title"  # type: ignore[index]
        assert Store.load(store.path).get(model.CASES, case_id)["title"] == "Their title"  # type: ignore[index]
        shown = notes(app)
        assert f"cases[{case_id}] was changed by another program" in shown
        assert "Your text is kept in" in shown
        kept = list((tmp_path / "xdg-data").rglob("recovery/*.yaml"))
        assert kept and "My title" in kept[0].read_text(encoding="utf-8")
        assert "Their title" in header(app)


@sync
async def test_undo_of_an_edit_another_program_changed_since_is_refused(
    small_store: Store,
) -> None:
    store = small_store
    party_id = "person-0000002"
    app = make_app(store)
    async with app.run_test(size=SIZE) as pilot:
        party = copy.deepcopy(store.get(model.PARTIES, party_id))
        assert party is not None
        app.edits.apply(store, Operation.put(store, model.PARTIES, {**party, "name": "Mine"}))
        theirs = {**party, "name": "Theirs"}
        seq = store.log_seq
        await other_process(store, "put", "parties", "-", doc=theirs)
        await until(pilot, lambda: store.log_seq == seq + 1)
        await pilot.press("u")
        await pilot.pause()
        assert store.get(model.PARTIES, party_id)["name"] == "Theirs"  # type: ignore[index]
        assert store.log_seq == seq + 1, "nothing written"
        assert "cannot undo" in str([n.title for n in app._notifications])
        assert "changed by another program" in notes(app)


@sync
async def test_a_store_file_rewritten_outside_casefiles_is_reported_once(
    small_store: Store,
) -> None:
    store = small_store
    app = make_app(store)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause(0.6)
        data = json.loads(store.path.read_text(encoding="utf-8"))
        store.path.write_text(json.dumps(data, indent=1), encoding="utf-8")
        await until(pilot, lambda: "cannot follow" in str([n.title for n in app._notifications]))
        await pilot.pause(1.5)  # three more polls: not said again
        titles = [n.title for n in app._notifications]
        assert titles.count("cannot follow the case file") == 1
        assert "changed on disk" in notes(app)
        assert app.is_running


@sync
async def test_an_open_history_shows_another_program_s_new_version(small_store: Store) -> None:
    from casefiles.tui.screens.history import HistoryScreen

    store = small_store
    party_id = "person-0000002"
    theirs = copy.deepcopy(store.get(model.PARTIES, party_id))
    assert theirs is not None
    theirs["name"] = "Renamed elsewhere"
    app = make_app(store)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("2", "H")
        await app.workers.wait_for_complete()
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, HistoryScreen)
        assert [r.line[0][0].split()[0] for r in screen.versions_list.rows()] == ["#-"]
        await other_process(store, "put", "parties", "-", doc=theirs)
        await until(pilot, lambda: len(screen.versions_list.rows()) == 2)
        assert app.screen is screen
        # the cursor stays on the version it was on, which now differs from today's
        assert screen.selected() is not None and screen.selected().seq is None  # type: ignore[union-attr]
        assert '  - "Renamed elsewhere"' in screen.diff.plain
        assert OTHER in screen.plain and "(now)" in screen.plain
