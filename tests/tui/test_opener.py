"""``O`` (open outside): the decision in ``plan_open`` (what is opened, with which
argv, every refusal), the one URL rule shared with validation, and ``run_plan``
running real programs (scripts in a temporary folder): the target is only ever a
whole argument, and failures (exit status, missing program, timeout) are reported."""

from __future__ import annotations

import os
from pathlib import Path

import orjson
import pytest
from conftest import SIZE, make_app, sync

from casefiles.store import Store
from casefiles.tui.config import Config
from casefiles.tui.opener import OpenResult, argv_problem, check_url, plan_open, run_plan

ENV: dict[str, str] = {}
DATA = Path(__file__).resolve().parents[1] / "data"


@pytest.fixture()
def folder(tmp_path: Path) -> Path:
    store = tmp_path / "store"
    (store / "articles").mkdir(parents=True)
    (store / "articles" / "a.txt").write_text("article text\n", encoding="utf-8")
    (tmp_path / "secret.txt").write_text("outside\n", encoding="utf-8")
    return store


def test_http_url_opens_in_system_browser(folder: Path) -> None:
    plan = plan_open(
        {"id": "s1", "url": "https://example.org/a?b=1"}, folder, env={}, platform="linux"
    )
    assert plan.ok and plan.argv == ("xdg-open", "https://example.org/a?b=1")
    assert not plan.terminal
    mac = plan_open({"id": "s1", "url": "http://example.org/"}, folder, env={}, platform="darwin")
    assert mac.argv == ("open", "http://example.org/")


def test_browser_variable_and_percent_s(folder: Path) -> None:
    env = {"BROWSER": "w3m -o confirm_qq=false %s:firefox"}
    plan = plan_open({"id": "s1", "url": "https://example.org/"}, folder, env=env)
    assert plan.argv == ("w3m", "-o", "confirm_qq=false", "https://example.org/")
    assert plan.terminal  # a text browser takes the terminal: the app is suspended


def test_configured_opener_wins(folder: Path) -> None:
    plan = plan_open(
        {"id": "s1", "url": "https://example.org/"},
        folder,
        opener=["firefox", "--new-tab"],
        env={"BROWSER": "lynx"},
    )
    assert plan.argv == ("firefox", "--new-tab", "https://example.org/")


def test_file_inside_store_opens_in_pager(folder: Path) -> None:
    plan = plan_open({"id": "s1", "file": "articles/a.txt"}, folder, env={"PAGER": "less -R"})
    assert plan.ok and plan.terminal
    assert plan.argv == ("less", "-R", str((folder / "articles" / "a.txt").resolve()))
    default = plan_open({"id": "s1", "file": "articles/a.txt"}, folder, env={})
    assert default.argv[0] == "less"


@pytest.mark.parametrize(
    "url",
    [
        "javascript:alert(1)",
        "file:///etc/passwd",
        "data:text/html,<script>x</script>",
        "ftp://example.org/x",
        "//example.org/no-scheme",
        "https://example.org/a b",
        "https://example.org/\x1b[2J",
        "https:///no-host",
        "",
    ],
)
def test_refused_urls(folder: Path, url: str) -> None:
    plan = plan_open({"id": "s1", "url": url}, folder, env={})
    assert not plan.ok and plan.argv == ()
    assert plan.refusal and plan.refusal.startswith("not opening source s1:")
    assert check_url(url) is not None


@pytest.mark.parametrize("rel", ["../secret.txt", "articles/../../secret.txt", "/etc/passwd"])
def test_refused_paths_outside_the_folder(folder: Path, rel: str) -> None:
    plan = plan_open({"id": "s2", "file": rel}, folder, env={})
    assert not plan.ok
    assert "outside the store's folder" in (plan.refusal or "")


def test_symlink_escaping_the_folder_is_refused(folder: Path) -> None:
    link = folder / "articles" / "evil.txt"
    os.symlink(folder.parent / "secret.txt", link)
    plan = plan_open({"id": "s3", "file": "articles/evil.txt"}, folder, env={})
    assert not plan.ok and "outside the store's folder" in (plan.refusal or "")


def test_missing_file_and_nothing_to_open(folder: Path) -> None:
    missing = plan_open({"id": "s4", "file": "articles/nope.txt"}, folder, env={})
    assert "does not exist" in (missing.refusal or "")
    bare = plan_open({"id": "s5", "title": "t"}, folder, env={})
    assert bare.refusal == "not opening source s5: it has no URL and no stored file"


def test_bad_url_falls_back_to_the_stored_file(folder: Path) -> None:
    plan = plan_open({"id": "s6", "url": "javascript:x", "file": "articles/a.txt"}, folder, env={})
    assert plan.ok and plan.target.endswith("a.txt")


def test_refusal_message_is_literal(folder: Path) -> None:
    plan = plan_open({"id": "s\x1b[31m7", "url": "javascript:x"}, folder, env={})
    assert "\x1b" not in (plan.refusal or "")


def test_run_plan_reports_refusal_and_missing_program(folder: Path) -> None:
    refused = plan_open({"id": "s1", "url": "javascript:x"}, folder, env={})
    result = run_plan(refused)
    assert result.status == "refused" and result.message == refused.refusal
    plan = plan_open(
        {"id": "s1", "url": "https://example.org/"},
        folder,
        opener=["/nonexistent/casefiles-no-such-opener"],
    )
    result = run_plan(plan)
    assert result.status == "failed" and not result.ok
    assert "not found" in result.message and "\n" not in result.message


# -- the target is only ever a whole argument (issue 8)


def _script(folder: Path, name: str, body: str) -> str:
    path = folder / name
    path.write_text("#!/bin/sh\n" + body, encoding="utf-8")
    path.chmod(0o755)
    return str(path)


def test_a_url_never_runs_inside_a_shell_string(folder: Path, tmp_path: Path) -> None:
    """``sh -c "echo %s"`` with a URL holding ``$(…)``: nothing runs (before the fix
    the URL was substituted into the shell string and the command ran)."""
    marker = tmp_path / "pwned"
    url = f"http://x/$(touch$IFS{marker})"
    assert check_url(url) is None  # a legal URL: the opener must make it harmless
    plan = plan_open({"id": "s1", "url": url}, folder, opener=["sh", "-c", "echo %s"], env={})
    assert not plan.ok and "argument of its own" in (plan.refusal or "")
    result = run_plan(plan)
    assert result.status == "refused"
    assert not marker.exists()


def test_a_whole_argument_target_reaches_the_program_verbatim(folder: Path, tmp_path: Path) -> None:
    marker = tmp_path / "pwned"
    out = tmp_path / "got.txt"
    url = f"http://x/$(touch$IFS{marker})"
    opener = ["sh", "-c", f'printf "%s\\n" "$1" > {out}', "sh", "%s"]
    assert argv_problem(opener) is not None  # printf's own %s is inside a string
    opener = ["sh", "-c", f'echo "$1" > {out}', "sh", "%s"]
    plan = plan_open({"id": "s1", "url": url}, folder, opener=opener, env={})
    assert plan.ok and plan.argv[-1] == url
    result = run_plan(plan)
    assert result == OpenResult("opened", f"opened {url} with sh")
    assert out.read_text(encoding="utf-8") == url + "\n"
    assert not marker.exists()


def test_an_appended_target_is_not_evaluated_either(folder: Path, tmp_path: Path) -> None:
    marker = tmp_path / "pwned"
    url = f"http://x/$(touch$IFS{marker})"
    plan = plan_open({"id": "s1", "url": url}, folder, opener=["sh", "-c", "echo"], env={})
    assert plan.ok and plan.argv == ("sh", "-c", "echo", url)
    assert run_plan(plan).ok
    assert not marker.exists()


def test_browser_variable_with_a_shell_string_is_refused(folder: Path) -> None:
    env = {"BROWSER": "sh -c 'firefox %s'"}
    plan = plan_open({"id": "s1", "url": "https://example.org/"}, folder, env=env)
    assert not plan.ok and "argument of its own" in (plan.refusal or "")
    env = {"BROWSER": "firefox %s"}
    plan = plan_open({"id": "s1", "url": "https://example.org/"}, folder, env=env)
    assert plan.argv == ("firefox", "https://example.org/")


# -- one URL rule for validation and the opener (issue 8)

URLS = [
    "https://example.org/a?b=1",
    "http://example.org/",
    "https://km.example.org/ព័ត៌មាន",
    "HTTP://example.org/",
    "Https://example.org/",
    "https://example.org/\u202egpj.exe",
    "https://example.org/a\u2066b",
    "https://example.org/a b",
    "https://example.org/a\n",
    "https://example.org/\u00a0",
    "https://example.org/\u200b",
    "https://example.org/{x}",
    "https://example.org/a`b`",
    "javascript:alert(1)",
    "https:///no-host",
    "http://[::1/",
    "http://example.org:port/",
]


@pytest.mark.parametrize("url", URLS)
def test_validation_and_the_opener_agree_on_every_url(folder: Path, url: str) -> None:
    from casefiles.validate import validate

    data = orjson.loads((DATA / "minimal.json").read_bytes())
    source = next(iter(data["sources"].values()))
    source["url"] = url
    source_id = source["id"]
    refused_by_validation = any(
        p.field == "url" and p.doc_id == source_id for p in validate(data, "minimal.json")
    )
    plan = plan_open({"id": source_id, "url": url}, folder, opener=["true"], env={})
    assert refused_by_validation == (not plan.ok), (url, plan.refusal)
    expected_ok = url in URLS[:3]
    assert plan.ok == expected_ok, (url, plan.refusal)


# -- failures are reported, never silent (issue 8)


def test_non_zero_exit_is_reported_with_the_programs_last_words(
    folder: Path, tmp_path: Path
) -> None:
    opener = _script(
        tmp_path, "opener", 'echo "first line" >&2\necho "no \\033[31mbrowser" >&2\nexit 3\n'
    )
    plan = plan_open({"id": "s1", "url": "https://example.org/"}, folder, opener=[opener], env={})
    result = run_plan(plan)
    assert result.status == "failed" and not result.ok
    assert result.message == "opener exited with status 3: no \\x1b[31mbrowser"


def test_exit_zero_is_opened_and_a_hang_is_a_timeout(folder: Path, tmp_path: Path) -> None:
    quick = _script(tmp_path, "quick", "exit 0\n")
    plan = plan_open({"id": "s1", "url": "https://example.org/"}, folder, opener=[quick], env={})
    assert run_plan(plan) == OpenResult("opened", "opened https://example.org/ with quick")
    slow = _script(tmp_path, "slow", "exec sleep 3\n")
    plan = plan_open({"id": "s1", "url": "https://example.org/"}, folder, opener=[slow], env={})
    result = run_plan(plan, timeout=0.2)
    assert result.status == "timeout" and "still running after 0.2 s" in result.message


def test_a_terminal_program_runs_inside_suspend_and_reports_its_status(
    folder: Path, tmp_path: Path
) -> None:
    from collections.abc import Iterator
    from contextlib import contextmanager

    calls: list[str] = []

    @contextmanager
    def suspend() -> Iterator[None]:
        calls.append("suspended")
        yield
        calls.append("resumed")

    pager = _script(tmp_path, "less", "exit 2\n")  # named like a terminal program
    plan = plan_open({"id": "s1", "file": "articles/a.txt"}, folder, opener=[pager], env={})
    assert plan.terminal
    result = run_plan(plan, suspend=suspend)
    assert calls == ["suspended", "resumed"]
    assert result == OpenResult("failed", "less exited with status 2")


def test_a_fifo_is_not_opened(folder: Path) -> None:
    os.mkfifo(folder / "articles" / "pipe.txt")
    plan = plan_open({"id": "s1", "file": "articles/pipe.txt"}, folder, env={})
    assert not plan.ok and "not a regular file" in (plan.refusal or "")


@sync
async def test_shift_o_says_when_the_opener_fails(hostile_store: Store, tmp_path: Path) -> None:
    """``O`` with an opener that exits 3: the app shows the status and what the
    program said (before: nothing at all)."""
    opener = _script(tmp_path, "opener", 'echo "no display found" >&2\nexit 3\n')
    config = Config(opener=[opener])
    app = make_app(hostile_store, config)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("5", "O")
        wanted = "opener exited with status 3: no display found"
        for _ in range(100):
            if any(n.message == wanted for n in app._notifications):
                break
            await pilot.pause(0.05)
        messages = [n.message for n in app._notifications]
        assert wanted in messages, messages
        assert app.is_running


def test_an_opener_killed_by_a_signal_says_so(folder: Path, tmp_path: Path) -> None:
    opener = _script(tmp_path, "opener", "kill -9 $$\n")
    plan = plan_open({"id": "s1", "url": "https://example.org/"}, folder, opener=[opener], env={})
    assert run_plan(plan) == OpenResult("failed", "opener was killed by signal 9")
