"""Real resource exhaustion in a batch: a video job's kernel runs out of file descriptors or memory.

The product notebook `promo_video` gets one cell before its render that lowers the kernel's own limits
(`resource.setrlimit`): RLIMIT_NOFILE to the descriptors open now and two more (campaign `mot`), RLIMIT_AS to
the address space in use now and 8 MiB more (campaign `hai`). The render then fails for real (ffmpeg cannot
be started, a frame or a native library's buffer cannot be allocated, or the kernel dies of it). The user
must get one line naming the cause and the fix in Vietnamese and English, nothing left behind (scratch,
`.part` files, half outputs, a job or run `running`), and the batch goes on with the next jobs.
"""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell

from promokit import testing
from promokit.batch.execute import run_job
from promokit.scratch import is_partial

pytestmark = pytest.mark.slow

NOTEBOOKS = Path(__file__).resolve().parents[1] / "notebooks"

LIMIT_CELL = '''import os, resource
if campaign == "mot":  # too many open files: the descriptors open now and two more
    resource.setrlimit(resource.RLIMIT_NOFILE, (len(os.listdir("/proc/self/fd")) + 2,
                                                resource.getrlimit(resource.RLIMIT_NOFILE)[1]))
else:  # no memory: the address space in use now and 8 MiB more
    _vm = int(next(l for l in open("/proc/self/status") if l.startswith("VmSize")).split()[1]) * 1024
    resource.setrlimit(resource.RLIMIT_AS, (_vm + (8 << 20), resource.RLIM_INFINITY))'''

WORDS = {"mot": ("quá nhiều tệp đang mở", "too many open files", "ulimit -n"),
         "hai": ("hết bộ nhớ", "out of memory", "--workers")}


def limited_notebooks(folder: Path) -> Path:
    """The product notebooks, `promo_video` with LIMIT_CELL just before its render cell."""
    folder.mkdir()
    (folder / "infographic.ipynb").write_bytes((NOTEBOOKS / "infographic.ipynb").read_bytes())
    nb = nbformat.read(str(NOTEBOOKS / "promo_video.ipynb"), as_version=4)
    at = next(i for i, c in enumerate(nb.cells) if "job.render()" in c.source)
    nb.cells.insert(at, new_code_cell(LIMIT_CELL))
    nbformat.write(nb, str(folder / "promo_video.ipynb"))
    return folder


def test_no_file_descriptor_and_no_memory_are_named_nothing_is_left_and_the_batch_goes_on(tmp_path):
    assets, output = tmp_path / "assets", tmp_path / "out"
    for cid in WORDS:
        testing.make_campaign(assets, cid, images=2, clips=1, article=False, extra_yaml={"video": {"duration": 3}})
    env = {**os.environ, "PROMOKIT_NOTEBOOKS": str(limited_notebooks(tmp_path / "nbs"))}
    # one worker: both video jobs (planned first) fail before the infographics start
    r = subprocess.run([sys.executable, "-m", "promokit.cli", "run", "--assets", str(assets), "--output", str(output),
                        "--draft", "--workers", "1", "--notebook", "promo_video", "--notebook", "infographic"],
                       env=env, capture_output=True, text=True, timeout=900)
    said = r.stdout + r.stderr
    assert r.returncode == 1, said
    assert "internal error" not in said and "Kernel died" not in said, said

    with sqlite3.connect(output / "promokit.sqlite") as db:
        jobs = {(c, n): (s, e) for c, n, s, e in db.execute("SELECT campaign, notebook, status, error FROM jobs")}
        runs = db.execute("SELECT status FROM runs").fetchall()
        recorded = {p for (p,) in db.execute("SELECT path FROM outputs")}
    assert runs == [("failed",)], "the run ends in a final state"
    for cid, words in WORDS.items():
        status, error = jobs[(cid, "promo_video")]
        assert status == "failed" and "\n" not in error, error
        for w in words:  # the cause in both languages and the fix
            assert w in error, error
        assert error.split(" — ")[0] in said, "the user sees it"
        assert jobs[(cid, "infographic")] == ("ok", ""), "the batch went on with the next job"
        assert (output / cid / "infographics" / "draft" / "ocop-theo-xa-square.png").is_file()
        assert not any(p.startswith(f"{cid}/video/") for p in recorded), "a failed job's files are not recorded"

    assert not list((output / ".scratch").iterdir()), "no scratch folder (temp files, the mixed sound) left"
    left = [p.relative_to(output).as_posix() for p in output.rglob("*") if is_partial(p)]
    assert not left, f"no .part file left: {left}"
    for p in output.rglob("*"):  # what is at a final path is whole
        if p.suffix == ".mp4":
            assert b"moov" in p.read_bytes(), p
        elif p.suffix == ".ipynb":
            json.loads(p.read_text(encoding="utf-8"))


def test_a_kernel_that_dies_saying_it_could_not_allocate_memory_is_named_and_not_retried(tmp_path):
    """A native library that cannot allocate aborts the kernel (OpenBLAS prints its last words to stderr)."""
    nb = nbformat.v4.new_notebook(cells=[new_code_cell(
        'import os\nos.write(2, b"OpenBLAS error: Memory allocation still failed after 10 retries, giving up.\\n")\n'
        "os._exit(1)")])
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(nb, str(tmp_path / "dies.ipynb"))
    out = tmp_path / "out" / "mot" / "notebooks"
    r = run_job({"notebook": str(tmp_path / "dies.ipynb"), "output": str(out / "dies.ipynb"),
                 "failed": str(out / "dies.failed.ipynb"), "parameters": {}, "scratch": str(tmp_path / ".scratch")})
    assert r["status"] == "failed" and r["attempts"] == 1, r
    assert "hết bộ nhớ" in r["error"] and "out of memory" in r["error"] and "Kernel died" not in r["error"], r
    assert not (out / "dies.ipynb").exists() and not list((tmp_path / ".scratch").iterdir())
