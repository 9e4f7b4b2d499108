"""`promokit run`: campaigns x notebooks as Papermill jobs on local workers or a Dask cluster.

Incremental (a job whose inputs hash and outputs are unchanged is skipped), isolated (one failing job
never stops the others), interruptible (Ctrl-C / SIGTERM ends kernels and ffmpeg within seconds and
leaves no partial file at a final path), recorded (manifest.json per campaign, output/promokit.sqlite).
"""

from __future__ import annotations

import concurrent.futures as cf
import contextlib
import os
import signal
import tempfile
import threading
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from ..catalog import Catalog
from ..errors import PromokitError, UsageError
from ..manifest import campaign_info, read_manifest, sha256, update_manifest
from ..project import open_campaign, select_ids
from ..resources import named, require_writable
from ..scratch import is_partial, sweep, sweep_partials
from .execute import run_job
from .fingerprint import inputs_hash
from .jobs import Job, plan_jobs
from .ledger import Ledger
from .progress import Progress

# The product notebooks; PROMOKIT_NOTEBOOKS points elsewhere (an office's own copies, tests)
NOTEBOOKS_DIR = Path(os.environ.get("PROMOKIT_NOTEBOOKS", Path(__file__).resolve().parents[3] / "notebooks"))


@dataclass
class JobResult:
    job: Job
    status: str  # ok | failed | skipped | interrupted | blocked
    seconds: float = 0.0
    error: str = ""
    cell: int | None = None
    attempts: int = 0
    worker: str = ""
    output: Path | None = None

    def as_dict(self) -> dict:
        return {"notebook": self.job.notebook, "status": self.status, "seconds": round(self.seconds, 2),
                "error": self.error, "cell": self.cell, "attempts": self.attempts,
                "parameters": self.job.parameters}


@dataclass
class BatchResult:
    results: list[JobResult] = field(default_factory=list)
    invalid: dict[str, list[str]] = field(default_factory=dict)  # campaign -> problem lines
    notes: list[str] = field(default_factory=list)  # what the user should know about the plan (not failures)
    interrupted: bool = False
    seconds: float = 0.0
    problems: list[str] = field(default_factory=list)  # run-level: a manifest that could not be written
    warnings: list[str] = field(default_factory=list)  # every output's warnings, from the manifests

    @property
    def ok(self) -> bool:
        return (not self.invalid and not self.interrupted and not self.problems
                and all(r.status in {"ok", "skipped"} for r in self.results))

    def count(self, status: str) -> int:
        return sum(r.status == status for r in self.results)


@dataclass(frozen=True)
class RunOptions:
    ids: list[str] | None = None
    notebooks: list[str] | None = None
    platforms: list[str] | None = None
    draft: bool = False
    force: bool = False
    workers: int | None = None
    scheduler: str | None = None
    timeout: float | None = 1800  # s per cell
    quiet: bool = False
    allow_code: bool = False  # campaigns' own code (moviepy shots) may run (else brand.yml's allow_code decides)
    notebooks_dir: Path = field(default_factory=lambda: Path(os.environ.get("PROMOKIT_NOTEBOOKS", NOTEBOOKS_DIR)))


class _Stop:
    """Set on SIGINT/SIGTERM; local workers poll it, Dask workers poll its distributed twin."""

    def __init__(self) -> None:
        self.event = threading.Event()
        self.remote = None

    def set(self) -> None:
        self.event.set()
        if self.remote is not None:
            with contextlib.suppress(Exception):
                self.remote.set()

    def is_set(self) -> bool:
        return self.event.is_set()


@contextlib.contextmanager
def _signals(stop: _Stop) -> Iterator[None]:
    """Turn SIGINT/SIGTERM into a stop request (main thread only; elsewhere the caller handles stopping)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    old = {s: signal.getsignal(s) for s in (signal.SIGINT, signal.SIGTERM)}

    def handler(signum: int, frame: object) -> None:
        if stop.is_set():  # second Ctrl-C: stop waiting politely
            raise KeyboardInterrupt
        stop.set()

    for s in old:
        signal.signal(s, handler)
    try:
        yield
    finally:
        for s, h in old.items():
            signal.signal(s, h)


def _outputs(output: Path, job: Job) -> list[tuple[str, int, str]]:
    """The files a job owns: its output folder and its executed notebook (path, bytes, sha256)."""
    outs = Catalog(output).campaign(job.campaign)
    files = [outs.notebook(job.notebook)]
    folder = outs.folder(job.outputs)
    if folder.is_dir():
        files += sorted(p for p in folder.rglob("*") if p.is_file() and not p.name.startswith("."))
    return [(p.relative_to(output).as_posix(), p.stat().st_size, sha256(p)) for p in files if p.is_file()]


def _current(output: Path, recorded: list[tuple[str, int, str]]) -> bool:
    for rel, size, digest in recorded:
        p = output / rel
        if not p.is_file() or p.stat().st_size != size or sha256(p) != digest:
            return False
    return bool(recorded)


def _sweep(output: Path, ledger: Ledger, run_id: int | None, campaigns: list[str]) -> None:
    """Remove what killed jobs and runs left: scratch folders of gone owners (here and in the system temp
    folder) and, when no other run works on this output, the `.part` files of interrupted atomic writes."""
    sweep(Catalog(output).scratch, unowned_after=600)
    sweep(Path(tempfile.gettempdir()) / "promokit-scratch", unowned_after=600)
    sweep(Path(tempfile.gettempdir()))  # notebooks run outside a batch keep their scratch there
    if not ledger.live_runs(but=run_id):
        for cid in campaigns:
            sweep_partials(output / cid)


def _sweep_job(output: Path, job: Job) -> None:
    """Remove the `.part` files of one job: in its own output folder and its notebook's in notebooks/."""
    base = Catalog(output).campaign(job.campaign)
    sweep_partials(base.dir / job.outputs)
    for p in base.folder("notebook").glob(f".{job.notebook}.*"):
        if is_partial(p):
            with contextlib.suppress(OSError):
                p.unlink()


class _Executor:
    """Local worker threads (each job in its own process) or a Dask cluster, behind one submit()."""

    def __init__(self, opts: RunOptions, stop: _Stop) -> None:
        self.client = None
        self.stop = stop
        if opts.scheduler:
            try:
                from distributed import Client, Event
            except ImportError as e:  # pragma: no cover - distributed is a pinned dependency
                raise UsageError.fail("chưa cài dask.distributed", "dask.distributed is not installed",
                                      fix_vi="pip install distributed", fix_en="pip install distributed") from e
            try:
                self.client = Client(opts.scheduler, timeout=10, set_as_default=True)
            except OSError as e:
                raise UsageError.fail(f"không kết nối được bộ lập lịch {opts.scheduler}",
                                      f"cannot reach the scheduler {opts.scheduler} ({e})", field="--scheduler",
                                      fix_vi="khởi động: dask scheduler --host 127.0.0.1 --port 8786",
                                      fix_en="start one: dask scheduler --host 127.0.0.1 --port 8786") from None
            self.event_name = f"promokit-stop-{uuid.uuid4().hex}"
            stop.remote = Event(self.event_name, client=self.client)
            self.pool = None
        else:
            self.pool = cf.ThreadPoolExecutor(max_workers=opts.workers or os.cpu_count() or 1,
                                              thread_name_prefix="promokit-worker")

    def submit(self, spec: dict, key: str):
        if self.client is not None:
            return self.client.submit(_remote_job, spec, self.event_name, key=f"{key}-{uuid.uuid4().hex[:8]}",
                                      pure=False, retries=0)
        return self.pool.submit(run_job, spec, self.stop)

    def wait_any(self, futures: set, timeout: float):
        if self.client is not None:
            from distributed import wait
            try:
                return set(wait(list(futures), timeout=timeout, return_when="FIRST_COMPLETED").done)
            except TimeoutError:  # distributed raises where concurrent.futures returns nothing done
                return set()
        return cf.wait(futures, timeout=timeout, return_when=cf.FIRST_COMPLETED).done

    def result(self, fut) -> dict:
        return fut.result()

    def cancel(self, futures: set) -> None:
        for f in futures:
            f.cancel()

    def close(self) -> None:
        if self.client is not None:
            with contextlib.suppress(Exception):
                self.client.close(timeout=5)
        if self.pool is not None:
            self.pool.shutdown(wait=True, cancel_futures=True)


def _remote_job(spec: dict, event_name: str) -> dict:
    """Runs on a Dask worker: the same job process, stopped by the run's distributed Event."""
    from distributed import Event, get_client

    event = Event(event_name, client=get_client())
    return run_job(spec, event, poll=0.5)


def checked_options(opts: RunOptions) -> RunOptions:
    """`opts` with notebook and platform names resolved (case forgiven); UsageError (exit 2) for unknown ones."""
    from dataclasses import replace

    from ..platforms import PLATFORMS
    from .jobs import NOTEBOOKS

    notebooks = [NOTEBOOKS.choose(n, option="--notebook") for n in opts.notebooks] if opts.notebooks else None
    platforms = [PLATFORMS.choose(p, option="--platform") for p in opts.platforms] if opts.platforms else None
    return replace(opts, notebooks=notebooks, platforms=platforms)


def _platform_notes(contexts: dict, platforms: list[str] | None, notebooks: list[str] | None) -> list[str]:
    """Asked platforms that no campaign lists (said, never silently planned as nothing)."""
    if not platforms or (notebooks and "promo_video" not in notebooks):
        return []
    listed = {p for ctx in contexts.values() if ctx.campaign.video for p in ctx.campaign.video.platforms}
    missing = [p for p in platforms if p not in listed]
    if contexts and len(missing) == len(platforms):
        raise UsageError.fail(
            f"không chiến dịch nào có nền tảng {', '.join(missing)} trong video.platforms",
            f"no campaign lists {', '.join(missing)} in video.platforms", field="--platform",
            fix_vi="thêm nền tảng vào video.platforms của campaign.yml, hoặc bỏ --platform",
            fix_en="add the platform to video.platforms in campaign.yml, or drop --platform")
    return [f"⚠ không chiến dịch nào có / no campaign lists: {p} (bỏ qua / skipped)" for p in missing]


def run_batch(assets: Path, output: Path, opts: RunOptions | None = None) -> BatchResult:
    """Validate the campaigns, plan the jobs, skip what is current, run the rest; record everything."""
    opts = checked_options(opts or RunOptions())
    t0 = time.monotonic()
    assets, output = Path(assets).resolve(), Path(output).resolve()
    if not assets.is_dir():
        raise UsageError.fail(f"không có thư mục assets {assets}", f"the assets folder {assets} does not exist",
                              field="--assets", fix_vi="chỉ đúng thư mục có campaigns/ (--assets)",
                              fix_en="point --assets at the folder that holds campaigns/")
    require_writable(output)
    result = BatchResult()
    contexts = {}
    for cid in select_ids(assets, opts.ids):
        try:
            contexts[cid] = open_campaign(cid, assets, output, allow_code=opts.allow_code)
        except PromokitError as e:
            result.invalid[cid] = [str(p) for p in e.problems]
    result.notes = _platform_notes(contexts, opts.platforms, opts.notebooks)
    jobs = plan_jobs({c: ctx.campaign for c, ctx in contexts.items()}, opts.notebooks, assets=assets, output=output,
                     platforms=opts.platforms, draft=opts.draft)
    stop = _Stop()
    progress = Progress(len(jobs), quiet=opts.quiet)
    for line in result.notes:
        progress.note(line)
    for cid, lines in result.invalid.items():
        progress.note(f"✗ {cid}: chiến dịch không hợp lệ / invalid campaign ({len(lines)} lỗi/problems)")
    with Ledger(Catalog(output).ledger) as ledger, _signals(stop):
        ledger.repair()  # runs left `running` by a killed `promokit run`
        _sweep(output, ledger, None, list(contexts))
        run_id = ledger.start_run({"ids": opts.ids, "notebooks": opts.notebooks, "platforms": opts.platforms,
                                   "draft": opts.draft, "force": opts.force, "workers": opts.workers,
                                   "scheduler": opts.scheduler})
        executor = _Executor(opts, stop)
        try:
            _run(jobs, contexts, output, opts, ledger, run_id, executor, stop, progress, result)
        finally:
            executor.close()
            progress.close()
            if stop.is_set():
                result.interrupted = True
                _sweep(output, ledger, run_id, list(contexts))
            status = "interrupted" if result.interrupted else ("ok" if result.ok else "failed")
            ledger.finish_run(run_id, status)
    for cid in contexts:
        try:
            manifest = read_manifest(Catalog(output).campaign(cid)) or {}
        except PromokitError:
            manifest = {}
        for w in manifest.get("warnings", []):
            result.warnings.append(f"{cid}: {w['warning']} ({', '.join(w['outputs'][:3])}"
                                   + (f" +{len(w['outputs']) - 3}" if len(w["outputs"]) > 3 else "") + ")")
    result.seconds = time.monotonic() - t0
    return result


def _run(jobs: list[Job], contexts: dict, output: Path, opts: RunOptions, ledger: Ledger, run_id: int,
         executor: _Executor, stop: _Stop, progress: Progress, result: BatchResult) -> None:
    by_label = {j.label: j for j in jobs}
    state: dict[str, str] = {}
    ids: dict[str, int] = {}
    hashes: dict[str, str] = {}
    pending = list(jobs)
    running: dict = {}

    def finish(job: Job, res: JobResult) -> None:
        state[job.label] = res.status
        result.results.append(res)
        fields = {"status": res.status, "seconds": round(res.seconds, 3), "error": res.error, "cell": res.cell,
                  "attempts": res.attempts, "worker": res.worker}
        ledger.update_job(ids[job.label], **fields)
        if res.status == "ok":
            ledger.record_outputs(ids[job.label], _outputs(output, job))
        if (res.status in {"failed", "interrupted"} or res.attempts > 1) and not ledger.live_runs(but=run_id):
            # a killed kernel cannot remove its atomic writes' temp files (nor can a first attempt whose kernel
            # died before the retry succeeded); the job's processes are all ended by now
            _sweep_job(output, job)
        # the manifest is written as each job ends: its record replaces the same notebook's earlier one
        outs = Catalog(output).campaign(job.campaign)
        if outs.dir.is_dir():
            try:
                update_manifest(outs, job=res.as_dict(), info=campaign_info(contexts[job.campaign].campaign))
            except OSError as e:  # a full or read-only disk: say so; the next run writes it
                result.problems.append(str(named(e, outs.dir) or e))
        progress.finish(job.label, res.status, res.seconds, res.error)

    while (pending or running) and not stop.is_set():
        for job in list(pending):
            if any(state.get(a) is None for a in job.after if a in by_label):
                continue  # waits for a job of the same campaign whose outputs it uses
            pending.remove(job)
            ctx = contexts[job.campaign]
            nb = opts.notebooks_dir / f"{job.notebook}.ipynb"
            hashes[job.label] = inputs_hash(job, ctx, nb)
            ids[job.label] = ledger.add_job(run_id, job.campaign, job.notebook, "running", hashes[job.label])
            blocked = [a for a in job.after if state.get(a) not in {None, "ok", "skipped"}]
            if blocked:
                finish(job, JobResult(job, "blocked", error=f"chờ / waits for {', '.join(blocked)} (lỗi / failed)"))
                continue
            last = None if opts.force else ledger.last_ok(job.campaign, job.notebook)
            upstream_changed = any(state.get(a) == "ok" for a in job.after)
            if last and last[0] == hashes[job.label] and not upstream_changed and _current(output, last[1]):
                finish(job, JobResult(job, "skipped"))
                ledger.record_outputs(ids[job.label], last[1])
                continue
            outs = Catalog(output).campaign(job.campaign)
            spec = {"notebook": str(nb), "output": str(outs.notebook(job.notebook)),
                    "failed": str(outs.failed_notebook(job.notebook)), "parameters": job.parameters,
                    "timeout": opts.timeout, "scratch": str(Catalog(output).scratch)}
            # the notebook skips what only a person looks at (storyboard, previews); --allow-code reaches its
            # open_campaign and VideoJob (no notebook parameter)
            spec["env"] = {"PROMOKIT_BATCH": "1", **({"PROMOKIT_ALLOW_CODE": "1"} if opts.allow_code else {})}
            progress.start(job.label)
            running[executor.submit(spec, job.label)] = job
        if not running:
            continue
        for fut in executor.wait_any(set(running), timeout=0.5):
            job = running.pop(fut)
            try:
                r = executor.result(fut)
            except Exception as e:  # the worker itself failed (lost Dask worker…): this job fails, others go on
                r = {"status": "failed", "error": f"{type(e).__name__}: {e}"}
            out = r.get("notebook_copy")
            finish(job, JobResult(job, r["status"], r.get("seconds", 0.0), r.get("error", ""), r.get("cell"),
                                  r.get("attempts", 1), r.get("worker", ""), Path(out) if out else None))
    if stop.is_set():
        executor.cancel(set(running))
        deadline = time.monotonic() + 15  # running jobs see the flag and end their process trees
        while running and time.monotonic() < deadline:
            for fut in executor.wait_any(set(running), timeout=0.5):
                job = running.pop(fut)
                with contextlib.suppress(Exception):
                    r = executor.result(fut)
                    finish(job, JobResult(job, "interrupted", r.get("seconds", 0.0), r.get("error", ""),
                                          attempts=r.get("attempts", 1), worker=r.get("worker", "")))
                    continue
                finish(job, JobResult(job, "interrupted"))
        for job in [*running.values(), *pending]:
            if job.label not in ids:
                ids[job.label] = ledger.add_job(run_id, job.campaign, job.notebook, "interrupted", None)
            finish(job, JobResult(job, "interrupted"))


def summary_table(result: BatchResult) -> str:
    """The final table: one row per job, then the totals."""
    rows = [("chiến dịch / campaign", "sổ tay / notebook", "kết quả / status", "giây / s")]
    rows += [(r.job.campaign, r.job.notebook, r.status, f"{r.seconds:.1f}") for r in result.results]
    widths = [max(len(r[i]) for r in rows) for i in range(4)]
    lines = ["  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)) for r in rows]
    lines.insert(1, "  ".join("-" * w for w in widths))
    lines += [f"⚠ {w}" for w in result.warnings]
    lines.append(f"Xong / done: {result.count('ok')} ok, {result.count('skipped')} bỏ qua/skipped, "
                 f"{result.count('failed') + result.count('blocked')} lỗi/failed, "
                 f"{len(result.warnings)} cảnh báo/warnings, "
                 f"{len(result.invalid)} chiến dịch không hợp lệ/invalid, {result.seconds:.1f} s")
    return "\n".join(lines)
