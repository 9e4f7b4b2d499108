"""The poster theme: brand colours and fonts + the style files (styles/poster.yml, promokit.mplstyle).

Colours in the style file are small expressions over the brand's colours (`primary`, `series[2]`,
`tint(secondary, 0.8)`, `auto`), so a brand change restyles every poster. Text contrast is WCAG 2.1
relative-luminance contrast; `Theme.text_color` picks white or the brand's text colour automatically
and refuses a combination below AA.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import SpecError
from ..fonts import brand_fonts
from ..spec.models import Brand
from ..style import load_style, style_path

POSTER_STYLE = style_path("poster")
MPL_STYLE = style_path("promokit.mplstyle")
WHITE = "#FFFFFF"



def load_poster_style(brand_dir: Path | None = None) -> dict:
    """styles/poster.yml, with assets/brand/poster.yml (when present) merged over it (`promokit.style`)."""
    return load_style("poster", brand_dir)


@functools.lru_cache(maxsize=1)
def mpl_rc() -> dict[str, Any]:
    """The matplotlib settings of promokit.mplstyle (read once)."""
    import matplotlib

    return dict(matplotlib.rc_params_from_file(str(MPL_STYLE), use_default_template=False,
                                               fail_on_error=True))


# -- colour --------------------------------------------------------------------------------------

def rgb(color: str) -> tuple[float, float, float]:
    """`#RRGGBB` -> (r, g, b) in 0..1."""
    c = color.lstrip("#")
    if not re.fullmatch(r"[0-9A-Fa-f]{6}", c):
        raise ValueError(f"not a #RRGGBB colour: {color!r}")
    return tuple(int(c[i:i + 2], 16) / 255 for i in (0, 2, 4))  # type: ignore[return-value]


def hexcolor(r: float, g: float, b: float) -> str:
    return "#" + "".join(f"{round(max(0.0, min(1.0, v)) * 255):02X}" for v in (r, g, b))


def mix(a: str, b: str, t: float) -> str:
    """`a` moved a fraction `t` of the way towards `b`."""
    ra, rb = rgb(a), rgb(b)
    return hexcolor(*(x + (y - x) * t for x, y in zip(ra, rb, strict=True)))


def luminance(color: str) -> float:
    """WCAG 2.1 relative luminance."""
    def chan(c: float) -> float:
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4
    r, g, b = (chan(c) for c in rgb(color))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a: str, b: str) -> float:
    """WCAG contrast ratio of two colours, 1..21."""
    la, lb = sorted((luminance(a), luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


_EXPR = re.compile(r"^(tint|shade)\(\s*([^,]+?)\s*,\s*([0-9.]+)\s*\)$")
_SERIES = re.compile(r"^series\[(\d+)\]$")


@dataclass
class Theme:
    """Everything a poster needs to look like the brand: colours, font files and the style data."""

    brand: Brand
    fonts: dict[str, Path]
    style: dict
    brand_file: Path | None = None
    _cache: dict = field(default_factory=dict, repr=False)

    # -- colours ---------------------------------------------------------------------------------
    @property
    def colors(self):  # noqa: ANN201 - the brand's Colors model
        return self.brand.colors

    @property
    def series(self) -> list[str]:
        return list(self.brand.colors.series)

    @property
    def background(self) -> str:
        return self.brand.colors.background

    def color(self, expr: str, *, on: str | None = None) -> str:
        """Resolve a colour expression of the style file; `auto` needs the background `on`."""
        expr = str(expr).strip()
        if expr == "auto":
            if on is None:
                raise ValueError("'auto' colour needs a background")
            return self.text_color(on)
        if expr.startswith("#"):
            rgb(expr)
            return expr.upper()
        m = _EXPR.match(expr)
        if m:
            base = self.color(m.group(2), on=on)
            return mix(base, WHITE if m.group(1) == "tint" else "#000000", float(m.group(3)))
        m = _SERIES.match(expr)
        if m:
            s = self.series
            return s[int(m.group(1)) % len(s)].upper()
        value = getattr(self.brand.colors, expr, None)
        if not isinstance(value, str):
            raise SpecError.fail(f"màu '{expr}' không có trong bảng màu thương hiệu",
                                 f"colour '{expr}' is not a brand colour", file=POSTER_STYLE, field=expr,
                                 fix_vi="dùng primary, secondary, accent, background, text, muted, series[i] hoặc #RRGGBB",
                                 fix_en="use primary, secondary, accent, background, text, muted, series[i] or #RRGGBB")
        return value.upper()

    def text_color(self, background: str, preferred: str | None = None) -> str:
        """A text colour readable on `background` (WCAG AA): `preferred` if it passes, else the better
        of the brand's text colour and white. Refuses (SpecError) when neither passes."""
        need = self.contrast_min
        for c in (preferred, self.brand.colors.text, WHITE):
            if c is not None and contrast(c, background) >= need:
                return c.upper()
        best = max((self.brand.colors.text, WHITE, "#000000"), key=lambda c: contrast(c, background))
        if contrast(best, background) < need:  # only when contrast_min is set above 4.58
            raise self.contrast_error(best, background)
        return best.upper()

    @property
    def contrast_min(self) -> float:
        return float(self.style.get("contrast_min", 4.5))

    def contrast_error(self, fg: str, bg: str, what: str = "") -> SpecError:
        ratio = contrast(fg, bg)
        return SpecError.fail(
            f"chữ {fg} trên nền {bg}{' (' + what + ')' if what else ''} có độ tương phản {ratio:.2f}:1, "
            f"dưới mức WCAG AA {self.contrast_min}:1",
            f"text {fg} on {bg}{' (' + what + ')' if what else ''} has contrast {ratio:.2f}:1, "
            f"below WCAG AA {self.contrast_min}:1",
            file=self.brand_file, field="colors",
            fix_vi="chọn màu chữ/màu nền tương phản hơn trong brand.yml",
            fix_en="pick more contrasting text/background colours in brand.yml",
        )

    # -- style data ------------------------------------------------------------------------------
    def text_role(self, name: str) -> dict:
        return dict(self.style["text"][name])

    def chart_role(self, name: str) -> dict:
        return dict(self.style["chart"][name])

    def chart_color(self, name: str, *, on: str | None = None) -> str:
        return self.color(self.style["chart"]["colors"][name], on=on)

    def layout(self, name: str) -> float:
        return float(self.style["layout"][name])

    def font(self, role: str) -> Path:
        return self.fonts[role]


def make_theme(brand: Brand, brand_dir: Path | None = None, style: dict | None = None) -> Theme:
    """Resolve the brand's fonts to files (brand fonts first, then installed fallbacks) and load the style."""
    bd = Path(brand_dir) if brand_dir is not None else None
    fonts = brand_fonts(brand.fonts.heading, brand.fonts.body, bd).as_dict()
    return Theme(brand=brand, fonts=fonts, style=style if style is not None else load_poster_style(bd),
                 brand_file=(bd / "brand.yml") if bd is not None else None)
