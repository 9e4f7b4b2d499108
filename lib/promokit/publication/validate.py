"""EPUBCheck, the validator every EPUB is checked with (Debian's `epubcheck`)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import time
from pathlib import Path

from .results import Verdict

EPUBCHECK_TIMEOUT = 300  # s




def _epubcheck_command() -> list[str] | None:
    exe = shutil.which("epubcheck")
    candidates = [Path(os.path.realpath(exe))] if exe else []
    candidates.append(Path("/usr/share/java/epubcheck.jar"))
    for c in candidates:
        if c.suffix == ".jar" and c.is_file():
            java = shutil.which("java")
            # C1 only and the serial collector: a short run starts in about half the time
            return [java, "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-jar", str(c)] if java else None
        if c.is_file() and os.access(c, os.X_OK):
            return [str(c)]
    return None


def epubcheck(path: Path) -> Verdict:
    """Run EPUBCheck on `path`; a Verdict with `ran=False` (and the reason) when it is not installed."""
    cmd = _epubcheck_command()
    if cmd is None:
        return Verdict(False, reason="EPUBCheck chưa cài / not installed (sudo apt-get install epubcheck)")
    t0 = time.perf_counter()
    try:
        r = subprocess.run([*cmd, str(path), "--json", "-"], capture_output=True, timeout=EPUBCHECK_TIMEOUT,
                           stdin=subprocess.DEVNULL)
    except (OSError, subprocess.TimeoutExpired) as e:
        return Verdict(False, reason=f"EPUBCheck failed to run: {e}")
    seconds = time.perf_counter() - t0
    out = r.stdout.decode("utf-8", "replace")
    start = out.find("{")
    try:
        report = json.loads(out[start:]) if start >= 0 else None
    except ValueError:
        report = None
    if report is None:
        return Verdict(False, reason="EPUBCheck output unreadable: " + (r.stderr.decode("utf-8", "replace")[-500:]),
                       seconds=seconds)
    counts = {"FATAL": 0, "ERROR": 0, "WARNING": 0}
    messages = []
    for msg in report.get("messages", []):
        sev = msg.get("severity", "")
        if sev in counts:
            n = max(1, len(msg.get("locations") or []))
            counts[sev] += n
            loc = (msg.get("locations") or [{}])[0]
            messages.append(f"{sev} {msg.get('ID', '')} {loc.get('path', '')}:{loc.get('line', '')}: {msg.get('message', '')}")
    version = str((report.get("checker") or {}).get("checkerVersion", ""))
    return Verdict(True, counts["ERROR"], counts["WARNING"], counts["FATAL"], messages, version, round(seconds, 2))


