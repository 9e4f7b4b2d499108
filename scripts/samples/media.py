"""What each sample campaign gets: its `samples.yml` (images, clip, music, voice) read into specs."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import yaml

# ---------------------------------------------------------------------------------------------
# What each campaign gets
# ---------------------------------------------------------------------------------------------

LANDSCAPE = (1600, 1067)
PORTRAIT = (1067, 1600)


@dataclass(frozen=True)
class ImageSpec:
    name: str  # file in images/
    scene: Callable[..., dict]
    portrait: bool = False
    opts: tuple[tuple[str, object], ...] = ()
    title: str = ""  # ASCII description written to EXIF

    @property
    def size(self) -> tuple[int, int]:
        return PORTRAIT if self.portrait else LANDSCAPE


@dataclass(frozen=True)
class ClipSpec:
    """A short clip: a slow pan over one of the campaign's pictures (images/<source>).

    layout: landscape 1280x720 · portrait 720x1280 · rotated (stored 1280x720 with a 90° display
    rotation, as phones record portrait) · vfr (landscape, variable frame rate like phone footage).
    """

    name: str  # file in clips/
    source: str  # a file in images/ (generated first)
    seconds: float = 4.0
    layout: str = "landscape"

    @property
    def display_size(self) -> tuple[int, int]:
        return (720, 1280) if self.layout in ("portrait", "rotated") else (1280, 720)


@dataclass(frozen=True)
class MusicSpec:
    name: str  # file in music/ (.mp3, .m4a, .wav, .ogg or .flac)
    seconds: float = 36.0
    root: float = 220.0  # Hz of the tonic
    bpm: float = 84.0
    mood: str = "calm"  # calm | festive | bright | night


@dataclass(frozen=True)
class CampaignMedia:
    images: tuple[ImageSpec, ...]
    clip: ClipSpec
    music: MusicSpec
    voice: str | None = None  # text for espeak-ng (optional; only when espeak-ng is installed)


MEDIA_FILE = "samples.yml"  # beside campaign.yml: how this generator draws the campaign's media


def scenes() -> dict[str, Callable[..., dict]]:
    """Every painter by name: `scene_dinh` in scenes_*.py is "dinh" in samples.yml."""
    from . import scenes_country, scenes_town

    return {name.removeprefix("scene_"): fn for mod in (scenes_country, scenes_town)
            for name, fn in vars(mod).items() if name.startswith("scene_") and callable(fn)}


def load_media(folder: Path) -> CampaignMedia | None:
    """The campaign's `samples.yml` as specs (None when the campaign has none); ValueError naming the file."""
    path = Path(folder) / MEDIA_FILE
    if not path.is_file():
        return None
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    known = scenes()
    try:
        images = tuple(ImageSpec(i["name"], known[i["scene"]], bool(i.get("portrait", False)),
                                 tuple(sorted((i.get("opts") or {}).items())), str(i.get("title", "")))
                       for i in data["images"])
        return CampaignMedia(images, ClipSpec(**data["clip"]), MusicSpec(**data["music"]), data.get("voice"))
    except (KeyError, TypeError) as e:
        raise ValueError(f"{path}: {type(e).__name__} {e} (scenes: {', '.join(sorted(known))})") from e


