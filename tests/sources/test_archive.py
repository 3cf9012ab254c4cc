"""``casefiles archive``: capture what is missing, a few at a time, resumable;
never overwrite a capture; report a changed hash."""

from __future__ import annotations

from pathlib import Path

import pytest

from casefiles import model
from casefiles.cli import main
from casefiles.sources import archive
from casefiles.sources.fetch import Limits
from casefiles.sources.warc import read_document
from casefiles.store import Store
from tests.sources.conftest import snapshot
from tests.sources.server import ARTICLE, MUTABLE, FixtureServer, page

LOCAL = Limits(timeout=5, allow_private=True)


def add_sources(store_path: Path, server: FixtureServer, paths: dict[str, str]) -> None:
    store = Store.load(store_path)
    for source_id, path in paths.items():
        store.put(
            model.SOURCES,
            {"id": source_id, "title": f"Source {source_id}", "url": server.url(path)},
        )


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_missing_captures_each_and_tables_the_outcomes(
    server: FixtureServer, empty_store: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    add_sources(
        empty_store,
        server,
        {
            "ok-news": "/news.html",
            "ok-pdf": "/doc.pdf",
            "gone": "/404",
            "huge": "/big",
            "picture": "/image.png",
            "sneaky": "/to-file",
        },
    )
    code, out, err = run(capsys, "--store", str(empty_store), "archive", "--missing", "--jobs", "3")
    assert code == 1  # not everything could be captured
    assert err.count("archive: ") == 6 and "archive: 6/6 " in err  # progress, one line each
    rows = {line.split()[0]: line for line in out.splitlines()[1:-1]}
    assert rows["ok-news"].split()[1] == "captured"
    assert rows["ok-pdf"].split()[1] == "captured"
    assert "not found" in rows["gone"]
    assert "too big" in rows["huge"]
    assert "not an article" in rows["picture"]
    assert "refused" in rows["sneaky"]
    assert out.splitlines()[-1] == "2 captured, 1 not found, 1 too big, 1 not an article, 1 refused"
    store = Store.load(empty_store, check_files=True)
    news = store.get(model.SOURCES, "ok-news")
    assert news is not None
    assert news["file"] == "articles/ok-news.txt" and news["warc"] == "warc/ok-news.warc.gz"
    assert news["published"] == "2022-11-24"  # filled in from the page: it had none
    assert store.get(model.SOURCES, "gone") == {
        "id": "gone",
        "title": "Source gone",
        "url": server.url("/404"),
    }
    # Run again: only the failures are still missing; the captures are untouched.
    before = {
        k: v for k, v in snapshot(empty_store.parent).items() if k.startswith(("art", "warc"))
    }
    code, out, _ = run(capsys, "--store", str(empty_store), "archive")
    assert {line.split()[0] for line in out.splitlines()[1:-1]} == {
        "gone",
        "huge",
        "picture",
        "sneaky",
    }
    after = {k: v for k, v in snapshot(empty_store.parent).items() if k.startswith(("art", "warc"))}
    assert after == before


def test_recapture_is_stored_beside_and_a_changed_hash_reported(
    server: FixtureServer, empty_store: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    MUTABLE["body"] = page("An article that will change", ARTICLE)
    add_sources(empty_store, server, {"story": "/mutable"})
    assert run(capsys, "--store", str(empty_store), "archive")[0] == 0
    first = Store.load(empty_store).get(model.SOURCES, "story")
    assert first is not None
    original = (empty_store.parent / first["warc"]).read_bytes()

    code, out, _ = run(capsys, "--store", str(empty_store), "archive", "--source", "story")
    assert code == 0 and " unchanged " in out

    MUTABLE["body"] = page("An article that will change", ARTICLE + " Edited later.")
    try:
        code, out, _ = run(capsys, "--store", str(empty_store), "archive", "--source", "story")
    finally:
        MUTABLE["body"] = page("An article that will change", ARTICLE)
    assert code == 0
    assert " changed " in out and "hash changed: " in out and "kept both" in out
    doc = Store.load(empty_store, check_files=True).get(model.SOURCES, "story")
    assert doc is not None
    # The first capture is as it was; both later ones sit beside it.
    assert doc["sha256"] == first["sha256"] and doc["warc"] == first["warc"]
    assert (empty_store.parent / first["warc"]).read_bytes() == original
    assert len(doc["recaptures"]) == 2
    last = doc["recaptures"][-1]
    assert last["sha256"] != first["sha256"]
    assert b"Edited later." in read_document(empty_store.parent / last["warc"])
    assert "Edited later." in (empty_store.parent / last["file"]).read_text()
    assert "Edited later." not in (empty_store.parent / first["file"]).read_text()


def test_source_with_a_hand_copy_keeps_it(
    server: FixtureServer, bundled: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    store = Store.load(bundled)
    s01 = store.get(model.SOURCES, "s01")
    assert s01 is not None
    store.put(model.SOURCES, {**s01, "url": server.url("/news.html")})
    hand = (bundled.parent / s01["file"]).read_bytes()
    code, out, _ = run(capsys, "--store", str(bundled), "archive", "--source", "s01")
    assert code == 0 and "stored beside the existing text" in out
    doc = Store.load(bundled, check_files=True).get(model.SOURCES, "s01")
    assert doc is not None and doc["file"] == s01["file"]
    assert (bundled.parent / s01["file"]).read_bytes() == hand
    assert doc["recaptures"][0]["file"].startswith("articles/s01.")


def test_interrupted_run_resumes(server: FixtureServer, empty_store: Path) -> None:
    add_sources(empty_store, server, {f"p{i}": f"/page/{i}" for i in range(6)})
    store = Store.load(empty_store)

    def stop_after_two(done: int, total: int, row: archive.Row) -> None:
        if done == 2:
            raise KeyboardInterrupt

    with pytest.raises(archive.ArchiveInterrupted) as info:
        archive.archive(store, archive.missing(store), LOCAL, jobs=1, progress=stop_after_two)
    assert [r.outcome for r in info.value.rows] == ["captured", "captured"]
    # Nothing written for the captures that were not recorded.
    assert len(list((empty_store.parent / "articles").iterdir())) == 2
    assert len(list((empty_store.parent / "warc").iterdir())) == 2
    store = Store.load(empty_store, check_files=True)
    left = archive.missing(store)
    assert len(left) == 4
    rows = archive.archive(store, left, LOCAL, jobs=2)
    assert [r.outcome for r in rows] == ["captured"] * 4
    assert archive.missing(Store.load(empty_store, check_files=True)) == []


def test_unknown_source_id(empty_store: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "--store", str(empty_store), "archive", "--source", "nope")
    assert code == 1 and out == "" and "no source with id 'nope'" in err


def test_nothing_to_archive(empty_store: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "--store", str(empty_store), "archive", "--missing")
    assert code == 0 and out.strip() == "nothing to archive"


def test_ctrl_c_in_a_real_process_keeps_what_finished(
    server: FixtureServer, empty_store: Path
) -> None:
    import os
    import signal
    import subprocess
    import sys

    from tests.conftest import ROOT

    add_sources(
        empty_store,
        server,
        {"a": "/page/1", "b": "/page/2", "c": "/slowish", "d": "/page/4", "e": "/page/5"},
    )
    cmd = [sys.executable, "-m", "casefiles", "--store", str(empty_store), "archive", "--jobs", "1"]
    proc = subprocess.Popen(
        cmd, cwd=ROOT, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        text=True, env={**os.environ},
    )  # fmt: skip
    assert proc.stderr is not None
    seen = ""
    while "archive: 2/5" not in seen:
        line = proc.stderr.readline()
        assert line, seen
        seen += line
    proc.send_signal(signal.SIGINT)
    out, err = proc.communicate(timeout=30)
    assert proc.returncode == 130, err
    assert "interrupted after 2 of 5" in err and "Traceback" not in err
    assert [ln.split()[0] for ln in out.splitlines()[1:-1]] == ["a", "b"]
    # Only the two recorded captures are on disk; the next run does the rest.
    assert sorted(p.name for p in (empty_store.parent / "articles").iterdir()) == ["a.txt", "b.txt"]
    assert [d["id"] for d in archive.missing(Store.load(empty_store))] == ["c", "d", "e"]
    again = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert again.returncode == 0, again.stderr
    assert archive.missing(Store.load(empty_store, check_files=True)) == []
