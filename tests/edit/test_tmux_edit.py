"""``casefiles edit`` in a real terminal (tmux, a private server): the editor
gets the terminal (a script that reads what is typed), problems come back at
the top of the file, giving up prints where the text is kept; and the same with
vim itself when it is installed (``:wq``, ``:cq``)."""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from casefiles import model
from casefiles.store import Store

SCRIPT = Path(sys.executable).with_name("casefiles")

pytestmark = pytest.mark.skipif(
    shutil.which("tmux") is None and not os.environ.get("CI"),
    reason="tmux is not installed (make system-deps installs it)",
)

SOCKET = f"cfedit-{uuid.uuid4().hex[:8]}"

# An editor that shows the problems written at the top of the file and asks,
# on the terminal, for a new name (empty: leave the file as it is).
EDITOR = """\
import sys
path = sys.argv[-1]
text = open(path, encoding="utf-8").read()
for line in text.splitlines():
    if line.startswith("#   - ") or line.startswith("# NOT SAVED"):
        print("SEEN " + line[2:])
answer = input("new name? ")
if answer:
    lines = text.splitlines(keepends=True)
    lines = [f"name: {answer}\\n" if l.startswith("name: ") else l for l in lines]
    open(path, "w", encoding="utf-8").write("".join(lines))
"""


def tmux(*args: str) -> str:
    done = subprocess.run(["tmux", "-L", SOCKET, *args], capture_output=True, text=True, timeout=30)
    return done.stdout


@pytest.fixture()
def terminal(store_path: Path, tmp_path: Path) -> Iterator[tuple[str, Path, Path]]:
    name = f"cfedit-{uuid.uuid4().hex[:8]}"
    yield name, store_path, tmp_path
    subprocess.run(["tmux", "-L", SOCKET, "kill-server"], capture_output=True, timeout=30)


def screen_of(name: str) -> str:
    return tmux("capture-pane", "-t", name, "-p", "-J", "-S", "-200")


def wait_for(name: str, text: str, timeout: float = 60) -> str:
    deadline = time.monotonic() + timeout
    shown = ""
    while time.monotonic() < deadline:
        shown = screen_of(name)
        if text in shown:
            return shown
        time.sleep(0.2)
    raise AssertionError(f"{text!r} did not appear; the screen shows:\n{shown}")


def start(name: str, store: Path, home: Path, editor: str) -> None:
    env = {
        "HOME": str(home),
        "XDG_CONFIG_HOME": f"{home}/config",
        "XDG_DATA_HOME": f"{home}/data",
        "XDG_CACHE_HOME": f"{home}/cache",
        "CASEFILES_CONFIG": f"{home}/config.toml",
        "TERM": "xterm-256color",
        "EDITOR": editor,
    }
    settings = " ".join(f"{k}={shlex.quote(v)}" for k, v in env.items())
    command = (
        f"env -u VISUAL {settings} {SCRIPT} --store {shlex.quote(str(store))} "
        "edit parties chin-malin; echo EXIT=$?; sleep 120"
    )
    tmux("new-session", "-d", "-s", name, "-x", "120", "-y", "40", command)


def test_edit_invalid_then_fixed_in_a_real_terminal(
    terminal: tuple[str, Path, Path],
) -> None:
    name, store, folder = terminal
    script = folder / "ask.py"
    script.write_text(EDITOR)
    start(name, store, folder / "home", f"{sys.executable} {script}")
    wait_for(name, "new name?")
    tmux("send-keys", "-t", name, "-l", '"Chin \\e[31m Malin"')  # YAML escape: a real ESC
    tmux("send-keys", "-t", name, "Enter")
    shown = wait_for(name, "contains control character U+001B")
    assert "SEEN NOT SAVED: 1 problem" in shown
    assert "\x1b" not in shown
    tmux("send-keys", "-t", name, "-l", "Chhin Malin")
    tmux("send-keys", "-t", name, "Enter")
    wait_for(name, "EXIT=0")
    assert "saved: edit parties[chin-malin]" in screen_of(name)
    assert Store.load(store).get(model.PARTIES, "chin-malin")["name"] == "Chhin Malin"  # type: ignore[index]


def test_edit_unchanged_then_given_up_in_a_real_terminal(
    terminal: tuple[str, Path, Path],
) -> None:
    name, store, folder = terminal
    script = folder / "ask.py"
    script.write_text(EDITOR)
    before = store.read_bytes()
    start(name, store, folder / "home", f"{sys.executable} {script}")
    wait_for(name, "new name?")
    tmux("send-keys", "-t", name, "-l", "[a, b]")  # a list, not a name
    tmux("send-keys", "-t", name, "Enter")
    wait_for(name, "expected a string, got array")
    tmux("send-keys", "-t", name, "Enter")  # leave it as it is: give up
    shown = wait_for(name, "EXIT=1")
    assert "Your text is kept in" in shown
    kept = list((folder / "home" / "data" / "casefiles" / "recovery").glob("*.yaml"))
    assert len(kept) == 1 and "name: [a, b]" in kept[0].read_text()
    assert store.read_bytes() == before


@pytest.mark.skipif(shutil.which("vim") is None, reason="vim is not installed")
def test_vim_as_the_editor(terminal: tuple[str, Path, Path]) -> None:
    name, store, folder = terminal
    start(name, store, folder / "home", "vim -u NONE -i NONE -N -n")
    wait_for(name, "name: Chin Malin")
    tmux("send-keys", "-t", name, "-l", ":%s/^name: Chin Malin$/name: Chhin Malin/")
    tmux("send-keys", "-t", name, "Enter")
    tmux("send-keys", "-t", name, "-l", ":wq")
    tmux("send-keys", "-t", name, "Enter")
    shown = wait_for(name, "EXIT=")
    assert "EXIT=0" in shown and "saved: edit parties[chin-malin]" in shown
    assert Store.load(store).get(model.PARTIES, "chin-malin")["name"] == "Chhin Malin"  # type: ignore[index]
