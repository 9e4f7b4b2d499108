"""Style is data: the one loader of the style files in `lib/promokit/styles/`.

The override order, stated once: the shipped `styles/<name>.yml` first, then the office's
`assets/brand/<name>.yml` (when the brand folder has one), merged over it key by key (`deep_merge`).
Products read their numbers (sizes, places, motion, loudness, colours of the UI) through `load_style`.
"""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Any

import yaml

from .spec import deep_merge, read_yaml

STYLES_DIR = Path(__file__).resolve().parent / "styles"


def style_path(name: str) -> Path:
    """The shipped file `styles/<name>` (a YAML style without its suffix, or any other file by its full name)."""
    return STYLES_DIR / (name if "." in name else f"{name}.yml")


@functools.lru_cache(maxsize=32)
def _shipped(name: str) -> dict[str, Any]:
    with open(style_path(name), encoding="utf-8") as f:
        return yaml.safe_load(f) or {}


def load_style(name: str, brand_dir: Path | None = None) -> dict[str, Any]:
    """The style `name` (e.g. "video", "poster"): shipped defaults, then the brand's `<name>.yml` over them."""
    style = _shipped(name)
    if brand_dir is not None and (Path(brand_dir) / f"{name}.yml").is_file():
        # the brand file is user input: read safely, its errors name the file
        style = deep_merge(style, read_yaml(Path(brand_dir) / f"{name}.yml", f"{name}.yml").data)
    return style
