"""Automatic checkpoint benchmark: put latency over a run of puts that takes the
change log past ``$CASEFILES_CHECKPOINT_BYTES`` several times.

    .venv/bin/python bench/checkpoint.py [--sizes 10000,100000] [--puts 200]
        [--crossings 4] [--pause-ms 0] [--work DIR] [--cache DIR]

For each size, a fresh copy of ``/root/scratch/g<N>k/casefiles.json`` (or
``--source``) is made in ``DIR/g<N>`` (default ``/root/scratch/log``); a child
process loads it (the verdict remembered in ``--cache`` first), then puts
``--puts`` edited cases one after another, each timed, with the threshold set
so that the log passes it about ``--crossings`` times.  Prints p50/p95/max of
the puts, the slowest put's index, how many checkpoints the run saw and how
long after the last put the canonical file held the last entry.

Timings are for reading, not pass/fail.  Run 100k sparingly (518 MB copy).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

CHILD = r"""
import json, os, sys, time
from pathlib import Path
import orjson
from casefiles.store import Store
from casefiles.store.files import read_meta
path, puts, pause = Path(sys.argv[1]), int(sys.argv[2]), float(sys.argv[3])
store = Store.load(path)
ids = list(store.table("cases"))[: puts + 1]
times, seen = [], []
cp = store.checkpoint_seq
for i in range(puts):
    case = dict(store.get("cases", ids[i]))
    case["title"] = f"Bench title {i} {time.time()}"
    t = time.perf_counter()
    store.put("cases", case, reason="bench")
    times.append(time.perf_counter() - t)
    if store.checkpoint_seq != cp:
        cp = store.checkpoint_seq
        seen.append(i)
    if pause:
        time.sleep(pause)
last = store.log_seq
t_end = time.perf_counter()
t_done = None
meta_seq = None
while time.perf_counter() - t_end < 120:
    meta_seq = (read_meta(path) or {}).get("log_seq")
    try:
        from casefiles.store import autocheckpoint
        busy = autocheckpoint.running(path)
    except ImportError:
        busy = False
    if not busy:
        t_done = time.perf_counter() - t_end
        break
    time.sleep(0.05)
srt = sorted(times)
print(json.dumps({
    "p50": srt[len(srt) // 2], "p95": srt[int(len(srt) * 0.95) - 1], "max": srt[-1],
    "slowest": times.index(srt[-1]), "over100ms": sum(t > 0.1 for t in times),
    "checkpoints_seen": seen, "last": last, "folded": meta_seq,
    "settled": t_done, "log_bytes": path.with_name(path.name + ".log").stat().st_size,
}))
"""


def _entry_bytes(path: Path, env: dict[str, str]) -> int:
    """Bytes one put of a case adds to the log (measured on a throwaway copy)."""
    code = (
        "import sys; from pathlib import Path; from casefiles.store import Store\n"
        "p = Path(sys.argv[1]); s = Store.load(p); i = next(iter(s.table('cases')))\n"
        "c = dict(s.get('cases', i)); c['title'] = 'Bench title 0 1764547200.123456'\n"
        "s.put('cases', c, reason='bench'); print(p.with_name(p.name + '.log').stat().st_size)"
    )
    out = subprocess.run(
        [sys.executable, "-c", code, str(path)], env=env, capture_output=True, text=True
    )
    if out.returncode:
        raise SystemExit(out.stderr)
    return int(out.stdout.split()[-1])


def _fresh_copy(source: Path, folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for stale in folder.glob("casefiles.json*"):
        stale.unlink()
    target = folder / "casefiles.json"
    shutil.copyfile(source, target)
    return target


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10000,100000")
    parser.add_argument("--puts", type=int, default=200)
    parser.add_argument("--crossings", type=int, default=4)
    parser.add_argument("--pause-ms", type=float, default=0.0)
    parser.add_argument("--work", type=Path, default=Path("/root/scratch/log"))
    parser.add_argument("--cache", type=Path, default=Path("/root/scratch/log/cache"))
    parser.add_argument("--source", default="/root/scratch/g{k}k/casefiles.json")
    args = parser.parse_args()
    env = {**os.environ, "CASEFILES_CACHE_DIR": str(args.cache)}
    env.pop("CASEFILES_CHECKPOINT_BYTES", None)
    rows = []
    for n in (int(s) for s in args.sizes.split(",")):
        source = Path(args.source.format(k=n // 1000))
        folder = args.work / f"g{n // 1000}k"
        copy = _fresh_copy(source, folder)
        per_put = _entry_bytes(copy, env)  # also remembers the copy's verdict
        copy = _fresh_copy(source, folder)
        threshold = per_put * args.puts // (args.crossings + 1)
        out = subprocess.run(
            [sys.executable, "-c", CHILD, str(copy), str(args.puts), str(args.pause_ms / 1000)],
            env={**env, "CASEFILES_CHECKPOINT_BYTES": str(threshold)},
            capture_output=True,
            text=True,
        )
        if out.returncode:
            raise SystemExit(out.stderr)
        r = json.loads(out.stdout.splitlines()[-1])
        rows.append(
            (
                f"{n:,}",
                f"{source.stat().st_size / 2**20:,.0f}",
                f"{args.puts}",
                f"{threshold / 1024:,.0f}",
                f"{r['p50'] * 1000:,.1f}",
                f"{r['p95'] * 1000:,.1f}",
                f"{r['max'] * 1000:,.0f}",
                f"{r['slowest']}",
                f"{r['over100ms']}",
                f"{len(r['checkpoints_seen'])}",
                f"{r['folded']}/{r['last']}",
                "-" if r["settled"] is None else f"{r['settled']:.1f}",
            )
        )
        for stale in folder.glob("casefiles.json*"):
            stale.unlink()
    head = (
        "cases",
        "file MiB",
        "puts",
        "threshold KiB",
        "put p50 ms",
        "p95 ms",
        "max ms",
        "slowest #",
        "puts >100 ms",
        "checkpoints",
        "folded/last",
        "settled s",
    )
    widths = [max(len(h), *(len(r[i]) for r in rows)) for i, h in enumerate(head)]
    print(
        f"\n{args.puts} puts of different cases, pause {args.pause_ms:g} ms, log threshold "
        f"set for about {args.crossings} crossings"
    )
    print("  ".join(h.rjust(w) for h, w in zip(head, widths, strict=True)))
    for row in rows:
        print("  ".join(c.rjust(w) for c, w in zip(row, widths, strict=True)))
    print(
        "checkpoints: how many times the putting store saw a new checkpoint during the run; "
        "folded/last: the canonical file's log_seq once no checkpoint runs, and the last "
        "entry; settled: seconds after the last put until no automatic checkpoint ran"
    )


if __name__ == "__main__":
    main()
