"""The look of promo videos as data: `styles/video.yml` read once into frozen values.

Reading the shipped style file is the only I/O here; `plan.py` receives a `VideoStyle` and stays pure.
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass, field, replace
from typing import Any

BRAND_COLORS = ("primary", "secondary", "accent", "background", "text", "muted")


@dataclass(frozen=True)
class TextStyle:
    """One role of text (title, caption, ...): size as a fraction of the reference height, colours, lines."""

    size: float
    font: str  # heading | heading_bold | body | body_bold
    color: str
    box: str | None
    box_opacity: float
    max_lines: int
    min_scale: float
    align: str
    line_spacing: float
    padding: float  # box padding, in text heights


@dataclass(frozen=True)
class VideoStyle:
    text: dict[str, TextStyle]
    layout: dict[str, Any]
    timing: dict[str, float]
    motion: dict[str, Any]
    audio: dict[str, float]
    encode: dict[str, Any]
    draft: dict[str, Any]
    transitions: dict[str, Any] = field(default_factory=dict)
    code: dict[str, Any] = field(default_factory=dict)  # moviepy shots: timeouts (s)

    def with_sizes(self, sizes: dict[str, float]) -> VideoStyle:
        """The style with text sizes from brand.yml `sizes` (same role names) in place of the defaults."""
        text = {k: replace(v, size=float(sizes[k])) if k in sizes else v for k, v in self.text.items()}
        return replace(self, text=text)


def reference_height(width: int, height: int) -> float:
    """Height of the 9:16 frame with the same area: text sizes are fractions of it."""
    return math.sqrt(width * height * 16 / 9)


def resolve_color(value: str | None, brand_colors: dict[str, str]) -> tuple[int, int, int] | None:
    """A style colour (hex or brand colour name) as RGB; None stays None."""
    if value is None:
        return None
    hexval = brand_colors.get(value, value)
    if not (isinstance(hexval, str) and hexval.startswith("#") and len(hexval) == 7):
        raise ValueError(f"colour {value!r} is neither #RRGGBB nor a brand colour ({', '.join(BRAND_COLORS)})")
    return tuple(int(hexval[i:i + 2], 16) for i in (1, 3, 5))  # type: ignore[return-value]


def parse_style(data: dict) -> VideoStyle:
    text = {k: TextStyle(**v) for k, v in data["text"].items()}
    return VideoStyle(text=text, layout=data["layout"], timing=data["timing"], motion=data["motion"],
                      audio=data["audio"], encode=data["encode"], draft=data["draft"],
                      transitions=data.get("transitions") or {}, code=data.get("code") or {})


@functools.lru_cache(maxsize=4)
def load_style() -> VideoStyle:
    """The shipped video style (`styles/video.yml` through `promokit.style`; cached)."""
    from ..style import load_style as load

    return parse_style(load("video"))
