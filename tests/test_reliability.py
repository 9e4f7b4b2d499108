"""Nothing lost, nothing leaked, nothing silent: scratch folders, named resource errors, the ledger under faults."""

from __future__ import annotations

import contextlib
import errno
import json
import os
import socket
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import nbformat
import psutil
import pytest
from nbformat.v4 import new_code_cell, new_notebook

from promokit import testing
from promokit.batch.execute import run_job
from promokit.batch.jobs import check_parameters
from promokit.batch.ledger import Ledger
from promokit.batch.runner import RunOptions, run_batch
from promokit.errors import UsageError
from promokit.resources import ResourceError, named, require_writable
from promokit.scratch import (
    OWNER,
    job_env,
    job_scratch,
    make_scratch,
    processes_in,
    scratch_dir,
    sweep,
    sweep_partials,
)

PARAMS = 'campaign = "x"\nassets_dir = "."\noutput_dir = "."\nplatforms = []\ndraft = True'


def alive(p: psutil.Process) -> bool:
    try:
        return p.is_running() and p.status() != psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return False


def dead_pid() -> int:
    p = subprocess.Popen(["true"])
    p.wait()
    return p.pid


# ---------------------------------------------------------------- scratch folders


def test_scratch_folder_goes_with_its_processes_even_orphans(tmp_path):
    with job_scratch(tmp_path / ".scratch", "mot/promo_video") as folder:
        assert json.loads((folder / OWNER).read_text())["pid"] == os.getpid()
        # a tool started by a kernel that died: reparented away from the job's process tree
        subprocess.run(["sh", "-c", "sleep 300 & exit 0"], env=job_env(folder), check=True)
        (folder / ".audio.x.mix.wav").write_bytes(b"RIFF")
        # the forked shell execs sleep a moment later, and while it does its environment can read empty: the
        # orphan is looked for until it is found as sleep
        deadline = time.monotonic() + 5
        while True:
            orphans = processes_in(folder)
            named = [p.name() for p in orphans if alive(p)]
            if named == ["sleep"] or time.monotonic() > deadline:
                break
            time.sleep(0.02)
        assert named == ["sleep"], named
    assert not folder.exists()
    psutil.wait_procs(orphans, timeout=3)
    assert not any(alive(p) for p in orphans)


def test_sweep_removes_only_what_dead_runs_left_and_only_promokit_names(tmp_path):
    root = tmp_path / ".scratch"
    live, dead = make_scratch(root, "live"), make_scratch(root, "dead")
    (dead / OWNER).write_text(json.dumps({"host": socket.gethostname(), "pid": dead_pid(), "started": 1.0}))
    (dead / "big.wav").write_bytes(b"0" * 1000)
    other_host = make_scratch(root, "remote")
    (other_host / OWNER).write_text(json.dumps({"host": "another-machine", "pid": 1, "started": 1.0}))
    unowned = root / "promokit-new-1234abcd"
    unowned.mkdir()  # being created right now by another run: no owner record yet
    mine = root / "my-notes"
    mine.mkdir()
    assert sweep(root) == [dead]
    assert live.is_dir() and other_host.is_dir() and unowned.is_dir() and mine.is_dir()
    # partial files of interrupted atomic writes go; a user's files that look alike stay
    video = tmp_path / "mot" / "video"
    parts = [video / ".tiktok.k2j4h5g6.part.mp4", video / ".tiktok.k2j4h5g6.video.part.mp4",
             video / "draft" / ".zalo.abc_1234.part.jpg"]
    kept = [video / "tiktok.mp4", video / ".notes.txt", video / "bien.part.mp4", video / ".hidden"]
    for p in parts + kept:
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_bytes(b"x")
    assert sorted(sweep_partials(tmp_path / "mot")) == sorted(parts)
    assert all(p.exists() for p in kept)


def test_by_hand_a_process_keeps_one_scratch_folder_under_the_system_temp_removed_at_exit(tmp_path):
    env = {k: v for k, v in os.environ.items() if k != "PROMOKIT_SCRATCH"} | {"TMPDIR": str(tmp_path)}
    code = ("from promokit.scratch import scratch_dir\nd = scratch_dir()\nassert scratch_dir() == d\n"
            "(d / 'x.wav').write_bytes(b'RIFF')\nprint(d)")
    r = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
    folder = Path(r.stdout.strip())
    assert folder.parent == tmp_path and folder.name.startswith("promokit-pid")
    assert not folder.exists(), "removed when the process ended"


def test_the_mixed_sound_is_made_in_the_job_scratch_and_removed_on_failure(tmp_path, monkeypatch):
    from promokit.video import audio
    from promokit.video.plan import AudioPlan

    folder = make_scratch(tmp_path / ".scratch", "job")
    monkeypatch.setenv("PROMOKIT_SCRATCH", str(folder))
    assert scratch_dir() == folder
    seen = []

    def failing_mix(plan, out):
        seen.append(Path(out))
        Path(out).write_bytes(b"RIFF" + b"\0" * 100)
        raise KeyboardInterrupt  # SIGTERM mid-mix

    monkeypatch.setattr(audio, "mix", failing_mix)
    with pytest.raises(KeyboardInterrupt):
        audio.render_audio(AudioPlan(duration=1.0, rate=24000), tmp_path / "elsewhere" / "sound.wav")
    assert seen and seen[0].parent == folder and seen[0].name.endswith(".mix.wav")
    assert not seen[0].exists()


# ---------------------------------------------------------------- resource errors


@pytest.mark.parametrize(("exc", "words"), [
    (OSError(errno.ENOSPC, "No space left on device"), "no space left"),
    (OSError(errno.EROFS, "Read-only file system"), "cannot write"),
    (OSError(errno.EACCES, "Permission denied"), "cannot write"),
    (OSError(errno.EMFILE, "Too many open files"), "too many open files"),
    (MemoryError(), "out of memory"),
    (sqlite3.OperationalError("database or disk is full"), "no space left"),
    ("OSError: [Errno 28] No space left on device: '/x/y.mp4'", "no space left"),
    # a kernel's last words when memory runs out outside Python (test_resource_limits makes them for real)
    ("OpenBLAS error: Memory allocation still failed after 10 retries, giving up.", "out of memory"),
    ("RuntimeError: can't start new thread", "out of memory"),
    ("terminate called after throwing an instance of 'std::bad_alloc'", "out of memory"),
])
def test_resource_errors_are_one_named_line_with_the_fix(tmp_path, exc, words):
    err = named(exc, tmp_path)
    assert isinstance(err, ResourceError)
    text = str(err)
    assert "\n" not in text and words in text and str(tmp_path) in text and "Fix:" in text and "Cách sửa" in text


def test_other_errors_are_not_called_resource_errors(tmp_path):
    assert named(ValueError("bad"), tmp_path) is None
    assert named(OSError(errno.ENOENT, "No such file"), tmp_path) is None


def test_require_writable_names_a_full_disk(tmp_path):
    with pytest.raises(ResourceError, match="no space left"):
        require_writable(tmp_path, need=1 << 60)
    require_writable(tmp_path / "new", need=1)
    assert (tmp_path / "new").is_dir() and not list((tmp_path / "new").iterdir())


@contextlib.contextmanager
def tiny_disk(path: Path, size: str = "6m"):
    """A small tmpfs (root only) to fill or make read-only; skipped elsewhere."""
    if os.geteuid() != 0:
        pytest.skip("mounting a tmpfs needs root")
    path.mkdir(parents=True, exist_ok=True)
    r = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(path)], capture_output=True)
    if r.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs: {r.stderr.decode()}")
    try:
        yield path
    finally:
        subprocess.run(["umount", "-l", str(path)], check=False)


def fill(folder: Path) -> Path:
    """Fill the disk of `folder` to the last byte."""
    filler = folder / "filler.bin"
    with open(filler, "wb", buffering=0) as f:
        for block in (65536, 4096, 1):
            with contextlib.suppress(OSError):
                while f.write(b"\0" * block):
                    pass
    return filler


def test_ledger_survives_its_own_disk_filling(tmp_path):
    with tiny_disk(tmp_path / "disk") as disk:
        ledger = Ledger(disk / "promokit.sqlite")
        run = ledger.start_run({"draft": True})
        jobs = [ledger.add_job(run, "mot", n, "running", "h") for n in ("promo_video", "infographic")]
        filler = fill(disk)
        ledger.update_job(jobs[0], status="failed", error="x" * 4000, seconds=1.0)
        ledger.update_job(jobs[1], status="ok", seconds=2.0)
        ledger.finish_run(run, "failed")
        ledger.close()
        filler.unlink()
        with sqlite3.connect(disk / "promokit.sqlite") as db:
            assert db.execute("SELECT status FROM runs").fetchall() == [("failed",)]
            assert db.execute("SELECT status FROM jobs ORDER BY id").fetchall() == [("failed",), ("ok",)]


def test_a_run_left_running_by_a_dead_process_is_repaired_a_live_one_is_not(tmp_path):
    with Ledger(tmp_path / "promokit.sqlite") as ledger:
        dead_run = ledger.start_run({})
        ledger.add_job(dead_run, "mot", "promo_video", "running", "h")
        live_run = ledger.start_run({})
        ledger.db.execute("UPDATE runs SET owner=? WHERE id=?",
                          (json.dumps({"host": socket.gethostname(), "pid": dead_pid(), "started": 1.0}), dead_run))
        assert ledger.live_runs() == [live_run]
        assert ledger.repair() == [dead_run]
    with sqlite3.connect(tmp_path / "promokit.sqlite") as db:
        assert db.execute("SELECT id, status FROM runs ORDER BY id").fetchall() == [
            (dead_run, "interrupted"), (live_run, "running")]
        assert db.execute("SELECT status FROM jobs").fetchall() == [("interrupted",)]


# ---------------------------------------------------------------- secrets


@pytest.mark.parametrize("params", [
    {"passphrase": "s3cr3t-v"}, {"pwd": "s3cr3t-v"}, {"db_pass": "s3cr3t-v"}, {"privkey": "s3cr3t-v"},
    {"aws_access_key_id": "s3cr3t-v"},
    {"auth": "s3cr3t-v"}, {"bearer": "s3cr3t-v"}, {"github_pat": "s3cr3t-v"}, {"session_cookie": "s3cr3t-v"},
    {"dbPassword": "s3cr3t-v"},
    {"database_url": "postgres://u:p@h/db"}, {"sources": ["https://x.vn", "mysql://root:hunter2@db/x"]},
    {"note": "ghp_abcdefghijklmnop"},
])
def test_secret_names_and_values_are_refused_without_quoting_the_value(params):
    with pytest.raises(UsageError) as e:
        check_parameters(params)
    value = next(iter(params.values()))
    assert "looks like a secret" in str(e.value)
    assert (value if isinstance(value, str) else value[1]) not in str(e.value)


def test_plain_lookalikes_pass():
    p = {"author": "Nguyễn Văn A", "keywords": ["lúa"], "logo_url": "https://laplvo.vn/logo.png", "privacy": "public",
         "monkey": 1, "title": "Mật khẩu: không"}
    assert check_parameters(p) == p


def test_run_job_itself_refuses_a_secret(tmp_path):
    r = run_job({"notebook": str(tmp_path / "x.ipynb"), "output": str(tmp_path / "o" / "x.ipynb"),
                 "parameters": {"campaign": "mot", "api_token": "EAAB-sieu-bi-mat"}})
    assert r["status"] == "failed" and "secret" in r["error"] and "sieu-bi-mat" not in r["error"]
    assert not (tmp_path / "o").exists()


# ---------------------------------------------------------------- batch runs (notebooks)


def write_nb(folder: Path, name: str, *cells: str) -> None:
    nb = new_notebook(cells=[new_code_cell(PARAMS, metadata={"tags": ["parameters"]}),
                             *[new_code_cell(c) for c in cells]])
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    folder.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, str(folder / f"{name}.ipynb"))


OK_CELL = '''from pathlib import Path
out = Path(output_dir) / campaign / "{folder}"
out.mkdir(parents=True, exist_ok=True)
(out / "result.txt").write_text(campaign)'''

# a job that leaves what a video job leaves when it dies: a temp sound file and a running ffmpeg-like tool
LEAKY_CELL = '''import subprocess, tempfile
from pathlib import Path
fd, name = tempfile.mkstemp(prefix=".audio.", suffix=".mix.wav")
Path(name).write_bytes(b"RIFF" * 1000)
tool = subprocess.Popen(["sleep", "300"], start_new_session=True)
report = Path(output_dir) / (campaign + "-leak.txt")
report.write_text(name + "\\n" + str(tool.pid))'''


@pytest.fixture
def project(tmp_path):
    assets = tmp_path / "assets"
    testing.make_campaign(assets, "mot")
    nbs = tmp_path / "nbs"
    write_nb(nbs, "promo_video", OK_CELL.format(folder="video"))
    write_nb(nbs, "infographic", OK_CELL.format(folder="infographics"))
    write_nb(nbs, "e_publication", OK_CELL.format(folder="publication"))
    return assets, tmp_path / "output", nbs


def opts(nbs: Path, **kw) -> RunOptions:
    return RunOptions(notebooks_dir=nbs, quiet=True, **kw)


def assert_left_nothing(output: Path, leak_report: Path) -> None:
    name, pid = leak_report.read_text().split("\n")
    assert Path(name).parent.parent == output / ".scratch", "temp files live in the output's scratch area"
    assert not Path(name).exists(), "the temp file went with the job"
    with contextlib.suppress(psutil.NoSuchProcess):
        p = psutil.Process(int(pid))
        psutil.wait_procs([p], timeout=3)
        assert not alive(p), "the tool the job started was ended"
    assert not [p for p in (output / ".scratch").iterdir()], "no scratch folder left"


@pytest.mark.slow
@pytest.mark.parametrize("end", ["failure", "timeout", "kernel death"])
def test_temp_files_and_tools_go_however_the_job_ends(project, end):
    assets, output, nbs = project
    last = {"failure": "raise ValueError('hỏng / broken')", "timeout": "import time\ntime.sleep(600)",
            "kernel death": "import os\nos.kill(os.getpid(), 9)"}[end]
    write_nb(nbs, "promo_video", LEAKY_CELL, last)
    res = run_batch(assets, output, opts(nbs, notebooks=["promo_video"], timeout=4))
    assert res.results[0].status == "failed", res.results[0].error
    assert_left_nothing(output, output / "mot-leak.txt")


@pytest.mark.slow
def test_a_kernel_killed_mid_write_then_retried_leaves_no_part_file(project):
    """The chaos bench's find: the first attempt's kernel dies inside an atomic write, the retry succeeds; the
    dead attempt's `.part` file used to stay beside the final file until the next run."""
    assets, output, nbs = project
    write_nb(nbs, "promo_video", """import os
from pathlib import Path
from promokit.atomic import atomic_path
out = Path(output_dir) / campaign / "video"
if not (Path(output_dir) / "died-once").exists():
    (Path(output_dir) / "died-once").write_text("x")
    half = atomic_path(out / "result.txt")
    half.__enter__().write_text("half")
    os.kill(os.getpid(), 9)""", OK_CELL.format(folder="video"))
    res = run_batch(assets, output, opts(nbs, notebooks=["promo_video"]))
    r = res.results[0]
    assert r.status == "ok" and r.attempts == 2, (r.status, r.attempts, r.error)
    assert (output / "mot" / "video" / "result.txt").read_text() == "mot"
    assert not [p.name for p in output.rglob(".*") if ".part" in p.name]


@pytest.mark.slow
def test_sigterm_mid_job_leaves_no_temp_file_and_a_killed_runner_is_repaired(project):
    assets, output, nbs = project
    write_nb(nbs, "promo_video", LEAKY_CELL, "import time\ntime.sleep(600)")
    env = {**os.environ, "PROMOKIT_NOTEBOOKS": str(nbs)}
    cmd = [sys.executable, "-m", "promokit.cli", "run", "--assets", str(assets), "--output", str(output),
           "--notebook", "promo_video", "--quiet"]
    for sig in ("TERM", "KILL"):
        (output / "mot-leak.txt").unlink(missing_ok=True)
        proc = subprocess.Popen(cmd, env=env, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 60
        while not (output / "mot-leak.txt").is_file() and time.monotonic() < deadline:
            time.sleep(0.2)
        time.sleep(0.3)
        if sig == "TERM":
            proc.terminate()
        else:  # the runner itself dies: nobody cleans up now; the next run must
            for p in psutil.Process(proc.pid).children(recursive=True):
                p.kill()
            proc.kill()
        proc.wait(timeout=60)
        if sig == "TERM":
            assert_left_nothing(output, output / "mot-leak.txt")
    leak = output / "mot-leak.txt"
    name, pid = leak.read_text().split("\n")
    assert Path(name).exists(), "a runner killed with SIGKILL cannot clean up"
    write_nb(nbs, "promo_video", OK_CELL.format(folder="video"))
    res = run_batch(assets, output, opts(nbs, notebooks=["promo_video"]))
    assert res.ok, [(r.job.label, r.error) for r in res.results]
    assert_left_nothing(output, leak)
    with sqlite3.connect(output / "promokit.sqlite") as db:
        assert [r[0] for r in db.execute("SELECT status FROM runs ORDER BY id")] == ["interrupted", "interrupted", "ok"]
        assert not db.execute("SELECT id FROM jobs WHERE status='running'").fetchall()


@pytest.mark.slow
def test_braces_in_the_output_path_are_a_folder_name_not_a_template(project, tmp_path):
    assets, _, nbs = project
    output = tmp_path / "out-{campaign}"
    write_nb(nbs, "infographic", "raise ValueError('bảng hỏng / broken table')")
    res = run_batch(assets, output, opts(nbs, workers=2))
    status = {r.job.notebook: r for r in res.results}
    assert status["promo_video"].status == "ok", status["promo_video"].error
    assert (output / "mot" / "video" / "result.txt").read_text() == "mot"
    failed = status["infographic"]
    assert failed.status == "failed" and "ValueError" in failed.error
    assert failed.output is not None and failed.output.is_file()
    nbformat.read(str(failed.output), as_version=4)  # whole JSON


@pytest.mark.slow
def test_a_full_disk_is_named_the_ledger_ends_and_a_later_run_completes(project, tmp_path):
    assets, _, nbs = project
    big = '''from pathlib import Path
out = Path(output_dir) / campaign / "video"
out.mkdir(parents=True, exist_ok=True)
with open(out / "big.bin", "wb") as f:
    for _ in range(200):
        f.write(b"0" * 65536)'''
    write_nb(nbs, "promo_video", big)
    with tiny_disk(tmp_path / "disk") as output:
        res = run_batch(assets, output, opts(nbs, workers=1))
        r = {x.job.notebook: x for x in res.results}["promo_video"]
        assert r.status == "failed" and "no space left" in r.error and str(output) in r.error, r.error
        assert "\n" not in r.error
        for f in output.rglob("*.ipynb"):
            nbformat.read(str(f), as_version=4)  # failed notebooks whole or absent
        assert not [p for p in output.rglob(".*") if ".part" in p.name]
        assert (output / "mot" / "manifest.json").is_file()
        with sqlite3.connect(output / "promokit.sqlite") as db:
            assert db.execute("SELECT status FROM runs").fetchall() == [("failed",)]
            assert not db.execute("SELECT id FROM jobs WHERE status='running'").fetchall()
        (output / "mot" / "video" / "big.bin").unlink(missing_ok=True)
        write_nb(nbs, "promo_video", OK_CELL.format(folder="video"))
        again = run_batch(assets, output, opts(nbs, workers=1))
        assert again.ok, [(x.job.label, x.status, x.error) for x in again.results]
        was_ok = {x.job.notebook for x in res.results if x.status == "ok"}
        assert {x.job.notebook for x in again.results if x.status == "skipped"} == was_ok - {"promo_video"}


@pytest.mark.slow
def test_a_read_only_output_and_a_missing_assets_folder_are_named(project, tmp_path):
    assets, _, nbs = project
    env = {**os.environ, "PROMOKIT_NOTEBOOKS": str(nbs)}
    r = subprocess.run([sys.executable, "-m", "promokit.cli", "run", "--assets", str(tmp_path / "nowhere"),
                        "--output", str(tmp_path / "o"), "--quiet"], env=env, capture_output=True, text=True)
    assert r.returncode != 0 and "nowhere" in r.stderr and "does not exist" in r.stderr, r.stderr
    with tiny_disk(tmp_path / "disk") as output:
        subprocess.run(["mount", "-o", "remount,ro", str(output)], check=True)
        r = subprocess.run([sys.executable, "-m", "promokit.cli", "run", "--assets", str(assets), "--output",
                            str(output), "--quiet"], env=env, capture_output=True, text=True)
        assert r.returncode == 1 and "cannot write" in r.stderr and str(output) in r.stderr, r.stderr
        assert "internal error" not in r.stderr and len(r.stderr.strip().splitlines()) == 1


def test_a_job_whose_runner_died_before_it_started_ends_itself(tmp_path):
    """A runner SIGKILLed while its job's process is still starting (chaos bench round 136): by the time the job
    reads its parent, init has it. It knows its runner's pid from the runner itself, so it still sees the
    death, removes its scratch folder and ends — before, it ran the whole job on as an orphan."""
    scratch = tmp_path / "promokit-job-x"
    scratch.mkdir()
    (scratch / "job.json").write_text("{}", encoding="utf-8")
    code = ("import sys, time; from pathlib import Path; from promokit.batch.execute import _watch_parent; "
            f"_watch_parent(Path({str(scratch)!r}), every=0.05); time.sleep(30)")
    env = {**os.environ, "PROMOKIT_RUNNER_PID": "4194000"}  # not its parent: that runner is gone
    t0 = time.monotonic()
    r = subprocess.run([sys.executable, "-c", code], env=env, timeout=20, capture_output=True)
    assert r.returncode == 1 and time.monotonic() - t0 < 10, r.stderr
    assert not scratch.exists()
