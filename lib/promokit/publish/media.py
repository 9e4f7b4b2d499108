"""Facts about a package's files: the video (ffprobe), the cover (Pillow), and checksums streamed from disk."""

from __future__ import annotations

import hashlib
import json
import subprocess
from pathlib import Path
from typing import Any

from PIL import Image, UnidentifiedImageError

from ..errors import ToolError
from ..tools import tool

CHUNK = 1024 * 1024  # bytes read at a time: memory stays flat whatever the file size


def sha256_file(path: Path) -> str:
    """sha256 of a file, read in 1 MiB blocks."""
    h = hashlib.sha256()
    with open(path, "rb") as f:
        while block := f.read(CHUNK):
            h.update(block)
    return h.hexdigest()


def _rate(s: str | None) -> float:
    n, _, d = (s or "0/1").partition("/")
    try:
        return float(n) / float(d or 1) if float(d or 1) else 0.0
    except ValueError:
        return 0.0


def video_facts(path: Path) -> dict[str, Any]:
    """Duration (s), width/height (px, as stored), fps, codecs, bit rate (bit/s) and bytes of a video file."""
    exe = tool("ffprobe")
    r = subprocess.run([exe, "-v", "error", "-show_streams", "-show_format", "-of", "json", str(path)],
                       capture_output=True, timeout=120, stdin=subprocess.DEVNULL)
    if r.returncode != 0:
        raise ToolError.fail("ffprobe không đọc được video", "ffprobe cannot read the video", file=path,
                             fix_vi="dựng lại video (promokit run --notebook promo_video)",
                             fix_en="render the video again (promokit run --notebook promo_video)")
    data = json.loads(r.stdout or b"{}")
    streams = data.get("streams", [])
    v = next((s for s in streams if s.get("codec_type") == "video"), {})
    a = next((s for s in streams if s.get("codec_type") == "audio"), None)
    fmt = data.get("format", {})
    return {
        "duration": round(float(fmt.get("duration") or v.get("duration") or 0.0), 3),
        "width": int(v.get("width") or 0), "height": int(v.get("height") or 0),
        "fps": round(_rate(v.get("avg_frame_rate")) or _rate(v.get("r_frame_rate")), 3),
        "video_codec": v.get("codec_name"), "audio_codec": a.get("codec_name") if a else None,
        "bit_rate": int(fmt.get("bit_rate") or 0), "bytes": Path(path).stat().st_size,
    }


def image_facts(path: Path) -> dict[str, Any] | None:
    """Format ("JPEG", "PNG", …), width/height (px) and bytes of an image; None when missing or unreadable."""
    try:
        with Image.open(path) as im:
            return {"format": im.format, "width": im.width, "height": im.height, "bytes": Path(path).stat().st_size}
    except (FileNotFoundError, UnidentifiedImageError, OSError):
        return None
