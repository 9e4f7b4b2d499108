"""Each platform's publishing rules as data, and the checks of a post package against them (pure).

The figures come from /work/shared/platforms.md (each with its source there) and DESIGN §6. Text is
counted the platform's way: TikTok in UTF-16 code units, YouTube's description in UTF-8 bytes, characters
elsewhere; everything is NFC first (NFD inflates every count).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

from ..catalog import Check
from ..registry import Registry
from ..text import nfc

Count = Literal["chars", "utf16", "bytes"]


@dataclass(frozen=True)
class TextLimit:
    """A length limit on one text field, counted `count`'s way."""

    max: int
    count: Count = "chars"


@dataclass(frozen=True)
class Rules:
    """What a platform accepts. Sizes px, durations s, rates fps, bytes, bit/s."""

    platform: str
    min_duration: float = 0.0
    max_duration: float | None = None
    min_fps: float | None = None
    max_fps: float | None = None
    aspect: tuple[float, float] | None = None  # allowed width/height range
    min_side: int | None = None  # px, shorter side
    max_side: int | None = None  # px, longer side
    max_width: int | None = None  # px
    max_bytes: int | None = None
    max_bitrate: int | None = None  # bit/s
    video_codecs: tuple[str, ...] = ("h264", "hevc")
    audio_codecs: tuple[str, ...] = ("aac",)
    containers: tuple[str, ...] = (".mp4",)
    caption: TextLimit | None = None  # the whole post text (caption + hashtags)
    title: TextLimit | None = None
    description: TextLimit | None = None  # where the post text goes when the platform calls it so
    max_hashtags: int | None = None
    max_mentions: int | None = None
    hashtags_in_caption: bool = True  # False: the post text is the caption alone (Zalo articles)
    forbidden_chars: str = ""  # in title and description
    cover_formats: tuple[str, ...] = ("JPEG",)
    cover_max_bytes: int | None = None
    cover_min_width: int | None = None  # px
    sources: str = ""  # platforms.md keys


MB = 1024 * 1024
RULES: Registry[Rules] = Registry("quy tắc đăng", "publishing rules")

for _r in (
    Rules("facebook_reels", 3, 90, 24, 60, aspect=(9 / 16 * 0.99, 9 / 16 * 1.01), min_side=540,
          video_codecs=("h264", "hevc", "vp9", "av1"), caption=TextLimit(63_206), cover_max_bytes=10 * MB,
          sources="M1 §1"),
    Rules("facebook_feed", 1, 4 * 3600, None, 60, aspect=(9 / 16 * 0.99, 16 / 9 * 1.01), max_bytes=10 * 1024 * MB,
          caption=TextLimit(63_206), title=TextLimit(255), cover_max_bytes=10 * MB, sources="M2, M3 §2"),
    Rules("instagram_reels", 3, 900, 23, 60, max_width=1920, max_bytes=300 * MB, max_bitrate=25_000_000,
          containers=(".mp4", ".mov"), caption=TextLimit(2200), max_hashtags=30, max_mentions=20,
          cover_max_bytes=8 * MB, sources="I1 §3"),
    Rules("tiktok", 1, 600, 23, 60, min_side=360, max_side=4096, max_bytes=4 * 1024 * MB,
          video_codecs=("h264", "hevc", "vp8", "vp9"), containers=(".mp4", ".mov", ".webm"),
          caption=TextLimit(2200, "utf16"), sources="T1, T2 §4"),
    Rules("youtube_shorts", 1, 180, aspect=(0.0, 1.0), max_bytes=256 * 1024**3, title=TextLimit(100),
          description=TextLimit(5000, "bytes"), max_hashtags=60, forbidden_chars="<>",
          cover_formats=("JPEG", "PNG"), cover_max_bytes=2 * MB, sources="Y5, Y9 §5"),
    Rules("youtube", 1, 12 * 3600, max_bytes=256 * 1024**3, title=TextLimit(100),
          description=TextLimit(5000, "bytes"), max_hashtags=60, forbidden_chars="<>",
          cover_formats=("JPEG", "PNG"), cover_max_bytes=2 * MB, cover_min_width=640, sources="Y1, Y7, Y9 §5"),
    Rules("zalo", max_bytes=50 * MB, containers=(".mp4", ".avi"), video_codecs=("h264", "hevc", "mpeg4"),
          title=TextLimit(150), description=TextLimit(300), hashtags_in_caption=False, cover_max_bytes=1 * MB,
          sources="Z1 §6"),
):
    RULES.add(_r.platform, _r)

HASHTAG = re.compile(r"(?<![\w#])#(\w+)")
MENTION = re.compile(r"(?<![\w@])@([\w.]+)")


def count(text: str, how: Count) -> int:
    """Length of `text` (NFC) the platform's way: characters, UTF-16 code units or UTF-8 bytes."""
    text = nfc(text)
    if how == "utf16":
        return len(text.encode("utf-16-le")) // 2
    if how == "bytes":
        return len(text.encode("utf-8"))
    return len(text)


_UNIT = {"chars": ("ký tự", "characters"), "utf16": ("đơn vị UTF-16", "UTF-16 units"), "bytes": ("byte", "bytes")}


def compose_caption(caption: str, hashtags: list[str], *, with_hashtags: bool = True) -> str:
    """The post text: the caption (NFC, trimmed), a blank line, then `#tag` words not already in it."""
    text = nfc(caption).strip()
    if not with_hashtags:
        return text
    present = {h.casefold() for h in HASHTAG.findall(text)}
    tags = []
    for h in hashtags:
        h = nfc(h).lstrip("#")
        if h and h.casefold() not in present:
            present.add(h.casefold())
            tags.append(f"#{h}")
    return "\n\n".join(p for p in (text, " ".join(tags)) if p)


def _limit(name: str, text: str, limit: TextLimit | None, what: str) -> list[Check]:
    if limit is None:
        return []
    n = count(text, limit.count)
    vi, en = _UNIT[limit.count]
    return [Check(name, n <= limit.max, n, limit.max,
                  "" if n <= limit.max else f"{what}: {n} {vi} > {limit.max} / {n} {en} over {limit.max}",
                  source=f"count {limit.count}")]


def text_checks(rules: Rules, *, caption: str, title: str, description: str) -> list[Check]:
    """Caption, title, description, hashtag and mention limits of one post's texts (already composed)."""
    out = _limit("caption_length", caption, rules.caption, "chú thích / caption")
    out += _limit("title_length", title, rules.title, "tiêu đề / title")
    out += _limit("description_length", description, rules.description, "mô tả / description")
    if rules.title is not None:
        out.append(Check("title_present", bool(title.strip()), bool(title.strip()), True,
                         "" if title.strip() else "thiếu tiêu đề / title is empty (posts.title)"))
    body = caption or description
    if rules.max_hashtags is not None:
        n = len(HASHTAG.findall(body))
        out.append(Check("hashtags", n <= rules.max_hashtags, n, rules.max_hashtags,
                         "" if n <= rules.max_hashtags else f"{n} hashtag > {rules.max_hashtags}"))
    if rules.max_mentions is not None:
        n = len(MENTION.findall(body))
        out.append(Check("mentions", n <= rules.max_mentions, n, rules.max_mentions,
                         "" if n <= rules.max_mentions else f"{n} @ > {rules.max_mentions}"))
    if rules.forbidden_chars:
        bad = sorted({c for c in title + description if c in rules.forbidden_chars})
        out.append(Check("forbidden_chars", not bad, "".join(bad), f"no {rules.forbidden_chars}",
                         f"ký tự bị cấm / forbidden characters: {' '.join(bad)}" if bad else ""))
    return out


def media_checks(rules: Rules, facts: Mapping[str, Any], *, suffix: str) -> list[Check]:
    """Duration (s), frame size (px), frame rate (fps), codecs, container, file size and bitrate of the video."""
    out: list[Check] = []
    d = float(facts.get("duration") or 0.0)
    hi = rules.max_duration
    ok = d >= rules.min_duration and (hi is None or d <= hi)
    want = f"{rules.min_duration:g}–{hi:g} s" if hi is not None else f"≥ {rules.min_duration:g} s"
    out.append(Check("duration", ok, round(d, 3), want, "" if ok else f"thời lượng / duration {d:.1f} s, cần / want {want}",
                     "ffprobe"))
    w, h = int(facts.get("width") or 0), int(facts.get("height") or 0)
    fps = float(facts.get("fps") or 0.0)
    if rules.min_fps is not None or rules.max_fps is not None:
        lo, up = rules.min_fps or 0.0, rules.max_fps or 1000.0
        ok = lo <= fps <= up
        out.append(Check("frame_rate", ok, round(fps, 3), f"{lo:g}–{up:g} fps",
                         "" if ok else f"{fps:.2f} fps, cần / want {lo:g}–{up:g}", "ffprobe"))
    if rules.aspect is not None and h:
        lo, up = rules.aspect
        ok = lo <= w / h <= up
        out.append(Check("aspect", ok, f"{w}x{h}", f"{lo:.3f}–{up:.3f}",
                         "" if ok else f"tỉ lệ khung / aspect {w}x{h} không hợp / not allowed", "ffprobe"))
    if rules.min_side is not None:
        ok = min(w, h) >= rules.min_side
        out.append(Check("min_size", ok, f"{w}x{h}", f"≥ {rules.min_side} px",
                         "" if ok else f"khung hình quá nhỏ / frame too small: {w}x{h} (< {rules.min_side} px)", "ffprobe"))
    if rules.max_side is not None or rules.max_width is not None:
        ok = (rules.max_side is None or max(w, h) <= rules.max_side) and (rules.max_width is None or w <= rules.max_width)
        out.append(Check("max_size", ok, f"{w}x{h}", f"≤ {rules.max_side or rules.max_width} px",
                         "" if ok else f"khung hình quá lớn / frame too large: {w}x{h}", "ffprobe"))
    vc, ac = facts.get("video_codec"), facts.get("audio_codec")
    out.append(Check("video_codec", vc in rules.video_codecs, vc, list(rules.video_codecs),
                     "" if vc in rules.video_codecs else f"mã hóa hình / video codec {vc}", "ffprobe"))
    ok = ac is None or ac in rules.audio_codecs
    out.append(Check("audio_codec", ok, ac, list(rules.audio_codecs),
                     "" if ok else f"mã hóa tiếng / audio codec {ac}", "ffprobe"))
    out.append(Check("container", suffix.lower() in rules.containers, suffix, list(rules.containers),
                     "" if suffix.lower() in rules.containers else f"định dạng tệp / container {suffix}"))
    size = int(facts.get("bytes") or 0)
    if rules.max_bytes is not None:
        ok = size <= rules.max_bytes
        out.append(Check("file_size", ok, size, rules.max_bytes,
                         "" if ok else f"tệp {size / MB:.1f} MB > {rules.max_bytes / MB:.0f} MB / file too large", "stat"))
    if rules.max_bitrate is not None:
        br = int(facts.get("bit_rate") or 0)
        ok = br <= rules.max_bitrate
        out.append(Check("bitrate", ok, br, rules.max_bitrate,
                         "" if ok else f"{br / 1e6:.1f} Mb/s > {rules.max_bitrate / 1e6:.0f} Mb/s", "ffprobe"))
    return out


def cover_checks(rules: Rules, cover: Mapping[str, Any] | None) -> list[Check]:
    """The cover image: present, of an accepted format, within the byte and width limits."""
    if cover is None:
        return [Check("cover", False, None, "JPEG", "thiếu ảnh bìa / cover missing")]
    fmt, size, width = cover.get("format"), int(cover.get("bytes") or 0), int(cover.get("width") or 0)
    out = [Check("cover_format", fmt in rules.cover_formats, fmt, list(rules.cover_formats),
                 "" if fmt in rules.cover_formats else f"ảnh bìa / cover is {fmt}", "Pillow")]
    if rules.cover_max_bytes is not None:
        ok = size <= rules.cover_max_bytes
        out.append(Check("cover_size", ok, size, rules.cover_max_bytes,
                         "" if ok else f"ảnh bìa / cover {size / MB:.1f} MB > {rules.cover_max_bytes / MB:.0f} MB", "stat"))
    if rules.cover_min_width is not None:
        ok = width >= rules.cover_min_width
        out.append(Check("cover_width", ok, width, rules.cover_min_width,
                         "" if ok else f"ảnh bìa rộng / cover width {width} px < {rules.cover_min_width}", "Pillow"))
    return out
