"""What ``casefiles export`` refuses and guarantees: the store is never changed,
nothing is overwritten without --force, an unknown case or a failed export
writes nothing, and the store or a folder holding it is never a target."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from casefiles.export.output import ExportError, write_atomically
from tests.conftest import run_cli
from tests.export.conftest import ADHOC5, copy_bundled, export


def digest(folder: Path) -> dict[str, str]:
    """Name -> SHA-256 of every file under ``folder``."""
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def run_export(store: Path, *args: str) -> tuple[int, str, str]:
    result = run_cli("export", "--store", str(store), *args)
    return result.returncode, result.stdout, result.stderr


@pytest.mark.parametrize("fmt", ["csv", "json", "md"])
def test_exporting_never_changes_the_store(hostile_store: Path, tmp_path: Path, fmt: str) -> None:
    before = digest(hostile_store.parent)
    export(hostile_store, fmt, tmp_path / f"out.{fmt}")
    export(hostile_store, fmt, tmp_path / f"one.{fmt}", "--case", ADHOC5)
    assert digest(hostile_store.parent) == before


@pytest.mark.parametrize("fmt", ["csv", "json", "md"])
def test_no_overwrite_without_force(tmp_path: Path, fmt: str) -> None:
    store = copy_bundled(tmp_path / "store")
    out = tmp_path / "out"
    export(store, fmt, out, "--case", ADHOC5)
    before = digest(tmp_path / "out") if out.is_dir() else {"": out.read_text()}
    code, stdout, stderr = run_export(store, "--format", fmt, "--out", str(out))
    assert code == 1 and stdout == ""
    assert (
        stderr == f"casefiles export: {out} exists; pass --force to overwrite (nothing written)\n"
    )
    after = digest(tmp_path / "out") if out.is_dir() else {"": out.read_text()}
    assert after == before
    # --force replaces it with the whole export, and leaves no temporary folder.
    export(store, fmt, out, "--force")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out", "store"]
    if fmt == "md":
        assert len(list(out.iterdir())) == 16


def test_unknown_case_writes_nothing(tmp_path: Path) -> None:
    store = copy_bundled(tmp_path / "store")
    for fmt in ("csv", "json", "md"):
        code, stdout, stderr = run_export(
            store,
            "--format",
            fmt,
            "--out",
            str(tmp_path / "out"),
            "--case",
            ADHOC5,
            "--case",
            "no-such-case",
        )
        assert code == 1 and stdout == ""
        assert stderr.count("\n") == 1
        assert "no case with id 'no-such-case'" in stderr and "nothing written" in stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["store"]


def test_the_store_is_never_a_target(tmp_path: Path) -> None:
    store = copy_bundled(tmp_path / "store")
    before = digest(tmp_path)
    cases = [
        ("json", store, "is the store or one of its files"),
        ("json", store.with_name(store.name + ".log"), "is the store or one of its files"),
        ("csv", store.parent, "holds the store"),
        ("md", tmp_path, "holds the store"),
    ]
    for fmt, out, message in cases:
        code, _, stderr = run_export(store, "--format", fmt, "--out", str(out), "--force")
        assert code == 1, (fmt, out)
        assert message in stderr and stderr.count("\n") == 1
    assert digest(tmp_path) == before


def test_force_does_not_replace_a_folder_that_is_not_an_export(tmp_path: Path) -> None:
    store = copy_bundled(tmp_path / "store")
    folder = tmp_path / "documents"
    (folder / "sub").mkdir(parents=True)
    (folder / "thesis.odt").write_text("precious")
    code, _, stderr = run_export(store, "--format", "csv", "--out", str(folder), "--force")
    assert code == 1 and "does not look like an export" in stderr
    assert (folder / "thesis.odt").read_text() == "precious"


def test_missing_parent_folder(tmp_path: Path) -> None:
    store = copy_bundled(tmp_path / "store")
    code, _, stderr = run_export(
        store, "--format", "json", "--out", str(tmp_path / "nope" / "x.json")
    )
    assert code == 1 and "does not exist" in stderr and stderr.count("\n") == 1
    assert not (tmp_path / "nope").exists()


def test_bad_format_is_a_usage_error(tmp_path: Path) -> None:
    store = copy_bundled(tmp_path / "store")
    code, _, stderr = run_export(store, "--format", "xlsx", "--out", str(tmp_path / "x"))
    assert code == 2 and "invalid choice" in stderr and "Traceback" not in stderr


def test_a_failed_export_leaves_nothing(tmp_path: Path) -> None:
    target = tmp_path / "out"

    def half(folder: Path) -> None:
        (folder / "cases.csv").write_text("id\n")
        raise OSError(28, "No space left on device")

    with pytest.raises(ExportError, match="nothing written"):
        write_atomically(target, half, folder=True)
    assert list(tmp_path.iterdir()) == []
    # A failure while replacing keeps the old export.
    target.mkdir()
    (target / "cases.csv").write_text("old\n")
    with pytest.raises(ExportError):
        write_atomically(target, half, folder=True)
    assert [p.name for p in tmp_path.iterdir()] == ["out"]
    assert (target / "cases.csv").read_text() == "old\n"
