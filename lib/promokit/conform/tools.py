"""The external tools conformance uses (ffprobe, ffmpeg) and the one loudness measurement (EBU R128)."""

from __future__ import annotations

import math
import re
import subprocess
from dataclasses import dataclass
from pathlib import Path

from ..errors import ToolError
from ..resources import diagnose
from ..tools import tool

TIMEOUT = 600.0  # s


def exe(name: str) -> str:
    """The path of `ffmpeg` / `ffprobe` (`promokit.tools.tool`)."""
    return tool(name)


def start(cmd: list[str]) -> subprocess.Popen:
    """Start a tool with its output captured (several run at once; `finish` collects each)."""
    return subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE)


def finish(proc: subprocess.Popen, what_vi: str, what_en: str, file: Path, timeout: float = TIMEOUT) -> tuple[bytes, str]:
    """(stdout, stderr) of a started tool; ToolError naming the file when it fails or hangs."""
    try:
        out, err = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.communicate()
        raise ToolError.fail(f"{what_vi} chạy quá lâu", f"{what_en} timed out", file=file,
                             fix_vi="kiểm tra tệp", fix_en="check the file") from None
    text = err.decode("utf-8", "replace")
    if proc.returncode != 0:
        tail = " | ".join(text.strip().splitlines()[-2:])
        # a file cut by a full disk has no index ("moov atom not found"): say the disk is full
        raise diagnose(Path(file).parent) or ToolError.fail(f"{what_vi} không đọc được tệp: {tail}", f"{what_en} cannot read the file: {tail}",
                             file=file, fix_vi="kiểm tra tệp có phải video còn nguyên không",
                             fix_en="check that the file is an intact video")
    return out, text


@dataclass(frozen=True)
class Loudness:
    integrated: float  # LUFS
    true_peak: float  # dBTP
    lra: float  # LU
    threshold: float  # LUFS


_SUMMARY = {
    "I": re.compile(r"Integrated loudness:\s*\n\s*I:\s*(-?[\d.]+|-inf)\s*LUFS"),
    "thresh": re.compile(r"Integrated loudness:\s*\n\s*I:.*\n\s*Threshold:\s*(-?[\d.]+|-inf)\s*LUFS"),
    "LRA": re.compile(r"Loudness range:\s*\n\s*LRA:\s*(-?[\d.]+)\s*LU"),
    "TP": re.compile(r"True peak:\s*\n\s*Peak:\s*(-?[\d.]+|-inf)\s*dBFS"),
}


def _num(v: str) -> float:
    try:
        return float(v)
    except (TypeError, ValueError):
        return -math.inf


def loudness_command(path: Path) -> list[str]:
    """ffmpeg measuring the first audio stream with `ebur128` (true peak by 4x oversampling); video not decoded."""
    return [exe("ffmpeg"), "-hide_banner", "-nostdin", "-v", "info", "-nostats", "-vn", "-i", str(path),
            "-map", "0:a:0", "-af", "ebur128=peak=true", "-f", "null", "-"]


def parse_loudness(stderr: str, file: Path | None = None) -> Loudness:
    tail = stderr[stderr.rfind("Summary:"):]
    vals = {k: _SUMMARY[k].search(tail) for k in _SUMMARY}
    if not vals["I"] or not vals["TP"]:
        raise ToolError.fail("không đọc được kết quả ebur128", "cannot read the ebur128 summary", file=file,
                             fix_vi="cập nhật ffmpeg", fix_en="update ffmpeg")
    return Loudness(*(_num(vals[k].group(1)) if vals[k] else 0.0 for k in ("I", "TP", "LRA", "thresh")))


def measure(path: Path) -> Loudness:
    """EBU R128 loudness of the first audio stream of a file (ffmpeg `ebur128`): the one implementation."""
    path = Path(path)
    _, err = finish(start(loudness_command(path)), "đo độ lớn âm thanh", "loudness measurement", path)
    return parse_loudness(err, path)
