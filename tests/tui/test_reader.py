"""The article reader (``o``): opens at the first cited quote, ``n``/``N`` move
between quotes, hostile article text is shown literally, missing text is
explained.  Stores are temporary copies of the bundled case file with extra
sources added to them (real files, real ``Store.load``)."""

from __future__ import annotations

import asyncio
import functools
import json
import shutil
import time
from collections.abc import Callable, Coroutine
from pathlib import Path
from typing import Any

import pytest
from textual.app import App

from casefiles.article import display_text, find_marks, wrap_rows
from casefiles.store import Store
from casefiles.tui.screens.reader import ArticleView, ReaderScreen

DATA = Path(__file__).resolve().parents[2] / "data"
SEED = "s01"
HOSTILE = (
    b"Hostile article\n"
    b"\x1b[2J\x1b]52;c;aGVsbG8=\x07 [@click=app.quit]click me[/] [bold]not bold[/bold]\n"
    b"bad utf8: \xff\xfe end \xe2\x80\xae reversed\n"
    b"The court said Kem Sokha was guilty.\n"
)


def add_sources(folder: Path, sources: list[dict[str, object]]) -> None:
    """Append sources to the store file in ``folder`` (TinyDB layout)."""
    path = folder / "casefiles.json"
    data = json.loads(path.read_text(encoding="utf-8"))
    table = data["sources"]
    key = max(int(k) for k in table) + 1
    for i, doc in enumerate(sources):
        table[str(key + i)] = doc
    path.write_text(json.dumps(data, ensure_ascii=False, indent=2), encoding="utf-8")


@pytest.fixture()
def store(tmp_path: Path) -> Store:
    folder = tmp_path / "store"
    shutil.copytree(DATA, folder)
    long_text = "\n\n".join(f"Paragraph {i} says nothing of note." for i in range(200))
    long_text += "\n\nHere the court ruled   that the\nACCUSED was “guilty as charged”.\n"
    long_text += "\n\n".join(f"Later paragraph {i}." for i in range(50))
    long_text += "\n\nFinally the appeal court said 'guilty as charged' again.\n"
    (folder / "articles" / "long.txt").write_text(long_text, encoding="utf-8")
    (folder / "articles" / "hostile.txt").write_bytes(HOSTILE)
    add_sources(
        folder,
        [
            {"id": "long", "title": "A long article", "kind": "news", "file": "articles/long.txt"},
            {
                "id": "hostile",
                "title": "Hostile [@click=app.quit]title[/]",
                "kind": "news",
                "file": "articles/hostile.txt",
            },
            {
                "id": "nofile",
                "title": "Only a link",
                "publisher": "Example News",
                "url": "https://example.org/only-a-link",
                "kind": "news",
            },
            {"id": "gone", "title": "Deleted file", "kind": "news", "file": "articles/gone.txt"},
        ],
    )
    return Store.load(folder / "casefiles.json")


def sync(fn: Callable[..., Coroutine[Any, Any, None]]) -> Callable[..., None]:
    """Run an async pilot test with ``asyncio.run`` (no async pytest plugin needed)."""

    @functools.wraps(fn)
    def run(*args: Any, **kwargs: Any) -> None:
        asyncio.run(fn(*args, **kwargs))

    return run


class Host(App[None]):
    """A bare app that shows one reader screen."""

    def __init__(self, screen: ReaderScreen) -> None:
        super().__init__()
        self.reader = screen

    def on_mount(self) -> None:
        self.push_screen(self.reader)


async def wait_loaded(pilot: object, screen: ReaderScreen, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while not screen.loaded:
        assert time.monotonic() < deadline, "the article did not load"
        assert pilot.app.is_running, "the app stopped"
        await pilot.pause(0.05)  # type: ignore[attr-defined]
    await pilot.pause()  # type: ignore[attr-defined]


def visible_text(screen: ReaderScreen) -> str:
    view = screen.query_one(ArticleView)
    return "\n".join(view.render_line(y).text for y in range(view.size.height))


def status(screen: ReaderScreen) -> str:
    return str(screen.query_one("#reader-status").render())


@sync
async def test_opens_at_first_quote_and_n_moves_between_quotes(store: Store) -> None:
    screen = ReaderScreen(store, "long", ["guilty as charged", "not in the text"], ["Kem Sokha"])
    async with Host(screen).run_test(size=(80, 24)) as pilot:
        await wait_loaded(pilot, screen)
        view = screen.query_one(ArticleView)
        assert view.article is not None
        quotes = view.article.marks.quotes
        assert len(quotes) == 2  # curly and straight quote marks both match
        assert view.current == 0
        assert view.scroll_y > 100  # opened far down, at the quote
        assert "guilty as charged" in visible_text(screen)
        assert "quote 1/2" in status(screen)
        assert "quote not found in the article: “not in the text”" in status(screen)
        await pilot.press("n")
        assert view.current == 1 and "quote 2/2" in status(screen)
        assert "again" in visible_text(screen)
        await pilot.press("n")
        assert view.current == 0  # wraps around
        await pilot.press("N")
        assert view.current == 1
        await pilot.press("N")
        assert view.current == 0
        await pilot.press("escape")
        assert not isinstance(pilot.app.screen, ReaderScreen)


@sync
async def test_hostile_article_is_shown_literally(store: Store) -> None:
    screen = ReaderScreen(store, "hostile", ["kem  SOKHA was guilty"], ["Kem Sokha"])
    app = Host(screen)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_loaded(pilot, screen)
        text = visible_text(screen)
        assert "\\x1b[2J\\x1b]52;c;aGVsbG8=\\x07" in text
        assert "[@click=app.quit]click me[/] [bold]not bold[/bold]" in text
        assert "bad utf8: \ufffd\ufffd end \\u202e reversed" in text
        assert "\x1b" not in text and "\u202e" not in text
        head = str(screen.query_one("#reader-head").render())
        assert "Hostile [@click=app.quit]title[/]" in head
        assert "quote 1/1" in status(screen)
        for key in ("n", "j", "G", "g"):
            await pilot.press(key)
        assert app.is_running and isinstance(app.screen, ReaderScreen)


@sync
async def test_source_without_file_shows_metadata(store: Store) -> None:
    screen = ReaderScreen(store, "nofile", ["anything"], [])
    async with Host(screen).run_test(size=(80, 24)) as pilot:
        await wait_loaded(pilot, screen)
        text = visible_text(screen)
        assert "There is no stored text for this source" in text
        assert "URL: https://example.org/only-a-link" in text
        assert "Example News" in str(screen.query_one("#reader-head").render())
        assert "no stored text" in status(screen)
        await pilot.press("n")  # nothing to jump to: no crash


@sync
async def test_missing_file_is_explained(store: Store) -> None:
    screen = ReaderScreen(store, "gone", [], [])
    async with Host(screen).run_test(size=(80, 24)) as pilot:
        await wait_loaded(pilot, screen)
        assert "is missing" in visible_text(screen)
        assert "is missing" in status(screen)


@sync
async def test_huge_single_line_article_stays_responsive(store: Store) -> None:
    big = store.folder / "articles" / "big.txt"
    chunk = "x" * 1000 + " \x1b[31m [@click=app.quit] needle " + "y" * 1000 + " "
    big.write_text(chunk * (10 * 1024 * 1024 // len(chunk)), encoding="utf-8")
    store.by_id["sources"]["big"] = {"id": "big", "title": "Big", "file": "articles/big.txt"}
    screen = ReaderScreen(store, "big", ["needle"], [])
    async with Host(screen).run_test(size=(80, 24)) as pilot:
        await wait_loaded(pilot, screen, timeout=120)
        view = screen.query_one(ArticleView)
        assert view.article is not None and len(view.article.marks.quotes) > 1000
        assert "needle" in visible_text(screen)
        await pilot.press("G")
        await pilot.press("N")


def test_quote_matching_forgives_case_space_and_quote_marks() -> None:
    text = display_text("He said “Do not\n   PERSECUTE” — it’s over.\r\nEnd")
    marks = find_marks(text, ['"do not persecute"', "it's over", "absent words"], ["HE"])
    found = [text[a:b] for a, b, _ in marks.quotes]
    assert found == ["Do not\n   PERSECUTE", "it’s over"]
    assert marks.missing == ["absent words"]
    assert [text[a:b] for a, b in marks.names] == ["He"]


def test_wrap_rows_breaks_at_spaces_and_newlines() -> None:
    text = "aaa bbb ccc\n\ndddddddddd"
    starts, ends = wrap_rows(text, 7)
    rows = [text[a:b] for a, b in zip(starts, ends, strict=True)]
    assert rows == ["aaa bbb", "ccc", "", "ddddddd", "ddd"]
    wide = "កឹម សុខា 你好你好"
    s2, e2 = wrap_rows(wide, 4)
    assert "".join(wide[a:b] for a, b in zip(s2, e2, strict=True)).replace(" ", "") == (
        wide.replace(" ", "")
    )


@sync
async def test_reader_keys_follow_the_config_keymap(store: Store) -> None:
    """Reader keys carry ids from the key table, so the config file remaps them."""
    screen = ReaderScreen(store, "long", ["guilty as charged", "again"], [])
    host = Host(screen)
    async with host.run_test(size=(80, 24)) as pilot:
        host.set_keymap({"casefiles.next_quote": "x", "casefiles.reader_close": "z"})
        await wait_loaded(pilot, screen)
        view = screen.query_one(ArticleView)
        start = view.current
        await pilot.press("n")  # no longer bound
        assert view.current == start
        await pilot.press("x")
        assert view.current != start
        await pilot.press("z")
        assert not isinstance(pilot.app.screen, ReaderScreen)
