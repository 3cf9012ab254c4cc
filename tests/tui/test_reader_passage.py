"""The reader opened at a given quote or passage, and a passage selected in it
becoming a cite: ``v`` starts a selection, the arrows extend it by line and
word, ``c`` posts ``CitePassage`` with the source and the exact text (and, in
the browser, the cite form opens with them).  Real store copies, Pilot."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import pytest
from textual.app import App
from textual.pilot import Pilot

from casefiles.article import find_passage, passage_text, previous_word_end, word_end
from casefiles.search import SearchIndex
from casefiles.store import Store
from casefiles.tui.messages import CitePassage, ReadSource
from casefiles.tui.screens.reader import ArticleView, ReaderScreen
from tests.tui.conftest import make_app, sync
from tests.tui.test_reader import store, visible_text, wait_loaded

__all__ = ["store"]  # the fixture, shared with test_reader

SIZES = [(80, 24), (120, 40)]
HERE = "Here the court ruled"


class Host(App[None]):
    """A bare app showing one reader and keeping the cites it asks for."""

    def __init__(self, screen: ReaderScreen) -> None:
        super().__init__()
        self.reader = screen
        self.cited: list[tuple[str, str]] = []

    def on_mount(self) -> None:
        self.push_screen(self.reader)

    def on_cite_passage(self, message: CitePassage) -> None:
        self.cited.append((message.source_id, message.quote))


def status(screen: ReaderScreen) -> str:
    return str(screen.query_one("#reader-status").render())


def selected(screen: ReaderScreen) -> str:
    view = screen.query_one(ArticleView)
    assert view.article is not None and view.selection is not None
    return view.article.text[view.selection[0] : view.selection[1]]


# -- the core helpers


def test_passage_helpers_on_plain_text() -> None:
    text = "One two  three\nfour five."
    assert find_passage(text, "two three four") == (4, 19)
    assert find_passage(text, "nothing here at all") is None
    # a snippet whose ends were cut mid-word is still found by its inner words
    assert find_passage(text, "ne two three four fiv") is not None
    assert word_end(text, 0) == 3 and word_end(text, 3) == 7
    assert previous_word_end(text, 14, 0) == 7
    assert previous_word_end(text, 3, 0) == 3  # never below the first word
    assert passage_text(text, 4, 19) == "two three four"


# -- opening at a quote or a passage


@sync
async def test_opens_at_the_quote_asked_for_not_the_first(store: Store) -> None:
    quotes = ["guilty as charged", "appeal court said"]
    screen = ReaderScreen(store, "long", quotes, [], quote="appeal court said")
    async with Host(screen).run_test(size=(80, 24)) as pilot:
        await wait_loaded(pilot, screen)
        view = screen.query_one(ArticleView)
        assert view.article is not None
        # by position: "guilty as charged", then "the appeal court said 'guilty as charged'"
        assert [n for _, _, n in view.article.marks.quotes] == [0, 1, 0]
        assert view.current == 1
        assert "quote 2/3" in status(screen)
        assert "appeal court said" in visible_text(screen)


@sync
async def test_a_quote_not_among_the_case_quotes_is_added_and_opened_at(store: Store) -> None:
    screen = ReaderScreen(store, "long", ["guilty as charged"], [], quote="later  PARAGRAPH 7.")
    async with Host(screen).run_test(size=(80, 24)) as pilot:
        await wait_loaded(pilot, screen)
        view = screen.query_one(ArticleView)
        assert view.article is not None and view.current is not None
        start, end, number = view.article.marks.quotes[view.current]
        assert number == 1 and view.article.text[start:end] == "Later paragraph 7"
        assert "Later paragraph 7." in visible_text(screen)


@sync
async def test_opens_at_a_passage_across_a_line_end(store: Store) -> None:
    screen = ReaderScreen(
        store, "long", ["guilty as charged"], [], passage="the court ruled that the ACCUSED was"
    )
    async with Host(screen).run_test(size=(80, 24)) as pilot:
        await wait_loaded(pilot, screen)
        view = screen.query_one(ArticleView)
        assert view.article is not None and view.passage is not None
        a, b = view.passage
        assert view.article.text[a:b] == "the court ruled   that the\nACCUSED was"
        assert view.scroll_y > 100
        assert "court ruled" in visible_text(screen)
        assert not screen.passage_missing and "not found" not in status(screen)


@sync
async def test_the_matched_words_of_a_passage_are_marked(store: Store) -> None:
    screen = ReaderScreen(
        store, "long", [], [], passage="Here the court ruled that the ACCUSED", matched="RULED that"
    )
    async with Host(screen).run_test(size=(80, 24)) as pilot:
        await wait_loaded(pilot, screen)
        view = screen.query_one(ArticleView)
        assert view.article is not None and view.passage is not None
        a, b = view.passage
        assert view.article.text[a:b] == "ruled   that"
        await pilot.press("v")
        assert selected(screen) == "ruled   that"  # the selection starts there


@sync
async def test_a_passage_offset_opens_at_that_word(store: Store) -> None:
    screen = ReaderScreen(store, "long", [], [], passage=5_000)
    async with Host(screen).run_test(size=(80, 24)) as pilot:
        await wait_loaded(pilot, screen)
        view = screen.query_one(ArticleView)
        assert view.article is not None and view.passage is not None
        a, b = view.passage
        assert a <= 5_000 <= b and " " not in view.article.text[a:b]
        assert view.row_of(a) - 2 <= view.scroll_y <= view.row_of(a)


@sync
async def test_a_passage_not_found_is_said_and_the_first_quote_shown(store: Store) -> None:
    screen = ReaderScreen(
        store, "long", ["guilty as charged"], [], passage="words this article never uses"
    )
    async with Host(screen).run_test(size=(80, 24)) as pilot:
        await wait_loaded(pilot, screen)
        view = screen.query_one(ArticleView)
        assert screen.passage_missing and view.passage is None
        assert "passage searched for was not found" in status(screen)
        assert view.current == 0


# -- selecting a passage and citing it


@sync
async def test_v_arrows_and_c_cite_the_exact_passage(store: Store) -> None:
    screen = ReaderScreen(store, "long", ["guilty as charged"], [], passage=HERE)
    app = Host(screen)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_loaded(pilot, screen)
        await pilot.press("v")
        assert selected(screen) == HERE  # starts at the passage on screen
        assert "selected 4 words" in status(screen)
        await pilot.press("right", "right", "right")
        assert selected(screen) == "Here the court ruled   that the\nACCUSED"
        await pilot.press("left")
        assert selected(screen) == "Here the court ruled   that the"
        await pilot.press("down")  # to the end of the next line
        assert (
            selected(screen) == "Here the court ruled   that the\nACCUSED was “guilty as charged”."
        )
        await pilot.press("up")
        assert selected(screen) == "Here the court ruled   that the"
        await pilot.press("left", "left", "left", "left", "left", "left")
        assert selected(screen) == "Here"  # never less than a word
        await pilot.press("right", "right", "right", "right", "right", "c")
        await pilot.pause()
        assert app.cited == [("long", "Here the court ruled that the")]
        assert screen.query_one(ArticleView).selection is None
        assert app.screen is screen


@sync
async def test_v_without_passage_or_quote_starts_at_the_top_line(store: Store) -> None:
    screen = ReaderScreen(store, "long", [], [])
    app = Host(screen)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_loaded(pilot, screen)
        await pilot.press("v")
        assert selected(screen) == "Paragraph"
        await pilot.press("j", "j")  # j extends by a line too
        assert (
            selected(screen)
            == "Paragraph 0 says nothing of note.\n\nParagraph 1 says nothing of note."
        )
        await pilot.press("c")
        await pilot.pause()
    assert app.cited == [
        ("long", "Paragraph 0 says nothing of note. Paragraph 1 says nothing of note.")
    ]


@sync
async def test_v_starts_at_the_current_quote_and_c_alone_cites_it(store: Store) -> None:
    screen = ReaderScreen(store, "long", ["guilty as charged"], [])
    app = Host(screen)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_loaded(pilot, screen)
        await pilot.press("c")  # no selection: the current quote
        await pilot.pause()
        assert app.cited == [("long", "guilty as charged")]
        await pilot.press("v")
        assert selected(screen) == "guilty as charged"
        await pilot.press("right", "c")
        await pilot.pause()
    assert app.cited[1] == ("long", "guilty as charged”.")


@sync
async def test_esc_and_v_drop_the_selection_before_esc_closes(store: Store) -> None:
    screen = ReaderScreen(store, "long", ["guilty as charged"], [])
    app = Host(screen)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_loaded(pilot, screen)
        view = screen.query_one(ArticleView)
        top = view.scroll_y
        await pilot.press("v")
        assert view.selection is not None
        await pilot.press("v")
        assert view.selection is None
        await pilot.press("down")  # without a selection the arrows scroll
        assert view.scroll_y == top + 1
        await pilot.press("v", "escape")
        assert view.selection is None and app.screen is screen
        assert "selected" not in status(screen)
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is not screen
    assert app.cited == []


@sync
async def test_no_text_to_select_from(store: Store) -> None:
    screen = ReaderScreen(store, "nofile", ["anything"], [])
    app = Host(screen)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_loaded(pilot, screen)
        assert screen.check_action("select_passage", ()) is False
        assert screen.check_action("cite_passage", ()) is False
        await pilot.press("v", "c")
        await pilot.pause()
        assert screen.query_one(ArticleView).selection is None
    assert app.cited == []


# -- in the browser


async def reader_of(pilot: Pilot[Any]) -> ReaderScreen:
    deadline = time.monotonic() + 30
    while not isinstance(pilot.app.screen, ReaderScreen):
        assert time.monotonic() < deadline, "no reader opened"
        await pilot.pause(0.05)
    screen = pilot.app.screen
    await wait_loaded(pilot, screen)
    return screen


@sync
async def test_read_source_message_opens_the_reader_at_its_quote(bundled_store: Store) -> None:
    app = make_app(bundled_store)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        quote = "enforcement of the law does not amount to persecution"
        app.post_message(ReadSource("s01", quote=quote))
        screen = await reader_of(pilot)
        view = screen.query_one(ArticleView)
        assert screen.source_id == "s01" and view.article is not None
        assert view.current is not None
        start, end, _ = view.article.marks.quotes[view.current]
        assert passage_text(view.article.text, start, end).casefold() == quote
        assert screen.current_quote() == quote


@sync
async def test_a_search_hit_in_article_text_opens_the_reader_at_the_passage(
    bundled_store: Store,
) -> None:
    index = SearchIndex.build(bundled_store)
    hits = [h for h in index.search("kind:article persecution claims", limit=20).hits]
    hit = next(h for h in hits if h.kind == "article" and h.id == "s01")
    app = make_app(bundled_store)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        app.open_hit(hit)
        screen = await reader_of(pilot)
        view = screen.query_one(ArticleView)
        assert screen.source_id == "s01" and not screen.passage_missing
        assert view.passage is not None and view.article is not None
        a, b = view.passage
        shown = passage_text(view.article.text, a, b)
        assert shown.casefold() == "persecution’ claims"  # the words matched, not the snippet
        assert view.row_of(a) - 2 <= view.scroll_y <= view.row_of(a)
        await pilot.press("escape")  # back in the browser, at the source's case
        await pilot.pause()
        assert app.screen is app.main


@sync
async def test_a_selected_passage_opens_the_cite_form_with_source_and_quote(
    bundled_store: Store,
) -> None:
    """The whole path: a fact selected in the browser, the reader, ``v``, ``c``:
    the cite form on that fact holds the source and the selected text."""
    from casefiles.tui.screens.form import FormScreen

    app = make_app(bundled_store)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await pilot.press("1")  # the first case is the fact to cite
        await pilot.pause()
        app.read_source("s01")  # the seed article (the one with stored text)
        screen = await reader_of(pilot)
        await pilot.press("v", "right", "right")
        quote = screen.selected_text()
        assert quote is not None and len(quote.split()) >= 2
        await pilot.press("c")
        deadline = time.monotonic() + 30
        while not isinstance(app.screen, FormScreen):
            assert time.monotonic() < deadline, "no cite form opened"
            await pilot.pause(0.05)
        form = app.screen.form
        assert form.texts["cite.source"] == screen.source_id
        assert form.texts["cite.quote"] == quote


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_reader_selection_snapshot(
    snap_compare: Any, tmp_path: Path, store: Store, size: tuple[int, int]
) -> None:
    screen = ReaderScreen(store, "long", ["guilty as charged"], ["Kem Sokha"], passage=HERE)

    async def run_before(pilot: Pilot[None]) -> None:
        await wait_loaded(pilot, screen)
        await pilot.press("v", "right", "right", "down")
        await pilot.pause()

    assert snap_compare(Host(screen), terminal_size=size, run_before=run_before)


@sync
async def test_enter_on_an_article_hit_in_the_search_screen_reads_at_the_passage(
    bundled_store: Store,
) -> None:
    """The key path: ``/``, a query that matches article text, the article hit,
    ``enter``: the reader opens at the matched passage."""
    from casefiles.tui.screens.search import SearchScreen

    app = make_app(bundled_store)
    async with app.run_test(size=(120, 40)) as pilot:
        deadline = time.monotonic() + 60
        while app.search_index is None:
            assert time.monotonic() < deadline, "no search index"
            await pilot.pause(0.05)
        await pilot.press("slash")
        await pilot.pause()
        search = app.screen
        assert isinstance(search, SearchScreen)
        query = "kind:article persecution claims"
        await pilot.press(*["space" if ch == " " else ch for ch in query])
        while search.shown_query != query:
            assert time.monotonic() < deadline, "no results"
            await pilot.pause(0.05)
        hits = search.results.hits
        assert hits and hits[0].kind == "article"
        await pilot.press("enter")
        screen = await reader_of(pilot)
        view = screen.query_one(ArticleView)
        assert screen.source_id == hits[0].id and view.passage is not None
        assert view.article is not None and not screen.passage_missing
        a, b = view.passage
        assert view.article.text[a:b].casefold() == "persecution’ claims"
        assert view.row_of(a) - 2 <= view.scroll_y <= view.row_of(a)


@sync
async def test_a_remapped_cite_key_cites_and_the_status_names_it(store: Store) -> None:
    screen = ReaderScreen(store, "long", ["guilty as charged"], [])
    app = Host(screen)
    app.set_keymap({"casefiles.cite_passage": "ctrl+e", "casefiles.select_passage": "ctrl+v"})
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_loaded(pilot, screen)
        await pilot.press("ctrl+v")
        assert "^e cite · esc drop" in status(screen)
        await pilot.press("ctrl+e")
        await pilot.pause()
    assert app.cited == [("long", "guilty as charged")]
