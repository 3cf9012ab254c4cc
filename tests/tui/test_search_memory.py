"""Search that remembers (issue 12 item 6): ``/`` after opening a hit shows the
query, results and cursor as they were; earlier queries come back with ``up``,
``down`` and ``ctrl+r`` and are kept across runs in the user data folder (a
temporary folder here, through ``$CASEFILES_DATA_DIR``); a corrupt history file
is ignored with a notice; results page past the first 200 with a right count.

Real parts only: temporary copies of the bundled store and a generated store,
the real search index, Pilot key presses.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot

from casefiles.generate import write_generated
from casefiles.search import Hit
from casefiles.store import Store
from casefiles.tui.app import CaseFilesApp
from casefiles.tui.recall import MAX_QUERIES, QueryHistory, history_file
from casefiles.tui.screens.main import MainScreen
from casefiles.tui.screens.party import PartyScreen
from casefiles.tui.screens.search import LIMIT, ResultList, SearchInput, SearchScreen
from tests.tui.conftest import make_app, sync

TIMEOUT = 60.0


@pytest.fixture(autouse=True)
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The user data folder of these tests: a fresh temporary one."""
    folder = tmp_path / "userdata"
    monkeypatch.setenv("CASEFILES_DATA_DIR", str(folder))
    return folder


async def until(pilot: Pilot[Any], check: Callable[[], bool], what: str) -> None:
    deadline = time.monotonic() + TIMEOUT
    while not check():
        assert pilot.app.is_running, "the app stopped"
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        await pilot.pause(0.02)


async def open_search(pilot: Pilot[Any]) -> SearchScreen:
    app = pilot.app
    await until(pilot, lambda: getattr(app, "search_index", None) is not None, "the index")
    await pilot.press("slash")
    await until(pilot, lambda: isinstance(app.screen, SearchScreen), "the search screen")
    screen = app.screen
    assert isinstance(screen, SearchScreen)
    await pilot.pause()
    return screen


async def leave_on_a_sokha_hit(
    app: CaseFilesApp, pilot: Pilot[Any]
) -> tuple[SearchScreen, ResultList, Hit]:
    """Search "sokha", put the cursor on the third hit and close the search
    screen (kept, to come back to); the screen, its list and that hit."""
    screen = await open_search(pilot)
    await type_query(pilot, screen, "sokha")
    await pilot.press("down", "down")
    results = screen.query_one(ResultList)
    hit = results.current
    assert hit is not None
    await pilot.press("escape")
    await until(pilot, lambda: not isinstance(app.screen, SearchScreen), "closed")
    return screen, results, hit


async def type_query(pilot: Pilot[Any], screen: SearchScreen, text: str) -> None:
    await pilot.press(*[("space" if ch == " " else ch) for ch in text])
    await settled(pilot, screen)


async def settled(pilot: Pilot[Any], screen: SearchScreen) -> None:
    """Wait for the results of what is in the box."""
    query = screen.query_one(SearchInput).value
    await until(
        pilot,
        lambda: screen.shown_query == query and not screen._loading_more,
        f"results for {query!r}",
    )
    await pilot.pause()


def box(screen: SearchScreen) -> str:
    return screen.query_one(SearchInput).value


def status(screen: SearchScreen) -> str:
    return str(screen.query_one("#search-status").render())


def hits(screen: SearchScreen) -> list[tuple[str, str]]:
    return [(h.kind, h.id) for h in screen.query_one(ResultList).hits]


# -- the history file, without an app


def test_history_is_bounded_deduplicated_and_written_atomically(data_dir: Path) -> None:
    history = QueryHistory.load()
    assert history.queries == [] and history.problem is None
    for n in range(MAX_QUERIES + 20):
        history.add(f"query {n}")
    history.add("query 30")  # used again: moves to the end, not kept twice
    history.add("   ")  # blank: not kept
    history.add("x" * 10_000)  # a pasted text: not kept
    assert history.save()
    assert history_file() == data_dir / "search-history.json"
    again = QueryHistory.load()
    assert len(again) == MAX_QUERIES
    assert again.queries[-1] == "query 30" and again.queries.count("query 30") == 1
    assert "query 0" not in again.queries  # the oldest went first
    assert [p.name for p in data_dir.iterdir()] == ["search-history.json"]  # no temp left
    assert again.search_back("QUERY 21") == again.queries.index("query 219")  # newest first
    assert again.search_back("QUERY 21", again.queries.index("query 210")) == 1
    assert again.search_back("nowhere") is None


@pytest.mark.parametrize(
    "content",
    [b"{not json", b'{"a": 1}', b"\xff\xfe\x00garbage", b"[" * 100_000],
    ids=["broken", "not-a-list", "not-utf8", "deep"],
)
def test_a_corrupt_history_file_is_ignored_with_a_reason(data_dir: Path, content: bytes) -> None:
    data_dir.mkdir(parents=True)
    (data_dir / "search-history.json").write_bytes(content)
    history = QueryHistory.load()
    assert history.queries == []
    assert history.problem is not None and "ignored" in history.problem
    history.add("kem sokha")
    assert history.save()  # the next save replaces it
    assert json.loads((data_dir / "search-history.json").read_text(encoding="utf-8")) == [
        "kem sokha"
    ]


def test_an_unwritable_folder_is_a_problem_not_an_exception(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder", encoding="utf-8")
    history = QueryHistory(blocker / "sub" / "search-history.json")
    history.add("kem")
    assert history.save() is False
    assert history.problem is not None and "not saved" in history.problem


# -- the search screen remembers


@sync
async def test_slash_after_opening_a_hit_restores_query_results_and_cursor(
    bundled_store: Store,
) -> None:
    app = make_app(bundled_store)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_search(pilot)
        await type_query(pilot, screen, "sokha")
        shown = hits(screen)
        assert len(shown) >= 4
        await pilot.press("down", "down", "down")
        results = screen.query_one(ResultList)
        assert results.cursor == 3
        chosen = results.current
        assert chosen is not None
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, MainScreen | PartyScreen), "the hit")
        await pilot.press("slash")
        await until(pilot, lambda: isinstance(app.screen, SearchScreen), "search again")
        await pilot.pause()
        again = app.screen
        assert again is screen
        assert box(again) == "sokha"
        assert hits(again) == shown
        assert again.query_one(ResultList).cursor == 3
        assert again.query_one(ResultList).current == chosen
        assert again.focused is again.query_one(SearchInput)
        # esc keeps it too
        await pilot.press("escape")
        await until(pilot, lambda: not isinstance(app.screen, SearchScreen), "closed")
        await pilot.press("slash")
        await until(pilot, lambda: isinstance(app.screen, SearchScreen), "search again")
        await pilot.pause()
        assert box(app.screen) == "sokha"  # type: ignore[arg-type]


@sync
async def test_up_down_and_ctrl_r_recall_earlier_queries(bundled_store: Store) -> None:
    app = make_app(bundled_store)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_search(pilot)
        for query in ("kem sokha", "tep vanny", "adhoc"):
            await type_query(pilot, screen, query)
            await pilot.press("escape")
            await until(pilot, lambda: not isinstance(app.screen, SearchScreen), "closed")
            await pilot.press("slash")
            await until(pilot, lambda: isinstance(app.screen, SearchScreen), "search")
            await pilot.press("ctrl+u")  # empty the box (Input's delete to start)
            await settled(pilot, screen)
        assert box(screen) == ""
        await pilot.press("up")
        assert box(screen) == "adhoc"
        await settled(pilot, screen)
        assert "earlier query 1 of 3" in status(screen)
        await pilot.press("up", "up")
        assert box(screen) == "kem sokha"
        await pilot.press("up")  # nothing older: stays
        assert box(screen) == "kem sokha"
        await pilot.press("down")
        assert box(screen) == "tep vanny"
        await pilot.press("down")
        assert box(screen) == "adhoc"
        await settled(pilot, screen)
        # past the newest with nothing typed before: the query stays and down
        # goes on into its results
        assert hits(screen) and screen.query_one(ResultList).cursor == 0
        await pilot.press("down")
        assert box(screen) == "adhoc"
        assert screen.query_one(ResultList).cursor == 1
        assert "earlier query" not in status(screen)
        await pilot.press("up", "up")  # back to the first result, then the history
        assert box(screen) == "tep vanny"
        await pilot.press("down", "down")
        assert box(screen) == "adhoc"
        # ctrl+r: the newest earlier query containing the typed text, again older
        await pilot.press("ctrl+u")
        await pilot.press("o", "k")
        await settled(pilot, screen)
        await pilot.press("ctrl+r")
        assert box(screen) == "kem sokha"  # "ok" is in "kem sokha" only
        await pilot.press("ctrl+u", "a")
        await settled(pilot, screen)
        await pilot.press("ctrl+r")
        assert box(screen) == "adhoc"
        await pilot.press("ctrl+r")
        assert box(screen) == "tep vanny"
        await pilot.press("ctrl+r")
        assert box(screen) == "kem sokha"
        await pilot.press("ctrl+r")  # none older: stays, says so
        assert box(screen) == "kem sokha"
        await pilot.pause()
        assert any("No earlier query" in n.message for n in app._notifications)
        # typing leaves the history: up (on the first result) starts from the newest
        await pilot.press("ctrl+u", "z", "z", "z", "q")
        await settled(pilot, screen)
        assert not hits(screen)
        await pilot.press("up")
        assert box(screen) == "adhoc"
        await pilot.press("down")
        assert box(screen) == "zzzq"  # back to what was typed


@sync
async def test_the_history_is_kept_across_two_runs(bundled_store: Store, data_dir: Path) -> None:
    first = make_app(bundled_store)
    async with first.run_test(size=(120, 40)) as pilot:
        screen = await open_search(pilot)
        await type_query(pilot, screen, "chin malin")
        await pilot.press("enter")
        await until(pilot, lambda: not isinstance(first.screen, SearchScreen), "the hit")
    saved = json.loads((data_dir / "search-history.json").read_text(encoding="utf-8"))
    assert saved == ["chin malin"]
    second = make_app(bundled_store)
    async with second.run_test(size=(120, 40)) as pilot:
        screen = await open_search(pilot)
        assert box(screen) == ""
        await pilot.press("up")
        assert box(screen) == "chin malin"
        await settled(pilot, screen)
        assert ("party", "chin-malin") in hits(screen)


@sync
async def test_a_corrupt_history_file_gives_a_notice_and_search_works(
    bundled_store: Store, data_dir: Path
) -> None:
    data_dir.mkdir(parents=True)
    (data_dir / "search-history.json").write_bytes(b'["ok", {"broken": ')
    app = make_app(bundled_store)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_search(pilot)
        await pilot.pause()
        assert any("search-history.json" in n.message for n in app._notifications)
        await pilot.press("up")  # nothing to recall, no traceback
        await type_query(pilot, screen, "sokha")
        assert hits(screen)
        await pilot.press("escape")
        await until(pilot, lambda: not isinstance(app.screen, SearchScreen), "closed")
    saved = json.loads((data_dir / "search-history.json").read_text(encoding="utf-8"))
    assert saved == ["sokha"]


# -- pages past the first 200


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("gen")
    path = folder / "casefiles.json"
    write_generated(path, 1234)
    return path


@sync
async def test_results_page_past_the_first_200_with_a_right_count(
    generated: Path, tmp_path: Path
) -> None:
    store = Store.load(generated)
    app = CaseFilesApp(store)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_search(pilot)
        await type_query(pilot, screen, "kind:case")
        results = screen.query_one(ResultList)
        assert len(results.hits) == LIMIT
        assert status(screen).startswith(f"{LIMIT} of 1,234 hits"), status(screen)
        # scrolling down to near the end fetches the next page, cursor kept
        await pilot.press("pagedown")
        while results.cursor < LIMIT - results.page - 1:
            await pilot.press("pagedown")
        await settled(pilot, screen)
        await until(pilot, lambda: len(results.hits) == 2 * LIMIT, "the second page")
        at = results.cursor
        assert at >= LIMIT - results.page - 1
        await settled(pilot, screen)
        assert status(screen).startswith(f"{2 * LIMIT} of 1,234 hits"), status(screen)
        assert results.cursor == at
        ids = [h.id for h in results.hits]
        assert len(set(ids)) == len(ids)  # no hit twice
        # to the very end: every case, counted right
        for _ in range(40):
            if len(results.hits) == 1234:
                break
            results.move_to(len(results.hits) - 1)
            await settled(pilot, screen)
        assert len(results.hits) == 1234
        assert status(screen).startswith("1,234 hits"), status(screen)
        assert {h.id for h in results.hits} == set(store.table("cases"))


@sync
async def test_a_store_changed_meanwhile_is_searched_again_keeping_the_hit(
    bundled_store: Store,
) -> None:
    from casefiles import model

    app = make_app(bundled_store)
    async with app.run_test(size=(120, 40)) as pilot:
        screen, results, hit = await leave_on_a_sokha_hit(app, pilot)
        first = screen.result
        party = {"id": "sokha-newcomer", "name": "Sokha", "kind": "person"}
        bundled_store.put(model.PARTIES, party, reason="test: a change while search is closed")
        await pilot.press("slash")
        await until(pilot, lambda: isinstance(app.screen, SearchScreen), "search again")
        await until(pilot, lambda: screen.result is not first, "the search run again")
        await settled(pilot, screen)
        assert box(screen) == "sokha"
        assert results.current is not None
        assert (results.current.kind, results.current.id) == (hit.kind, hit.id)


@sync
async def test_paging_a_word_query_stops_where_the_index_stops(generated: Path) -> None:
    """A word query's estimate may exceed what the index lists: paging ends when
    a page is not full (no endless re-runs), and the count says what is listed."""
    store = Store.load(generated)
    app = CaseFilesApp(store)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_search(pilot)
        await type_query(pilot, screen, "court")
        results = screen.query_one(ResultList)
        for _ in range(30):
            size = len(results.hits)
            results.move_to(size - 1)
            await pilot.pause(0.05)
            await settled(pilot, screen)
            if len(results.hits) == size:
                break
        assert len(results.hits) > LIMIT, "the query should match more than a page"
        size = len(results.hits)
        await pilot.pause(0.5)
        assert len(results.hits) == size and not screen._loading_more
        shown = status(screen)
        assert "more below" not in shown and "loading" not in shown, shown
        assert shown.startswith(f"{size:,} hits") or " of " in shown, shown
        # an index that estimates more than it lists (large stores): a page that
        # brings nothing new ends the paging instead of asking again and again
        from casefiles.search import SearchResult

        hits = list(results.hits)
        results.move_to(0)  # far from the end: no real page is asked for meanwhile
        await pilot.pause(0.1)
        screen.limit = len(hits)
        screen._loading_more = True
        estimate = SearchResult("court", hits, total=10 * len(hits), total_exact=False)
        screen.post_message(SearchScreen.Results(estimate, 0.0))
        await until(pilot, lambda: screen.result is estimate, "the estimated page")
        screen.limit = len(hits) + LIMIT
        screen._loading_more = True
        screen.post_message(SearchScreen.Results(estimate, 0.0))
        await pilot.pause(0.3)
        assert not screen._loading_more and screen._exhausted
        results.move_to(len(hits) - 1)
        await pilot.pause(0.3)
        assert not screen._loading_more  # no endless re-runs at the end
        assert "more below" not in status(screen) and "loading" not in status(screen)


@sync
async def test_an_edit_in_the_browser_is_found_when_search_opens_again(
    bundled_store: Store,
) -> None:
    """After a change made in the browser the app builds the index again; the
    kept search screen searches that index (the new party is found) and keeps
    the cursor on the hit it was on."""
    from casefiles import model

    app = make_app(bundled_store)
    async with app.run_test(size=(120, 40)) as pilot:
        screen, results, hit = await leave_on_a_sokha_hit(app, pilot)
        old_index = screen.index
        party = {"id": "sokha-newcomer", "name": "Sokha Newcomer", "kind": "person"}
        bundled_store.put(model.PARTIES, party, reason="test: an edit in the browser")
        app.redraw_after_change()
        await pilot.press("slash")
        await until(pilot, lambda: isinstance(app.screen, SearchScreen), "search again")
        await until(pilot, lambda: screen.index is not old_index, "the new index")
        await until(
            pilot, lambda: ("party", "sokha-newcomer") in hits(screen), "the new party found"
        )
        await settled(pilot, screen)
        assert results.current is not None
        assert (results.current.kind, results.current.id) == (hit.kind, hit.id)


@sync
async def test_a_history_folder_that_cannot_be_written_is_said_once(
    bundled_store: Store, data_dir: Path
) -> None:
    data_dir.parent.mkdir(parents=True, exist_ok=True)
    data_dir.write_text("a file where the folder should be", encoding="utf-8")
    app = make_app(bundled_store)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_search(pilot)
        for query in ("sokha", "malin", "vanny"):
            await pilot.press("ctrl+u")
            await type_query(pilot, screen, query)
            await pilot.press("escape")
            await until(pilot, lambda: not isinstance(app.screen, SearchScreen), "closed")
            await pilot.press("slash")
            await until(pilot, lambda: isinstance(app.screen, SearchScreen), "search")
        said = [n.message for n in app._notifications if n.title == "search history"]
        assert len([m for m in said if "not saved" in m]) == 1, said
        assert len([m for m in said if "cannot be read" in m]) == 1, said
        await pilot.press("ctrl+u", "up")  # the queries are still recalled this session
        assert box(screen) == "vanny"


@sync
async def test_ctrl_r_then_typing_refines_the_reverse_search_like_a_shell(
    bundled_store: Store, data_dir: Path
) -> None:
    data_dir.mkdir(parents=True)
    (data_dir / "search-history.json").write_text(
        json.dumps(["kem sokha", "tep vanny", "adhoc", "sokha appeal"]), encoding="utf-8"
    )
    app = make_app(bundled_store)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_search(pilot)
        await pilot.press("ctrl+r")  # nothing typed: the newest query
        assert box(screen) == "sokha appeal"
        await pilot.press("v")  # the pattern is now "v": typing searches, it does not edit
        assert box(screen) == "tep vanny"
        await settled(pilot, screen)
        assert "reverse search 'v'" in status(screen)
        await pilot.press("ctrl+r")  # no older query has a v: the match stays
        assert box(screen) == "tep vanny"
        await pilot.press("x")  # failing: the last match stays, and says so
        assert box(screen) == "tep vanny"
        assert "failing reverse search 'vx'" in status(screen)
        await pilot.press("escape")  # ends the reverse search, keeps the query
        assert isinstance(app.screen, SearchScreen) and box(screen) == "tep vanny"
        await pilot.press("a")  # now typing edits the query again
        assert box(screen) == "tep vannya"
        # a pattern typed first, then ctrl+r, then refined
        await pilot.press("ctrl+u", "s", "o")
        await settled(pilot, screen)
        await pilot.press("ctrl+r")
        assert box(screen) == "sokha appeal"
        await pilot.press("ctrl+r")
        assert box(screen) == "kem sokha"
        await pilot.press("space", "s")  # "so s": in no query
        assert box(screen) == "kem sokha"
        await pilot.press("escape", "escape")  # end the search, then close
        await until(pilot, lambda: not isinstance(app.screen, SearchScreen), "closed")
