"""What the store has to say at load (a torn last log entry dropped) reaches the
user in the browser, and quitting folds the change log in a detached child."""

from __future__ import annotations

import shutil
import time
from pathlib import Path

from textual.app import App

from casefiles.store import Store
from casefiles.tui.app import CaseFilesApp
from tests.tui.conftest import BUNDLED, SIZE, sync


def _store_with_torn_log(tmp_path: Path) -> Path:
    folder = tmp_path / "data"
    shutil.copytree(BUNDLED, folder)
    path = folder / "casefiles.json"
    store = Store.load(path)
    case = dict(store.get("cases", "tep-vanny-2013-protest") or {})
    case["title"] += " (edited)"
    store.put("cases", case)
    with store.log_path.open("ab") as log:
        log.write(b'{"seq": 2, "op": "put", "tab')  # a writer killed mid-line
    return path


def _notices(app: App[int]) -> list[str]:
    return [str(n.message) for n in app._notifications]


@sync
async def test_a_dropped_log_entry_is_shown_in_the_browser(tmp_path: Path) -> None:
    store = Store.load(_store_with_torn_log(tmp_path))
    assert store.notices and "incomplete last entry" in store.notices[0]
    app = CaseFilesApp(store)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert any("incomplete last entry" in n for n in _notices(app)), _notices(app)
        assert store.get("cases", "tep-vanny-2013-protest")["title"].endswith("(edited)")  # type: ignore[index]


def test_quitting_the_browser_checkpoints_in_a_child(tmp_path: Path) -> None:
    """The real console script in tmux: after ``q`` the log entry is folded into
    the canonical file by a detached ``casefiles checkpoint``."""
    import subprocess
    import sys
    import uuid

    path = _store_with_torn_log(tmp_path)
    assert Store.load(path).checkpoint_seq == 0
    script = Path(sys.executable).with_name("casefiles")
    socket = f"cfcp-{uuid.uuid4().hex[:8]}"

    def tmux(*args: str) -> str:
        done = subprocess.run(
            ["tmux", "-L", socket, *args], capture_output=True, text=True, timeout=30
        )
        return done.stdout

    home = tmp_path / "home"
    env = (
        f"HOME={home} XDG_CACHE_HOME={home}/cache CASEFILES_CACHE_DIR={home}/cc TERM=xterm-256color"
    )
    try:
        tmux(
            "new-session",
            "-d",
            "-s",
            "cp",
            "-x",
            "120",
            "-y",
            "40",
            f"env {env} {script} --store {path}; sleep 30",
        )
        deadline = time.monotonic() + 60
        while "Cases" not in tmux("capture-pane", "-t", "cp", "-p"):
            assert time.monotonic() < deadline, "the browser did not start"
            time.sleep(0.2)
        tmux("send-keys", "-t", "cp", "q")
        while Store.load(path).checkpoint_seq != 1:
            assert time.monotonic() < deadline + 60, "no checkpoint after quitting"
            time.sleep(0.3)
    finally:
        subprocess.run(["tmux", "-L", socket, "kill-server"], capture_output=True, timeout=30)
    assert "(edited)" in path.read_text(encoding="utf-8")
