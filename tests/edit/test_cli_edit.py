"""``casefiles edit TABLE ID`` through the real entry point, with ``$EDITOR`` set
to small scripts: a valid edit, invalid then fixed, unchanged, empty, given up
(saved unchanged with problems, or the editor failing), hostile input, a case
with its proceedings, a quote warning, and another program's change meanwhile."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from casefiles import model
from casefiles.store import Store
from tests.conftest import run_cli
from tests.edit.conftest import editor_script

CASE = "adhoc-5-witness-bribery"


def _env(editor: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "VISUAL"}
    env["EDITOR"] = editor
    return env


def _edit(store: Path, editor: str, *args: str) -> tuple[int, str, str]:
    done = run_cli("--store", str(store), "edit", *args, env=_env(editor))
    return done.returncode, done.stdout, done.stderr


def _log(store: Path) -> list[dict[str, object]]:
    log = store.with_name(store.name + ".log")
    return [json.loads(line) for line in log.read_text().splitlines()] if log.exists() else []


def _recovery_files() -> list[Path]:
    folder = Path(os.environ["XDG_DATA_HOME"]) / "casefiles" / "recovery"
    return sorted(folder.glob("*.yaml")) if folder.exists() else []


def _work_files() -> list[Path]:
    folder = Path(os.environ["XDG_DATA_HOME"]) / "casefiles" / "edits"
    return sorted(folder.glob("*.yaml")) if folder.exists() else []


def test_a_valid_edit_is_saved_as_one_logged_change(store_path: Path, tmp_path: Path) -> None:
    editor = editor_script(
        tmp_path, "ed", 'text = text.replace("name: Chin Malin", "name: Chhin Malin")'
    )
    code, out, err = _edit(store_path, editor, "party", "chin-malin", "--reason", "spelling")
    assert (code, err) == (0, "")
    assert "saved: edit parties[chin-malin]" in out
    assert Store.load(store_path).get(model.PARTIES, "chin-malin")["name"] == "Chhin Malin"  # type: ignore[index]
    (entry,) = _log(store_path)
    assert entry["reason"] == "spelling" and entry["op"] == "put"
    seen = (tmp_path / "ed.seen0").read_text()
    assert seen.startswith("# casefiles edit parties[chin-malin]")
    assert "\nid: chin-malin\nkind: person\nname: Chin Malin\n" in seen
    assert "ជិន ម៉ាលីន" in seen and "!!" not in seen
    assert _work_files() == [] and _recovery_files() == []


def test_invalid_then_fixed(store_path: Path, tmp_path: Path) -> None:
    editor = editor_script(
        tmp_path,
        "ed",
        """
        if round == 0:
            text = text.replace("kind: person", "kind: robot\\nborn: 26 Sept 1970")
        else:
            assert "NOT SAVED: 2 problems" in text, text
            text = text.replace("kind: robot\\nborn: 26 Sept 1970", "kind: person")
            text = text.replace("name: Chin Malin", "name: Chin Malin (fixed)")
        """,
    )
    code, out, err = _edit(store_path, editor, "parties", "chin-malin")
    assert (code, err) == (0, ""), out
    second = (tmp_path / "ed.seen1").read_text()
    assert (
        "#   - parties[chin-malin].kind: unknown value 'robot'; expected one of: person, "
        "organisation" in second
    )
    assert "#   - parties[chin-malin].born: unknown field" in second
    assert "kind: robot\nborn: 26 Sept 1970" in second  # the user's text is kept below
    assert Store.load(store_path).get(model.PARTIES, "chin-malin")["name"] == "Chin Malin (fixed)"  # type: ignore[index]
    assert len(_log(store_path)) == 1


def test_saved_unchanged_is_no_change(store_path: Path, tmp_path: Path) -> None:
    editor = editor_script(tmp_path, "ed", "pass")
    code, out, err = _edit(store_path, editor, "case", CASE)
    assert (code, out.strip(), err) == (0, "casefiles edit: no change", "")
    assert _log(store_path) == [] and _work_files() == []


def test_saved_empty_cancels(store_path: Path, tmp_path: Path) -> None:
    editor = editor_script(tmp_path, "ed", 'text = "# nothing left\\n\\n"')
    code, out, err = _edit(store_path, editor, "parties", "chin-malin")
    assert (code, err) == (0, "")
    assert "no change" in out
    assert _log(store_path) == []


def test_given_up_keeps_the_text_in_a_recovery_file(store_path: Path, tmp_path: Path) -> None:
    editor = editor_script(
        tmp_path,
        "ed",
        """
        if round == 0:
            text = text.replace("name: Chin Malin", 'name: "Chin \\\\e[2J Malin"')
        else:
            return  # saved again without changes: give up
        """,
    )
    before = store_path.read_bytes()
    code, out, err = _edit(store_path, editor, "parties", "chin-malin")
    assert code == 1 and out == ""
    (kept,) = _recovery_files()
    assert f"Your text is kept in {kept}" in err
    assert "saved again without changes while problems stand" in err
    text = kept.read_text()
    assert 'name: "Chin \\e[2J Malin"' in text
    assert "contains control character U+001B" in text
    assert store_path.read_bytes() == before and _log(store_path) == []
    assert "\x1b" not in err


def test_an_editor_failing_gives_up_and_keeps_the_text(store_path: Path, tmp_path: Path) -> None:
    editor = editor_script(
        tmp_path,
        "ed",
        """
        text = text.replace("name: Chin Malin", "name: Half-typed")
        path.write_text(text)
        sys.exit(3)
        """,
    )
    code, _out, err = _edit(store_path, editor, "parties", "chin-malin")
    assert code == 1
    assert "the editor exited with status 3" in err
    (kept,) = _recovery_files()
    assert "name: Half-typed" in kept.read_text()
    assert _log(store_path) == []


def test_an_editor_failing_untouched_leaves_nothing(store_path: Path, tmp_path: Path) -> None:
    editor = editor_script(tmp_path, "ed", "sys.exit(1)")
    code, _out, err = _edit(store_path, editor, "parties", "chin-malin")
    assert code == 1 and "nothing to keep" in err
    assert _recovery_files() == [] and _work_files() == []


@pytest.mark.parametrize(
    ("replacement", "message"),
    [
        ('name: "Chin \\u202e Malin"', "contains control character U+202E"),
        ('name: "\\e]52;c;aGk=\\a"', "contains control character U+001B"),
        ("name: '[b]Chin[/b] [@click=app.quit]x[/]'", None),  # markup is text: kept literally
        ("name: " + "x" * 100_000, "string of 100,000 characters; at most 2,000"),
        ("name: &n Chin\naliases: [*n]", "an anchor (&n) is not accepted"),
        ("name: Chin\nname: Malin", "field 'name' is given twice"),
        ("name: !!python/object/apply:os.system [true]", "a tag (tag:yaml.org,2002:python"),
        ("name: Chin\n? [a]\n: b", "a field name must be plain text"),
        ("name: Chin\n1: b", "1: unknown field"),
        ("name: Chin\n---\nname: Malin", "a second document"),
    ],
)
def test_hostile_input_is_refused_as_validate_decides(
    store_path: Path, tmp_path: Path, replacement: str, message: str | None
) -> None:
    editor = editor_script(
        tmp_path,
        "ed",
        f"""
        if round == 0:
            text = text.replace("name: Chin Malin", {replacement!r})
        else:
            return
        """,
    )
    before = store_path.read_bytes()
    code, out, err = _edit(store_path, editor, "parties", "chin-malin")
    if message is None:
        assert code == 0, err
        name = Store.load(store_path).get(model.PARTIES, "chin-malin")["name"]  # type: ignore[index]
        assert name == "[b]Chin[/b] [@click=app.quit]x[/]"
        return
    assert code == 1, out
    assert message in (tmp_path / "ed.seen1").read_text()
    assert store_path.read_bytes() == before and _log(store_path) == []
    assert "\x1b" not in err and "\u202e" not in err


def test_a_yaml_bomb_is_refused_without_expanding(store_path: Path, tmp_path: Path) -> None:
    bomb = "lol: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
        f"l{i}: &l{i} [{', '.join(['*' + ('a' if i == 0 else f'l{i - 1}')] * 9)}]\n"
        for i in range(9)
    )
    editor = editor_script(
        tmp_path, "ed", f"if round == 0:\n    text = text + {bomb!r}\nelse:\n    return"
    )
    code, _out, _err = _edit(store_path, editor, "parties", "chin-malin")
    assert code == 1
    assert "an anchor (&a) is not accepted" in (tmp_path / "ed.seen1").read_text()


def test_a_case_with_a_new_ruling_and_dates_as_articles_write_them(
    store_path: Path, tmp_path: Path
) -> None:
    editor = editor_script(
        tmp_path,
        "ed",
        """
        assert text.count("\\nproceedings:\\n") == 1 and "\\nsentences:\\n" in text
        new = (
            "proceedings:\\n"
            "  - id: adhoc-5-test-hearing\\n"
            "    level: appeal\\n"
            "    kind: adjournment\\n"
            "    date: Sept. 26, 2023\\n"
            "    outcome: adjourned\\n"
            "    cites:\\n"
            "      - source: s01\\n"
        )
        text = text.replace("proceedings:\\n", new, 1)
        """,
    )
    code, out, err = _edit(store_path, editor, "cases", CASE)
    assert (code, err) == (0, ""), out
    assert "saved: add proceedings[adhoc-5-test-hearing]" in out
    assert "proceedings[0].date: read 'Sept. 26, 2023' as 2023-09-26" in out
    proc = Store.load(store_path).get(model.PROCEEDINGS, "adhoc-5-test-hearing")
    assert proc is not None and proc["case"] == CASE and proc["date"] == "2023-09-26"


def test_a_new_fact_without_a_cite_is_refused(store_path: Path, tmp_path: Path) -> None:
    editor = editor_script(
        tmp_path,
        "ed",
        """
        if round == 0:
            text = text.replace(
                "  events:\\n",
                "  events:\\n    - date: 2023\\n      label: Visited in prison\\n",
                1,
            )
        else:
            return
        """,
    )
    code, _out, _err = _edit(store_path, editor, "cases", CASE)
    assert code == 1
    assert (
        "events[0].cites: a new or changed event needs at least one cite"
        in (tmp_path / "ed.seen1").read_text()
    )
    assert _log(store_path) == []


def test_an_ambiguous_date_is_refused_with_the_reason(store_path: Path, tmp_path: Path) -> None:
    editor = editor_script(
        tmp_path,
        "ed",
        """
        if round == 0:
            import re
            date = r"\\n    date: '?[0-9-]+'?\\n"
            text = re.sub(date, "\\n    date: 03/04/2018\\n", text, count=1)
        else:
            return
        """,
    )
    code, _out, _err = _edit(store_path, editor, "cases", CASE)
    assert code == 1
    seen = (tmp_path / "ed.seen1").read_text()
    assert "bad date '03/04/2018'" in seen
    assert "hint: " in seen and "day first it is 3 Apr 2018; month first it is 4 Mar 2018" in seen


def test_a_quote_not_in_the_article_asks_before_saving(store_path: Path, tmp_path: Path) -> None:
    editor = editor_script(
        tmp_path,
        "ed",
        """
        if round == 0:
            text = text.replace(
                "cites:\\n  - source: s01\\n    quote: Ministry spokesman Chin Malin\\n",
                "cites:\\n  - source: s01\\n    quote: Ministry spokesman Chin Malin\\n"
                "  - source: s01\\n    quote: Chin Malin resigned\\n",
            )
            assert "resigned" in text
        else:
            assert "PLEASE CHECK (not saved yet): 1 warning" in text, text
            return  # saved again unchanged: save anyway
        """,
    )
    code, out, err = _edit(store_path, editor, "parties", "chin-malin")
    assert (code, err) == (0, ""), out
    assert "saved despite: parties[chin-malin].cites[1].quote: 'Chin Malin resigned'" in out
    assert len(_log(store_path)) == 1


def test_another_programs_change_meanwhile_shows_both(store_path: Path, tmp_path: Path) -> None:
    editor = editor_script(
        tmp_path,
        "ed",
        f"""
        if round == 0:
            sys.path.insert(0, {str(Path(__file__).resolve().parents[2])!r})
            from casefiles.store import Store
            other = Store.load({str(store_path)!r})
            doc = dict(other.get("parties", "chin-malin"))
            other.put("parties", {{**doc, "description": "Changed by the other program."}})
            text = text.replace("name: Chin Malin", "name: Chin Malin (mine)")
        else:
            assert "another program changed what you are editing" in text, text
            assert "#   | description: Changed by the other program." in text
            return  # save again unchanged: mine replaces theirs, knowingly
        """,
    )
    code, out, err = _edit(store_path, editor, "parties", "chin-malin")
    assert (code, err) == (0, ""), out
    log = _log(store_path)
    assert len(log) == 2  # theirs, then mine on top of it: nothing lost from the log
    assert Store.load(store_path).get(model.PARTIES, "chin-malin")["name"] == "Chin Malin (mine)"  # type: ignore[index]


def test_editor_variable_is_split_like_a_shell_and_run_without_one(
    store_path: Path, tmp_path: Path
) -> None:
    folder = tmp_path / "my editors; rm -rf ~"
    folder.mkdir()
    editor = editor_script(folder, "ed", 'text = text.replace("name: Chin Malin", "name: CM")')
    python, script = editor.split(" ", 1)
    code, _out, err = _edit(store_path, f"{python} '{script}' --flag", "parties", "chin-malin")
    assert (code, err) == (0, "")
    assert Store.load(store_path).get(model.PARTIES, "chin-malin")["name"] == "CM"  # type: ignore[index]


def test_usage_errors(store_path: Path, tmp_path: Path) -> None:
    editor = editor_script(tmp_path, "ed", "pass")
    code, _out, err = _edit(store_path, editor, "judges", "x")
    assert code == 2 and "unknown table 'judges'" in err
    code, _out, err = _edit(store_path, editor, "parties", "nobody")
    assert code == 1 and "no document parties[nobody]" in err
    code, _out, err = _edit(store_path, "'unbalanced", "parties", "chin-malin")
    assert code == 2 and "$EDITOR cannot be split" in err
    code, _out, err = _edit(store_path, "/no/such/editor", "parties", "chin-malin")
    assert code == 1 and "could not be started" in err


def test_yaml_problems_name_the_line_of_the_reopened_file(store_path: Path, tmp_path: Path) -> None:
    editor = editor_script(
        tmp_path,
        "ed",
        """
        if round == 0:
            text = text.replace("kind: person\\n", "kind: person\\nkind: organisation\\n")
        else:
            return
        """,
    )
    code, _out, _err = _edit(store_path, editor, "parties", "chin-malin")
    assert code == 1
    lines = (tmp_path / "ed.seen1").read_text().splitlines()
    problem = next(line for line in lines if "is given twice" in line)
    # "#   - line N: field 'kind' is given twice (also on line M)"
    n = int(problem.split("line ")[1].split(":")[0])
    m = int(problem.split("also on line ")[1].rstrip(")").split(")")[0])
    assert lines[n - 1] == "kind: organisation"
    assert lines[m - 1] == "kind: person"


def test_a_bad_reason_is_refused_before_the_editor_opens(store_path: Path, tmp_path: Path) -> None:
    editor = editor_script(tmp_path, "ed", "raise SystemExit('the editor must not run')")
    code, _out, err = _edit(store_path, editor, "parties", "chin-malin", "--reason", "a\x1bb")
    assert code == 2 and "--reason: the reason holds a control character" in err
    assert not (tmp_path / "ed.round").exists()


def test_interrupted_while_the_editor_runs_keeps_the_text(store_path: Path, tmp_path: Path) -> None:
    editor = editor_script(
        tmp_path,
        "ed",
        """
        import os, signal, time
        path.write_text(text.replace("name: Chin Malin", "name: Typed before Ctrl-C"))
        os.kill(os.getppid(), signal.SIGINT)
        time.sleep(0.5)
        return
        """,
    )
    code, _out, err = _edit(store_path, editor, "parties", "chin-malin")
    assert code == 130
    (kept,) = _recovery_files()
    assert f"not saved: interrupted; nothing changed. Your text is kept in {kept}" in err
    assert "name: Typed before Ctrl-C" in kept.read_text()
    assert _log(store_path) == [] and _work_files() == []


def test_a_file_that_is_not_utf8_comes_back_byte_for_byte(store_path: Path, tmp_path: Path) -> None:
    editor = editor_script(
        tmp_path,
        "ed",
        """
        if round == 0:
            path.write_bytes(text.encode().replace(b"name: Chin Malin", b"name: Chin \\xff Malin"))
        return
        """,
    )
    code, _out, _err = _edit(store_path, editor, "parties", "chin-malin")
    assert code == 1
    (kept,) = _recovery_files()
    data = kept.read_bytes()
    assert b"# NOT SAVED: 1 problem" in data and b"the file is not UTF-8 text" in data
    assert b"name: Chin \xff Malin" in data  # the user's byte, not a replacement character
    assert _log(store_path) == []


def test_an_edit_cut_short_by_a_kill_is_found_again(store_path: Path, tmp_path: Path) -> None:
    editor = editor_script(
        tmp_path,
        "ed",
        """
        import os, signal
        path.write_text(text.replace("name: Chin Malin", "name: Typed before the kill"))
        os.kill(os.getppid(), signal.SIGKILL)
        return
        """,
    )
    code, _out, _err = _edit(store_path, editor, "parties", "chin-malin")
    assert code == -9 or code == 137
    (left,) = _work_files()  # the text is still on disk
    assert "name: Typed before the kill" in left.read_text()
    # The next edit of the same document moves it to the recovery folder and says so.
    code, out, _err = _edit(
        store_path, editor_script(tmp_path, "ok", "pass"), "party", "chin-malin"
    )
    assert code == 0
    (kept,) = _recovery_files()
    assert f"was cut short; its text is kept in {kept}" in out
    assert "name: Typed before the kill" in kept.read_text()


def test_new_from_a_template(store_path: Path, tmp_path: Path) -> None:
    editor = editor_script(
        tmp_path,
        "ed",
        """
        assert "# casefiles edit parties[lem-sokha] in" in text and "(new: fill in" in text
        text = text.replace("kind:  # one of: person, organisation", "kind: person")
        text = text.replace("name:  # required", "name: Lem Sokha")
        text = text.replace("# aliases:", "aliases: [លឹម សុខា]")
        """,
    )
    code, out, err = _edit(store_path, editor, "party", "lem-sokha", "--new")
    assert (code, err) == (0, ""), out
    assert "saved: add parties[lem-sokha]" in out
    party = Store.load(store_path).get(model.PARTIES, "lem-sokha")
    # the empty cite of the template is no cite (a party needs none)
    assert party == {
        "id": "lem-sokha",
        "kind": "person",
        "name": "Lem Sokha",
        "aliases": ["លឹម សុខា"],
    }


def test_new_unchanged_is_no_change_and_a_new_fact_needs_its_cite(
    store_path: Path, tmp_path: Path
) -> None:
    code, out, _err = _edit(store_path, editor_script(tmp_path, "a", "pass"), "party", "x", "--new")
    assert code == 0 and "no change" in out
    editor = editor_script(
        tmp_path,
        "b",
        f"""
        if round == 0:
            text = text.replace("case:  # required: the case's id", "case: {CASE}")
            text = text.replace("level:  # one of", "level: appeal  # one of")
            text = text.replace("kind:  # one of", "kind: hearing  # one of")
        else:
            return
        """,
    )
    code, _out, _err = _edit(store_path, editor, "proceeding", "new-hearing", "--new")
    assert code == 1
    assert (
        "proceedings[new-hearing].cites: a new or changed proceeding needs at least one cite"
        in (tmp_path / "b.seen1").read_text()
    )
    assert _log(store_path) == []


def test_new_refuses_an_existing_or_a_bad_id(store_path: Path, tmp_path: Path) -> None:
    editor = editor_script(tmp_path, "ed", "raise SystemExit('the editor must not run')")
    code, _out, err = _edit(store_path, editor, "party", "chin-malin", "--new")
    assert code == 1 and "parties[chin-malin] already exists; edit it without --new" in err
    code, _out, err = _edit(store_path, editor, "party", "Not An Id", "--new")
    assert code == 1 and "is not an id" in err
    assert not (tmp_path / "ed.round").exists()
