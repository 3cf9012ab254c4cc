"""Python's cyclic garbage collector around bulk building.

Loading a store or building the search index makes millions of long-lived
objects; every collection during that would walk all of them again.  JSON
trees and index tables hold no reference cycles, so reference counting frees
them alone: the collector is paused while they are made, and the survivors
are moved to the permanent generation so that later collections skip them.
"""

from __future__ import annotations

import contextlib
import gc
from collections.abc import Iterator


@contextlib.contextmanager
def paused(*, collect: bool = False) -> Iterator[None]:
    """No cyclic collection inside the block; afterwards (with ``collect``, after
    one collection of what the block left behind) everything alive is frozen."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        # Freeze before enabling again: a thread switch between the two would
        # otherwise let a collection walk everything the block just built.
        if collect:
            gc.collect()
        gc.freeze()
        if was_enabled:
            gc.enable()
