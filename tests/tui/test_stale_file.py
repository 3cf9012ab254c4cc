"""The browser reads documents from the opened file as they are shown
(``casefiles.store.lazy``).  When another program rewrites that file in place
while the browser runs, a document not shown yet can no longer be read: the
browser then closes with one line naming the file and what happened, exit
status 1, no traceback, and nothing written."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import pytest

from casefiles import model
from casefiles.generate import write_generated
from casefiles.store import Store
from tests.tui.conftest import make_app, sync


def _files_of(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir()) if p.is_file()}


@sync
async def test_a_file_rewritten_in_place_closes_the_browser_with_one_line(
    tmp_path: Path, capfd: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "store.json"
    write_generated(path, 30, seed=5)
    Store.load(path)  # checked once: the next load parses no document
    store = Store.load(path)
    app = make_app(store)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        # Another program rewrites the file in place (same inode, new bytes).
        data = json.loads(path.read_bytes())
        with path.open("r+b") as fh:
            fh.truncate(0)
            fh.write(json.dumps(data, indent=1).encode())
        disk = _files_of(tmp_path)
        for _ in range(len(store.table(model.CASES))):
            if app._exit:
                break
            # Keys as the terminal sends them, without Pilot's wait for every
            # widget to be idle: the pane that met the error has stopped.
            app.simulate_key("j")
            await asyncio.sleep(0.05)
    assert app.return_code == 1
    assert app.reopen  # run_app opens it again on the file as it is now
    assert app._exception is None  # not a crash: no traceback
    said = app.closing_message  # printed by run_app once the terminal is restored
    assert said is not None and "\n" not in said
    assert said.startswith("casefiles: "), said
    assert str(path.resolve()) in said and "rewritten in place" in said, said
    assert "Traceback" not in capfd.readouterr().err
    assert _files_of(tmp_path) == disk  # nothing written
