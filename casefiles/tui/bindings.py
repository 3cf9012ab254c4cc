"""``bind``: a Textual ``Binding`` made from the key table (``config.KEYS``), so
every screen's keys carry an id the config file can remap and the help lists."""

from __future__ import annotations

from typing import Any

from textual.binding import Binding

from casefiles.tui.keys import KEYS


def bind(binding_id: str, action: str, *, show: bool | None = None, **options: Any) -> Binding:
    """The binding ``binding_id`` of the key table, running ``action``."""
    spec = next(spec for spec in KEYS if spec.id == binding_id)
    return Binding(
        spec.keys,
        action,
        spec.label,
        show=spec.show if show is None else show,
        id=binding_id,
        **options,
    )
