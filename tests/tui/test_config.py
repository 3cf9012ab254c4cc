"""The config file (issue 8): keys no key press can produce, keys that clash on a
screen, a file nested too deeply and openers that build a shell string are each
refused with a notice naming the file and line, and the browser starts with the
defaults for them.  Real config files in temporary folders, the real app
through Pilot."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from conftest import SIZE, make_app, sync

from casefiles.store import Store
from casefiles.tui.config import MAX_CONFIG_BYTES, load_config
from casefiles.tui.keys import KEYS, clashes, normalise_keys
from casefiles.tui.widgets import KeyBar


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "config.toml"
    path.write_text(text, encoding="utf-8")
    return path


def key_bar(app: object) -> str:
    bar = app.screen.query_one(KeyBar)  # type: ignore[attr-defined]
    return str(bar.render())


@sync
async def test_a_key_textual_cannot_produce_is_refused_and_search_keeps_its_key(
    bundled_store: Store, tmp_path: Path
) -> None:
    path = write(tmp_path, '# my keys\n[keys]\n"casefiles.search" = "ctrl+shift+fnord"\n')
    config = load_config(path)
    assert len(config.problems) == 1
    problem = config.problems[0]
    assert problem.startswith(f"{path}, line 3: keys for casefiles.search")
    assert "'fnord' is not a key name" in problem and "keeping /" in problem
    assert "casefiles.search" not in config.keys
    app = make_app(bundled_store, config)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert any("fnord" in n.message for n in app._notifications)
        await pilot.press("slash")
        await pilot.pause()
        assert type(app.screen).__name__ == "SearchScreen"


@sync
async def test_a_key_that_shadows_quit_is_refused_and_the_key_bar_shows_one_q(
    bundled_store: Store, tmp_path: Path
) -> None:
    path = write(tmp_path, '[keys]\n"casefiles.read" = "q"\n')
    config = load_config(path)
    assert len(config.problems) == 1
    problem = config.problems[0]
    assert problem.startswith(f"{path}, line 2: key 'q' for casefiles.read is already")
    assert "casefiles.quit's" in problem and "main screen" in problem
    assert problem.endswith("casefiles.read keeps o")
    assert config.keys == {}
    app = make_app(bundled_store, config)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        bar = key_bar(app)
        assert "o read" in bar and bar.count("q ") == 1, bar
        await pilot.press("q")
        await pilot.pause()
        assert not app.is_running


def test_swapping_two_keys_in_one_file_is_not_a_clash(tmp_path: Path) -> None:
    path = write(tmp_path, '[keys]\n"casefiles.dossier" = "y"\n"casefiles.copy" = "d,ctrl+y"\n')
    config = load_config(path)
    assert config.problems == []
    assert config.keys == {"casefiles.dossier": "y", "casefiles.copy": "d,ctrl+y"}


def test_q_stays_the_close_key_of_the_reader_and_help(tmp_path: Path) -> None:
    """Swapping read and quit would give ``q`` two meanings where ``q`` closes the
    reader or help: both changes are refused, with a notice each."""
    path = write(tmp_path, '[keys]\n"casefiles.read" = "q"\n"casefiles.quit" = "o,ctrl+q"\n')
    config = load_config(path)
    assert config.keys == {}
    assert [p.split(": ", 1)[0] for p in config.problems] == [f"{path}, line 2", f"{path}, line 3"]


def test_of_two_clashing_changes_the_later_one_keeps_its_default(tmp_path: Path) -> None:
    path = write(tmp_path, '[keys]\n"casefiles.dossier" = "w"\n"casefiles.copy" = "w"\n')
    config = load_config(path)
    assert config.keys == {"casefiles.dossier": "w"}
    assert len(config.problems) == 1
    assert config.problems[0].startswith(f"{path}, line 3: key 'w' for casefiles.copy")


def test_a_list_key_may_not_shadow_a_reader_key(tmp_path: Path) -> None:
    """``n`` for cursor down would win over "next quote" in the reader (the
    article widget binds cursor keys): refused."""
    config = load_config(write(tmp_path, '[keys]\n"casefiles.down" = "j,n"\n'))
    assert config.keys == {}
    assert "casefiles.next_quote's on the reader" in config.problems[0]


def test_the_default_keys_have_no_clash() -> None:
    assert clashes({}) == []


@pytest.mark.parametrize(
    ("value", "why"),
    [
        (",", "write 'comma'"),
        ("+", "write 'plus'"),
        ("ctrl+", "ends with '+'"),
        ("a,,b", "an empty key"),
        ("", "no key given"),
        ("  ", "no key given"),
        ("j,", "an empty key"),
        ("ctrl+shift+fnord", "not a key name"),
        ("hyperspace", "not a key name"),
        ("cmd+s", "not a modifier"),
        ("ctrl+ctrl+s", "repeats a modifier"),
        ("shift+a", "write 'A'"),
        ("ctrl+A", "lower case"),
        ("\x1b[A", "not a key name"),
    ],
)
def test_malformed_key_values_are_refused_with_a_notice(
    tmp_path: Path, value: str, why: str
) -> None:
    escaped = value.replace("\\", "\\\\").replace("\x1b", "\\u001b")
    path = write(tmp_path, f'[keys]\n"casefiles.copy" = "{escaped}"\n')
    config = load_config(path)
    assert config.keys == {}
    assert len(config.problems) == 1, config.problems
    problem = config.problems[0]
    assert problem.startswith(f"{path}, line 2: keys for casefiles.copy"), problem
    assert why in problem and problem.endswith("keeping y")
    assert "\x1b" not in problem


@pytest.mark.parametrize(
    ("value", "bound"),
    [
        ("/", "slash"),
        ("?,x", "question_mark,x"),
        (" x , ctrl+k ", "x,ctrl+k"),
        ("shift+ctrl+k", "ctrl+shift+k"),
        ("x,x", "x"),
        ("f5", "f5"),
        ("comma", "comma"),
        ("A", "A"),
        ("ក", "ក"),
    ],
)
def test_key_values_are_stored_as_textual_names_them(value: str, bound: str) -> None:
    assert normalise_keys(value) == bound


def test_a_normalised_value_is_what_the_config_keeps(tmp_path: Path) -> None:
    config = load_config(write(tmp_path, '[keys]\n"casefiles.dossier" = " shift+ctrl+k, ! "\n'))
    assert config.problems == []
    assert config.keys == {"casefiles.dossier": "ctrl+shift+k,exclamation_mark"}


@sync
async def test_a_remapped_character_key_works_in_the_app(
    bundled_store: Store, tmp_path: Path
) -> None:
    config = load_config(write(tmp_path, '[keys]\n"casefiles.search" = "w,/"\n'))
    assert config.problems == []
    app = make_app(bundled_store, config)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("w")
        await pilot.pause()
        assert type(app.screen).__name__ == "SearchScreen"
        await pilot.press("escape")
        await pilot.pause()
        await pilot.press("slash")
        await pilot.pause()
        assert type(app.screen).__name__ == "SearchScreen"


@sync
async def test_a_deeply_nested_config_starts_the_browser_with_defaults(
    bundled_store: Store, tmp_path: Path
) -> None:
    depth = 100_000
    path = write(
        tmp_path, "a = " + "[" * depth + "]" * depth + '\n[keys]\n"casefiles.copy" = "x"\n'
    )
    config = load_config(path)
    assert config.keys == {}
    assert config.problems == [f"{path}: values nested too deeply to read; using defaults"]
    app = make_app(bundled_store, config)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert any("nested too deeply" in n.message for n in app._notifications)
        assert app.is_running


def test_a_deep_inline_table_is_refused_too(tmp_path: Path) -> None:
    depth = 5_000
    path = write(tmp_path, "a = " + "{b = " * depth + "1" + "}" * depth + "\n")
    assert load_config(path).problems == [
        f"{path}: values nested too deeply to read; using defaults"
    ]


def test_a_huge_config_file_is_not_read(tmp_path: Path) -> None:
    path = write(tmp_path, "# " + "x" * MAX_CONFIG_BYTES + "\n")
    config = load_config(path)
    assert config.problems == [f"{path}: bigger than {MAX_CONFIG_BYTES:,} bytes; using defaults"]


def test_an_opener_building_a_shell_string_is_refused(tmp_path: Path) -> None:
    path = write(tmp_path, 'theme = "x"\n\n[opener]\ncommand = ["sh", "-c", "echo %s"]\n')
    config = load_config(path)
    assert config.opener is None
    assert len(config.problems) == 1
    assert config.problems[0].startswith(f"{path}, line 3: [opener] command:")
    assert "argument of its own" in config.problems[0]
    ok = load_config(write(tmp_path, '[opener]\ncommand = ["firefox", "--new-tab", "%s"]\n'))
    assert ok.problems == [] and ok.opener == ["firefox", "--new-tab", "%s"]


def test_every_problem_is_one_line(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        '[keys]\n"casefiles.copy" = ","\n"casefiles.read" = "q"\n"casefiles.nope" = "x"\n'
        '"casefiles.help" = ["x"]\n[opener]\ncommand = ["sh", "-c", "x %s"]\n',
    )
    problems = load_config(path).problems
    assert len(problems) == 5
    assert all("\n" not in p for p in problems)
    assert {spec.id for spec in KEYS} >= {"casefiles.copy", "casefiles.read", "casefiles.help"}


@sync
async def test_a_key_textual_already_has_on_a_screen_is_refused(
    bundled_store: Store, tmp_path: Path
) -> None:
    """``right`` scrolls a list sideways (Textual's own key on the focused list):
    as "next pane" it would never arrive, so it is refused and ``l`` still works."""
    path = write(
        tmp_path, '[keys]\n"casefiles.next_pane" = "l,right"\n"casefiles.quit" = "q,ctrl+q"\n'
    )
    config = load_config(path)
    assert config.keys == {"casefiles.quit": "q,ctrl+q"}  # ctrl+q quits in Textual too
    # other screens with panes (the party view …) are counted after the main screen
    assert len(config.problems) == 1
    problem = config.problems[0]
    assert problem.startswith(
        f"{path}, line 2: key 'right' for casefiles.next_pane is already Textual's "
        "'scroll right' key on the main screen"
    )
    assert problem.endswith("; casefiles.next_pane keeps tab l")
    search = load_config(write(tmp_path, '[keys]\n"casefiles.search_page_down" = "ctrl+d"\n'))
    assert "Textual's 'editing the search text' key on the search screen" in search.problems[0]
    typed = load_config(write(tmp_path, '[keys]\n"casefiles.search_next" = "down,x"\n'))
    assert typed.keys == {}
    assert "Textual's 'typing in the search' key on the search screen" in typed.problems[0]
    fine = load_config(write(tmp_path, '[keys]\n"casefiles.search" = "slash,w"\n'))
    assert fine.problems == []  # w opens search elsewhere; in the search field it types w
    app = make_app(bundled_store, config)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("l")  # the next pane after the cases: the Case pane
        assert app.focused is not None and app.focused.id == "case-header"


def test_unquoted_binding_ids_get_a_hint(tmp_path: Path) -> None:
    path = write(tmp_path, '[keys]\ncasefiles.down = "e"\ncasefiles.up = "i"\n')
    config = load_config(path)
    assert config.keys == {}
    assert config.problems == [
        f'{path}, line 2: put binding ids in quotes, as in "casefiles.down" = "j" '
        "(unquoted, the dots make a table)"
    ]


@pytest.mark.parametrize("kind", ["fifo", "folder"])
def test_a_config_path_that_is_not_a_regular_file_is_refused_at_once(
    tmp_path: Path, kind: str
) -> None:
    """A FIFO would block ``open()`` for ever (nobody writes to it): refused
    without waiting, like a folder."""
    import threading

    path = tmp_path / "config.toml"
    if kind == "fifo":
        os.mkfifo(path)
    else:
        path.mkdir()
    result: list[object] = []
    worker = threading.Thread(target=lambda: result.append(load_config(path)), daemon=True)
    worker.start()
    worker.join(timeout=5)
    assert result, "load_config blocked"
    config = result[0]
    assert config.problems == [  # type: ignore[attr-defined]
        f"{path}: is {'a FIFO (named pipe)' if kind == 'fifo' else 'a folder'}, "
        "not a regular file; using defaults"
    ]


@pytest.mark.skipif(
    shutil.which("tmux") is None and not os.environ.get("CI"), reason="tmux is not installed"
)
def test_the_real_browser_starts_with_a_deeply_nested_config_in_tmux(tmp_path: Path) -> None:
    """Before: ``RecursionError``, exit 70.  Now the console script starts with the
    defaults, shows the notice, and ``q`` quits with status 0."""
    import subprocess
    import sys
    import time
    import uuid

    root = Path(__file__).resolve().parents[2]
    script = Path(sys.executable).with_name("casefiles")
    shutil.copytree(root / "data", tmp_path / "data")
    home = tmp_path / "home"
    home.mkdir()
    depth = 100_000
    (home / "config.toml").write_text("a = " + "[" * depth + "]" * depth + "\n", encoding="utf-8")
    socket, name = f"cfcfg-{uuid.uuid4().hex[:8]}", "cfg"
    status = tmp_path / "status"

    def tmux(*args: str) -> str:
        done = subprocess.run(
            ["tmux", "-L", socket, *args], capture_output=True, text=True, timeout=30
        )
        return done.stdout

    def wait_for(check: object, what: str) -> str:
        deadline = time.monotonic() + 60
        shown = ""
        while time.monotonic() < deadline:
            shown = tmux("capture-pane", "-t", name, "-p")
            if check(shown):  # type: ignore[operator]
                return shown
            time.sleep(0.2)
        raise AssertionError(f"{what} did not happen; the screen shows:\n{shown}")

    env = (
        f"HOME={home} XDG_CONFIG_HOME={home}/config XDG_DATA_HOME={home}/data "
        f"XDG_CACHE_HOME={home}/cache CASEFILES_CONFIG={home}/config.toml TERM=xterm-256color"
    )
    command = (
        f"env {env} {script} --store {tmp_path}/data/casefiles.json; echo $? > {status}; sleep 30"
    )
    try:
        tmux("new-session", "-d", "-s", name, "-x", "120", "-y", "40", command)
        shown = wait_for(lambda s: "nested too deeply" in s or "Cases" in s, "the start")
        assert "Traceback" not in shown
        if "nested too deeply" not in shown:
            # the notice is a toast: on a loaded machine it may have gone before the
            # first capture; the help screen lists config problems for as long as it runs
            shown = wait_for(lambda s: "Cases" in s, "the main screen")
            tmux("send-keys", "-t", name, "?")
            wait_for(lambda s: "Help — esc closes" in s, "help")  # not the key bar's "? help"
            for _ in range(10):  # the config's problems close the help text
                tmux("send-keys", "-t", name, "PageDown")
            wait_for(lambda s: "nested too deeply" in s, "the notice in help")
            tmux("send-keys", "-t", name, "Escape")
            wait_for(lambda s: "Cases" in s and "nested too deeply" not in s, "help closed")
        tmux("send-keys", "-t", name, "q")
        deadline = time.monotonic() + 30
        while not status.exists() and time.monotonic() < deadline:
            time.sleep(0.2)
        assert status.read_text().strip() == "0"
    finally:
        subprocess.run(["tmux", "-L", socket, "kill-server"], capture_output=True, timeout=30)


def test_an_opener_given_as_one_string_is_split_into_arguments(tmp_path: Path) -> None:
    config = load_config(write(tmp_path, '[opener]\ncommand = "less -R"\n'))
    assert config.problems == [] and config.opener == ["less", "-R"]
    config = load_config(write(tmp_path, "[opener]\ncommand = \"sh -c 'echo %s'\"\n"))
    assert config.opener is None and "argument of its own" in config.problems[0]
    config = load_config(write(tmp_path, '[opener]\ncommand = "less \'open"\n'))
    assert config.opener is None and "No closing quotation" in config.problems[0]
