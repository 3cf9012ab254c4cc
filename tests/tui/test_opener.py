"""``O`` (open outside): the pure decision in ``plan_open`` — what is opened, with
which argv, and every refusal (no textual, no program is run)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from casefiles.tui.opener import check_url, plan_open, run_plan

ENV: dict[str, str] = {}


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
    assert run_plan(refused) == refused.refusal
    plan = plan_open(
        {"id": "s1", "url": "https://example.org/"},
        folder,
        opener=["/nonexistent/casefiles-no-such-opener"],
    )
    message = run_plan(plan)
    assert message is not None and "not found" in message
