"""Facts about a package's files: the video (ffprobe), the cover (Pillow), and checksums streamed from disk."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PIL import Image, UnidentifiedImageError

from ..manifest import sha256


def sha256_file(path: Path) -> str:
    """sha256 of a file, streamed from disk (the manifest's one checksum function)."""
    return sha256(path)


def video_facts(path: Path) -> dict[str, Any]:
    """Duration (s), width/height (px, as stored), fps, codecs, bit rate (bit/s) and bytes of a video file:
    the conformance room's one reading of the file (`promokit.conform.gather`)."""
    from ..conform import gather

    f = gather(Path(path), loudness=False)
    return {"duration": round(f.duration, 3), "width": f.width, "height": f.height, "fps": round(f.fps, 3),
            "video_codec": f.video_codec, "audio_codec": f.audio_codec,
            "bit_rate": int(f.bytes * 8 / f.duration) if f.duration else 0, "bytes": f.bytes}


def image_facts(path: Path) -> dict[str, Any] | None:
    """Format ("JPEG", "PNG", …), width/height (px) and bytes of an image; None when missing or unreadable."""
    try:
        with Image.open(path) as im:
            return {"format": im.format, "width": im.width, "height": im.height, "bytes": Path(path).stat().st_size}
    except (FileNotFoundError, UnidentifiedImageError, OSError):
        return None
