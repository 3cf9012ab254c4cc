"""The command line through its real entry point."""

from __future__ import annotations

import json
import os
from pathlib import Path

import orjson

from casefiles.store import Store
from tests.conftest import ROOT, run_cli


def test_validate_valid_store(minimal_store: Path) -> None:
    result = run_cli("validate", "--store", str(minimal_store))
    assert result.returncode == 0, result.stderr
    assert result.stdout.count("\n") == 1
    assert "valid (2 sources, 3 parties, 2 courts, 1 cases" in result.stdout


def test_store_from_environment(minimal_store: Path) -> None:
    env = {**os.environ, "CASEFILES_STORE": str(minimal_store)}
    result = run_cli("stats", env=env)
    assert result.returncode == 0, result.stderr
    assert str(minimal_store) in result.stdout


def test_default_store_is_the_checkout_file() -> None:
    env = {k: v for k, v in os.environ.items() if k != "CASEFILES_STORE"}
    result = run_cli("stats", env=env)
    assert str(ROOT / "data" / "casefiles.json") in result.stdout + result.stderr


def test_show_dossier_text(minimal_store: Path) -> None:
    result = run_cli("show", "vey-case", "--store", str(minimal_store))
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "Prosecution of Ana Vey" in out
    assert "defendant" in out and "latest: upheld" in out
    assert "incitement (Criminal Code art. 495)" in out
    ladder = out[out.index("Court ladder") :]
    assert ladder.index("first instance") < ladder.index("appeal ")
    assert "4 years 6 months suspended; custodial 6 months" in out
    assert "pre-trial 4 months; served 4 months; remaining 2 months" in out
    assert "⚠  [src-a]" in out  # a fact under conflict is flagged in its line
    disagree = out[out.index("\nSources disagree\n") :]
    assert "arrest: 2 versions" in disagree
    assert "Ana Vey — arrested, 2021-04-27  [src-a]" in disagree
    assert "https://example.org/a" in out


def test_show_json_matches_text(minimal_store: Path) -> None:
    result = run_cli("show", "vey-case", "--json", "--store", str(minimal_store))
    assert result.returncode == 0, result.stderr
    d = json.loads(result.stdout)
    assert [p["id"] for p in d["ladder"]] == ["vey-trial", "vey-appeal"]
    derived = d["sentences"][0]["derived"]
    assert derived["custodial"] == {"months": 6, "text": "6 months"}
    assert derived["remaining"]["text"] == "2 months"
    assert {k: [v["text"] for v in vs] for k, vs in d["conflicts"].items()} == {
        "arrest": ["Ana Vey — arrested, 2021-04-27", "Ana Vey — arrested, 2021-04-28"]
    }
    assert [v["sources"] for v in d["conflicts"]["arrest"]] == [["src-a"], ["src-b"]]
    assert [s["id"] for s in d["sources"]] == ["src-a", "src-b"]


def test_show_unknown_case(minimal_store: Path) -> None:
    result = run_cli("show", "[@click=app.quit]\x1b[2J", "--store", str(minimal_store))
    assert result.returncode == 1
    assert "no case with id" in result.stderr
    assert "\x1b" not in result.stderr


def test_stats(minimal_store: Path) -> None:
    result = run_cli("stats", "--store", str(minimal_store))
    assert result.returncode == 0
    lines = result.stdout.splitlines()
    assert any(line.split() == ["cases", "1"] for line in lines)
    assert any(line.split() == ["first", "instance", "1"] for line in lines)


def test_generate_is_deterministic_and_valid(tmp_path: Path) -> None:
    a, b = tmp_path / "a" / "s.json", tmp_path / "b" / "s.json"
    for out in (a, b):
        result = run_cli("generate", "--cases", "60", "--seed", "5", "--out", str(out))
        assert result.returncode == 0, result.stderr
    assert a.read_bytes() == b.read_bytes()
    store = Store.load(a, check_files=True)
    cases = list(store.table("cases").values())
    assert len(cases) == 60
    assert all(3 <= len(c["participants"]) <= 15 for c in cases)
    assert all(
        1 <= sum(p["kind"] == "ruling" for p in store.proceedings_of(c["id"])) <= 3 for c in cases
    )
    names = " ".join(
        p["name"] + " ".join(p.get("aliases", [])) for p in store.table("parties").values()
    )
    assert any("\u1780" <= ch <= "\u17ff" for ch in names), "Khmer script"
    assert any(ch in names for ch in "áéóúâêôđãà"), "Latin with diacritics"
    recurring = [pid for pid in store.table("parties") if len(store.cases_of_party(pid)) > 1]
    assert recurring, "people recur across cases"
    assert (a.parent / "articles").is_dir()


def test_generate_refuses_to_overwrite(minimal_store: Path) -> None:
    before = minimal_store.read_bytes()
    result = run_cli("generate", "--cases", "3", "--out", str(minimal_store))
    assert result.returncode == 1
    assert "exists; pass --force" in result.stderr
    assert minimal_store.read_bytes() == before


def test_version_and_help() -> None:
    assert run_cli("--version").stdout.startswith("casefiles ")
    result = run_cli("--help")
    assert result.returncode == 0
    for command in ("validate", "show", "stats", "search", "generate"):
        assert command in result.stdout


def test_module_and_console_script_agree(minimal_store: Path) -> None:
    import shutil
    import subprocess
    import sys

    script = shutil.which("casefiles", path=str(Path(sys.executable).parent))
    assert script is not None
    out = subprocess.run(
        [script, "stats", "--store", str(minimal_store)], capture_output=True, text=True, check=True
    ).stdout
    assert out == run_cli("stats", "--store", str(minimal_store)).stdout
    assert orjson.loads(minimal_store.read_bytes())["meta"]
