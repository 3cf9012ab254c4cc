"""Fixtures for the edit tests: temporary copies of the bundled case file (with
its articles, so quotes can be checked) and editor scripts."""

from __future__ import annotations

import shutil
import sys
import textwrap
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
BUNDLED = ROOT / "data"


@pytest.fixture
def store_path(tmp_path: Path) -> Path:
    """A temporary copy of the bundled store and its article folder."""
    shutil.copytree(BUNDLED, tmp_path / "data")
    return tmp_path / "data" / "casefiles.json"


def editor_script(folder: Path, name: str, body: str) -> str:
    """Write a Python editor script and return an ``$EDITOR`` value that runs it.

    The script gets ``path`` (the file to edit), ``text`` (its content) and
    ``round`` (0 the first time it runs, 1 the second …), and writes ``text``
    back unless it returns early; every version it was given is kept as
    ``<name>.seen<round>`` beside it."""
    script = folder / f"{name}.py"
    script.write_text(
        "import pathlib, sys\n"
        "path = pathlib.Path(sys.argv[-1])\n"
        "text = path.read_text(encoding='utf-8')\n"
        f"counter = pathlib.Path({str(folder / (name + '.round'))!r})\n"
        "round = int(counter.read_text()) if counter.exists() else 0\n"
        "counter.write_text(str(round + 1))\n"
        f"seen = pathlib.Path({str(folder)!r}, f'{name}.seen{{round}}')\n"
        "seen.write_text(text, encoding='utf-8')\n"
        "def main():\n"
        "    global text\n"
        + textwrap.indent(textwrap.dedent(body), "    ")
        + "\n    path.write_text(text, encoding='utf-8')\n"
        "main()\n",
        encoding="utf-8",
    )
    return f"{sys.executable} {script}"
