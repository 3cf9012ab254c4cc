"""Case views kept while the store they were built from is unchanged."""

from __future__ import annotations

from casefiles import model
from casefiles.caseview.values import CaseView
from casefiles.store import Store


class CaseViews:
    """The case views of one store, kept while the store holds the same
    contents (``Store.version`` changes with every commit, ours or another
    program's, so a renamed party or source is seen as surely as an edited case)."""

    def __init__(self, store: Store, size: int = 8) -> None:
        self.store = store
        self.size = size
        self._version: tuple[object, ...] = store.version
        self._views: dict[str, CaseView] = {}

    def get(self, case_id: str) -> CaseView | None:
        """The view of ``case_id`` (``None`` when the store has no such case)."""
        if self.store.version != self._version:
            self._views.clear()
            self._version = self.store.version
        if self.store.get(model.CASES, case_id) is None:
            return None
        view = self._views.pop(case_id, None)
        if view is None:
            view = CaseView.of(self.store, case_id)
            while len(self._views) >= self.size:
                self._views.pop(next(iter(self._views)))
        self._views[case_id] = view
        return view


_CACHES: dict[int, CaseViews] = {}


def view_of(store: Store, case_id: str) -> CaseView | None:
    """The (cached) view of a case in ``store``; ``None`` when there is no such case."""
    cache = _CACHES.get(id(store))
    if cache is None or cache.store is not store:
        if len(_CACHES) > 4:
            _CACHES.clear()
        cache = _CACHES[id(store)] = CaseViews(store)
    return cache.get(case_id)
