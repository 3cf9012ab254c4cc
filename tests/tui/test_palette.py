"""The command palette (``ctrl+p``) offers every action of the browser, built
from the key table (issue 12 item 7): whatever the table binds on the screen
the palette was opened from is offered and runs as its key would.  Snapshots
of the palette and of help at 80×24 and 120×40.

Real parts: temporary copies of the bundled store, Pilot, Textual's palette.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import pytest
from textual.command import CommandList, CommandPalette
from textual.pilot import Pilot

from casefiles.store import Store
from casefiles.tui.commands import NOT_OFFERED, action_commands
from casefiles.tui.keys import KEYS
from casefiles.tui.screens.help import HelpScreen, TextScreen
from casefiles.tui.screens.main import MainScreen
from casefiles.tui.screens.party import PartyScreen
from tests.tui.conftest import make_app, sync


async def until(pilot: Pilot[Any], check: Callable[[], bool], what: str) -> None:
    deadline = time.monotonic() + 30
    while not check():
        assert pilot.app.is_running, f"the app stopped waiting for {what}"
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        await pilot.pause(0.02)


def options(app: Any) -> list[str]:
    palette = app.screen
    assert isinstance(palette, CommandPalette)
    listed = palette.query_one(CommandList)
    return [str(listed.get_option_at_index(i).prompt) for i in range(listed.option_count)]


async def palette_with(pilot: Pilot[Any], typed: str = "", first: str = "Do: ") -> list[str]:
    app = pilot.app
    await pilot.press("ctrl+p")
    await until(pilot, lambda: CommandPalette.is_open(app), "the palette")
    if typed:
        await pilot.press(*[("space" if c == " " else c) for c in typed])
    await until(pilot, lambda: any(o.startswith(first) for o in options(app)), first)
    await pilot.pause(0.3)
    return options(app)


#: Every binding of these scopes is an action of the main screen.
MAIN_SCOPES = ("app", "main")


@sync
async def test_every_action_of_the_key_table_is_offered_on_the_main_screen(
    bundled_store: Store,
) -> None:
    app = make_app(bundled_store)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        offered = {c.binding_id for c in action_commands(app.screen)}
        expected = {s.id for s in KEYS if s.scope in MAIN_SCOPES} - NOT_OFFERED
        expected.add("casefiles.choose")  # enter in the focused list
        assert expected <= offered, expected - offered
        # the dossier, timeline, copy, read, open, help and search named in the issue
        for must in ("dossier", "timeline", "copy", "read", "open", "help", "search"):
            assert f"casefiles.{must}" in offered
        # and the palette shows each of them, with its key, from an empty prompt
        shown = await palette_with(pilot)
        for spec in KEYS:
            if spec.id in expected:
                assert any(o.startswith(f"Do: {spec.description}") for o in shown), spec.id


@sync
async def test_the_party_view_offers_its_own_actions(bundled_store: Store) -> None:
    app = make_app(bundled_store)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("2", "enter")
        await until(pilot, lambda: isinstance(app.screen, PartyScreen), "the party view")
        offered = {c.binding_id for c in action_commands(app.screen)}
        assert "casefiles.close" in offered and "casefiles.quit" in offered
        assert "casefiles.filter" not in offered  # a main-screen key (tab, z work here too)


@pytest.mark.parametrize(
    ("typed", "opens"),
    [("dossier", TextScreen), ("timeline", "TimelineScreen"), ("help keys", HelpScreen)],
)
@sync
async def test_running_an_action_from_the_palette(
    bundled_store: Store, typed: str, opens: type | str
) -> None:
    app = make_app(bundled_store)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        shown = await palette_with(pilot, typed)
        assert shown[0].startswith("Do: "), shown[:3]
        await pilot.press("enter")

        def opened() -> bool:
            screen = app.screen
            if isinstance(opens, str):
                return type(screen).__name__ == opens
            return isinstance(screen, opens)

        await until(pilot, opened, f"{opens} from the palette")
        await pilot.press("escape")
        await until(pilot, lambda: isinstance(app.screen, MainScreen), "back")


@sync
async def test_a_pane_key_from_the_palette_runs_on_the_screen(bundled_store: Store) -> None:
    app = make_app(bundled_store)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await palette_with(pilot, "sources pane")
        await pilot.press("enter")
        await until(
            pilot,
            lambda: app.focused is not None and app.focused.id == "sources",
            "the sources pane focused",
        )


SIZES = [(80, 24), (120, 40)]


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_palette_snapshot(snap_compare: Any, small_store: Store, size: tuple[int, int]) -> None:
    async def open_palette(pilot: Pilot[Any]) -> None:
        await pilot.pause()
        await palette_with(pilot)
        await pilot.pause(0.3)

    assert snap_compare(make_app(small_store), terminal_size=size, run_before=open_palette)


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_help_snapshot(snap_compare: Any, small_store: Store, size: tuple[int, int]) -> None:
    async def open_help(pilot: Pilot[Any]) -> None:
        await pilot.pause()
        await pilot.press("question_mark")
        await until(pilot, lambda: isinstance(pilot.app.screen, HelpScreen), "help")
        await pilot.press("G")  # the end: the legend of marks
        await pilot.pause(0.2)

    assert snap_compare(make_app(small_store), terminal_size=size, run_before=open_help)


@sync
async def test_help_has_a_legend_of_every_mark(bundled_store: Store) -> None:
    from casefiles.tui.screens.help import MARKS

    app = make_app(bundled_store)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("question_mark")
        await until(pilot, lambda: isinstance(app.screen, HelpScreen), "help")
        text = app.screen.plain  # type: ignore[attr-defined]
        assert "Marks" in text
        for mark, _meaning in MARKS:
            assert mark in text
        for mark in ("⚠", "•", "▸", "—", "✓", "≈", "✗", "…"):
            assert any(m == mark for m, _ in MARKS), mark


@sync
async def test_export_of_the_case_and_of_the_list_from_the_palette(
    bundled_store: Store, tmp_path: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    import csv
    import json

    from casefiles.validate import validate

    out = tmp_path / "exports"
    out.mkdir()
    monkeypatch.setenv("CASEFILES_EXPORT_DIR", str(out))
    before = bundled_store.path.read_bytes()
    app = make_app(bundled_store)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        main = app.screen
        assert isinstance(main, MainScreen)
        case_id = main.case_id
        await palette_with(pilot, "export this case markdown", "Export")
        await pilot.press("enter")
        await until(pilot, lambda: any(p.is_dir() for p in out.iterdir()), "the md export")
        await until(
            pilot, lambda: any(n.title == "exported" for n in app._notifications), "the notice"
        )
        (folder,) = [p for p in out.iterdir() if p.is_dir()]
        assert [p.name for p in folder.iterdir()] == [f"{case_id}.md"]
        await palette_with(pilot, "export the cases list json", "Export")
        await pilot.press("enter")
        await until(pilot, lambda: any(p.suffix == ".json" for p in out.iterdir()), "json")
        (store_json,) = [p for p in out.iterdir() if p.suffix == ".json"]
        await until(pilot, lambda: store_json.stat().st_size > 0, "the json written")
        data = json.loads(store_json.read_text(encoding="utf-8"))
        assert len(data["cases"]) == len(main.case_ids)
        assert validate(data, str(store_json)) == []
        await palette_with(pilot, "export the cases list csv", "Export")
        await pilot.press("enter")
        await until(
            pilot,
            lambda: any((p / "cases.csv").is_file() for p in out.iterdir() if p.is_dir()),
            "the csv export",
        )
        (tables,) = [p for p in out.iterdir() if (p / "cases.csv").is_file()]
        with (tables / "cases.csv").open(encoding="utf-8", newline="") as fh:
            assert len(list(csv.DictReader(fh))) == len(main.case_ids)
    assert bundled_store.path.read_bytes() == before  # exporting never changes the store
