"""Batch throughput: eight campaigns x three notebooks in draft mode, with 1 and 2 workers, and a re-run.

Prints the wall times, the 2-worker speed-up (target ≥ 1.7x), the unchanged re-run as a share of the first
run (target < 5 %), and the per-job overhead of Papermill and kernel start (an empty notebook).
    .venv/bin/python bench/batch.py [--campaigns 8]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_notebook

from promokit import testing
from promokit.batch.execute import run_job
from promokit.batch.runner import RunOptions, run_batch


def timed(assets: Path, output: Path, **kw) -> tuple[float, object]:
    t0 = time.perf_counter()
    res = run_batch(assets, output, RunOptions(quiet=True, draft=True, **kw))
    return time.perf_counter() - t0, res


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--campaigns", type=int, default=8)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="promokit-bench-") as tmp:
        root = Path(tmp)
        assets = root / "assets"
        for i in range(args.campaigns):
            testing.make_campaign(assets, f"chien-dich-{i + 1}")
        # per-job overhead: an empty parameterised notebook through the same job process
        empty = root / "nb" / "empty.ipynb"
        empty.parent.mkdir()
        nb = new_notebook(cells=[new_code_cell('campaign = "x"', metadata={"tags": ["parameters"]})])
        nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
        nbformat.write(nb, str(empty))
        overheads = []
        for _ in range(3):
            t0 = time.perf_counter()
            r = run_job({"notebook": str(empty), "output": str(root / "nb" / "out.ipynb"),
                         "failed": str(root / "nb" / "out-failed.ipynb"), "parameters": {"campaign": "y"},
                         "timeout": 60})
            assert r["status"] == "ok", r
            overheads.append(time.perf_counter() - t0)
        # warm-up (not timed): first-use caches (font subsets, matplotlib) would otherwise be paid by the
        # 1-worker run alone and flatter the speed-up
        timed(assets, root / "warm", workers=1, ids=["chien-dich-1"])
        t1, r1 = timed(assets, root / "out1", workers=1)
        t2, r2 = timed(assets, root / "out2", workers=2)
        t3, r3 = timed(assets, root / "out2", workers=2)
        jobs = len(r1.results)
        bad = [x for r in (r1, r2) for x in r.results if x.status != "ok"]
        if bad:
            print("failed jobs:", [(x.job.label, x.error) for x in bad], file=sys.stderr)
            return 1
        print(f"jobs: {jobs} ({args.campaigns} campaigns x notebooks that apply), draft mode")
        print(f"per-job overhead (papermill + kernel start, empty notebook): "
              f"{min(overheads):.2f} s (min of 3), {sum(overheads) / 3:.2f} s mean")
        print(f"1 worker : {t1:7.2f} s  ({t1 / jobs:.2f} s/job)")
        print(f"2 workers: {t2:7.2f} s  speed-up {t1 / t2:.2f}x (target >= 1.7x)")
        print(f"unchanged re-run: {t3:7.2f} s = {100 * t3 / t2:.1f} % of the first run (target < 5 %), "
              f"{r3.count('skipped')} skipped")
    return 0


if __name__ == "__main__":
    sys.exit(main())
