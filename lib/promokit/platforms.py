"""Platform presets (DESIGN §6) as data, registered by name.

The conformance check of a file against its preset is `promokit.conform` (it reads files); here are only
the facts every part agrees on: frame, limits and what each platform accepts, from `platforms.md` (sources
M1 Meta Reels, I1 Instagram, T1 TikTok, Y4 YouTube, Z1 Zalo; "n/d" there means DESIGN §6's common master).
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
    max_bitrate: int | None = None  # bit/s: ceiling of the video bit rate over any 1-s window (peak)
    video_bitrate: int | None = None  # bit/s target, None = CRF only
    audio_bitrate: int = 160_000  # bit/s, AAC-LC 48 kHz stereo
    caption_max: int | None = None  # in `caption_unit`
    title_max: int | None = None  # characters
    description_max: int | None = None  # in `description_unit`
    caption_unit: str = "chars"  # how the platform counts: "chars" (code points), "utf16" (units) or "bytes" (UTF-8)
    description_unit: str = "chars"
    max_hashtags: int | None = None
    thumbnail: tuple[int, int] | None = None  # px
    # what the platform accepts in a file (promokit.conform checks these; a render aims at all of them)
    video_codecs: tuple[str, ...] = ("h264",)  # ffprobe codec names
    containers: tuple[str, ...] = ("mp4",)  # "mov" = QuickTime
    edit_lists: bool = True  # False: the spec asks for MP4 without `elst` edit lists
    fragmented: bool = False  # `moof` fragments accepted
    max_level: float = 4.2  # H.264 level (4.2 holds 1080x1920 at 60 fps)
    max_gop: float = 5.0  # s between key frames (Meta: closed GOP 2–5 s)
    min_side: int = 360  # px, the shorter side
    max_side: int = 4096  # px, the longer side
    max_width: int | None = None  # px
    aspect_range: tuple[float, float] | None = None  # width/height accepted, None = any
    audio_rates: tuple[int, ...] = (48_000,)  # Hz
    audio_channels: tuple[int, ...] = (2,)
    min_audio_bitrate: int = 128_000  # b/s (AAC spends nearly nothing on silence: a silent track passes)

    @property
    def vertical(self) -> bool:
        return self.height > self.width

    @property
    def aspect(self) -> float:
        return self.width / self.height


PLATFORMS: Registry[Preset] = Registry("nền tảng", "platform")

for _p in (
    Preset("tiktok", "TikTok", 1080, 1920, max_duration=600, caption_max=2200, caption_unit="utf16",  # T1
           video_codecs=("h264", "hevc"), containers=("mp4", "mov")),
    Preset("facebook_reels", "Facebook Reels", 1080, 1920, min_fps=24, min_duration=3, max_duration=90,  # M1
           video_codecs=("h264", "hevc"), min_side=540, aspect_range=(9 / 16, 9 / 16)),
    Preset("instagram_reels", "Instagram Reels", 1080, 1920, min_duration=3, max_duration=900,  # I1
           max_bytes=300 * 1024**2, max_bitrate=25_000_000, caption_max=2200, max_hashtags=30,
           video_codecs=("h264", "hevc"), containers=("mp4", "mov"), edit_lists=False, max_width=1920,
           aspect_range=(0.01, 10.0), audio_rates=(8000, 11025, 12000, 16000, 22050, 24000, 32000, 44100, 48000),
           audio_channels=(1, 2)),
    Preset("youtube_shorts", "YouTube Shorts", 1080, 1920, max_duration=180, title_max=100,  # Y4, Y5
           description_max=5000, description_unit="bytes", edit_lists=False, audio_rates=(48_000, 96_000),
           audio_channels=(2, 6)),
    Preset("youtube", "YouTube", 1920, 1080, video_bitrate=8_000_000, thumbnail=(1280, 720), title_max=100,  # Y4
           description_max=5000, description_unit="bytes", edit_lists=False, max_level=5.2, max_side=7680,
           audio_rates=(48_000, 96_000), audio_channels=(2, 6)),
    Preset("facebook_feed", "Facebook (bảng tin 4:5)", 1080, 1350, aspect_range=(9 / 16, 16 / 9),  # M2, M3
           audio_channels=(1, 2)),
    Preset("zalo", "Zalo", 1280, 720, max_bytes=50 * 1024**2, title_max=150, description_max=300),  # Z1
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
