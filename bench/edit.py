"""Edit benchmark: the core of a save from a form or the editor, at generated
stores of 10k and 100k cases.

    .venv/bin/python bench/edit.py [--sizes 10000,100000] [--runs 20]

For one case (a title change, so every proceeding and sentence of the case is
checked again): ``Operation.check`` (validation as the store does it,
provenance, quotes), ``apply`` (check + one commit: append and fsync to the
change log), ``undo``; the YAML round trip of the case with its proceedings and
sentences (snapshot + dump, load + typed); and a refused delete of a party that
cases refer to (a scan of the store).  Median and worst of ``--runs``; prints a
table; timings are for reading, not for pass/fail.

**Save** (``--save-only``; ``--save-stores`` default the generated 10k and
100k stores in ``/root/scratch/g10k`` and ``g100k``, each copied first and the
copy removed after; ``--save-edits`` 30): the browser (120×40, headless, the
search index not built) on the copy with the first case shown; each save is
a title change of that case through the app's path (``app.edits.apply``: the
check, one commit appended and fsynced, then ``redraw_after_change``), timed
until *durable* (the commit returned) and until *drawn* (the screen's next
refresh, the header showing the new title).  p50 and p95; aim ≤ 250 ms.
Then the time ``H`` takes to read that case's versions from the log.
Then (``--save-pickups`` 10; 0: none) another program retitles the case
(``casefiles put`` in a child process): from their append to the log until
the browser drew it (the watcher looks every 0.5 s), and the UI thread's work
for each pick-up (``Store.refresh`` of the new entry plus the redraw).

**Picker** (``--picker-store PATH``, default the generated 100k store at
``/root/scratch/g100k/casefiles.json`` when it exists; ``--picker-only`` skips
the rest; nothing is written to the store): the party picker
(``PickerScreen`` over ``Choices(store, "parties")``, as a form opens it) in a
bare app of 120×40 under Pilot; a heartbeat task on the UI loop wakes every
1 ms and records the gaps between wake-ups while Pilot types ``--picker-query``
key by key at ~30 keys/s, until the picker shows the choices for the whole
query.  The longest gap is the longest the UI stalled.  Twice: first open
(the choice index is built in the picker's worker while typing) and with the
index ready; an idle second of the same heartbeat is the floor.  On a shared
machine most of a long gap can be the UI thread waiting for a core: the table
also gives that wait (``/proc/thread-self/schedstat``), the gap without it
("own": the UI thread working, or waiting for the GIL a worker holds, which a
worker descheduled while holding it makes longer), and the UI thread's own
CPU time per gap.
"""

from __future__ import annotations

import argparse
import gc
import os
import statistics
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from casefiles import model  # noqa: E402
from casefiles.edit import yamlio  # noqa: E402
from casefiles.edit.ops import EditRefused, History, Operation  # noqa: E402
from casefiles.generate import write_generated  # noqa: E402
from casefiles.store import Store  # noqa: E402

PICKER_STORE = Path("/root/scratch/g100k/casefiles.json")


def timed(fn: Callable[[], object], runs: int) -> tuple[float, float]:
    samples = []
    for _ in range(runs):
        t = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - t)
    return statistics.median(samples), max(samples)


def bench(size: int, runs: int, folder: Path) -> list[tuple[str, float, float]]:
    path = folder / f"store-{size}.json"
    write_generated(path, size, 0)
    store = Store.load(path)
    case_id = next(iter(store.table(model.CASES)))
    party = store.get(model.CASES, case_id)["participants"][0]["party"]  # type: ignore[index]
    rows: list[tuple[str, float, float]] = []
    counter = iter(range(10**9))

    def edited() -> Operation:
        case = dict(store.get(model.CASES, case_id))  # type: ignore[arg-type]
        case["title"] = f"Edited title {next(counter)}"
        return Operation.put(store, model.CASES, case)

    op = edited()
    rows.append(("check (case edit)", *timed(lambda: op.check(store), runs)))
    history = History()
    rows.append(("apply (check + commit)", *timed(lambda: history.apply(store, edited()), runs)))
    rows.append(("undo", *timed(lambda: history.undo(store), runs)))
    text = ""

    def dump() -> None:
        nonlocal text
        text = yamlio.dump(yamlio.snapshot(store, model.CASES, case_id))

    rows.append(("YAML snapshot + dump (case)", *timed(dump, runs)))
    rows.append(
        (
            "YAML load + typed (case)",
            *timed(lambda: yamlio.typed(model.CASES, case_id, yamlio.load(text)), runs),
        )
    )

    def refused_delete() -> None:
        try:
            Operation.delete(store, model.PARTIES, party).apply(store)
        except EditRefused:
            return
        raise AssertionError("a delete of a referred-to party went through")

    rows.append(("refused delete (scan)", *timed(refused_delete, max(1, runs // 5))))
    return rows


def _runqueue_wait() -> float:
    """Seconds this thread has spent runnable but waiting for a core (Linux
    ``/proc/thread-self/schedstat``, second field); 0 where it cannot be read."""
    try:
        with open("/proc/thread-self/schedstat", encoding="ascii") as fh:
            return int(fh.read().split()[1]) / 1e9
    except (OSError, ValueError, IndexError):
        return 0.0


def _others_wait() -> dict[str, float]:
    """Per other thread of this process: seconds spent waiting for a core so far."""
    out: dict[str, float] = {}
    me = str(threading.get_native_id())
    try:
        tasks = os.listdir("/proc/self/task")
    except OSError:
        return out
    for tid in tasks:
        if tid == me:
            continue
        try:
            with open(f"/proc/self/task/{tid}/schedstat", encoding="ascii") as fh:
                out[tid] = int(fh.read().split()[1]) / 1e9
        except (OSError, ValueError, IndexError):
            continue
    return out


class Heartbeat:
    """Gaps between 1 ms sleeps on the UI's event loop (a stall shows as a long gap),
    with the CPU time the whole process used during each gap, the UI thread's own
    CPU time, and how long the UI thread waited for a core in it (the machine's
    load, not this program's work: a gap minus that wait is the stall we caused,
    by running on the UI thread or holding the GIL from a worker)."""

    def __init__(self) -> None:
        self.gaps: list[float] = []
        self.cpu: list[float] = []
        self.ui_cpu: list[float] = []
        self.waited: list[float] = []
        self.held: list[float] = []
        self.running = True

    async def run(self) -> None:
        import asyncio

        last, last_cpu, last_ui = time.perf_counter(), time.process_time(), time.thread_time()
        last_wait, last_others = _runqueue_wait(), _others_wait()
        while self.running:
            await asyncio.sleep(0.001)
            now, cpu, ui = time.perf_counter(), time.process_time(), time.thread_time()
            wait, others = _runqueue_wait(), _others_wait()
            # a worker preempted by the system while it holds the GIL stalls us too:
            # the longest wait for a core of another thread in this gap
            self.held.append(
                max((t - last_others.get(k, t) for k, t in others.items()), default=0.0)
            )
            last_others = others
            self.gaps.append(now - last)
            self.cpu.append(cpu - last_cpu)
            self.ui_cpu.append(ui - last_ui)
            self.waited.append(wait - last_wait)
            last, last_cpu, last_ui, last_wait = now, cpu, ui, wait

    def longest_own(self) -> float:
        """The longest gap less the time the UI thread waited for a core in it."""
        return max(
            (max(0.0, g - w) for g, w in zip(self.gaps, self.waited, strict=True)), default=0.0
        )

    def longest_ours(self) -> float:
        """The longest gap less the UI thread's wait for a core and the longest wait
        for a core of another thread (a worker preempted while holding the GIL):
        the stall this program's own work made."""
        triples = zip(self.gaps, self.waited, self.held, strict=True)
        return max((max(0.0, g - w - h) for g, w, h in triples), default=0.0)

    def longest(self) -> tuple[float, float]:
        """The longest gap and how long the UI thread waited for a core within it."""
        i = max(range(len(self.gaps)), key=self.gaps.__getitem__)
        return self.gaps[i], self.waited[i]


async def _type_into_picker(store: Store, query: str, ready: bool) -> dict[str, float]:
    import asyncio

    from textual.app import App

    from casefiles.edit.pick import Choices
    from casefiles.tui.screens.picker import PickerScreen

    choices = Choices(store, model.PARTIES)
    screen = PickerScreen(choices, "Party", allow_new=True)

    class Host(App[None]):
        def on_mount(self) -> None:
            self.push_screen(screen)
            # as the browser does after its first paint (CaseFilesApp.on_mount)
            self.call_after_refresh(gc.freeze)

    out: dict[str, float] = {}
    app = Host()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        if ready:
            while screen.shown_query != "":
                await asyncio.sleep(0.01)
            beat = Heartbeat()
            task = asyncio.create_task(beat.run())
            await asyncio.sleep(1.0)
            beat.running = False
            await task
            out["idle"] = max(beat.gaps)
        beat = Heartbeat()
        task = asyncio.create_task(beat.run())
        last_key = 0.0
        for ch in query:
            last_key = time.perf_counter()  # the key is sent now
            await pilot.press("space" if ch == " " else ch)
            await asyncio.sleep(0.033)
        while screen.shown_query != query:
            if time.perf_counter() - last_key > 600:
                raise RuntimeError(f"no choices for {query!r} after 600 s")
            await asyncio.sleep(0.001)
        out["after_last_key"] = max(0.0, screen.shown_at - last_key)
        beat.running = False
        await task
        out["stall"], out["stall_wait"] = beat.longest()
        out["own"] = beat.longest_own()
        out["ours"] = beat.longest_ours()
        out["ui_cpu"] = max(beat.ui_cpu)
        out["p99"] = sorted(beat.gaps)[int(len(beat.gaps) * 0.99)]
        out["worker"] = screen.last_seconds
        out["shown"] = float(len(screen.rows.choices))
    return out


def bench_picker(path: Path, query: str) -> None:
    """The picker section: load the store, type into the party picker twice, print."""
    import asyncio

    t = time.perf_counter()
    store = Store.load(path)
    loaded = time.perf_counter() - t
    parties = len(store.table(model.PARTIES))
    cold = asyncio.run(_type_into_picker(store, query, ready=False))
    warm = asyncio.run(_type_into_picker(store, query, ready=True))

    def ms(x: float) -> str:
        return f"{x * 1000:8.1f} ms"

    print()
    print(f"party picker over {parties:,} parties ({path}; loaded in {loaded:.1f} s)")
    print(f"typing {query!r} key by key at ~30 keys/s; load average {os.getloadavg()[0]:.1f}")
    header = (
        f"{'':<36}{'longest UI stall':>18}{'(core wait)':>13}{'longest own':>14}"
        f"{'ours':>16}{'UI thread CPU':>16}{'p99 gap':>12}{'last key -> rows':>19}"
    )
    print(header)
    print("-" * len(header))
    for name, r in (("first open (index built meanwhile)", cold), ("index ready", warm)):
        verdict = "OK" if r["ours"] <= 0.016 else "MISS"
        print(
            f"{name:<36}{ms(r['stall']):>18}{ms(r['stall_wait']):>13}{ms(r['own']):>14}"
            f"{ms(r['ours']):>12} {verdict:<4}{ms(r['ui_cpu']):>11}{ms(r['p99']):>12}"
            f"{ms(r['after_last_key']):>19}"
        )
    print(f"{'idle floor (same heartbeat, 1 s)':<36}{ms(warm['idle']):>18}")
    print(
        "core wait: of the longest stall, the time the UI thread was runnable but had no"
        " core (/proc schedstat: the machine's load)"
    )
    print(
        "longest own: the longest gap less that wait: the UI thread working, or waiting"
        " for the GIL a worker held"
    )
    print(
        "ours: also less the longest wait for a core of another thread in the gap (a worker"
        " the system preempted while it held the GIL): our own work's stall; aim <= 16 ms"
    )
    print("UI thread CPU: the most CPU the UI thread itself used between two heartbeats")
    print(
        f"last match in its worker: {ms(warm['worker']).strip()}; rows shown: {int(warm['shown'])}"
    )
    print(f"re-run: .venv/bin/python bench/edit.py --picker-only --picker-store {path}")


SAVE_STORES = "/root/scratch/g10k/casefiles.json,/root/scratch/g100k/casefiles.json"
SAVE_COPIES = Path("/root/scratch/history/bench")


async def _saves(store: Store, edits: int) -> dict[str, list[float]]:
    """Save ``edits`` title changes of the shown case through the app's path and
    time each: until durable (the commit returned: appended and fsynced) and
    until drawn (the screen refreshed after ``redraw_after_change``)."""
    import asyncio
    import copy

    from casefiles.tui.app import CaseFilesApp
    from casefiles.tui.config import Config
    from casefiles.tui.widgets import InfoPane

    app = CaseFilesApp(store, Config())
    app.index_error = "not built for this benchmark"  # its thread would share the CPU
    out: dict[str, list[float]] = {"durable": [], "drawn": []}
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause(0.5)
        main = app.main
        case_id = main.case_id
        assert case_id is not None
        header = main.query_one("#case-header", InfoPane)
        for i in range(edits + 1):  # the first is a warm-up, not counted
            case = copy.deepcopy(store.get(model.CASES, case_id))
            assert case is not None
            title = f"Saved title {i}"
            case["title"] = title
            op = Operation.put(store, model.CASES, case)
            drawn = asyncio.Event()
            t0 = time.perf_counter()
            app.edits.apply(store, op, accept_warnings=True)  # check + commit + fsync
            t1 = time.perf_counter()
            app.redraw_after_change()
            app.call_after_refresh(drawn.set)
            await drawn.wait()
            t2 = time.perf_counter()
            if title not in header.plain:
                raise AssertionError(f"the header does not show {title!r}")
            if i:
                out["durable"].append(t1 - t0)
                out["drawn"].append(t2 - t0)
            await pilot.pause(0.05)
    from casefiles.edit.history import document_history

    t = time.perf_counter()
    versions = document_history(store, model.CASES, case_id).versions
    out["history"] = [time.perf_counter() - t, float(len(versions))]
    return out


async def _pickups(store: Store, count: int) -> dict[str, list[float]]:
    """Another program (``casefiles put`` in a child process) retitles the shown
    case ``count`` times while the browser runs; each time: from their append
    to the log (its modification time) until the browser drew the new title,
    and the UI thread's work for the pick-up (the watcher's refresh, then the
    redraw)."""
    import asyncio
    import copy
    import json
    import os

    from casefiles.tui import watch
    from casefiles.tui.app import CaseFilesApp
    from casefiles.tui.config import Config
    from casefiles.tui.messages import StoreChanged
    from casefiles.tui.widgets import InfoPane

    ui: list[float] = []
    poll, changed = watch.StoreWatcher.poll, CaseFilesApp.on_store_changed

    def timed_poll(self: watch.StoreWatcher) -> bool:
        t = time.perf_counter()
        posted = poll(self)
        if posted:
            ui.append(time.perf_counter() - t)
        return posted

    def timed_changed(self: CaseFilesApp, message: StoreChanged) -> None:
        t = time.perf_counter()
        changed(self, message)
        if ui:
            ui[-1] += time.perf_counter() - t

    watch.StoreWatcher.poll = timed_poll  # type: ignore[method-assign]
    CaseFilesApp.on_store_changed = timed_changed  # type: ignore[method-assign,assignment]
    app = CaseFilesApp(store, Config())
    app.index_error = "not built for this benchmark"
    out: dict[str, list[float]] = {"picked": [], "ui": ui}
    doc_file = store.path.parent / "theirs.json"
    env = {**os.environ, "CASEFILES_AUTHOR": "bench other program"}
    try:
        async with app.run_test(size=(120, 40)) as pilot:
            await pilot.pause(0.5)
            main = app.main
            case_id = main.case_id
            assert case_id is not None
            header = main.query_one("#case-header", InfoPane)
            for i in range(count):
                case = copy.deepcopy(store.get(model.CASES, case_id))
                assert case is not None
                title = f"Their title {i}"
                case["title"] = title
                doc_file.write_text(json.dumps(case), encoding="utf-8")
                argv = ["-m", "casefiles", "put", "cases", str(doc_file)]
                argv += ["--store", str(store.path)]
                child = await asyncio.create_subprocess_exec(
                    sys.executable,
                    *argv,
                    env=env,
                    cwd=str(ROOT),
                    stdout=asyncio.subprocess.DEVNULL,
                    stderr=asyncio.subprocess.PIPE,
                )
                _, err = await child.communicate()
                if child.returncode != 0:
                    raise RuntimeError(err.decode(errors="replace"))
                t = time.perf_counter()
                while title not in header.plain:
                    if time.perf_counter() - t > 60:
                        raise RuntimeError("the browser did not pick the change up in 60 s")
                    await asyncio.sleep(0.001)
                # from their append (the log's modification time; the child exits
                # later, after its own clean-up) to drawn
                written = store.log_path.stat().st_mtime_ns / 1e9
                out["picked"].append(time.time() - written)
    finally:
        watch.StoreWatcher.poll = poll  # type: ignore[method-assign]
        CaseFilesApp.on_store_changed = changed  # type: ignore[method-assign]
    return out


def bench_save(paths: list[Path], edits: int, pickups: int = 0) -> None:
    """The save section: per store, a copy (removed afterwards), ``edits`` saves."""
    import asyncio
    import shutil

    rows: list[tuple[str, int, float, dict[str, list[float]]]] = []
    picked: list[tuple[str, int, dict[str, list[float]]]] = []
    for path in paths:
        if not path.is_file():
            print(f"(skipped: no store at {path})")
            continue
        folder = SAVE_COPIES / path.parent.name
        shutil.rmtree(folder, ignore_errors=True)
        folder.mkdir(parents=True)
        try:
            copy_path = folder / path.name
            shutil.copyfile(path, copy_path)
            t = time.perf_counter()
            store = Store.load(copy_path)
            loaded = time.perf_counter() - t
            cases = len(store.table(model.CASES))
            rows.append((path.parent.name, cases, loaded, asyncio.run(_saves(store, edits))))
            if pickups:
                picked.append((path.parent.name, cases, asyncio.run(_pickups(store, pickups))))
            del store
        finally:
            shutil.rmtree(folder, ignore_errors=True)

    def pct(values: list[float], q: float) -> str:
        ordered = sorted(values)
        return f"{ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))] * 1000:7.1f} ms"

    print()
    print(f"save -> durable and drawn: {edits} title edits of the shown case, 120x40 headless app")
    head = f"{'store':<8}{'cases':>9}{'durable p50':>14}{'p95':>11}{'drawn p50':>13}{'p95':>11}"
    head += "  aim"
    print(head)
    print("-" * len(head))
    for name, cases, _loaded, r in rows:
        p95 = sorted(r["drawn"])[round(0.95 * (len(r["drawn"]) - 1))]
        verdict = "OK" if p95 <= 0.25 else "MISS"
        print(
            f"{name:<8}{cases:>9,}{pct(r['durable'], 0.5):>14}{pct(r['durable'], 0.95):>11}"
            f"{pct(r['drawn'], 0.5):>13}{pct(r['drawn'], 0.95):>11}  <= 250 ms {verdict}"
        )
    for name, _cases, _loaded, r in rows:
        seconds, count = r["history"]
        ms = seconds * 1000
        print(f"H on {name}: the edited case's {count:.0f} versions read in {ms:.0f} ms")
    if picked:
        print()
        print(f"another program's commit -> drawn: {pickups} retitles by 'casefiles put'")
        head = f"{'store':<8}{'cases':>9}{'to drawn p50':>15}{'p95':>11}"
        head += f"{'UI work p50':>14}{'p95':>11}{'max':>11}"
        print(head)
        print("-" * len(head))
        for name, cases, r in picked:
            print(
                f"{name:<8}{cases:>9,}{pct(r['picked'], 0.5):>15}{pct(r['picked'], 0.95):>11}"
                f"{pct(r['ui'], 0.5):>14}{pct(r['ui'], 0.95):>11}{pct(r['ui'], 1.0):>11}"
            )
        print("(to drawn includes waiting for the watcher's next look: every 0.5 s)")
    more = f" --save-pickups {pickups}" if pickups else ""
    for name, _cases, r in picked:
        shown = ", ".join(f"{x * 1000:.0f}" for x in r["ui"])
        print(f"UI work per pick-up, {name} (ms, in order): {shown}")
    print(f"re-run: .venv/bin/python bench/edit.py --save-only --save-edits {edits}{more}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10000,100000")
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--save-stores", default=SAVE_STORES)
    parser.add_argument("--save-edits", type=int, default=30)
    parser.add_argument("--save-only", action="store_true")
    parser.add_argument("--save-pickups", type=int, default=10)
    parser.add_argument("--picker-store", type=Path, default=PICKER_STORE)
    parser.add_argument("--picker-query", default="sokhan vyrak")
    parser.add_argument("--picker-only", action="store_true")
    args = parser.parse_args()
    if args.save_only:
        stores = [Path(p) for p in args.save_stores.split(",") if p]
        bench_save(stores, args.save_edits, args.save_pickups)
        return
    if args.picker_only:
        bench_picker(args.picker_store, args.picker_query)
        return
    sizes = [int(s) for s in args.sizes.split(",") if s]
    with tempfile.TemporaryDirectory() as tmp:
        results = {size: bench(size, args.runs, Path(tmp)) for size in sizes}
    names = [name for name, _, _ in results[sizes[0]]]
    header = f"{'operation':<30}" + "".join(f"{f'{s:,} cases (median / worst)':>32}" for s in sizes)
    print(header)
    print("-" * len(header))
    for i, name in enumerate(names):
        cells = "".join(
            f"{f'{results[s][i][1] * 1000:8.1f} ms / {results[s][i][2] * 1000:8.1f} ms':>32}"
            for s in sizes
        )
        print(f"{name:<30}{cells}")
    if args.picker_store.is_file():
        bench_picker(args.picker_store, args.picker_query)


if __name__ == "__main__":
    main()
