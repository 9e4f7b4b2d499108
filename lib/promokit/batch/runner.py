"""Run jobs with Papermill, one after another; one failing job never stops the batch.

Executed copies go to output/<id>/notebooks/<notebook>.ipynb atomically; a failed execution is kept
as <notebook>.failed.ipynb so the last good copy is never replaced by a broken one.
"""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import papermill as pm
from papermill.exceptions import PapermillExecutionError

from ..atomic import atomic_path
from ..errors import PromokitError
from ..manifest import write_manifest
from ..project import open_campaign, select_ids
from .jobs import Job, plan_jobs

NOTEBOOKS_DIR = Path(__file__).resolve().parents[3] / "notebooks"
KERNEL = "python3"


@dataclass
class JobResult:
    job: Job
    status: str  # ok | failed | invalid
    seconds: float = 0.0
    output: Path | None = None
    error: str = ""
    cell: int | None = None

    def as_dict(self) -> dict:
        return {"notebook": self.job.notebook, "status": self.status, "seconds": round(self.seconds, 2),
                "error": self.error, "cell": self.cell, "parameters": self.job.parameters}


@dataclass
class BatchResult:
    results: list[JobResult] = field(default_factory=list)
    invalid: dict[str, list[str]] = field(default_factory=dict)  # campaign -> problem lines

    @property
    def ok(self) -> bool:
        return not self.invalid and all(r.status == "ok" for r in self.results)


def _declared(notebook: Path) -> set[str]:
    return set(pm.inspect_notebook(str(notebook)))


def _tail(text: str, n: int = 4) -> str:
    lines = [ln for ln in text.strip().splitlines() if ln.strip()]
    return "\n".join(lines[-n:])


def execute(job: Job, output: Path, notebooks_dir: Path = NOTEBOOKS_DIR, timeout: float | None = 1800) -> JobResult:
    """Execute one job; never raises for a failing notebook (the result says what failed)."""
    source = notebooks_dir / f"{job.notebook}.ipynb"
    final = output / job.campaign / "notebooks" / f"{job.notebook}.ipynb"
    declared = _declared(source)
    params = {k: v for k, v in job.parameters.items() if k in declared}
    t0 = time.monotonic()
    failed_copy = final.with_name(f"{job.notebook}.failed.ipynb")
    try:
        with atomic_path(final) as tmp:
            try:
                pm.execute_notebook(str(source), str(tmp), parameters=params, kernel_name=KERNEL,
                                    cwd=str(notebooks_dir), progress_bar=False, log_output=False,
                                    execution_timeout=timeout)
            except PapermillExecutionError as e:
                os.replace(tmp, failed_copy)
                return JobResult(job, "failed", time.monotonic() - t0, failed_copy,
                                 f"{e.ename}: {_tail(e.evalue, 6)}", e.cell_index)
        failed_copy.unlink(missing_ok=True)
        return JobResult(job, "ok", time.monotonic() - t0, final)
    except Exception as e:  # kernel died, timeout, missing notebook…: this job fails, the batch goes on
        return JobResult(job, "failed", time.monotonic() - t0, None, f"{type(e).__name__}: {_tail(str(e))}")


def run_batch(assets: Path, output: Path, ids: list[str] | None = None, notebooks: list[str] | None = None, *,
              platforms: list[str] | None = None, draft: bool = False, timeout: float | None = 1800,
              notebooks_dir: Path = NOTEBOOKS_DIR,
              report: Callable[[str], None] | None = None) -> BatchResult:
    """Validate the campaigns, then execute every applicable notebook for each; write manifests."""
    assets, output = Path(assets).resolve(), Path(output).resolve()
    say = report or (lambda s: None)
    result = BatchResult()
    valid = {}
    for cid in select_ids(assets, ids):
        try:
            valid[cid] = open_campaign(cid, assets, output).campaign
        except PromokitError as e:
            result.invalid[cid] = [str(p) for p in e.problems]
            say(f"✗ {cid}: chiến dịch không hợp lệ / invalid campaign")
    jobs = plan_jobs(valid, notebooks, assets=assets, output=output, platforms=platforms, draft=draft)
    for i, job in enumerate(jobs, 1):
        say(f"[{i}/{len(jobs)}] {job.label} …")
        r = execute(job, output, notebooks_dir, timeout)
        result.results.append(r)
        mark = "✓" if r.status == "ok" else "✗"
        say(f"[{i}/{len(jobs)}] {mark} {job.label} ({r.seconds:.1f} s)" + (f"\n    {r.error}" if r.error else ""))
    for cid in valid:
        out_dir = output / cid
        if out_dir.is_dir():
            write_manifest(out_dir, cid, [r.as_dict() for r in result.results if r.job.campaign == cid])
    return result


def default_report(line: str) -> None:
    print(line, file=sys.stderr, flush=True)
