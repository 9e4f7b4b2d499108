"""Execute one job in its own process (and so its own kernel), killable as a whole tree.

`run_job` is what a local worker thread or a Dask worker calls: it starts
`python -m promokit.batch.execute SPEC RESULT`, watches a stop flag, and on stop ends the job's
process, its kernel and anything the kernel started (ffmpeg), then reports "interrupted".
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Protocol

import psutil

from ..errors import UsageError
from ..resources import diagnose, named
from ..scratch import job_env, job_scratch

TRANSIENT = ("DeadKernelError", "kernel died", "Kernel died", "RuntimeError: Kernel didn't respond")
GRACE = 3.0  # s between SIGTERM and SIGKILL


class StopFlag(Protocol):
    def is_set(self) -> bool: ...


def kill_tree(pid: int, grace: float = GRACE) -> None:
    """SIGTERM a process and all its descendants (kernels start their own sessions), SIGKILL what remains."""
    try:
        root = psutil.Process(pid)
        procs = [root, *root.children(recursive=True)]
    except psutil.NoSuchProcess:
        return
    for p in procs:
        try:
            procs.extend(c for c in p.children(recursive=True) if c not in procs)
        except psutil.NoSuchProcess:
            pass
    for p in procs:
        try:
            p.send_signal(signal.SIGTERM)
        except psutil.NoSuchProcess:
            pass
    _, alive = psutil.wait_procs(procs, timeout=grace)
    for p in alive:
        try:
            p.kill()
        except psutil.NoSuchProcess:
            pass
    psutil.wait_procs(alive, timeout=grace)


def _attempt(spec: dict, stop: StopFlag | None, poll: float) -> dict:
    root = Path(spec.get("scratch") or Path(tempfile.gettempdir()) / "promokit-scratch")
    with job_scratch(root, Path(spec["output"]).stem) as tmp:
        spec_file, result_file = tmp / "job.json", tmp / "result.json"
        spec_file.write_text(json.dumps(spec, ensure_ascii=False), encoding="utf-8")
        # the job's scratch folder is its temp folder and its tag: every process it starts carries it
        env = {**job_env(tmp), **spec.get("env", {}), "PYTHONUNBUFFERED": "1", PARENT_ENV: str(os.getpid())}
        # stderr to a file, not a pipe: the kernel and the tools it starts inherit it, and a full pipe that
        # nobody reads until the end would block them
        err = open(tmp / "stderr.txt", "w+b")  # noqa: SIM115 - closed in the finally below
        proc = subprocess.Popen([sys.executable, "-m", "promokit.batch.execute", str(spec_file), str(result_file)],
                                stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=err,
                                start_new_session=True, env=env)
        try:
            while True:
                try:
                    proc.wait(timeout=poll)  # returns the moment the job ends (a sleep would add up to `poll`)
                    break
                except subprocess.TimeoutExpired:
                    pass
                if stop is not None and stop.is_set():
                    kill_tree(proc.pid)
                    proc.wait()
                    return {"status": "interrupted", "error": "dừng theo yêu cầu / stopped on request"}
        except BaseException:
            kill_tree(proc.pid)
            proc.wait()
            raise
        finally:
            err.seek(max(0, err.seek(0, os.SEEK_END) - 16_384))
            stderr = err.read().decode("utf-8", "replace")
            err.close()
        folder = Path(spec["output"]).parent
        try:
            result = json.loads(result_file.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            result = None
        if result is not None:
            return _why_died(result, stderr, folder)
        tail = "\n".join(stderr.strip().splitlines()[-4:])
        known = named(tail, folder) or diagnose(folder)
        if known is not None:
            return {"status": "failed", "error": str(known)}
        return {"status": "failed", "error": f"tiến trình dừng với mã {proc.returncode} / job process exited "
                                            f"{proc.returncode}: {tail}", "transient": True}


def _why_died(result: dict, stderr: str, folder: Path) -> dict:
    """A job whose kernel died: when the kernel's last words (its stderr, the job's) name a resource (a native
    library that could not allocate memory, no file descriptor left), that is the job's error, not retried."""
    if result.get("status") != "failed" or not any(t in result.get("error", "") for t in TRANSIENT):
        return result
    known = named("\n".join(stderr.strip().splitlines()[-20:]), folder)
    return result if known is None else {**result, "error": str(known), "transient": False}


def run_job(spec: dict, stop: StopFlag | None = None, poll: float = 0.2) -> dict:
    """Run one job (retrying once when the kernel died); return its result dict (never raises for job errors)."""
    t0 = time.monotonic()
    result: dict = {}
    from .jobs import check_parameters  # here: the job process itself does not need the spec models

    try:
        check_parameters(spec["parameters"])
    except UsageError as e:  # every path that runs a notebook refuses secrets, not only the planner
        return {"status": "failed", "error": str(e), "attempts": 0, "seconds": 0.0}
    for attempt in (1, 2):
        result = _attempt(spec, stop, poll)
        result["attempts"] = attempt
        if result["status"] != "failed" or not (result.get("transient") or
                                                 any(t in result.get("error", "") for t in TRANSIENT)):
            break
    result["seconds"] = time.monotonic() - t0
    result["worker"] = f"{socket.gethostname()}:{os.getpid()}"
    return result


# ---------------------------------------------------------------- inside the job process


def _failing_cell(nb_path: Path) -> int | None:
    """The cell that was running when execution stopped: marked running/failed, else the last one started."""
    try:
        nb = json.loads(nb_path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError):
        return None
    started = None
    for i, cell in enumerate(nb.get("cells", [])):
        pm_meta = cell.get("metadata", {}).get("papermill", {})
        if pm_meta.get("status") in {"running", "failed"}:
            return i
        if pm_meta.get("start_time"):
            started = i
    return started


def _tail(text: str, n: int = 6) -> str:
    return "\n".join([ln for ln in str(text).strip().splitlines() if ln.strip()][-n:])


class _Failed(Exception):
    """Carries a failed job's result out of the atomic write (so the final path is left alone)."""


def _start_kernel(name: str, cwd: Path) -> object:
    """Start the job's kernel now: it boots (about 1 s) on another core while papermill is imported."""
    from jupyter_client.manager import AsyncKernelManager
    from jupyter_core.utils import run_sync  # the same per-thread event loop that nbclient then uses

    km = AsyncKernelManager(kernel_name=name)
    run_sync(km.start_kernel)(cwd=str(cwd))
    return km


def _stop_kernel(km: object) -> None:
    from jupyter_core.utils import run_sync

    try:
        if km.has_kernel:  # type: ignore[attr-defined]
            run_sync(km.shutdown_kernel)(now=True)  # type: ignore[attr-defined]
    except Exception:  # noqa: BLE001 - a kernel that is already gone is fine; the parent kills the tree anyway
        pass


def _execute(spec: dict) -> dict:
    source, final = Path(spec["notebook"]), Path(spec["output"])
    km = _start_kernel(spec.get("kernel", "python3"), source.parent)
    try:
        return _execute_with(spec, source, final, km)
    finally:
        _stop_kernel(km)


def _literal(path: Path) -> str:
    """A path papermill will not treat as a template (it calls `path.format(**parameters)`)."""
    return str(path).replace("{", "{{").replace("}", "}}")


def _keep_failed(tmp: Path, failed_copy: Path) -> str | None:
    """Move the executed notebook to `failed_copy` if it is whole JSON (a full disk can cut it); else drop it."""
    try:
        json.loads(tmp.read_text(encoding="utf-8"))
        os.replace(tmp, failed_copy)
        return str(failed_copy)
    except (OSError, ValueError):
        tmp.unlink(missing_ok=True)
        return None


def _error(text: str, folder: Path) -> str:
    """A job's error: the named resource error when that is the cause, else the text."""
    known = named(text, folder)
    return str(known) if known is not None else text


def _execute_with(spec: dict, source: Path, final: Path, km: object) -> dict:
    import papermill as pm
    from papermill.exceptions import PapermillExecutionError

    from ..atomic import atomic_path

    failed_copy = Path(spec["failed"])  # the catalog's name for the executed copy of a failed run
    declared = set(pm.inspect_notebook(_literal(source)))
    params = {k: v for k, v in spec["parameters"].items() if k in declared}
    try:
        with atomic_path(final) as tmp:
            try:
                pm.execute_notebook(_literal(source), _literal(tmp), parameters=params,
                                    kernel_name=spec.get("kernel", "python3"), cwd=str(source.parent),
                                    progress_bar=False, log_output=False, execution_timeout=spec.get("timeout"),
                                    request_save_on_cell_execute=True, km=km)
            except PapermillExecutionError as e:
                copy = _keep_failed(tmp, failed_copy)
                raise _Failed({"status": "failed", "cell": e.cell_index,
                               "error": _error(f"{e.ename}: {_tail(e.evalue)}", final.parent),
                               "notebook_copy": copy}) from None
            except Exception as e:
                cell = _failing_cell(tmp)
                name = type(e).__name__
                timed_out = "timed out" in str(e).lower() or "Timeout" in name
                copy = _keep_failed(tmp, failed_copy) if tmp.is_file() and tmp.stat().st_size else None
                msg = (f"ô {cell} quá {spec.get('timeout')} s / cell {cell} timed out after {spec.get('timeout')} s"
                       if timed_out else _error(f"{name}: {_tail(str(e))}", final.parent))
                raise _Failed({"status": "failed", "cell": cell, "error": msg, "notebook_copy": copy,
                               "transient": not timed_out and any(t in name + str(e) for t in TRANSIENT)}) from None
    except _Failed as f:
        return f.args[0]
    except OSError as e:  # the executed notebook could not be written (full disk, read-only folder)
        return {"status": "failed", "error": str(named(e, final.parent) or e)}
    failed_copy.unlink(missing_ok=True)
    return {"status": "ok", "notebook_copy": str(final)}


PARENT_ENV = "PROMOKIT_RUNNER_PID"  # the runner's pid, given to the job it starts


def _watch_parent(scratch: Path, every: float = 0.5) -> None:
    """End the job when the runner that started it dies (SIGKILL leaves no one to stop it): its kernel and
    tools are ended and its scratch folder removed, so a killed runner leaves no job running on."""
    import threading

    from ..scratch import remove_scratch

    # the runner's pid as it started the job: a runner killed while this process was still starting up
    # (before it could read its parent) has already left it to init, and must not be taken for its parent
    parent = int(os.environ.get(PARENT_ENV) or os.getppid())

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(every)
        remove_scratch(scratch)  # ends every process tagged with it (the kernel, ffmpeg), never this one
        os._exit(1)

    threading.Thread(target=watch, name="promokit-parent-watch", daemon=True).start()


def main(argv: list[str]) -> int:
    spec_file, result_file = Path(argv[0]), Path(argv[1])
    # jsonschema (via nbformat) imports rfc3987_syntax when installed, which builds a parser for ~2 s at
    # import; notebook validation never needs IRI checks, so every job would pay it for nothing
    sys.modules.setdefault("rfc3987_syntax", None)  # type: ignore[assignment]

    def _term(signum: int, frame: object) -> None:  # let papermill shut its kernel down
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, _term)
    _watch_parent(spec_file.parent)
    spec = json.loads(spec_file.read_text(encoding="utf-8"))
    try:
        result = _execute(spec)
    except KeyboardInterrupt:
        result = {"status": "interrupted", "error": "dừng theo yêu cầu / stopped on request"}
    except (OSError, MemoryError) as e:
        known = named(e, Path(spec["output"]).parent)
        if known is None:
            raise
        result = {"status": "failed", "error": str(known)}
    from ..atomic import write_atomic

    write_atomic(result_file, json.dumps(result, ensure_ascii=False))  # the parent reads it whole or not at all
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
