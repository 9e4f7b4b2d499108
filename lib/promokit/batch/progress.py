"""Live progress of a batch: done / failed / skipped, the current job per worker, elapsed and estimated time."""

from __future__ import annotations

import sys
import threading
import time
from typing import TextIO

from ..text import format_duration


class Progress:
    """Prints a status line (redrawn in place on a terminal, one line per event otherwise)."""

    def __init__(self, total: int, *, quiet: bool = False, stream: TextIO | None = None) -> None:
        self.total, self.quiet = total, quiet
        self.stream = stream or sys.stderr
        self.tty = self.stream.isatty()
        self.t0 = time.monotonic()
        self.done = self.failed = self.skipped = 0
        self.running: dict[str, float] = {}
        self.lock = threading.Lock()
        self.durations: list[float] = []

    def _eta(self) -> str:
        finished = self.done + self.failed
        left = self.total - finished - self.skipped
        if not self.durations or left <= 0:
            return "–"
        per = sum(self.durations) / len(self.durations)
        workers = max(1, len(self.running))
        return format_duration(per * left / workers)

    def line(self) -> str:
        elapsed = format_duration(time.monotonic() - self.t0)
        current = ", ".join(self.running) or "–"
        return (f"[{self.done + self.failed + self.skipped}/{self.total}] ✓{self.done} ✗{self.failed} "
                f"↷{self.skipped} · {elapsed} · còn/ETA {self._eta()} · đang chạy/running: {current}")

    def _emit(self, event: str | None = None) -> None:
        if self.quiet:
            return
        if self.tty:
            if event:
                self.stream.write("\r\033[K" + event + "\n")
            self.stream.write("\r\033[K" + self.line()[:200])
        elif event:
            self.stream.write(event + "\n")
        self.stream.flush()

    def note(self, line: str) -> None:
        """One line about the run (e.g. an invalid campaign), kept above the status line."""
        with self.lock:
            self._emit(line)

    def start(self, label: str) -> None:
        with self.lock:
            self.running[label] = time.monotonic()
            self._emit(None if self.tty else f"→ {label}")

    def finish(self, label: str, status: str, seconds: float, error: str = "") -> None:
        with self.lock:
            self.running.pop(label, None)
            if status == "ok":
                self.done += 1
                self.durations.append(seconds)
            elif status == "skipped":
                self.skipped += 1
            else:
                self.failed += 1
            mark = {"ok": "✓", "skipped": "↷"}.get(status, "✗")
            tail = f"\n    {error.splitlines()[-1][:300]}" if error and status != "ok" else ""
            self._emit(f"{mark} {label} ({status}, {seconds:.1f} s){tail}")

    def close(self) -> None:
        if not self.quiet and self.tty:
            self.stream.write("\n")
            self.stream.flush()
