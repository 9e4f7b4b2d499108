"""Radio style data (`styles/radio.yml`) and the abbreviation dictionary (shipped + the office's file)."""

from __future__ import annotations

import functools
from pathlib import Path

import yaml

from ..errors import SpecError
from ..style import load_style, style_path
from ..text import nfc_deep
from .speech import Dictionary

DICTIONARY_FILE = style_path("radio-abbreviations")
BRAND_DICTIONARY = "radio-abbreviations.yml"  # in assets/brand/


@functools.lru_cache(maxsize=1)
def style() -> dict:
    """The radio style (speaking rate, segment defaults, voice cleaning, mix presets, check tolerances)."""
    return load_style("radio")


def read_dictionary(path: Path) -> Dictionary:
    """A dictionary file: `words:` and `units:` mappings of written form → spoken form."""
    try:
        data = yaml.safe_load(Path(path).read_text(encoding="utf-8")) or {}
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as e:
        raise SpecError.fail(f"không đọc được từ điển viết tắt ({type(e).__name__})",
                             f"cannot read the abbreviation dictionary ({type(e).__name__})", file=path,
                             fix_vi="lưu tệp UTF-8 dạng 'words: {UBND: Ủy ban nhân dân}'",
                             fix_en="save it as UTF-8 YAML like 'words: {UBND: Ủy ban nhân dân}'") from None
    data = nfc_deep(data)
    for key in ("words", "units"):
        part = data.get(key, {})
        if not isinstance(part, dict) or not all(isinstance(k, str) and isinstance(v, str) and k and v.strip()
                                                 for k, v in part.items()):
            raise SpecError.fail(f"mục '{key}' phải là các cặp 'viết: đọc'", f"'{key}' must map written to spoken text",
                                 file=path, field=key, fix_vi="vd. UBND: Ủy ban nhân dân",
                                 fix_en="e.g. UBND: Ủy ban nhân dân")
    unknown = set(data) - {"words", "units"}
    if unknown:
        raise SpecError.fail(f"mục lạ: {', '.join(sorted(unknown))}", f"unknown keys: {', '.join(sorted(unknown))}",
                             file=path, field=sorted(unknown)[0], fix_vi="chỉ dùng 'words' và 'units'",
                             fix_en="use only 'words' and 'units'")
    return Dictionary(data.get("words", {}), data.get("units", {}))


@functools.lru_cache(maxsize=8)
def _dictionary(brand_file: str | None, mtime: float) -> Dictionary:
    base = read_dictionary(DICTIONARY_FILE)
    return base.merged(read_dictionary(Path(brand_file))) if brand_file else base


def dictionary(brand_dir: Path | None = None) -> Dictionary:
    """The shipped dictionary, with `brand_dir/radio-abbreviations.yml` over it when that file exists."""
    f = Path(brand_dir) / BRAND_DICTIONARY if brand_dir is not None else None
    if f is not None and f.is_file():
        return _dictionary(str(f), f.stat().st_mtime)
    return _dictionary(None, 0.0)
