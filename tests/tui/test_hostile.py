"""Untrusted data is shown literally in every pane: markup, ``@click`` actions,
closing tags, 500-character names and Khmer text appear as typed, and clicking
them does nothing but select."""

from __future__ import annotations

from conftest import SIZE, make_app, sync

from casefiles.store import Store
from casefiles.tui.app import CaseFilesApp
from casefiles.tui.screens.party import PartyScreen
from casefiles.tui.widgets import InfoPane, LineList

QUIT = "[@click=app.quit]"


def pane_text(app: CaseFilesApp) -> dict[str, str]:
    """What each pane of the current screen draws, as plain text by pane id."""
    out: dict[str, str] = {}
    for lines in app.screen.query(LineList):
        out[str(lines.id)] = "\n".join(lines.render_line(y).text for y in range(lines.size.height))
    for info in app.screen.query(InfoPane):
        out[str(info.id)] = info.drawn
    return out


@sync
async def test_markup_in_every_main_pane_is_literal(hostile_store: Store) -> None:
    app = make_app(hostile_store)
    async with app.run_test(size=(200, 60)) as pilot:
        await pilot.press("2")
        await pilot.pause()
        await app.workers.wait_for_complete()  # quotes are checked in a thread
        await pilot.pause()
        text = pane_text(app)
        assert f"{QUIT} Case [/] [bold]x[/bo" in text["cases"]
        assert "ខ្មែរ case [/]" in text["cases"]
        assert f"{QUIT} Case [/] [bold]x[/bold]" in text["case-header"]
        assert (
            "Summary with [red]markup[/red] and [@click=app.quit]click[/] and ខ្មែរ."
            in (text["case-header"])
        )
        assert "[i]Cambodia[/i]" in text["case-header"]
        assert f"{QUIT}Quit Me" in text["parties"]
        assert "[link=https://evil.example]link[/link]" in text["parties"]
        assert "សមាគមអាដហុក [bold]ADHOC[/bold]" in text["parties"]
        assert "“[bold]acc" in text["parties"]
        assert f"{QUIT}bribery[/]" in text["parties"]
        assert "[blink]arrested[/blink]" in text["parties"]
        assert f"{QUIT} C" in text["ladder"]
        assert f"{QUIT}Quit Me · first instance" in text["sentences"]
        assert f"[bold]Pub[/bold] · Nov 2022 · {QUIT} title [/]" in text["sources"]
        assert f"“{QUIT}quote[/]” ✗ not in the text — [note]" in text["cites"]
        assert f"{QUIT}Quit Me · defendant · “[bold]accused[/bold]”" in text["cites"]
        await pilot.press("3")
        await pilot.pause()
        cites = pane_text(app)["cites"]
        assert f"{QUIT} Court · trial · 23 Nov 2022 · convicted" in cites
        assert f"in absentia: {QUIT}Quit Me" in cites  # schema v2: absent per party
        assert app.is_running


@sync
async def test_long_and_khmer_names_are_whole_in_the_cites_and_party_view(
    hostile_store: Store,
) -> None:
    app = make_app(hostile_store)
    long_name = hostile_store.get("parties", "p3")["name"]  # type: ignore[index]
    assert len(long_name) == 500
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("2")
        parties = app.screen.query_one("#parties", LineList)
        index = next(i for i, r in enumerate(parties.rows()) if r.id == "p3")
        parties.move_to(index)
        await pilot.pause()
        # The list line is cut to the pane; the party view shows the whole name.
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, PartyScreen)
        header = pane_text(app)["party-header"]
        assert long_name in header.replace("\n", "")
        await pilot.press("escape")
        await pilot.pause()
        assert app.is_running


@sync
async def test_party_view_and_help_and_dossier_are_literal(hostile_store: Store) -> None:
    app = make_app(hostile_store)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("2", "enter")
        await pilot.pause()
        text = pane_text(app)
        assert f"{QUIT}Quit Me" in text["party-header"]
        assert "[red]not red[/red] [@click=app.bell]bell[/]" in text["party-header"]
        assert f"{QUIT} Case [/] [bold]x[/bold]" in text["party-cases"]
        assert f"“{QUIT}quote[/]”" in text["party-cites"]
        await pilot.press("d")
        await pilot.pause()
        assert f"{QUIT} Case [/] [bold]x[/bold]" in pane_text(app)["text-body"]
        assert app.is_running


@sync
async def test_clicking_hostile_text_only_selects(hostile_store: Store) -> None:
    app = make_app(hostile_store)
    async with app.run_test(size=SIZE) as pilot:
        for selector in ("#cases", "#parties", "#sentences", "#sources", "#case-header", "#cites"):
            await pilot.click(selector, offset=(6, 1))
            await pilot.click(selector, offset=(12, 2))
            await pilot.pause()
            assert app.is_running, selector
        await pilot.double_click("#cases", offset=(6, 1))
        await pilot.pause()
        assert app.is_running


@sync
async def test_no_color_still_shows_the_cursor(hostile_store: Store, monkeypatch: object) -> None:
    import pytest

    assert isinstance(monkeypatch, pytest.MonkeyPatch)
    monkeypatch.setenv("NO_COLOR", "1")
    app = make_app(hostile_store)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert app.no_color
        assert pane_text(app)["cases"].startswith("▶ ")


def test_text_builders_neutralise_control_characters() -> None:
    from casefiles.tui.text import clean, safe, to_text

    hostile = "a\x1b[2Jb\x07c\u202ed\te[bold]f[/]"
    assert clean(hostile) == "a\\x1b[2Jb\\x07c\\u202ed    e[bold]f[/]"
    text = to_text([(hostile, "strong"), ("[@click=app.quit]", "")], {"strong": "bold"})
    assert text.plain == clean(hostile) + "[@click=app.quit]"
    assert [str(s.style) for s in text.spans] == ["bold"]  # by tag, not by markup
    assert safe("x\ny", keep_newlines=True).plain == "x\ny"
    assert safe("x\ny").plain == "x\\x0ay"
