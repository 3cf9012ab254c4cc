"""What the user has selected in the browser, as plain data.

``Selection`` is what the copy (``y``), read (``o``) and open-outside (``O``)
actions act on; the screens build one from the focused pane's cursor.  It does
not import textual so that non-UI helpers (``casefiles.citation``) can use it.
A Struct (msgspec), not a dataclass: created in C at import, which the
browser's first frame waits for.
"""

from __future__ import annotations

from typing import Final

from msgspec import Struct

#: Kinds of things that can be selected; ``id`` is the document id for the first
#: six; for ``charge``/``event`` (which have no id of their own) it is
#: ``"<case id>#<index>"``, the position in the case's ``charges``/``events`` list.
KINDS: Final = ("case", "party", "court", "proceeding", "sentence", "source", "charge", "event")


class Selection(Struct, frozen=True):
    """One selected thing: its kind (one of ``KINDS``), its id and the case it was
    selected in (``None`` outside a case, e.g. a party in the party view)."""

    kind: str
    id: str
    case_id: str | None = None

    def fact_index(self) -> int | None:
        """For ``charge``/``event`` selections, the index in the case's list."""
        if self.kind not in ("charge", "event"):
            return None
        _, _, index = self.id.rpartition("#")
        return int(index) if index.isdigit() else None


def fact_id(case_id: str, index: int) -> str:
    """The ``Selection.id`` of the ``index``-th charge or event of a case."""
    return f"{case_id}#{index}"


__all__ = ["KINDS", "Selection", "fact_id"]
