"""Change-log checks benchmark: ``casefiles log --verify`` and whole-store validation
(what the first load of never-validated bytes runs) at generated stores.

    .venv/bin/python bench/log.py [--sizes 10000,100000] [--runs 3] [--work DIR]

- verify: a copy of ``/root/scratch/g<N>k/casefiles.json`` (``--source``) in
  ``DIR/verify-g<N>k`` gets 100 edits, a checkpoint, 10 edits, a checkpoint and
  5 edits (so the replay spans a ``.bak``), then ``verify`` runs ``--runs``
  times, each in a fresh process: median wall time, and peak RSS (VmHWM).
- validate: in a fresh process, the file is parsed (orjson) and migrated, the
  peak RSS is reset, then ``validate`` runs: wall and CPU time, and how far
  validation alone took the peak above the parsed tree.

Prints a table with the load average; timings are for reading, not pass/fail.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
from pathlib import Path

MAKE = r"""
import sys
from pathlib import Path
from casefiles.store import Store
dst = Path(sys.argv[1])
store = Store.load(dst)
ids = list(store.table("cases"))[:101]
for rnd, n in (("First", 100), ("Second", 10)):
    for i in range(n):
        case = dict(store.get("cases", ids[i])); case["title"] = f"{rnd} title {i}"
        store.put("cases", case, reason="bench")
    store.checkpoint(wait=True)
for i in range(5):
    case = dict(store.get("cases", ids[i])); case["title"] = f"Third title {i}"
    store.put("cases", case, reason="bench")
"""

VERIFY = r"""
import json, sys, time
from pathlib import Path
from casefiles.store.verify import verify
t = time.perf_counter(); v = verify(Path(sys.argv[1])); took = time.perf_counter() - t
assert v.ok, v.problem
hwm = next(int(l.split()[1]) for l in open("/proc/self/status") if l.startswith("VmHWM"))
print(json.dumps({"time": took, "hwm": hwm * 1024}))
"""

VALIDATE = r"""
import gc, json, sys, time
import orjson
from casefiles import migrations
from casefiles.validate import validate
def status(key):
    return next(int(l.split()[1]) * 1024 for l in open("/proc/self/status") if l.startswith(key))
raw = open(sys.argv[1], "rb").read()
gc.disable()
data = migrations.migrate(orjson.loads(raw))
del raw
with open("/proc/self/clear_refs", "w") as fh:
    fh.write("5")  # VmHWM starts again from here: the peak of validation alone
base = status("VmRSS")
t, c = time.perf_counter(), time.process_time()
problems = validate(data, "bench")
out = {"time": time.perf_counter() - t, "cpu": time.process_time() - c}
out["above"] = status("VmHWM") - base
out["problems"] = len(problems)
print(json.dumps(out))
"""


def _run(code: str, *args: str, env: dict[str, str] | None = None) -> dict[str, float]:
    out = subprocess.run(
        [sys.executable, "-c", code, *args], capture_output=True, text=True, env=env
    )
    if out.returncode:
        raise SystemExit(out.stderr)
    return json.loads(out.stdout.splitlines()[-1]) if out.stdout.strip() else {}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10000,100000")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--work", type=Path, default=Path("/root/scratch/log"))
    parser.add_argument("--source", default="/root/scratch/g{k}k/casefiles.json")
    args = parser.parse_args()
    env = {**os.environ, "CASEFILES_CACHE_DIR": str(args.work / "bench-cache")}
    env.pop("CASEFILES_CHECKPOINT_BYTES", None)
    rows = []
    for n in (int(s) for s in args.sizes.split(",")):
        source = Path(args.source.format(k=n // 1000))
        folder = args.work / f"verify-g{n // 1000}k"
        folder.mkdir(parents=True, exist_ok=True)
        for stale in folder.glob("casefiles.json*"):
            stale.unlink()
        copy = folder / "casefiles.json"
        shutil.copyfile(source, copy)
        _run(MAKE, str(copy), env=env)
        verify = [_run(VERIFY, str(copy), env=env) for _ in range(args.runs)]
        valid = _run(VALIDATE, str(source), env=env)
        for stale in folder.glob("casefiles.json*"):
            stale.unlink()
        size = source.stat().st_size
        rows.append(
            (
                f"{n:,}",
                f"{size / 2**20:,.0f}",
                f"{statistics.median(v['time'] for v in verify):.2f}",
                f"{max(v['hwm'] for v in verify) / 2**20:,.0f}",
                f"{valid['time']:.1f}",
                f"{valid['cpu']:.1f}",
                f"{valid['above'] / 2**20:,.0f}",
                f"{os.getloadavg()[0]:.1f}",
            )
        )
    head = (
        "cases",
        "file MiB",
        "verify s (median)",
        "verify peak MiB",
        "validate s",
        "validate CPU s",
        "validate peak above tree MiB",
        "load",
    )
    widths = [max(len(h), *(len(r[i]) for r in rows)) for i, h in enumerate(head)]
    print("  ".join(h.rjust(w) for h, w in zip(head, widths, strict=True)))
    for row in rows:
        print("  ".join(c.rjust(w) for c, w in zip(row, widths, strict=True)))


if __name__ == "__main__":
    main()
