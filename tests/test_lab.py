"""`make lab`: JupyterLab at the project root (notebooks, campaigns, outputs in reach), as root too, with a
monospace font that keeps Vietnamese marks on their letters."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def _lab_command(port: int, token: str) -> str:
    out = subprocess.run(["make", "-n", "lab", f"LAB_PORT={port}",
                          f"LAB_ARGS=--no-browser --ServerApp.token={token} --ServerApp.ip=127.0.0.1"],
                         cwd=ROOT, capture_output=True, text=True, check=True).stdout
    joined = out.replace("\\\n", " ")
    return next(ln for ln in joined.splitlines() if "jupyter lab" in ln)


def test_make_lab_serves_the_project_root_and_allows_root():
    cmd = _lab_command(8888, "x")
    assert f'--ServerApp.root_dir="{ROOT}"' in cmd and f'PROMOKIT_LAB_ROOT="{ROOT}"' in cmd
    assert ("--allow-root" in cmd) == (os.getuid() == 0)
    settings = json.loads((ROOT / "jupyter" / "overrides.json").read_text(encoding="utf-8"))
    font = settings["@jupyterlab/apputils-extension:themes"]["overrides"]["code-font-family"]
    assert font.startswith("'Noto Sans Mono'")


def test_the_code_font_covers_vietnamese():
    """The font the settings name is installed (by setup) and has every Vietnamese letter with its marks."""
    marks = "ảẳẵấầẩẫậẻếềểễệỉỏốồổỗộởủửỷ"
    chars = " ".join(f"{ord(c):x}" for c in marks + marks.upper())
    out = subprocess.run(["fc-list", f":family=Noto Sans Mono:charset={chars}", "family"], capture_output=True,
                         text=True, check=True).stdout
    assert "Noto Sans Mono" in out, "fonts-noto-mono is not installed (scripts/setup-system.sh)"


def _get(url: str) -> dict:
    with urllib.request.urlopen(url, timeout=5) as r:  # noqa: S310 - a local test server
        return json.loads(r.read().decode("utf-8"))


@pytest.mark.slow
def test_lab_starts_at_the_root_with_the_shipped_settings(tmp_path):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    token = "promokit-test"
    log = (tmp_path / "lab.log").open("w")
    proc = subprocess.Popen(_lab_command(port, token), shell=True, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT,
                            start_new_session=True, env={**os.environ, "JUPYTER_RUNTIME_DIR": str(tmp_path)})
    base = f"http://127.0.0.1:{port}"
    try:
        listing = None
        for _ in range(120):
            try:
                listing = _get(f"{base}/api/contents?token={token}")
                break
            except OSError:
                time.sleep(0.5)
        assert listing is not None, (tmp_path / "lab.log").read_text()
        names = {c["name"] for c in listing["content"]}
        assert {"notebooks", "assets"} <= names
        campaigns = {c["name"] for c in _get(f"{base}/api/contents/assets/campaigns?token={token}")["content"]}
        assert "gio-to-hung-vuong-2024" in campaigns
        themes = _get(f"{base}/lab/api/settings/@jupyterlab/apputils-extension:themes?token={token}")
        # overrides.json becomes the schema defaults JupyterLab applies (a user setting may still change it)
        default = themes["schema"]["properties"]["overrides"]["default"]
        assert "Noto Sans Mono" in default["code-font-family"], "overrides.json not installed (make setup)"
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
        log.close()
