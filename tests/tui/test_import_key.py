"""``i`` in the browser: a local HTML file written here (nothing from the
network) becomes a source cited on the case shown, with the one-line result
and the suggestions; ``esc`` while it runs cancels it and nothing is stored
(the file read is a named pipe, so the import waits until the test lets it go
on, after the cancel)."""

from __future__ import annotations

import asyncio
import os
import threading
from pathlib import Path

from conftest import SIZE, make_app, sync

from casefiles import model
from casefiles.store import Store
from casefiles.tui.app import CaseFilesApp
from casefiles.tui.screens.importer import ImportScreen
from casefiles.tui.screens.main import MainScreen

ARTICLE = """<!doctype html>
<html><head><title>Court upholds verdict against rights workers</title>
<meta name="author" content="A. Reporter">
<meta property="article:published_time" content="2019-03-04">
</head><body>
<nav>Home | World | Cambodia | Sport</nav>
<article>
<h1>Court upholds verdict against rights workers</h1>
<p>The Appeal Court in Phnom Penh on Monday upheld the verdict against Ny Sokha and
Lim Mony, two staff members of the rights group ADHOC, in the witness bribery case.</p>
<p>Defence lawyers said they would take the case to the Supreme Court. The hearing
on 4 March 2019 lasted less than an hour, and the defendants were not present.</p>
<p>Rights groups called the ruling another blow to civil society in Cambodia.</p>
</article>
<footer>Share this story. Comments (3)</footer>
</body></html>
"""


def others(threads: set[threading.Thread]) -> list[threading.Thread]:
    """Threads started since (but asyncio's executor, which ``to_thread`` starts)."""
    return [
        t for t in threading.enumerate() if t not in threads and not t.name.startswith("asyncio")
    ]


def sources_in(store: Store) -> set[str]:
    return set(store.table(model.SOURCES))


def files_in(folder: Path) -> set[Path]:
    return {p for p in folder.rglob("*") if p.is_file()}


async def wait_until(pilot: object, done: object, seconds: float = 30) -> None:
    for _ in range(int(seconds / 0.05)):
        if done():  # type: ignore[operator]
            return
        await asyncio.sleep(0.05)
    raise AssertionError("timed out")


async def start_import(app: CaseFilesApp, pilot: object, target: str) -> ImportScreen:
    await pilot.press("i")  # type: ignore[attr-defined]
    await pilot.pause()  # type: ignore[attr-defined]
    screen = app.screen
    assert isinstance(screen, ImportScreen)
    from textual.widgets import Input

    screen.query_one(Input).value = target
    await pilot.press("enter")  # type: ignore[attr-defined]
    return screen


@sync
async def test_i_imports_a_local_html_file_and_cites_it_on_the_case(
    bundled_store: Store, tmp_path: Path
) -> None:
    store = bundled_store
    page = tmp_path / "appeal-ruling.html"
    page.write_text(ARTICLE, encoding="utf-8")
    before = sources_in(store)
    seq = store.log_seq
    app = make_app(store)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, MainScreen)
        case_id = app.screen.case_id
        assert case_id is not None
        screen = await start_import(app, pilot, str(page))
        await wait_until(pilot, lambda: screen.outcome is not None)
        assert screen.outcome == "imported", screen.lines
        new = sources_in(store) - before
        assert len(new) == 1
        source_id = new.pop()
        line = screen.lines[0]
        assert line.startswith(f"imported {source_id}: Court upholds verdict")
        assert f"cited on case {case_id}" in line
        shown = "\n".join(screen.lines)
        assert "parties named:" in shown and "Ny Sokha" in shown  # the suggestions
        assert store.log_seq > seq
        case = Store.load(store.path).get(model.CASES, case_id)  # durable
        assert case is not None
        assert {"source": source_id} in case["cites"]
        await pilot.press("escape")  # closes the box
        await pilot.pause()
        main = app.screen
        assert isinstance(main, MainScreen)
        ids = [row.id for row in main.pane("sources").rows()]
        assert source_id in ids  # the sources pane was drawn again
        # u undoes the import (the source and the case's cite), ctrl+r does it again.
        await pilot.press("u")
        await pilot.pause()
        assert store.get(model.SOURCES, source_id) is None
        assert {"source": source_id} not in store.get(model.CASES, case_id)["cites"]  # type: ignore[index]
        assert source_id not in [row.id for row in main.pane("sources").rows()]
        await pilot.press("ctrl+r")
        await pilot.pause()
        assert store.get(model.SOURCES, source_id) is not None
        assert {"source": source_id} in store.get(model.CASES, case_id)["cites"]  # type: ignore[index]
        assert Store.load(store.path).get(model.SOURCES, source_id) is not None
        # The same file again: found by its hash, nothing new.
        screen = await start_import(app, pilot, str(page))
        await wait_until(pilot, lambda: screen.outcome is not None)
        assert screen.outcome == "duplicate"
        assert screen.lines[0].startswith(f"already in the store as source {source_id}")
        assert sources_in(store) - before == {source_id}


@sync
async def test_i_with_a_missing_file_says_why_in_one_line(
    bundled_store: Store, tmp_path: Path
) -> None:
    before = sources_in(bundled_store)
    app = make_app(bundled_store)
    async with app.run_test(size=SIZE) as pilot:
        screen = await start_import(app, pilot, str(tmp_path / "nowhere.html"))
        await wait_until(pilot, lambda: screen.outcome is not None)
        assert screen.outcome == "failed"
        assert screen.lines == [f"not imported: {tmp_path / 'nowhere.html'}: no such file"]
        assert app.is_running
    assert sources_in(bundled_store) == before


@sync
async def test_esc_cancels_a_running_import_and_nothing_is_stored(
    bundled_store: Store, tmp_path: Path
) -> None:
    store = bundled_store
    pipe = tmp_path / "slow-page.html"
    os.mkfifo(pipe)
    before, seq = sources_in(store), store.log_seq
    folder_before = files_in(store.path.parent)
    app = make_app(store)
    released = threading.Event()

    def release() -> None:  # the writer end: the import reads the page once this runs
        if not released.is_set():
            released.set()
            with pipe.open("w", encoding="utf-8") as fh:
                fh.write(ARTICLE)

    try:
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            threads = set(threading.enumerate())
            screen = await start_import(app, pilot, str(pipe))
            await pilot.pause(0.3)
            assert screen.running
            assert "importing" in screen.progress and "esc cancels" in screen.progress
            await pilot.press("escape")
            await pilot.pause()
            assert isinstance(app.screen, MainScreen)
            assert screen.outcome == "cancelled"
            await asyncio.to_thread(release)  # the import goes on, then finds it was cancelled
            for _ in range(200):  # until the import's thread has ended
                if not others(threads):
                    break
                await asyncio.sleep(0.05)
            assert not others(threads)
            await pilot.pause()
            assert sources_in(store) == before
            assert store.log_seq == seq
            assert "Import cancelled" in "\n".join(n.message for n in app._notifications)
    finally:
        if not released.is_set():
            threading.Thread(target=release, daemon=True).start()
    assert files_in(store.path.parent) == folder_before  # no article or WARC left behind
    assert Store.load(store.path).log_seq == seq
