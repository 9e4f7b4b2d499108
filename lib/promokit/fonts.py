"""Find fonts (brand fonts first, then installed fonts with Vietnamese coverage) and check glyphs.

A glyph a font lacks is a FontError that lists the exact characters and the font, never a tofu box.
"""

from __future__ import annotations

import functools
import subprocess
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from fontTools.ttLib import TTCollection, TTFont
from PIL import ImageFont, features

from .errors import FontError
from .text import VIETNAMESE_LETTERS, describe_chars, needed_chars

FONT_EXTS = (".ttf", ".otf", ".ttc")
#: Searched when fontconfig is absent; Debian/Ubuntu places (fonts-noto-core, fonts-dejavu-core).
FALLBACK_DIRS = (Path("/usr/share/fonts"), Path("/usr/local/share/fonts"), Path.home() / ".fonts",
                 Path("/Library/Fonts"), Path("C:/Windows/Fonts"))
#: Families tried in order when the brand's font is not installed; all cover Vietnamese.
FALLBACK_FAMILIES = ("Noto Sans", "DejaVu Sans", "Ubuntu", "Roboto", "Arial")


@functools.lru_cache(maxsize=256)
def _cmap(path: Path) -> frozenset[int]:
    """Code points with a glyph in the font file (first face of a collection)."""
    try:
        font = TTCollection(str(path)).fonts[0] if path.suffix.lower() == ".ttc" else TTFont(str(path), lazy=True)
        cmap = font.getBestCmap() or {}
    except Exception as e:  # fontTools raises many kinds on a broken file
        raise FontError.fail(f"không đọc được phông chữ ({e})", f"cannot read font ({e})", file=path,
                             fix_vi="thay tệp phông chữ khác (.ttf/.otf)", fix_en="use another font file (.ttf/.otf)") from None
    return frozenset(cmap)


def missing_chars(font: Path, chars: Iterable[str]) -> set[str]:
    """The characters of `chars` (NFC) that `font` has no glyph for."""
    have = _cmap(Path(font))
    return {c for c in needed_chars(chars) if ord(c) not in have}


def check_coverage(font: Path, texts: Iterable[str], *, file: str | Path | None = None,
                   field: str | None = None) -> None:
    """Raise FontError listing every character of `texts` the font lacks (and where the text came from)."""
    texts = list(texts)
    missing = missing_chars(font, texts)
    if missing:
        raise FontError.fail(
            f"phông chữ '{Path(font).name}' thiếu ký tự {describe_chars(missing)}",
            f"font '{Path(font).name}' lacks {describe_chars(missing)}",
            file=file, field=field,
            fix_vi="chọn phông hỗ trợ đủ tiếng Việt (vd. Noto Sans) trong brand.yml hoặc bỏ ký tự đó",
            fix_en="choose a font with full Vietnamese coverage (e.g. Noto Sans) in brand.yml, or drop the character",
        )


def covers_vietnamese(font: Path) -> bool:
    return not missing_chars(font, [VIETNAMESE_LETTERS])


@functools.lru_cache(maxsize=1)
def installed_fonts() -> tuple[Path, ...]:
    """Font files on this machine: fontconfig's list, else a walk of the usual folders."""
    try:
        out = subprocess.run(["fc-list", "--format", "%{file}\n"], capture_output=True, text=True, timeout=30,
                             check=True).stdout
        files = {Path(line) for line in out.splitlines() if line.lower().endswith(FONT_EXTS)}
    except (OSError, subprocess.SubprocessError):
        files = {p for d in FALLBACK_DIRS if d.is_dir() for p in d.rglob("*") if p.suffix.lower() in FONT_EXTS}
    return tuple(sorted(files))


@functools.lru_cache(maxsize=1024)  # each file's names are read once per process (~2 ms a file, 100+ files)
def _family_style(path: Path) -> tuple[str, str]:
    try:
        font = TTCollection(str(path)).fonts[0] if path.suffix.lower() == ".ttc" else TTFont(str(path), lazy=True)
        name = font["name"]
        fam = name.getDebugName(16) or name.getDebugName(1) or path.stem
        style = name.getDebugName(17) or name.getDebugName(2) or "Regular"
        return fam, style
    except Exception:
        return path.stem, "Regular"


@functools.lru_cache(maxsize=64)
def find_family(family: str, bold: bool = False) -> Path | None:
    """An installed file of `family` (case-insensitive), Regular or Bold; None when not installed."""
    want = "bold" if bold else "regular"
    best: Path | None = None
    for path in installed_fonts():
        fam, style = _family_style(path)
        if fam.lower() != family.lower():
            continue
        s = style.lower()
        if s == want or (not bold and s in {"book", "normal"}):
            return path
        if best is None and ("italic" not in s and "oblique" not in s) and (("bold" in s) == bold):
            best = path
    return best


def find_font(name: str, *, brand_dir: Path | None = None, bold: bool = False) -> Path:
    """Resolve a brand font: a file in `brand_dir/fonts/` (or brand_dir), an installed family, then fallbacks.

    Only fonts covering every Vietnamese letter are returned for fallbacks; an explicitly named file
    is returned as is (its coverage is checked against the actual text before drawing).
    """
    if brand_dir is not None:
        for base in (brand_dir / "fonts", brand_dir):
            cand = base / name
            if cand.suffix.lower() in FONT_EXTS and cand.is_file():
                return cand
    if Path(name).suffix.lower() in FONT_EXTS:
        raise FontError.fail(f"không tìm thấy tệp phông '{name}'", f"font file '{name}' not found",
                             file=brand_dir / "fonts" / name if brand_dir else name, field="fonts",
                             fix_vi="chép tệp phông vào assets/brand/fonts/", fix_en="copy the font into assets/brand/fonts/")
    found = find_family(name, bold)
    if found is not None:
        return found
    for fam in FALLBACK_FAMILIES:
        found = find_family(fam, bold) or find_family(fam, False)
        if found is not None and covers_vietnamese(found):
            return found
    raise FontError.fail(
        f"không có phông chữ hỗ trợ tiếng Việt (đã tìm '{name}', {', '.join(FALLBACK_FAMILIES)})",
        f"no font with Vietnamese coverage installed (looked for '{name}', {', '.join(FALLBACK_FAMILIES)})",
        fix_vi="chạy `make setup` (cài fonts-noto-core) hoặc chép phông vào assets/brand/fonts/",
        fix_en="run `make setup` (installs fonts-noto-core) or copy a font into assets/brand/fonts/",
    )


#: Every font role a product draws with: the brand's heading and body families, regular and bold.
ROLES = ("heading", "heading_bold", "body", "body_bold")


@dataclass(frozen=True)
class BrandFonts:
    """Font files for every role (px sizes are chosen by the layouts)."""

    heading: Path
    heading_bold: Path
    body: Path
    body_bold: Path

    def get(self, role: str) -> Path:
        """The file of `role` (one of `ROLES`)."""
        if role not in ROLES:
            raise ValueError(f"unknown font role {role!r}; use one of {', '.join(ROLES)}")
        return getattr(self, role)

    def as_dict(self) -> dict[str, Path]:
        return {r: self.get(r) for r in ROLES}


def brand_fonts(heading: str, body: str, brand_dir: Path | None = None) -> BrandFonts:
    """The brand's fonts resolved to files for every role (see `find_font`)."""
    bd = Path(brand_dir) if brand_dir is not None else None
    return BrandFonts(
        heading=find_font(heading, brand_dir=bd),
        heading_bold=find_font(heading, brand_dir=bd, bold=True),
        body=find_font(body, brand_dir=bd),
        body_bold=find_font(body, brand_dir=bd, bold=True),
    )


@functools.lru_cache(maxsize=128)
def load(font: Path, size: int) -> ImageFont.FreeTypeFont:
    """A Pillow font at `size` px, shaped with raqm (HarfBuzz) when available."""
    layout = ImageFont.Layout.RAQM if features.check("raqm") else ImageFont.Layout.BASIC
    return ImageFont.truetype(str(font), size=size, layout_engine=layout)
