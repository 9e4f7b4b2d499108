"""The one lookup of the external programs promokit runs (ffmpeg, ffprobe, espeak-ng, EPUBCheck, mediainfo)."""

from __future__ import annotations

import shutil

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
