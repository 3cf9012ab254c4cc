"""Keys typed after ``q`` (in the same burst: a paste, a fast typist) do nothing:
the browser is closing, and a screen opened then was mounted without its
widgets (``?``, ``/``, ``e``, ``t`` each ended in a traceback instead of the
shell).  Through Pilot, and through the real console script in tmux."""

from __future__ import annotations

import shutil
import subprocess
import time
import uuid
from pathlib import Path

import pytest
from textual import events

from casefiles.store import Store
from tests.tui.conftest import BUNDLED, SIZE, make_app, sync


@pytest.mark.parametrize(
    ("key", "character"), [("question_mark", "?"), ("slash", "/"), ("e", "e"), ("t", "t")]
)
@sync
async def test_a_key_after_q_opens_nothing(bundled_store: Store, key: str, character: str) -> None:
    app = make_app(bundled_store)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        # both queued before either is handled, as a burst from the terminal is
        app.post_message(events.Key("q", "q"))
        app.post_message(events.Key(key, character))
        await pilot.pause()
        assert [type(s).__name__ for s in app.screen_stack] == ["MainScreen"]
    assert app.return_code == 0


@pytest.mark.skipif(shutil.which("tmux") is None, reason="needs tmux (make test installs it)")
def test_q_and_more_keys_in_one_burst_leave_no_traceback(tmp_path: Path) -> None:
    script = Path(__file__).resolve().parents[2] / ".venv" / "bin" / "casefiles"
    if not script.exists():
        pytest.skip("the console script is installed by make test")
    shutil.copytree(BUNDLED, tmp_path / "data")
    store = tmp_path / "data" / "casefiles.json"
    sock, name = f"cfq-{uuid.uuid4().hex[:8]}", "q"

    def tmux(*args: str) -> str:
        done = subprocess.run(["tmux", "-L", sock, *args], capture_output=True, text=True)
        return done.stdout

    command = (
        f"env -u COLUMNS -u LINES HOME={tmp_path} XDG_CACHE_HOME={tmp_path}/cache "
        f"XDG_CONFIG_HOME={tmp_path}/config TERM=xterm-256color {script} --store {store}; "
        "echo EXIT=$?; sleep 30"
    )
    try:
        tmux("new-session", "-d", "-s", name, "-x", "120", "-y", "40", command)
        deadline = time.monotonic() + 60
        while "Cases" not in tmux("capture-pane", "-t", name, "-p"):
            assert time.monotonic() < deadline, "the browser did not start"
            time.sleep(0.2)
        tmux("send-keys", "-t", name, "-l", "q?/et")  # one burst
        shown = ""
        while "EXIT=" not in shown:
            assert time.monotonic() < deadline, shown
            time.sleep(0.2)
            shown = tmux("capture-pane", "-t", name, "-p", "-J")
        assert "EXIT=0" in shown, shown
        assert "Traceback" not in shown and "NoMatches" not in shown, shown
    finally:
        subprocess.run(["tmux", "-L", sock, "kill-server"], capture_output=True)
