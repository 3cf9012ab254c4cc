"""``casefiles`` with no sub-command when the browser cannot be imported: it
says why on stderr and exits non-zero (issue 8: it printed the case list and
exited 0, hiding a broken install).  The break is real: a ``textual`` package
that fails to import, first on the path of the real entry point."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_a_broken_browser_import_is_reported_not_hidden(tmp_path: Path) -> None:
    broken = tmp_path / "site" / "textual"
    broken.mkdir(parents=True)
    (broken / "__init__.py").write_text('raise ImportError("textual is broken here")\n')
    store = tmp_path / "data"
    shutil.copytree(ROOT / "data", store)
    env = {**os.environ, "PYTHONPATH": f"{tmp_path / 'site'}{os.pathsep}{ROOT}"}
    done = subprocess.run(
        [sys.executable, "-m", "casefiles", "--store", str(store / "casefiles.json")],
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
        timeout=60,
        env=env,
        cwd=tmp_path,
    )
    assert done.returncode != 0
    assert "textual is broken here" in done.stderr
    assert "Traceback" not in done.stderr
    assert done.stdout == ""  # no case list passed off as the browser
