"""Seeded fault injection for `promokit run` (the chaos test and `bench/chaos.py`).

One round: the outputs of one job (sometimes both jobs of a campaign) are removed so the run has work,
`promokit run` starts as its own process (scoped to that campaign with `scoped=True`: the other
campaigns' outputs stay as the clean run left them and are checked all the same), and one fault strikes
at a seeded moment within that work (the clean run's job times tell how long it lasts) — the runner killed (SIGKILL) or stopped (SIGTERM), a kernel
or an ffmpeg killed, the disk full, the output folder made read-only mid-run. Then the invariants are
checked, the fault is lifted, the next run is made and checked too:

- no process left (nothing tagged with a scratch folder of this output, nothing under the runner);
- no temp file left (no scratch folder, no `.part` file, nothing new in the system temp folder);
- no partial file at a final path (every recorded output matches its checksum, every MP4 has its index);
- the ledger in a final state (no run or job `running`);
- the next run ends ok and redoes only what was not recorded done; its outputs equal a clean run's
  (byte for byte where the product is deterministic: see `DETERMINISTIC`).

Faults on the disk need root (a small tmpfs is mounted for the output); without root they are skipped.
"""

from __future__ import annotations

import contextlib
import json
import os
import random
import shutil
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import psutil

from ..catalog import GALLERY_NAME, LEDGER_NAME, Catalog
from ..manifest import sha256
from ..scratch import ENV, is_partial
from .jobs import NOTEBOOKS

FAULTS = ("kill_runner", "term_runner", "kill_kernel", "kill_ffmpeg", "full_disk", "read_only")
DISK_FAULTS = ("full_disk", "read_only")
#: What a job's error or the runner's says after a disk fault: one of the named resource lines (English half)
NAMED = ("no space left on the disk of", "cannot write to")
#: Outputs compared byte for byte with the clean run. Executed notebooks (.ipynb) hold run times, and
#: checks records hold measured seconds, so they are compared by presence only.
DETERMINISTIC = (".mp4", ".srt", ".vtt", ".jpg", ".png", ".svg", ".csv", ".txt", ".html")


@dataclass
class Round:
    """One fault and what was seen after it."""

    index: int
    fault: str
    at: float  # s after the run started
    removed: list[str]  # jobs whose outputs were removed before the run (its work): "campaign/notebook"
    struck: bool = False  # the fault found its target (a kernel, an ffmpeg) before the run ended
    fault_status: str = ""  # the fault run's exit code, as text
    held: dict[str, bool] = field(default_factory=dict)  # invariant -> held
    notes: list[str] = field(default_factory=list)
    completed: bool = False  # the next run ended ok
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return all(self.held.values()) and self.completed


def _alive(p: psutil.Process) -> bool:
    try:
        return p.is_running() and p.status() != psutil.STATUS_ZOMBIE
    except psutil.Error:
        return False


def tagged(output: Path) -> list[psutil.Process]:
    """Live processes working for a job of this output (tagged with one of its scratch folders)."""
    root = str(Catalog(output).scratch)
    found = []
    for p in psutil.process_iter():
        with contextlib.suppress(psutil.Error, OSError):
            if p.pid != os.getpid() and p.environ().get(ENV, "").startswith(root) and _alive(p):
                found.append(p)
    return found


class Chaos:
    """A campaign batch, its clean checksums and seeded faults against it."""

    def __init__(self, assets: Path, output: Path, *, seed: int, notebooks: list[str] | None = None,
                 workers: int = 2, disk: bool = False, notebooks_dir: Path | None = None,
                 faults: tuple[str, ...] = FAULTS, extra_args: tuple[str, ...] = (), scoped: bool = False) -> None:
        self.assets, self.output = Path(assets), Path(output)
        self.rng = random.Random(seed)
        self.seed = seed
        self.notebooks = notebooks or []
        self.extra_args = list(extra_args)  # more `promokit run` options (e.g. --allow-code)
        self.workers = workers
        self.disk = disk  # the output is a tmpfs this process may fill and remount
        self.faults = tuple(f for f in faults if disk or f not in DISK_FAULTS)
        self.env = {**os.environ, **({"PROMOKIT_NOTEBOOKS": str(notebooks_dir)} if notebooks_dir else {})}
        self.scoped = scoped  # a round's runs name only the campaigns it removed work from
        self.clean: dict[str, str] = {}
        self.expected: set[str] = set()
        self.run_seconds = 10.0
        self.startup = 3.0  # s a run takes before its first job starts (measured by `clean_run`)
        self.job_seconds: dict[str, float] = {}  # "campaign/notebook" -> s, the shortest seen (clean run on)
        # a run's wall time over its estimate, the lowest seen in a round its fault missed: the aim follows a
        # machine that got faster (a busy neighbour gone, caches warm) instead of striking after the end
        self.pace = 1.0
        self._whole: set[tuple[str, int, int]] = set()  # files already read whole (path, size, mtime)
        self._digests: dict[tuple[str, int, int], str] = {}

    # ------------------------------------------------------------ runs

    def command(self, ids: list[str] | None = None) -> list[str]:
        cmd = [sys.executable, "-m", "promokit.cli", "run", "--assets", str(self.assets), "--output",
               str(self.output), "--draft", "--quiet", "--workers", str(self.workers)]
        for nb in self.notebooks:
            cmd += ["--notebook", nb]
        return cmd + self.extra_args + (ids if self.scoped and ids else [])

    def run(self, ids: list[str] | None = None, timeout: float = 900) -> subprocess.CompletedProcess:
        proc = self._start(ids, stdout=subprocess.PIPE)
        out, err = self._wait(proc, timeout)
        return subprocess.CompletedProcess(proc.args, proc.returncode, out, err)

    def _start(self, ids: list[str] | None, stdout: int) -> subprocess.Popen:
        # its own process group, so that a run past its time is stopped with its kernels and ffmpegs
        return subprocess.Popen(self.command(ids), env=self.env, stdout=stdout, stderr=subprocess.PIPE, text=True,
                                stdin=subprocess.DEVNULL, start_new_session=True)

    @staticmethod
    def _wait(proc: subprocess.Popen, timeout: float) -> tuple[str, str]:
        """The run's output; past `timeout` (s) its whole group is killed and the round is marked by exit -9."""
        try:
            return proc.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGKILL)
            out, err = proc.communicate()
            return out or "", (err or "") + "\nchaos: the run passed its time and was stopped with its group"

    @staticmethod
    def _key(p: Path) -> tuple[str, int, int]:
        st = p.stat()
        return str(p), st.st_size, st.st_mtime_ns

    def outputs(self) -> dict[str, str]:
        """Relative path -> sha256 of every product file (records and the ledger left out; a file unchanged
        since it was last hashed, same size and modification time, is not read again)."""
        out = {}
        for p in sorted(self.output.rglob("*")):
            rel = p.relative_to(self.output).as_posix()
            if not p.is_file() or rel.startswith((".", LEDGER_NAME, GALLERY_NAME)) or "/." in rel:
                continue
            if p.suffix not in DETERMINISTIC:
                out[rel] = ""
                continue
            key = self._key(p)
            if key not in self._digests:
                self._digests[key] = sha256(p)
            out[rel] = self._digests[key]
        return out

    def clean_run(self) -> subprocess.CompletedProcess:
        """The reference: a run from nothing, then every output's checksum, each job's time, and the time a
        run takes before its first job (a run with nothing to do)."""
        t0 = time.monotonic()
        r = self.run()
        self.run_seconds = time.monotonic() - t0
        if r.returncode != 0:
            return r
        self.clean = self.outputs()
        self.expected = set(self.clean)
        self.job_seconds = {f"{c}/{n}": s or 0.0 for c, n, s in self._ledger(
            "SELECT campaign, notebook, seconds FROM jobs WHERE status='ok'")}
        t0 = time.monotonic()
        idle = self.run([sorted(self.job_seconds)[0].split("/")[0]] if self.job_seconds else None)
        self.startup = time.monotonic() - t0
        return idle if idle.returncode != 0 else r

    # ------------------------------------------------------------ one round

    def _work(self, fault: str) -> list[str]:
        """Remove the product folder of one job (a video job when the fault is an ffmpeg killed), and one
        time in four the other jobs' of its campaign too, so the run has that to do; the jobs."""
        jobs = sorted(self.job_seconds)
        pool = [j for j in jobs if j.endswith("/promo_video")] if fault == "kill_ffmpeg" else jobs
        first = self.rng.choice(pool or jobs)
        chosen = [first]
        if self.rng.random() < 0.25:
            chosen += [j for j in jobs if j != first and j.split("/")[0] == first.split("/")[0]]
        for label in chosen:
            cid, nb = label.split("/")
            shutil.rmtree(Catalog(self.output).campaign(cid).folder(NOTEBOOKS.get(nb).outputs), ignore_errors=True)
        return chosen

    def _estimate(self, jobs: list[str]) -> float:
        """Seconds the run of a round should take: its start, then its jobs on the workers."""
        work = sum(self.job_seconds.get(j, 0.0) for j in jobs)
        return (self.startup + work / max(1, min(self.workers, len(jobs)))) * self.pace

    def _learn(self, since_run: int) -> None:
        """Each job's time: the shortest of the clean run's and those of the runs after `since_run` (a run id)."""
        for c, n, s in self._ledger("SELECT campaign, notebook, seconds FROM jobs WHERE status='ok' AND run_id>?",
                                    (since_run,)):
            label = f"{c}/{n}"
            if s and label in self.job_seconds:
                self.job_seconds[label] = min(self.job_seconds[label], s)

    def _fill(self, leave: int) -> Path:
        filler = self.output / ".chaos-filler"
        free = shutil.disk_usage(self.output).free
        with open(filler, "wb", buffering=0) as f, contextlib.suppress(OSError):
            left = max(0, free - leave)
            block = b"\0" * (1 << 20)
            while left > 0:
                n = f.write(block[:min(left, len(block))])
                left -= n
        return filler

    def _read_only(self, on: bool) -> None:
        """A read-only view of the output stacked over it (a bind mount): new writes fail with EROFS while
        files already open stay writable, as when a USB disk or a network share turns read-only."""
        out = str(self.output)
        if on:
            subprocess.run(["mount", "--bind", out, out], check=True, capture_output=True)
            subprocess.run(["mount", "-o", "remount,bind,ro", out], check=True, capture_output=True)
        else:
            subprocess.run(["umount", out], check=True, capture_output=True)

    def _strike(self, rnd: Round, proc: subprocess.Popen, done: threading.Event) -> None:
        """Wait for the moment, then inject the fault (kernels and ffmpeg: the first found from then on)."""
        if done.wait(rnd.at):
            return
        if rnd.fault == "kill_runner":
            proc.kill()
        elif rnd.fault == "term_runner":
            proc.terminate()
        elif rnd.fault == "read_only":
            self._read_only(True)
        elif rnd.fault in ("kill_kernel", "kill_ffmpeg"):
            while not done.is_set():
                targets = []
                for p in tagged(self.output):
                    with contextlib.suppress(psutil.Error):
                        if (p.name() == "ffmpeg" if rnd.fault == "kill_ffmpeg"
                                else "ipykernel" in " ".join(p.cmdline())):
                            targets.append(p)
                if targets:
                    with contextlib.suppress(psutil.Error):
                        self.rng.choice(targets).kill()
                    break
                time.sleep(0.05)
            else:
                return
        rnd.struck = True

    def round(self, index: int) -> Round:
        fault = self.faults[index % len(self.faults)] if index < len(self.faults) else self.rng.choice(self.faults)
        # processes are hunted from the moment on, so they strike early; the others anywhere in the run
        late = 0.5 if fault in ("kill_kernel", "kill_ffmpeg") else 0.8
        work = self._work(fault)
        ids = sorted({j.split("/")[0] for j in work})
        estimate = self._estimate(work)
        rnd = Round(index, fault, round(self.rng.uniform(0.3, max(0.6, estimate * late)), 2), work)
        t0 = time.monotonic()
        last_run = self._ledger("SELECT MAX(id) FROM runs")[0][0] or 0
        filler = self._fill(self.rng.randint(0, 3 << 20)) if fault == "full_disk" else None
        if fault == "full_disk":
            rnd.struck = True
        started = time.monotonic()
        proc = self._start(ids, stdout=subprocess.DEVNULL)
        done = threading.Event()
        striker = threading.Thread(target=self._strike, args=(rnd, proc, done), daemon=True)
        striker.start()
        try:
            _, err = self._wait(proc, 900)
        finally:
            done.set()
            striker.join()
        if not rnd.struck and proc.returncode == 0 and estimate > 0:
            self.pace = min(self.pace, (time.monotonic() - started) / estimate * self.pace)
        rnd.fault_status = str(proc.returncode)
        if proc.returncode not in (0,) and err.strip():
            rnd.notes.append(err.strip().splitlines()[-1][:300])
        if fault == "read_only" and rnd.struck:
            self._read_only(False)
        if fault in DISK_FAULTS and rnd.struck:
            rnd.held["resource errors named"] = self._named(rnd, err, last_run)
        if filler is not None:
            filler.unlink(missing_ok=True)
        # a runner killed by SIGKILL cannot clean up, nor can anyone delete files on a read-only disk: the
        # next run does (its sweep is checked below)
        deferred = rnd.struck and fault in ("kill_runner", "read_only")
        self._check_after_fault(rnd, final_ledger=not deferred)
        done_before = self._recorded_done()
        r = self.run(ids)
        self._learn(last_run)
        rnd.completed = r.returncode == 0
        if not rnd.completed:
            rnd.notes.append("next run: " + (r.stderr.strip().splitlines() or ["?"])[-1][:300])
        self._check_after_next(rnd, done_before)
        rnd.seconds = time.monotonic() - t0
        return rnd

    # ------------------------------------------------------------ invariants

    def _ledger(self, sql: str, args: tuple = ()) -> list[tuple]:
        with contextlib.closing(sqlite3.connect(Catalog(self.output).ledger)) as db:
            return db.execute(sql, args).fetchall()

    def _recorded_done(self) -> set[str]:
        """Jobs whose newest ledger record is ok or skipped with its outputs intact (they must be skipped next)."""
        done = set()
        rows = self._ledger("SELECT id, campaign, notebook, status FROM jobs ORDER BY id")
        last: dict[str, tuple[int, str]] = {}
        for jid, cid, nb, status in rows:
            if status in ("ok", "skipped"):
                last[f"{cid}/{nb}"] = (jid, status)
            elif status == "failed":
                last.pop(f"{cid}/{nb}", None)
        for label, (jid, _) in last.items():
            outs = self._ledger("SELECT path, sha256 FROM outputs WHERE job_id=?", (jid,))
            if outs and all((self.output / p).is_file() and sha256(self.output / p) == d for p, d in outs):
                done.add(label)
        return done

    def _no_process(self) -> bool:
        deadline = time.monotonic() + 8
        while tagged(self.output) and time.monotonic() < deadline:
            time.sleep(0.2)
        return not tagged(self.output)

    def _no_temp(self, rnd: Round) -> bool:
        """No scratch folder left (a job's temp files, its mixed sound included, all live in one)."""
        scratch = Catalog(self.output).scratch
        left = [p.name for p in scratch.iterdir()] if scratch.is_dir() else []
        if left:
            rnd.notes.append(f"temp left: {left}")
        return not left

    def _no_partial(self, rnd: Round) -> bool:
        parts = [p.relative_to(self.output).as_posix() for p in self.output.rglob(".*") if is_partial(p)]
        if parts:
            rnd.notes.append(f"partial files: {parts}")
        return not parts

    def _finals_whole(self, rnd: Round) -> bool:
        """Every file at a final path is whole: notebooks and records parse, videos have their index (moov),
        pictures decode. (A whole file newer than the ledger's record is fine: its job ended as the runner
        died; the next run redoes it.)"""
        from PIL import Image

        bad = []
        for p in self.output.rglob("*"):
            rel = p.relative_to(self.output).as_posix()
            if not p.is_file() or rel.startswith(".") or "/." in rel:
                continue
            try:
                key = self._key(p)
                if key in self._whole:  # read whole before and not changed since
                    continue
                if p.suffix in (".ipynb", ".json"):
                    json.loads(p.read_text(encoding="utf-8"))
                elif p.suffix == ".mp4":
                    if b"moov" not in p.read_bytes():
                        raise ValueError("no moov")
                elif p.suffix in (".png", ".jpg"):
                    with Image.open(p) as im:
                        im.load()
                self._whole.add(key)
            except Exception:  # noqa: BLE001 - any failure to read it whole is the finding
                bad.append(rel)
        if bad:
            rnd.notes.append(f"not whole: {bad}")
        return not bad

    def _named(self, rnd: Round, stderr: str, last_run: int) -> bool:
        """After a disk fault: the runner never says `internal error` nor ffmpeg's `moov atom not found`, and
        every job of the fault run that failed (as far as the ledger could record it) names the disk."""
        bad = [ln[:200] for ln in stderr.splitlines() if "internal error" in ln or "moov atom" in ln]
        bad += [f"{c}/{n}: {(e or '')[:200]}" for c, n, e in self._ledger(
            "SELECT campaign, notebook, error FROM jobs WHERE run_id > ? AND status='failed'", (last_run,))
            if not any(w in (e or "") for w in NAMED)]
        if bad:
            rnd.notes.append(f"not named: {bad}")
        return not bad

    def _ledger_final(self, rnd: Round) -> bool:
        running = self._ledger("SELECT 'run', id FROM runs WHERE status='running' UNION ALL "
                               "SELECT 'job', id FROM jobs WHERE status='running'")
        if running:
            rnd.notes.append(f"left running: {running}")
        return not running

    def _check_after_fault(self, rnd: Round, *, final_ledger: bool) -> None:
        rnd.held["no process left"] = self._no_process()  # a killed runner's jobs end themselves
        rnd.held["no partial file at a final path"] = self._finals_whole(rnd)
        if final_ledger:
            rnd.held["no temp file left"] = self._no_temp(rnd)
            rnd.held["ledger final"] = self._ledger_final(rnd)
            rnd.held["no .part file"] = self._no_partial(rnd)

    def _check_after_next(self, rnd: Round, done_before: set[str]) -> None:
        rnd.held["no process left"] &= self._no_process()
        rnd.held["no temp file left"] = rnd.held.get("no temp file left", True) and self._no_temp(rnd)
        rnd.held["no partial file at a final path"] &= self._finals_whole(rnd)
        rnd.held["ledger final"] = rnd.held.get("ledger final", True) and self._ledger_final(rnd)
        rnd.held["no .part file"] = rnd.held.get("no .part file", True) and self._no_partial(rnd)
        run_id = self._ledger("SELECT MAX(id) FROM runs")[0][0]
        redone = {f"{c}/{n}" for c, n, s in self._ledger(
            "SELECT campaign, notebook, status FROM jobs WHERE run_id=?", (run_id,)) if s == "ok"}
        rnd.held["next run redoes only what is missing"] = not (redone & done_before)
        if redone & done_before:
            rnd.notes.append(f"redone although done: {sorted(redone & done_before)}")
        now = self.outputs()
        diff = sorted(k for k in set(now) | set(self.clean) if now.get(k) != self.clean.get(k))
        rnd.held["outputs equal the clean run's"] = not diff
        if diff:
            rnd.notes.append(f"outputs differ: {diff[:8]}")


def report(rounds: list[Round]) -> dict:
    """Faults injected, invariants held, run-to-completion rate."""
    held = sum(r.ok for r in rounds)
    return {"faults": len(rounds), "struck": sum(r.struck for r in rounds), "invariants_held": held,
            "completed": sum(r.completed for r in rounds),
            "completion_rate": round(sum(r.completed for r in rounds) / max(1, len(rounds)), 3),
            "by_fault": {f: sum(r.fault == f for r in rounds) for f in sorted({r.fault for r in rounds})},
            "rounds": [f"{r.index:3d} {r.fault:12s} at {r.at:5.2f} s struck={r.struck!s:5} exit={r.fault_status:3s} "
                       f"{'ok' if r.ok else 'FAILED'} {r.seconds:.1f} s" for r in rounds],
            "failures": [{"round": r.index, "fault": r.fault, "at": r.at,
                          "broken": [k for k, v in r.held.items() if not v], "completed": r.completed,
                          "notes": r.notes} for r in rounds if not r.ok]}


@contextlib.contextmanager
def small_disk(path: Path, size_mb: int) -> object:
    """A tmpfs of `size_mb` MiB at `path` (root only); yields whether it is mounted."""
    path.mkdir(parents=True, exist_ok=True)
    ok = os.geteuid() == 0 and subprocess.run(
        ["mount", "-t", "tmpfs", "-o", f"size={size_mb}m", "tmpfs", str(path)], capture_output=True).returncode == 0
    try:
        yield ok
    finally:
        if ok:
            while subprocess.run(["umount", str(path)], capture_output=True).returncode == 0:
                pass  # a read-only view left stacked on it, then the tmpfs itself
            if os.path.ismount(path):  # still busy (a process holds a file there): detach it, never leave it
                subprocess.run(["umount", "--lazy", str(path)], capture_output=True)


def dumps(data: dict) -> str:
    return json.dumps(data, ensure_ascii=False, indent=2)


