"""Fixtures for the search tests: the bundled case file and small generated stores,
and a terminal summary line with the labelled-query recall."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from casefiles.generate import write_generated
from casefiles.search import SearchIndex
from casefiles.store import Store

ROOT = Path(__file__).resolve().parents[2]
BUNDLED = ROOT / "data" / "casefiles.json"

#: Filled in by test_quality; printed at the end of the run (even without -s).
RECALL: dict[str, float] = {}


@pytest.fixture(scope="session")
def bundled_index() -> SearchIndex:
    """An index over the bundled Cambodian case file."""
    return SearchIndex.build(Store.load(BUNDLED))


@pytest.fixture(scope="session")
def generated_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A generated store of 300 cases (read-only; copy it before editing)."""
    path = tmp_path_factory.mktemp("gen") / "store.json"
    write_generated(path, 300, seed=7)
    return path


@pytest.fixture
def generated_copy(generated_path: Path, tmp_path: Path) -> Path:
    """A private, editable copy of the generated store and its articles."""
    target = tmp_path / "store"
    shutil.copytree(generated_path.parent, target)
    return target / "store.json"


@pytest.fixture(scope="session")
def generated_index(generated_path: Path) -> SearchIndex:
    """An index over the generated store."""
    return SearchIndex.build(Store.load(generated_path))


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """Report recall@1 / recall@3 of the labelled queries."""
    if RECALL:
        terminalreporter.write_line(
            "search labelled queries: "
            + ", ".join(f"{k}={v:.3f}" for k, v in sorted(RECALL.items()))
        )
