"""Where the user has been: a browser-like history with back and forward.

``History`` holds ``Location``s (a case with its narrowed court level, focused
pane and cursor, or a party).  ``visit`` records the place being left before
the app navigates elsewhere, and clears the forward list, as a browser does;
``back`` and ``forward`` trade the current place for the previous or next one.
Nothing here knows about screens: the app turns locations into screens.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Final, Literal

from msgspec import Struct

HISTORY_LIMIT: Final = 200
"""Places kept in each direction."""

LocationKind = Literal["case", "party"]


class Location(Struct, frozen=True):
    """A place in the browser: a case (with narrowed level and focused pane) or a party.
    (A Struct, not a dataclass: created in C at import, before the first frame.)"""

    kind: LocationKind
    id: str
    level: str | None = None
    focus: str | None = None
    cursor: int = 0


class History:
    """Back and forward lists of places (see the module docstring)."""

    def __init__(self, limit: int = HISTORY_LIMIT) -> None:
        self.limit = limit
        self._back: list[Location] = []
        self._forward: list[Location] = []

    def __len__(self) -> int:
        """Places one can go back to."""
        return len(self._back)

    def __bool__(self) -> bool:
        return bool(self._back)

    def __iter__(self) -> Iterator[Location]:
        """The places behind, oldest first."""
        return iter(self._back)

    @property
    def can_go_forward(self) -> bool:
        """Whether ``forward`` has somewhere to go."""
        return bool(self._forward)

    def visit(self, here: Location | None) -> None:
        """Record ``here`` (the place being left); the forward list is dropped."""
        if here is None:
            return
        if not self._back or self._back[-1] != here:
            self._back.append(here)
            del self._back[: -self.limit]
        self._forward.clear()

    def back(self, here: Location | None) -> Location | None:
        """The previous place (``None`` when there is none); ``here`` becomes
        the next place forward."""
        if not self._back:
            return None
        if here is not None:
            self._forward.append(here)
            del self._forward[: -self.limit]
        return self._back.pop()

    def forward(self, here: Location | None) -> Location | None:
        """The next place after ``back`` (``None`` when there is none); ``here``
        goes back on the back list."""
        if not self._forward:
            return None
        if here is not None:
            self._back.append(here)
            del self._back[: -self.limit]
        return self._forward.pop()

    def recent(self, kind: LocationKind) -> Iterator[str]:
        """Ids of the places of ``kind`` behind, newest first, each once."""
        seen: set[str] = set()
        for place in reversed(self._back):
            if place.kind == kind and place.id not in seen:
                seen.add(place.id)
                yield place.id


__all__ = ["HISTORY_LIMIT", "History", "Location", "LocationKind"]
