"""Post text and its length counted each platform's way (pure).

TikTok counts a caption in UTF-16 units, YouTube a description in UTF-8 bytes, the others in characters
(code points of the NFC text). The limits are the `Preset` fields of `promokit.platforms`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from ..platforms import Preset
from ..registry import Registry
from ..text import nfc

#: How a platform counts text: unit name -> (Vietnamese / English label, counter).
UNITS: Registry[tuple[str, Callable[[str], int]]] = Registry("đơn vị đếm", "counting unit")
UNITS.add("chars", ("ký tự / characters", len))
UNITS.add("utf16", ("đơn vị UTF-16 / UTF-16 units", lambda s: len(s.encode("utf-16-le")) // 2))
UNITS.add("bytes", ("byte UTF-8 / UTF-8 bytes", lambda s: len(s.encode("utf-8"))))


def count(text: str, unit: str) -> int:
    """Length of `text` (NFC) in `unit`: "chars", "utf16" or "bytes"."""
    return UNITS.get(unit)[1](nfc(text))


def hashtag_list(*groups: Iterable[str]) -> list[str]:
    """Hashtags of every group in order, without '#', each once (case-insensitive)."""
    seen: set[str] = set()
    out = []
    for group in groups:
        for tag in group:
            tag = nfc(str(tag)).strip().lstrip("#")
            if tag and tag.casefold() not in seen:
                seen.add(tag.casefold())
                out.append(tag)
    return out


def post_text(caption: str, hashtags: Iterable[str]) -> str:
    """The text a post carries: the caption, a blank line, then the hashtags as `#tag`."""
    tags = " ".join(f"#{t}" for t in hashtag_list(hashtags))
    caption = nfc(caption or "").strip()
    return "\n\n".join(p for p in (caption, tags) if p)


@dataclass(frozen=True)
class Counter:
    """One counted field of a post against its limit (`limit` None: no documented limit)."""

    field: str  # "caption" | "title" | "description" | "hashtags"
    label: str  # Vietnamese / English
    used: int
    limit: int | None
    unit: str

    @property
    def ok(self) -> bool:
        return self.limit is None or self.used <= self.limit

    @property
    def unit_label(self) -> str:
        return "hashtag" if self.field == "hashtags" else UNITS.get(self.unit)[0]


def counters(preset: Preset | None, body: str, title: str, hashtags: Iterable[str]) -> list[Counter]:
    """The counters of a post on `preset`'s platform: body (caption or description), title, hashtags."""
    out: list[Counter] = []
    if preset is not None and preset.caption_max:
        out.append(Counter("caption", "Chú thích / caption", count(body, preset.caption_unit), preset.caption_max,
                           preset.caption_unit))
    if preset is not None and preset.title_max:
        out.append(Counter("title", "Tiêu đề / title", count(title, "chars"), preset.title_max, "chars"))
    if preset is not None and preset.description_max:
        out.append(Counter("description", "Mô tả / description", count(body, preset.description_unit),
                           preset.description_max, preset.description_unit))
    if preset is not None and preset.max_hashtags:
        out.append(Counter("hashtags", "Hashtag", len(hashtag_list(hashtags)), preset.max_hashtags, "chars"))
    if not any(c.field in {"caption", "description"} for c in out):
        out.insert(0, Counter("caption", "Chú thích / caption", count(body, "chars"), None, "chars"))
    return out
