"""Every malformed store gets a clear message, a non-zero exit, no traceback,
nothing printed that a terminal would interpret, and its bytes left unchanged."""

from __future__ import annotations

import hashlib
import shutil
import tomllib
from pathlib import Path

import orjson
import pytest

from casefiles import cli
from casefiles.store import Store, StoreError
from tests.conftest import DATA, run_cli

BAD = Path(__file__).resolve().parent / "bad_stores"
EXPECTED: dict[str, str] = tomllib.loads((BAD / "expected.toml").read_text())["expected"]


def test_corpus_is_large_and_complete() -> None:
    files = {p.stem for p in BAD.glob("*.json")}
    assert len(files) >= 30
    assert files == set(EXPECTED), "every corpus file needs an expected message fragment"


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _copy(name: str, tmp_path: Path) -> Path:
    shutil.copytree(DATA / "articles", tmp_path / "articles")
    target = tmp_path / f"{name}.json"
    shutil.copyfile(BAD / f"{name}.json", target)
    return target


def _assert_clean_failure(code: int, out: str, err: str, fragment: str) -> None:
    assert code == 1, (code, out, err)
    assert "Traceback" not in out + err
    assert "\x1b" not in out + err, "an escape sequence from data reached the terminal"
    assert "\x07" not in out + err
    assert fragment in err, f"expected {fragment!r} in:\n{err}"


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_validate_cli_reports_bad_store(name: str, tmp_path: Path) -> None:
    store = _copy(name, tmp_path)
    before = _digest(store)
    listing = sorted(p.name for p in tmp_path.iterdir())
    result = run_cli("validate", "--store", str(store))
    _assert_clean_failure(result.returncode, result.stdout, result.stderr, EXPECTED[name])
    assert str(store) in result.stderr, "the message names the file"
    assert _digest(store) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == listing, "nothing written beside it"


@pytest.mark.parametrize("command", [["show", "vey-case"], ["stats"], ["search", "vey"], []])
@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_every_command_refuses_bad_store(
    name: str, command: list[str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    store = _copy(name, tmp_path)
    before = _digest(store)
    code = cli.main(["--store", str(store), *command])
    captured = capsys.readouterr()
    _assert_clean_failure(code, captured.out, captured.err, EXPECTED[name])
    assert _digest(store) == before


def test_fifty_megabyte_string(tmp_path: Path) -> None:
    data = orjson.loads((DATA / "minimal.json").read_bytes())
    data["parties"]["2"]["name"] = "B" * (50 * 1024 * 1024)
    store = tmp_path / "huge.json"
    store.write_bytes(orjson.dumps(data))
    before = _digest(store)
    result = run_cli("validate", "--store", str(store))
    _assert_clean_failure(
        result.returncode,
        result.stdout,
        result.stderr,
        "parties[bo-lin].name: string of 52,428,800 characters; at most 2,000",
    )
    assert len(result.stderr) < 2000, "the bad value is not echoed in full"
    assert _digest(store) == before


def test_all_problems_listed_not_just_first(tmp_path: Path) -> None:
    data = orjson.loads((DATA / "minimal.json").read_bytes())
    data["parties"]["1"]["kind"] = "robot"
    data["courts"]["2"]["level"] = "district"
    data["proceedings"]["1"]["date"] = "2022-02-31"
    store = tmp_path / "three.json"
    store.write_bytes(orjson.dumps(data))
    with pytest.raises(StoreError) as info:
        Store.load(store)
    fields = [(p.table, p.doc_id, p.field) for p in info.value.problems]
    assert fields == [
        ("parties", "ana-vey", "kind"),
        ("courts", "appeal-court", "level"),
        ("proceedings", "vey-trial", "date"),
    ]


@pytest.mark.parametrize(
    ("make", "fragment"),
    [
        (lambda p: None, "no such file"),
        (lambda p: p.mkdir(), "is a folder"),
    ],
)
def test_unreadable_paths(make, fragment: str, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    target = tmp_path / "store.json"
    make(target)
    result = run_cli("validate", "--store", str(target))
    _assert_clean_failure(result.returncode, result.stdout, result.stderr, fragment)


def test_path_through_a_file(minimal_store: Path) -> None:
    result = run_cli("validate", "--store", str(minimal_store / "inside.json"))
    _assert_clean_failure(
        result.returncode, result.stdout, result.stderr, "cannot read: Not a directory"
    )


def test_escape_sequences_in_paths_are_neutralised(tmp_path: Path) -> None:
    weird = tmp_path / "evil\x1b[2Jname.json"
    result = run_cli("validate", "--store", str(weird))
    _assert_clean_failure(result.returncode, result.stdout, result.stderr, "no such file")
    assert "\\x1b[2J" in result.stderr


def test_missing_article_file_reported_by_validate(minimal_store: Path) -> None:
    (minimal_store.parent / "articles" / "src-a.txt").unlink()
    result = run_cli("validate", "--store", str(minimal_store))
    _assert_clean_failure(
        result.returncode,
        result.stdout,
        result.stderr,
        "article file 'articles/src-a.txt' not found",
    )


def test_usage_errors_exit_two(minimal_store: Path) -> None:
    result = run_cli("show", "--store", str(minimal_store))
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert "the following arguments are required: ID" in result.stderr
    result = run_cli("frobnicate")
    assert result.returncode == 2
    assert "invalid choice" in result.stderr
