"""Every binding: ids, pane keys, history keys, help, quit, and a keymap from a
TOML config file."""

from __future__ import annotations

from pathlib import Path

from conftest import SIZE, make_app, sync

from casefiles.store import Store
from casefiles.tui.app import CaseFilesApp
from casefiles.tui.config import KEYS, load_config
from casefiles.tui.screens.help import HelpScreen, TextScreen
from casefiles.tui.screens.main import FOCUS_ORDER, PANES, MainScreen
from casefiles.tui.widgets import LineList


def focused_id(app: CaseFilesApp) -> str | None:
    return app.focused.id if app.focused is not None else None


def test_every_binding_has_an_id_and_is_in_the_key_table() -> None:
    from casefiles.tui.screens.form import FormScreen
    from casefiles.tui.screens.main import MainScreen as Main
    from casefiles.tui.screens.reader import ArticleView, ReaderScreen
    from casefiles.tui.screens.search import SearchInput, SearchScreen
    from casefiles.tui.widgets.lines import LineList as Lines

    ids = {spec.id for spec in KEYS}
    bound = set()
    screens = (CaseFilesApp, Main, Lines, TextScreen, HelpScreen, ReaderScreen, ArticleView)
    from casefiles.tui.screens.history import DiffPane, HistoryScreen
    from casefiles.tui.widgets.filterline import FilterInput

    others = (SearchScreen, SearchInput, FormScreen, HistoryScreen, DiffPane, FilterInput)
    for cls in (*screens, *others):
        for binding in cls.BINDINGS:
            assert not isinstance(binding, tuple)
            assert binding.id, binding  # type: ignore[union-attr]
            spec = next(k for k in KEYS if k.id == binding.id)  # type: ignore[union-attr]
            assert binding.key == spec.keys, binding  # type: ignore[union-attr]
            bound.add(binding.id)  # type: ignore[union-attr]
    assert bound == ids


@sync
async def test_number_keys_tab_and_h_l_move_between_panes(bundled_store: Store) -> None:
    app = make_app(bundled_store)
    async with app.run_test(size=SIZE) as pilot:
        for n, name in enumerate(PANES, 1):
            await pilot.press(str(n))
            assert focused_id(app) == name
        await pilot.press("1")
        for name in (*FOCUS_ORDER[1:], FOCUS_ORDER[0]):  # the Case and Cites panes too
            await pilot.press("tab")
            assert focused_id(app) == name
        for name in reversed(FOCUS_ORDER):
            await pilot.press("shift+tab")
            assert focused_id(app) == name
        await pilot.press("1", "l", "l")
        assert focused_id(app) == "parties"
        await pilot.press("h")
        assert focused_id(app) == "case-header"


@sync
async def test_enter_on_a_case_drills_into_its_parties(bundled_store: Store) -> None:
    app = make_app(bundled_store)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("enter")
        assert focused_id(app) == "parties"


@sync
async def test_question_mark_opens_help_with_every_binding(bundled_store: Store) -> None:
    app = make_app(bundled_store)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        text = app.screen.plain
        for spec in KEYS:
            assert spec.id in text
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, MainScreen)


@sync
async def test_d_opens_the_dossier_of_the_case(hostile_store: Store) -> None:
    app = make_app(hostile_store)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("d")
        await pilot.pause()
        assert isinstance(app.screen, TextScreen)
        assert "[@click=app.quit] Case [/] [bold]x[/bold]" in app.screen.plain
        await pilot.press("q")  # closes the dossier, does not quit
        await pilot.pause()
        assert app.is_running and isinstance(app.screen, MainScreen)


@sync
async def test_q_quits(bundled_store: Store) -> None:
    app = make_app(bundled_store)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("q")
        await pilot.pause()
        assert not app.is_running


@sync
async def test_y_copies_a_citation_of_the_selection(hostile_store: Store) -> None:
    app = make_app(hostile_store)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("y")
        await pilot.pause()
        assert "[@click=app.quit] Case [/]" in app.clipboard
        await pilot.press("5", "y")
        await pilot.pause()
        assert "[@click=app.quit] title [/]" in app.clipboard
        assert app.is_running


@sync
async def test_o_reads_the_selected_source_inside_the_app(hostile_store: Store) -> None:
    from casefiles.tui.screens.reader import ReaderScreen

    app = make_app(hostile_store)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("5", "o")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, ReaderScreen)
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, MainScreen)
        # On a fact, o reads its first cite's source.
        await pilot.press("2", "o")
        await pilot.pause()
        assert isinstance(app.screen, ReaderScreen)


@sync
async def test_slash_opens_search_and_a_hit_opens_its_case(hostile_store: Store) -> None:
    from casefiles.tui.screens.search import SearchScreen

    app = make_app(hostile_store)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("slash")
        await pilot.pause()
        assert isinstance(app.screen, SearchScreen)
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, MainScreen)


@sync
async def test_keymap_from_a_toml_config_file_changes_keys(
    bundled_store: Store, tmp_path: Path
) -> None:
    path = tmp_path / "config.toml"
    path.write_text(
        '[keys]\n"casefiles.down" = "m"\n"casefiles.pane_2" = "w"\n"casefiles.quit" = "ctrl+x"\n',
        encoding="utf-8",
    )
    config = load_config(path)
    assert not config.problems
    app = make_app(bundled_store, config)
    async with app.run_test(size=SIZE) as pilot:
        cases = app.screen.query_one("#cases", LineList)
        await pilot.press("m")
        assert cases.cursor == 1
        await pilot.press("j")  # no longer bound
        assert cases.cursor == 1
        await pilot.press("w")
        assert focused_id(app) == "parties"
        await pilot.press("q")
        await pilot.pause()
        assert app.is_running
        await pilot.press("question_mark")
        await pilot.pause()
        assert "ctrl+x" in app.screen.plain  # type: ignore[attr-defined]
        await pilot.press("escape", "ctrl+x")
        await pilot.pause()
        assert not app.is_running


@sync
async def test_bad_config_file_starts_with_defaults_and_names_the_line(
    bundled_store: Store, tmp_path: Path
) -> None:
    path = tmp_path / "config.toml"
    path.write_text('theme = "nope"\n[keys]\n"casefiles.dwon" = "n"\n', encoding="utf-8")
    config = load_config(path)
    assert config.problems == [
        f"{path}, line 3: unknown binding id 'casefiles.dwon' "
        "(see the README's key table, e.g. 'casefiles.down')"
    ]
    app = make_app(bundled_store, config)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        messages = [n.message for n in app._notifications]
        assert any("casefiles.dwon" in m for m in messages)
        assert any("unknown theme 'nope'" in m for m in messages)
        await pilot.press("j")
        assert app.screen.query_one("#cases", LineList).cursor == 1


def test_broken_toml_is_reported_with_its_line(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text('[keys\n"casefiles.down" = "n"\n', encoding="utf-8")
    config = load_config(path)
    assert len(config.problems) == 1
    assert str(path) in config.problems[0] and "line 1" in config.problems[0]
    assert config.keys == {}


def test_config_env_variable_and_missing_file(tmp_path: Path, monkeypatch: object) -> None:
    import pytest

    assert isinstance(monkeypatch, pytest.MonkeyPatch)
    path = tmp_path / "c.toml"
    monkeypatch.setenv("CASEFILES_CONFIG", str(path))
    assert load_config().path == path and not load_config().problems
    path.write_text('[opener]\ncommand = ["less", "-R"]\n', encoding="utf-8")
    assert load_config().opener == ["less", "-R"]


@sync
async def test_search_hits_of_every_kind_open_the_right_place(hostile_store: Store) -> None:
    from casefiles.search import SearchIndex
    from casefiles.tui.screens.party import PartyScreen

    index = SearchIndex.build(hostile_store)

    def hit(query: str, kind: str) -> object:
        result = index.search(query, limit=50)
        found = [h for h in result.hits if h.kind == kind]
        assert found, (query, kind, result)
        return found[0]

    app = make_app(hostile_store)
    async with app.run_test(size=SIZE) as pilot:
        app.open_hit(hit("ខ្មែរ case", "case"))
        await pilot.pause()
        assert isinstance(app.screen, MainScreen) and app.screen.case_id == "k2"
        app.open_hit(hit("quit me", "party"))
        await pilot.pause()
        assert isinstance(app.screen, PartyScreen) and app.screen.party_id == "p1"
        app.open_hit(hit("appeal court", "court"))
        await pilot.pause()
        assert isinstance(app.screen, MainScreen) and app.screen.case_id == "k1"
        await pilot.press("1", "j")
        app.open_hit(hit("ខ្មែរ title", "source"))
        await pilot.pause()
        main = app.screen
        assert isinstance(main, MainScreen) and main.case_id == "k1"
        assert app.focused is main.pane("sources")
        current = main.pane("sources").current
        assert current is not None and current.id == "s2"
        # Back through the history: court hit's case, party, first case.
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, MainScreen) and app.screen.case_id == "k2"


@sync
async def test_ctrl_p_opens_the_command_palette(bundled_store: Store) -> None:
    from textual.command import CommandPalette

    app = make_app(bundled_store)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("ctrl+p")
        await pilot.pause()
        assert CommandPalette.is_open(app)
        await pilot.press("escape")
        await pilot.pause()
        assert not CommandPalette.is_open(app)


def test_the_readme_config_example_is_valid(tmp_path: Path) -> None:
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    section = readme.split("## The browser", 1)[1]
    example = section.split("```toml\n", 1)[1].split("```", 1)[0]
    path = tmp_path / "config.toml"
    path.write_text(example, encoding="utf-8")
    config = load_config(path)
    assert config.problems == []
    assert config.keys["casefiles.palette"] == "ctrl+o"
    assert config.opener == ["firefox"]
    assert config.theme == "gruvbox"


@sync
async def test_shift_o_opens_outside_with_the_configured_opener(
    hostile_store: Store, tmp_path: Path
) -> None:
    marker = tmp_path / "opened.txt"
    script = tmp_path / "opener.sh"
    script.write_text(f'#!/bin/sh\nprintf "%s" "$1" > {marker}\n', encoding="utf-8")
    script.chmod(0o755)
    config = load_config(tmp_path / "none.toml")
    config.opener = [str(script)]
    app = make_app(hostile_store, config)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("5", "O")
        for _ in range(50):
            if marker.exists():
                break
            await pilot.pause(0.05)
        assert marker.read_text(encoding="utf-8") == "https://example.org/[x]"
        config.opener = [str(tmp_path / "no-such-program")]
        await pilot.press("O")
        await pilot.pause()
        messages = [n.message for n in app._notifications]
        assert any("not found" in m for m in messages), messages
        assert app.is_running


@sync
async def test_y_in_the_party_view_copies_the_party_in_that_case(hostile_store: Store) -> None:
    app = make_app(hostile_store)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("2", "enter", "y")
        await pilot.pause()
        assert "[@click=app.quit]Quit Me" in app.clipboard
        assert app.is_running


def test_the_readme_key_table_lists_every_binding() -> None:
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    section = readme.split("## The browser", 1)[1]
    for spec in KEYS:
        assert f"| `{spec.id}` |" in section, spec.id


@sync
async def test_every_key_of_every_list_binding_moves_the_cursor(bundled_store: Store) -> None:
    app = make_app(bundled_store)
    async with app.run_test(size=(120, 24)) as pilot:
        cases = app.screen.query_one("#cases", LineList)
        last = len(cases) - 1
        page = cases.page
        expected = {
            "casefiles.down": lambda c: min(c + 1, last),
            "casefiles.up": lambda c: max(c - 1, 0),
            "casefiles.top": lambda c: 0,
            "casefiles.bottom": lambda c: last,
            "casefiles.page_down": lambda c: min(c + page, last),
            "casefiles.page_up": lambda c: max(c - page, 0),
        }
        for spec in KEYS:
            if spec.id not in expected:
                continue
            for key in spec.keys.split(","):
                for start in (0, 3, last):
                    cases.move_to(start)
                    await pilot.press(key)
                    assert cases.cursor == expected[spec.id](start), (spec.id, key, start)


@sync
async def test_the_screens_table_matches_the_bindings_active_on_each_screen(
    bundled_store: Store,
) -> None:
    """``keys.SCREENS`` (which config clashes are judged by) is what the running
    app has active on each screen: every binding id on the focus chain up to the
    first modal node."""
    from casefiles.tui.keys import SCREENS, TEXTUAL_KEYS

    def active(app: CaseFilesApp) -> set[str]:
        return {
            binding.id
            for _node, bindings in app.screen._modal_binding_chain
            for group in bindings.key_to_bindings.values()
            for binding in group
            if binding.id is not None
        }

    def textual_keys(app: CaseFilesApp) -> set[str]:
        return {
            binding.key
            for _node, bindings in app.screen._modal_binding_chain
            for group in bindings.key_to_bindings.values()
            for binding in group
            if binding.id is None
        }

    visits = [
        ("main screen", ["1"]),
        ("main screen", ["5"]),
        ("party view", ["2", "enter"]),
        ("help and dossier", ["question_mark"]),
        ("help and dossier", ["1", "d"]),
        ("reader", ["5", "o"]),
        ("search screen", ["slash"]),
        ("filter line", ["1", "f"]),
    ]
    app = make_app(bundled_store)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        for screen, keys in visits:
            await pilot.press(*keys)
            await pilot.pause(0.2)
            if screen == "help and dossier" and "casefiles.help" not in active(app):
                assert active(app) == SCREENS[screen] - {"casefiles.help"}, screen  # dossier
            else:
                assert active(app) == SCREENS[screen], screen
            assert textual_keys(app) == set(TEXTUAL_KEYS[screen]), screen
            if screen != "main screen":
                await pilot.press("escape")
                await pilot.pause(0.2)
