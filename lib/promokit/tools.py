"""The one lookup of the external programs promokit runs (ffmpeg, ffprobe, espeak-ng, EPUBCheck, mediainfo)."""

from __future__ import annotations

import shutil
import subprocess

from .errors import ToolError

#: Program -> the Debian package that brings it (scripts/setup-system.sh installs them).
PACKAGES = {"ffmpeg": "ffmpeg", "ffprobe": "ffmpeg", "espeak-ng": "espeak-ng", "epubcheck": "epubcheck",
            "java": "default-jre-headless", "mediainfo": "mediainfo"}


def tool(name: str) -> str:
    """The path of program `name` on PATH; a ToolError naming the package to install when it is missing."""
    found = shutil.which(name)
    if found is None:
        package = PACKAGES.get(name, name)
        raise ToolError.fail(f"không tìm thấy chương trình {name}", f"{name} not found",
                             fix_vi=f"chạy `make setup` hoặc cài gói: sudo apt-get install {package}",
                             fix_en=f"run `make setup` or install the package: sudo apt-get install {package}")
    return found


def run_ffmpeg(args: list[str], what: str, *, stdin: bytes | None = None, timeout: float = 900.0,
               fix_vi: str = "kiểm tra các tệp âm thanh/video", fix_en: str = "check the audio and video files",
               ) -> tuple[bytes, str]:
    """ffmpeg to completion: (stdout bytes, stderr text). `what` names the work ("trộn / mix"); a timeout
    (s) or a failure is a ToolError quoting ffmpeg's last lines and the fix."""
    cmd = [tool("ffmpeg"), "-hide_banner", "-y", *(["-nostdin"] if stdin is None else []), *args]
    vi, _, en = what.partition(" / ")
    try:
        r = subprocess.run(cmd, input=stdin, capture_output=True, timeout=timeout,
                           **({"stdin": subprocess.DEVNULL} if stdin is None else {}))
    except subprocess.TimeoutExpired:
        raise ToolError.fail(f"ffmpeg chạy quá lâu ({vi})", f"ffmpeg timed out ({en or vi})",
                             fix_vi=fix_vi, fix_en=fix_en) from None
    err = r.stderr.decode("utf-8", "replace")
    if r.returncode != 0:
        tail = " | ".join(err.strip().splitlines()[-3:])
        raise ToolError.fail(f"ffmpeg lỗi khi {vi}: {tail}", f"ffmpeg failed to {en or vi}: {tail}",
                             fix_vi=fix_vi, fix_en=fix_en)
    return r.stdout, err
