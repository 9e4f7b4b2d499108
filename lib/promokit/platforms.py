"""Platform presets (DESIGN §6) as data, registered by name.

The conformance check of a rendered file against its preset lives with the video renderer
(it needs ffprobe); here are only the facts every part agrees on.
"""

from __future__ import annotations

from dataclasses import dataclass

from .registry import Registry


@dataclass(frozen=True)
class Preset:
    """One platform's target: frame size (px), frame rate (fps) and the limits to check."""

    id: str
    label: str
    width: int
    height: int
    fps: float = 30.0
    min_fps: float = 23.0
    max_fps: float = 60.0
    min_duration: float = 1.0  # s
    max_duration: float = 600.0  # s
    max_bytes: int | None = None
    max_bitrate: int | None = None  # bit/s
    video_bitrate: int | None = None  # bit/s target, None = CRF only
    audio_bitrate: int = 160_000  # bit/s, AAC-LC 48 kHz stereo
    caption_max: int | None = None  # in `caption_unit`
    title_max: int | None = None  # characters
    description_max: int | None = None  # in `description_unit`
    caption_unit: str = "chars"  # how the platform counts: "chars" (code points), "utf16" (units) or "bytes" (UTF-8)
    description_unit: str = "chars"
    max_hashtags: int | None = None
    thumbnail: tuple[int, int] | None = None  # px

    @property
    def vertical(self) -> bool:
        return self.height > self.width

    @property
    def aspect(self) -> float:
        return self.width / self.height


PLATFORMS: Registry[Preset] = Registry("nền tảng", "platform")

for _p in (
    Preset("tiktok", "TikTok", 1080, 1920, max_duration=600, caption_max=2200, caption_unit="utf16"),
    Preset("facebook_reels", "Facebook Reels", 1080, 1920, min_fps=24, min_duration=3, max_duration=90),
    Preset("instagram_reels", "Instagram Reels", 1080, 1920, min_duration=3, max_duration=900,
           max_bytes=300 * 1024**2, max_bitrate=25_000_000, caption_max=2200, max_hashtags=30),
    Preset("youtube_shorts", "YouTube Shorts", 1080, 1920, max_duration=180, title_max=100,
           description_max=5000, description_unit="bytes"),
    Preset("youtube", "YouTube", 1920, 1080, video_bitrate=8_000_000, thumbnail=(1280, 720), title_max=100,
           description_max=5000, description_unit="bytes"),
    Preset("facebook_feed", "Facebook (bảng tin 4:5)", 1080, 1350),
    Preset("zalo", "Zalo", 1280, 720, max_bytes=50 * 1024**2, title_max=150, description_max=300),
):
    PLATFORMS.add(_p.id, _p)

#: Text safe zone on 9:16 frames, px of a 1080x1920 frame: (x0, y0, x1, y1).
SAFE_ZONE_916 = (120, 288, 888, 1248)


def safe_zone(width: int, height: int) -> tuple[int, int, int, int]:
    """Text safe zone (px) for a frame: DESIGN §6's box scaled on 9:16, 5 % margins otherwise."""
    if abs(width / height - 9 / 16) < 0.01:
        sx, sy = width / 1080, height / 1920
        x0, y0, x1, y1 = SAFE_ZONE_916
        return round(x0 * sx), round(y0 * sy), round(x1 * sx), round(y1 * sy)
    mx, my = round(width * 0.05), round(height * 0.05)
    return mx, my, width - mx, height - my
