"""Facts about a package's files: the video (ffprobe), the cover (Pillow), and checksums streamed from disk."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
from PIL import Image, ImageOps, UnidentifiedImageError

from ..manifest import sha256
from ..tools import run_ffmpeg

COVER_SPAN, COVER_RATE, COVER_WIDTH = 20.0, 10.0, 48  # s searched, frames/s sampled, px wide compared


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


def cover_frame_ms(video: Path, cover: Path, size: tuple[int, int], *, span: float = COVER_SPAN,
                   rate: float = COVER_RATE) -> int | None:
    """When (ms) the video shows the frame its cover was made from: the sample of the first `span` s (at
    `rate` frames/s, grey, COVER_WIDTH px wide) nearest the cover (mean absolute difference). The renderer
    takes the cover from the first shot (`promokit.video.api.cover_plan`); a cover made elsewhere still
    gets its closest frame. None when the cover is missing or unreadable."""
    w, h = size
    if not (w and h) or image_facts(cover) is None:
        return None
    sw, sh = COVER_WIDTH, max(2, round(COVER_WIDTH * h / w))
    raw, _ = run_ffmpeg(["-t", f"{span:g}", "-i", str(video), "-an", "-vf",
                         f"fps={rate:g},scale={sw}:{sh}:flags=area,format=gray", "-f", "rawvideo", "-"],
                        "đọc khung hình để tìm ảnh bìa / read frames to find the cover")
    frames = np.frombuffer(raw, dtype=np.uint8)[: len(raw) // (sw * sh) * sw * sh].reshape(-1, sh, sw)
    if not len(frames):
        return None
    with Image.open(cover) as im:
        ref = np.asarray(ImageOps.fit(im.convert("L"), (sw, sh), Image.Resampling.BOX), dtype=np.float32)
    diff = np.abs(frames.astype(np.float32) - ref).mean(axis=(1, 2))
    return round(int(diff.argmin()) * 1000 / rate)
