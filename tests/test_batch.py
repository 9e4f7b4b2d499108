"""promokit run as a batch runner: parallel, incremental, isolated, interruptible, on Dask too."""

from __future__ import annotations

import json
import os
import signal
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
from promokit.batch.runner import RunOptions, run_batch

pytestmark = pytest.mark.slow

PARAMS = 'campaign = "x"\nassets_dir = "."\noutput_dir = "."\nplatforms = []\ndraft = True'


def write_nb(folder: Path, name: str, *cells: str) -> None:
    nb = new_notebook(cells=[new_code_cell(PARAMS, metadata={"tags": ["parameters"]}),
                             *[new_code_cell(c) for c in cells]])
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    folder.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, str(folder / f"{name}.ipynb"))


WRITE_OUT = '''from pathlib import Path
import time, os
out = Path(output_dir) / campaign / "{folder}"
out.mkdir(parents=True, exist_ok=True)
time.sleep(float(os.environ.get("PK_TEST_SLEEP", "0")))
(out / "result.txt").write_text(campaign + " " + "{name}")'''


def product_notebooks(folder: Path, extra: dict[str, str] | None = None) -> Path:
    for name, sub in (("promo_video", "video"), ("infographic", "infographics"), ("e_publication", "publication")):
        write_nb(folder, name, WRITE_OUT.format(folder=sub, name=name), *(extra or {}).get(name, "").split("\n---\n"))
    return folder


@pytest.fixture
def project(tmp_path):
    assets = tmp_path / "assets"
    for cid in ("mot", "hai"):
        testing.make_campaign(assets, cid)
    return assets, tmp_path / "output", product_notebooks(tmp_path / "nbs")


def opts(nbs: Path, **kw) -> RunOptions:
    return RunOptions(notebooks_dir=nbs, quiet=True, **kw)


def ledger_rows(output: Path, sql: str) -> list[tuple]:
    with sqlite3.connect(output / "promokit.sqlite") as db:
        return db.execute(sql).fetchall()


def test_parallel_run_then_unchanged_rerun_skips_and_a_changed_photo_reruns_only_its_users(project):
    assets, output, nbs = project
    first = run_batch(assets, output, opts(nbs, workers=2))
    assert first.ok and first.count("ok") == 6, [(r.job.label, r.error) for r in first.results]
    assert (output / "mot" / "video" / "result.txt").read_text() == "mot promo_video"
    second = run_batch(assets, output, opts(nbs, workers=2))
    assert second.count("skipped") == 6 and second.count("ok") == 0
    assert second.seconds < first.seconds
    # a photo changes: the video and the publication (which shows images) re-run; the infographic does not
    img = next((assets / "campaigns" / "mot" / "images").glob("*.jpg"))
    testing.make_image(img, color=(10, 200, 30))
    third = run_batch(assets, output, opts(nbs, workers=2))
    ran = sorted(r.job.label for r in third.results if r.status == "ok")
    assert ran == ["mot/e_publication", "mot/promo_video"]
    # an output deleted by hand is re-made even though the inputs did not change
    (output / "hai" / "infographics" / "result.txt").unlink()
    fourth = run_batch(assets, output, opts(nbs))
    # (the publication uses the infographics, so it follows)
    assert sorted(r.job.label for r in fourth.results if r.status == "ok") == ["hai/e_publication", "hai/infographic"]
    forced = run_batch(assets, output, opts(nbs, force=True, ids=["hai"], notebooks=["infographic"]))
    assert forced.count("ok") == 1
    runs = ledger_rows(output, "SELECT status FROM runs ORDER BY id")
    assert [r[0] for r in runs] == ["ok"] * 5
    manifest = json.loads((output / "mot" / "manifest.json").read_text(encoding="utf-8"))
    assert {j["notebook"] for j in manifest["jobs"]} == {"promo_video", "infographic", "e_publication"}
    # a run of one notebook keeps the other notebooks' records in the manifest
    manifest = json.loads((output / "hai" / "manifest.json").read_text(encoding="utf-8"))
    assert sorted(j["notebook"] for j in manifest["jobs"]) == ["e_publication", "infographic", "promo_video"]


def test_failing_job_is_isolated_and_named(project):
    assets, output, nbs = project
    write_nb(nbs, "infographic", "x = 1", "raise ValueError('bảng hỏng / broken table')")
    res = run_batch(assets, output, opts(nbs, workers=2))
    assert not res.ok
    failed = {r.job.label: r for r in res.results if r.status == "failed"}
    assert set(failed) == {"mot/infographic", "hai/infographic"}
    assert failed["mot/infographic"].cell == 3  # papermill's injected-parameters cell shifts the indexes
    assert "ValueError" in failed["mot/infographic"].error and "bảng hỏng" in failed["mot/infographic"].error
    # the publication uses the infographics: it is blocked, the video still ran
    status = {r.job.label: r.status for r in res.results}
    assert status["mot/promo_video"] == "ok" and status["mot/e_publication"] == "blocked"
    assert (output / "mot" / "notebooks" / "infographic.failed.ipynb").is_file()
    assert not (output / "mot" / "notebooks" / "infographic.ipynb").exists()


def test_hung_cell_times_out_and_is_named(project):
    assets, output, nbs = project
    write_nb(nbs, "infographic", "x = 1", "import time\ntime.sleep(600)")
    t0 = time.monotonic()
    res = run_batch(assets, output, opts(nbs, ids=["mot"], notebooks=["infographic"], timeout=3))
    assert time.monotonic() - t0 < 60
    r = res.results[0]
    assert r.status == "failed" and r.cell == 3 and "timed out" in r.error, r.error


def test_killed_kernel_is_retried_once(project, tmp_path):
    assets, output, nbs = project
    marker = tmp_path / "died-once"
    write_nb(nbs, "promo_video", f"from pathlib import Path\nimport os\nm = Path({str(marker)!r})\n"
             "if not m.exists():\n    m.touch()\n    os.kill(os.getpid(), 9)",
             WRITE_OUT.format(folder="video", name="promo_video"))
    res = run_batch(assets, output, opts(nbs, ids=["mot"], notebooks=["promo_video"]))
    r = res.results[0]
    assert r.status == "ok" and r.attempts == 2, (r.status, r.error)
    assert ledger_rows(output, "SELECT attempts FROM jobs WHERE status='ok'") == [(2,)]


def test_secret_looking_parameter_never_reaches_a_notebook(project):
    from promokit.batch.jobs import check_parameters
    from promokit.errors import UsageError

    with pytest.raises(UsageError):
        check_parameters({"facebook_token": "EAAB..."})
    assets, output, nbs = project
    os.environ["PROMOKIT_FAKE_TOKEN"] = "sieu-bi-mat-123"
    try:
        run_batch(assets, output, opts(nbs, ids=["mot"], notebooks=["promo_video"]))
    finally:
        del os.environ["PROMOKIT_FAKE_TOKEN"]
    text = (output / "mot" / "notebooks" / "promo_video.ipynb").read_text(encoding="utf-8")
    assert "sieu-bi-mat-123" not in text and '"mot"' in text


def _descendants_named(pid: int, names: tuple[str, ...]) -> list[psutil.Process]:
    try:
        return [p for p in psutil.Process(pid).children(recursive=True) if any(n in " ".join(p.cmdline()) for n in names)]
    except psutil.NoSuchProcess:
        return []


def test_sigterm_stops_the_batch_cleans_up_and_the_next_run_completes(project):
    assets, output, nbs = project
    env = {**os.environ, "PROMOKIT_NOTEBOOKS": str(nbs), "PK_TEST_SLEEP": "30"}
    proc = subprocess.Popen([sys.executable, "-m", "promokit.cli", "run", "--assets", str(assets), "--output",
                             str(output), "--workers", "2", "--quiet"], env=env, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 60
    kernels: list[psutil.Process] = []
    while time.monotonic() < deadline and len(kernels) < 2:
        kernels = _descendants_named(proc.pid, ("ipykernel_launcher",))
        time.sleep(0.3)
    assert len(kernels) == 2, "two kernels should be running"
    # a partial file as an interrupted atomic write would leave it
    (output / "mot" / "video").mkdir(parents=True, exist_ok=True)
    (output / "mot" / "video" / ".tiktok.abc.part.mp4").write_bytes(b"half")
    t0 = time.monotonic()
    proc.send_signal(signal.SIGTERM)
    _, err = proc.communicate(timeout=60)
    assert time.monotonic() - t0 < 20, "stops within seconds"
    assert proc.returncode == 1 and "interrupted" in err
    gone, alive = psutil.wait_procs(kernels, timeout=5)
    assert not alive, "kernels ended"
    assert not list(output.rglob("*.part*")), "no partial file left"
    assert not list(output.rglob("result.txt")), "nothing finished"
    assert ledger_rows(output, "SELECT status FROM runs") == [("interrupted",)]
    assert {r[0] for r in ledger_rows(output, "SELECT status FROM jobs")} == {"interrupted"}
    res = run_batch(assets, output, opts(nbs, workers=2))
    assert res.ok and res.count("ok") == 6


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_real_dask_cluster(project, tmp_path):
    assets, output, nbs = project
    port = _free_port()
    bindir = Path(sys.executable).parent
    env = {**os.environ, "PROMOKIT_NOTEBOOKS": str(nbs)}
    sched = subprocess.Popen([str(bindir / "dask"), "scheduler", "--host", "127.0.0.1", "--port", str(port),
                              "--no-dashboard"], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    worker = subprocess.Popen([str(bindir / "dask"), "worker", f"tcp://127.0.0.1:{port}", "--nworkers", "2",
                               "--nthreads", "1", "--no-dashboard", "--local-directory", str(tmp_path / "dw")],
                              env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        from distributed import Client
        deadline = time.monotonic() + 60
        while True:
            try:
                with Client(f"tcp://127.0.0.1:{port}", timeout=5) as c:
                    if len(c.scheduler_info()["workers"]) >= 2:
                        break
            except OSError:
                pass
            assert time.monotonic() < deadline, "dask cluster did not start"
            time.sleep(0.5)
        res = run_batch(assets, output, opts(nbs, scheduler=f"tcp://127.0.0.1:{port}"))
        assert res.ok and res.count("ok") == 6, [(r.job.label, r.error) for r in res.results]
        workers = {r.worker for r in res.results}
        assert len(workers) == 2, workers  # both worker processes took jobs
        assert (output / "hai" / "publication" / "result.txt").is_file()
    finally:
        for p in (worker, sched):
            p.terminate()
            try:
                p.wait(timeout=20)
            except subprocess.TimeoutExpired:
                p.kill()
