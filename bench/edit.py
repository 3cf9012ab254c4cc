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
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10000,100000")
    parser.add_argument("--runs", type=int, default=20)
    args = parser.parse_args()
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


if __name__ == "__main__":
    main()
