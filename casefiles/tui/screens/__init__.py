"""Screens of the browser: main (linked panes), party, help; search and reader
live beside them.  ``party_screen()`` gives the party view's class, imported
on first use: the first frame does without it."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from casefiles.tui.screens.party import PartyScreen


def party_screen() -> type[PartyScreen]:
    """The ``PartyScreen`` class (its module is imported on the first call)."""
    from casefiles.tui.screens.party import PartyScreen

    return PartyScreen


__all__ = ["party_screen"]
