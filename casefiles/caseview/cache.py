"""Case views kept while the documents they were built from are unchanged."""

from __future__ import annotations

from casefiles import model
from casefiles.caseview.values import CaseView
from casefiles.store import Store


class CaseViews:
    """The case views of one store, kept while the documents they were built
    from are the same objects (the store replaces a document on every edit)."""

    def __init__(self, store: Store, size: int = 8) -> None:
        self.store = store
        self.size = size
        self._views: dict[str, tuple[tuple[int, ...], CaseView]] = {}

    def _stamp(self, case_id: str) -> tuple[int, ...]:
        store = self.store
        case = store.get(model.CASES, case_id)
        return (
            id(case),
            *map(id, store.proceedings_of(case_id)),
            -1,
            *map(id, store.sentences_of(case_id)),
        )

    def get(self, case_id: str) -> CaseView | None:
        """The view of ``case_id`` (``None`` when the store has no such case)."""
        if self.store.get(model.CASES, case_id) is None:
            return None
        stamp = self._stamp(case_id)
        hit = self._views.pop(case_id, None)
        if hit is not None and hit[0] == stamp:
            self._views[case_id] = hit
            return hit[1]
        view = CaseView.of(self.store, case_id)
        self._views[case_id] = (stamp, view)
        while len(self._views) > self.size:
            self._views.pop(next(iter(self._views)))
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
