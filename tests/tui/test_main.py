"""Pilot tests of the main screen: every pane follows the cases cursor, facts
show their cites, court levels narrow the sentences, mouse selects, empty store."""

from __future__ import annotations

from pathlib import Path

from conftest import SIZE, main_of, make_app, sync
from textual import events

from casefiles import model
from casefiles.caseview import CaseView
from casefiles.store import Store
from casefiles.tui import facts
from casefiles.tui.app import CaseFilesApp
from casefiles.tui.screens.main import MainScreen
from casefiles.tui.text import plain
from casefiles.tui.widgets import InfoPane, LineList


def info(app: CaseFilesApp, pane_id: str) -> str:
    return app.screen.query_one(f"#{pane_id}", InfoPane).plain


def ids(pane: LineList) -> list[str]:
    return [r.id for r in pane.rows() if r.selectable]


def texts(pane: LineList) -> list[str]:
    return [plain(r.line) for r in pane.rows()]


def expect_case(app: CaseFilesApp, store: Store, case_id: str) -> None:
    """Every pane shows ``case_id``."""
    main = main_of(app)
    assert main.case_id == case_id
    case = store.get(model.CASES, case_id)
    assert case is not None
    assert info(app, "case-header").splitlines()[0] == case["title"]
    assert ids(main.pane("parties"))[: len(case.get("participants", ()))] == [
        p.party_id for p in CaseView.of(store, case_id).parties
    ]
    assert ids(main.pane("ladder")) == [r.id for r in CaseView.of(store, case_id).ladder]
    assert sorted(ids(main.pane("sentences"))) == sorted(
        s["id"] for s in store.sentences_of(case_id)
    )
    assert ids(main.pane("sources")) == [s["id"] for s in store.sources_of(case_id)]


@sync
async def test_first_case_is_shown_in_every_pane(bundled_store: Store) -> None:
    app = make_app(bundled_store)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        first = next(iter(bundled_store.table(model.CASES)))
        expect_case(app, bundled_store, first)
        assert app.focused is main_of(app).pane("cases")


@sync
async def test_moving_the_case_cursor_updates_every_pane(bundled_store: Store) -> None:
    app = make_app(bundled_store)
    case_ids = list(bundled_store.table(model.CASES))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("j")
        await pilot.pause()
        expect_case(app, bundled_store, case_ids[1])
        await pilot.press("down", "down")
        await pilot.pause()
        expect_case(app, bundled_store, case_ids[3])
        await pilot.press("k")
        await pilot.pause()
        expect_case(app, bundled_store, case_ids[2])
        await pilot.press("G")
        await pilot.pause()
        expect_case(app, bundled_store, case_ids[-1])
        await pilot.press("g")
        await pilot.pause()
        expect_case(app, bundled_store, case_ids[0])
        await pilot.press("pagedown")
        await pilot.pause()
        main = main_of(app)
        assert main.pane("cases").cursor == min(main.pane("cases").page, len(case_ids) - 1)
        expect_case(app, bundled_store, case_ids[main.pane("cases").cursor])
        await pilot.press("pageup")
        await pilot.pause()
        expect_case(app, bundled_store, case_ids[0])


@sync
async def test_fact_cursor_shows_cites_and_marks_cited_sources(hostile_store: Store) -> None:
    app = make_app(hostile_store)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("2")
        await pilot.pause()
        main = main_of(app)
        assert app.focused is main.pane("parties")
        cites = info(app, "cites")
        assert "s1" in cites and "“[@click=app.quit]quote[/]”" in cites and "[note]" in cites
        marked = [r.id for r in main.pane("sources").rows() if plain(r.line).startswith("• ")]
        assert marked == ["s1"]
        # The event cites s2 only.
        parties = main.pane("parties")
        event = next(i for i, r in enumerate(parties.rows()) if r.kind == "event")
        parties.move_to(event)
        await pilot.pause()
        marked = [r.id for r in main.pane("sources").rows() if plain(r.line).startswith("• ")]
        assert marked == ["s2"]
        assert "s2 · ព័ត៌មាន" in info(app, "cites")


@sync
async def test_conflicting_facts_are_together_and_marked(hostile_store: Store) -> None:
    app = make_app(hostile_store)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("2", "j")
        await pilot.pause()
        rows = main_of(app).pane("parties").rows()
        flagged = [i for i, r in enumerate(rows) if r.conflict]
        assert len(flagged) == 2 and flagged[1] == flagged[0] + 1
        assert all(plain(rows[i].line).startswith(facts.WARN) for i in flagged)
        cites = info(app, "cites")
        assert cites.startswith(f"{facts.DISAGREE}: 2 versions")
        assert "s2" in cites and "s1" in cites and "[/] other" in cites


@sync
async def test_charges_and_events_are_shown(hostile_store: Store) -> None:
    app = make_app(hostile_store)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        lines = texts(main_of(app).pane("parties"))
        assert "Charges" in lines and "Events" in lines
        assert any("[@click=app.quit]bribery[/]" in line and "art. 548" in line for line in lines)
        assert any("2 Jan 2022" in line and "[blink]arrested[/blink]" in line for line in lines)
        header = info(app, "case-header")
        assert "Second line [/]" in header and "related: ខ្មែរ case [/] (k2)" in header


@sync
async def test_ladder_shows_levels_dates_outcomes_and_in_absentia(hostile_store: Store) -> None:
    app = make_app(hostile_store)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        lines = texts(main_of(app).pane("ladder"))
        assert lines[0].startswith(
            "1 first instance convicted  23 Nov 2022  in absentia [@click=app.quit] Court"
        )
        assert lines[1].startswith("2 appeal         upheld     2023")


@sync
async def test_choosing_a_court_level_narrows_the_sentences(hostile_store: Store) -> None:
    app = make_app(hostile_store)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("4")
        main = main_of(app)
        assert ids(main.pane("sentences")) == ["k1-s1", "k1-s2"]
        await pilot.press("3", "j", "enter")
        await pilot.pause()
        assert main.level == "appeal"
        assert ids(main.pane("sentences")) == ["k1-s2"]
        assert "appeal only" in str(main.pane("sentences").border_title)
        await pilot.press("k", "enter")
        await pilot.pause()
        assert ids(main.pane("sentences")) == ["k1-s1"]
        await pilot.press("enter")  # the same level again: all levels
        await pilot.pause()
        assert main.level is None
        assert ids(main.pane("sentences")) == ["k1-s1", "k1-s2"]


@sync
async def test_sentence_rows_carry_the_arithmetic(hostile_store: Store) -> None:
    app = make_app(hostile_store)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        first = texts(main_of(app).pane("sentences"))[0]
        assert "imprisonment 5 years" in first
        assert "4 years 6 months suspended" in first
        assert "custodial 6 months" in first
        # The stated pre-trial credit is shown; time served comes from the recorded
        # arrest (no release recorded), so the custodial part is served.
        assert "pre-trial 2 months" in first and "; served " in first
        assert "served 6 months" in first  # no more than the custodial part is counted
        assert "remaining none (custodial part served by 2 Jul 2022; no release recorded)" in first
        await pilot.press("4")
        await pilot.pause()
        assert (
            "term 5 years · suspended 4 years 6 months · custodial 6 months · "
            "pre-trial credit 2 months · served "
        ) in info(app, "cites")
        assert "in custody 2 Jan 2022 – now" in info(app, "cites")


@sync
async def test_mouse_click_and_wheel_select(bundled_store: Store) -> None:
    app = make_app(bundled_store)
    case_ids = list(bundled_store.table(model.CASES))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        # Row 0 of the list is at y=1 (below the border).
        assert await pilot.click("#cases", offset=(4, 3))
        await pilot.pause()
        expect_case(app, bundled_store, case_ids[2])
        cases = main_of(app).pane("cases")
        cases.post_message(events.MouseScrollDown(cases, 4, 3, 0, 1, 0, False, False, False))
        await pilot.pause()
        expect_case(app, bundled_store, case_ids[3])
        cases.post_message(events.MouseScrollUp(cases, 4, 3, 0, -1, 0, False, False, False))
        await pilot.pause()
        expect_case(app, bundled_store, case_ids[2])
        assert await pilot.click("#sources", offset=(4, 1))
        await pilot.pause()
        assert app.focused is main_of(app).pane("sources")


@sync
async def test_empty_store_shows_help_and_survives_every_key(empty_store: Store) -> None:
    app = make_app(empty_store)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        header = info(app, "case-header")
        assert "This store has no cases yet." in header
        assert "casefiles generate" in header
        for key in ("j", "k", "g", "G", "pagedown", "enter", "2", "3", "4", "5", "tab", "h", "l"):
            await pilot.press(key)
        for key in ("o", "O", "y", "d", "escape", "backspace"):
            await pilot.press(key)
        await pilot.pause()
        assert app.is_running
        assert isinstance(app.screen, MainScreen)


@sync
async def test_every_size_from_80x24_to_200x60(bundled_store: Store) -> None:
    app = make_app(bundled_store)
    async with app.run_test(size=(80, 24)) as pilot:
        for width, height in ((80, 24), (100, 30), (120, 40), (160, 50), (200, 60)):
            await pilot.resize_terminal(width, height)
            main = main_of(app)
            # folded layouts (below 100 columns or 36 rows) open the pane in use
            panes = ("cases", "parties", "ladder", "sentences", "sources")
            for number, name in enumerate(panes, 1):
                await pilot.press(str(number), "j")
                await pilot.pause()
                region = main.pane(name).region
                assert region.height >= 5, (name, width, height, region)
                assert region.right <= width and region.bottom <= height - 1, (name, region)
            assert main.query_one("#cites", InfoPane).region.bottom <= height - 1


@sync
async def test_ten_thousand_cases_build_only_visible_rows(tmp_path: Path) -> None:
    """The cases list asks for the rows it draws, not for every case, and each
    move redraws only the selected case's panes."""
    from casefiles.generate import write_generated
    from casefiles.tui.screens import main as main_module

    path = tmp_path / "big" / "casefiles.json"
    path.parent.mkdir()
    write_generated(path, 10_000, 0)
    store = Store.load(path)
    built: list[int] = []
    original = main_module.CaseRows.row

    def counting(self: main_module.CaseRows, index: int) -> facts.Row:
        built.append(index)
        return original(self, index)

    main_module.CaseRows.row = counting  # type: ignore[method-assign]
    try:
        app = make_app(store)
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            await pilot.press("G")
            await pilot.pause()
            expect_case(app, store, list(store.table(model.CASES))[-1])
            await pilot.press("g", "pagedown", "pagedown", "j", "k")
            await pilot.pause()
            main = main_of(app)
            assert main.pane("cases").cursor == 2 * main.pane("cases").page
            # A few screenfuls of rows, never the whole table.
            assert len(set(built)) < 400, len(set(built))
            assert len(built) < 5_000, len(built)
    finally:
        main_module.CaseRows.row = original  # type: ignore[method-assign]


@sync
async def test_party_and_court_level_cursors_mark_their_sentences(bundled_store: Store) -> None:
    app = make_app(bundled_store)
    async with app.run_test(size=SIZE) as pilot:
        main = main_of(app)
        case_id = main.case_id
        assert case_id is not None

        def marked() -> list[str]:
            return [r.id for r in main.pane("sentences").rows() if plain(r.line).startswith("• ")]

        await pilot.press("2")
        await pilot.pause()
        party = main.pane("parties").current
        assert party is not None
        want = [s["id"] for s in bundled_store.sentences_of(case_id) if s["party"] == party.party]
        assert sorted(marked()) == sorted(want)
        await pilot.press("3", "j")
        await pilot.pause()
        proc = main.pane("ladder").current
        assert proc is not None
        want = [
            s["id"] for s in bundled_store.sentences_of(case_id) if s.get("proceeding") == proc.id
        ]
        assert sorted(marked()) == sorted(want)


@sync
async def test_related_cases_are_listed_and_open(hostile_store: Store) -> None:
    app = make_app(hostile_store)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("2", "G")
        await pilot.pause()
        main = main_of(app)
        assert "Related cases" in texts(main.pane("parties"))
        current = main.pane("parties").current
        assert current is not None and current.kind == "case" and current.id == "k2"
        await pilot.press("enter")
        await pilot.pause()
        assert main.case_id == "k2"
        await pilot.press("escape")
        await pilot.pause()
        assert main.case_id == "k1" and app.focused is main.pane("parties")
