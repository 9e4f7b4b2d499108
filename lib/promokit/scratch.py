"""Scratch folders: every temporary file a job makes lives in one folder that is removed whatever happens.

A batch job gets `output/.scratch/<job>-<random>/` (same disk as its outputs); the runner that made it
removes it when the job ends (success, failure, timeout, SIGTERM, dead kernel) after ending every process
that carries the job's tag (`PROMOKIT_SCRATCH=<folder>` in its environment, so orphans of a killed kernel
are found too). Inside the job, `scratch_dir()` is that folder (and `TMPDIR` points there, so every
`tempfile` call lands in it). Outside a batch (a notebook in Jupyter) `scratch_dir()` makes one private
folder per process under the system temp folder, removed at exit.

Each scratch folder records its owner (`owner.json`: host, pid, process start time); `sweep` removes the
folders of owners that are gone (a runner killed with SIGKILL, a machine that rebooted), and
`sweep_partials` the `.part` files atomic writes leave when killed. Only promokit's own names are touched.
"""

from __future__ import annotations

import atexit
import contextlib
import json
import os
import re
import shutil
import socket
import tempfile
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import psutil

ENV = "PROMOKIT_SCRATCH"
OWNER = "owner.json"
PREFIX = "promokit-"
_PART = re.compile(r"^\..+\.[A-Za-z0-9_]+\.(?:[a-z]+\.)?part(?:\.[A-Za-z0-9]+)?$")  # atomic_path's temp names
_mine: Path | None = None


def _start_time(pid: int) -> float | None:
    try:
        return psutil.Process(pid).create_time()
    except (psutil.NoSuchProcess, psutil.AccessDenied):
        return None


def owner_record(pid: int | None = None) -> dict:
    """Who owns a scratch folder or a run: this host, the pid and its start time (so a reused pid is not it)."""
    pid = os.getpid() if pid is None else pid
    return {"host": socket.gethostname(), "pid": pid, "started": _start_time(pid)}


def owner_alive(owner: dict | None) -> bool:
    """Whether the recorded owner still runs. Owners on another host count as alive (they cannot be seen)."""
    if not owner or "pid" not in owner:
        return False
    if owner.get("host") != socket.gethostname():
        return True
    started = _start_time(int(owner["pid"]))
    if started is None:
        return False
    return owner.get("started") is None or abs(started - float(owner["started"])) < 1.0


def make_scratch(root: Path, name: str) -> Path:
    """A new scratch folder `root/<name>-<random>/` recording this process as its owner."""
    root = Path(root)
    root.mkdir(parents=True, exist_ok=True)
    folder = root / f"{PREFIX}{re.sub(r'[^A-Za-z0-9_-]+', '_', name)[:60]}-{uuid.uuid4().hex[:8]}"
    folder.mkdir()
    (folder / OWNER).write_text(json.dumps(owner_record()), encoding="utf-8")
    return folder


def processes_in(folder: Path) -> list[psutil.Process]:
    """The processes tagged with this scratch folder (a job's kernel, its ffmpeg, their orphans)."""
    tag = str(folder)
    found = []
    for p in psutil.process_iter():
        if p.pid == os.getpid():
            continue
        with contextlib.suppress(psutil.Error, OSError):
            if p.environ().get(ENV) == tag:
                found.append(p)
    return found


def end_processes(folder: Path, grace: float = 2.0) -> None:
    """SIGTERM, then SIGKILL, every process tagged with `folder`; looked for twice, since a process caught
    mid-exec can read with an empty environment (or one was started by a process being ended)."""
    for _ in range(2):
        procs = processes_in(folder)
        if not procs:
            continue
        for p in procs:
            with contextlib.suppress(psutil.Error):
                p.terminate()
        _, alive = psutil.wait_procs(procs, timeout=grace)
        for p in alive:
            with contextlib.suppress(psutil.Error):
                p.kill()
        psutil.wait_procs(alive, timeout=grace)


def remove_scratch(folder: Path) -> None:
    """End the folder's processes, then remove it (never raises: cleanup must not hide the real error)."""
    end_processes(folder)
    shutil.rmtree(folder, ignore_errors=True)


@contextlib.contextmanager
def job_scratch(root: Path, name: str) -> Iterator[Path]:
    """A scratch folder for one job, removed (with its processes) on any exit."""
    folder = make_scratch(root, name)
    try:
        yield folder
    finally:
        remove_scratch(folder)


def job_env(folder: Path, env: dict[str, str] | None = None) -> dict[str, str]:
    """The environment of a job's process: its scratch folder as tag and as every tool's temp folder."""
    env = dict(os.environ if env is None else env)
    env.update({ENV: str(folder), "TMPDIR": str(folder), "TMP": str(folder), "TEMP": str(folder)})
    return env


def scratch_dir() -> Path:
    """The current job's scratch folder; outside a batch, one private folder for this process (removed at exit)."""
    global _mine
    env = os.environ.get(ENV)
    if env and Path(env).is_dir():
        return Path(env)
    if _mine is None or not _mine.is_dir():
        _mine = make_scratch(Path(tempfile.gettempdir()), f"pid{os.getpid()}")
        atexit.register(shutil.rmtree, _mine, True)
    return _mine


def sweep(root: Path, *, unowned_after: float | None = None) -> list[Path]:
    """Remove scratch folders under `root` whose recorded owner is gone; the removed folders.

    A folder without an owner record is left alone, unless `unowned_after` (s) is given and it is older.
    """
    root = Path(root)
    removed = []
    if not root.is_dir():
        return removed
    for folder in root.glob(f"{PREFIX}*"):
        if not folder.is_dir():
            continue
        try:
            owner = json.loads((folder / OWNER).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            owner = None
            try:
                age = time.time() - folder.stat().st_mtime
            except OSError:
                continue
            if unowned_after is None or age < unowned_after:
                continue
        if not owner_alive(owner):
            remove_scratch(folder)
            removed.append(folder)
    return removed


def is_partial(path: Path) -> bool:
    """Whether a file name is one of `atomic_path`'s temp names (`.<stem>.<random>.part<ext>`)."""
    return bool(_PART.match(Path(path).name))


def sweep_partials(folder: Path) -> list[Path]:
    """Remove atomic-write temp files (`.part`) left anywhere under `folder`; the removed files."""
    removed = []
    folder = Path(folder)
    if not folder.is_dir():
        return removed
    for p in folder.rglob(".*"):
        if p.is_file() and is_partial(p):
            with contextlib.suppress(OSError):
                p.unlink()
                removed.append(p)
    return removed
