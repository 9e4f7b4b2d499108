"""Conformance a platform would agree with, for any video: a promokit render or a clip made elsewhere.

`gather(path)` reads what the file itself says — its MP4 boxes (pure Python: box order, edit lists,
fragments, the avcC/SPS and esds decoder configurations), one ffprobe call for streams and format, one for
the packets (frame timing, key frames, GOP closure, peak bit rate) and one ebur128 pass (loudness) — into
`Facts`, each fact naming its source. `judge(facts, target)` is pure: one registered rule per check
(`rules.RULES`, labelled in Vietnamese and English), written as the typed checks record
(`promokit.catalog.Checks`). `fix_file` writes a conforming copy beside a file: a remux when that is enough
(index first, edit lists, tags), a re-encode of only the stream that must change.
"""

from __future__ import annotations

from pathlib import Path

from ..catalog import Checks
from ..platforms import PLATFORMS, Preset
from .facts import Facts
from .probe import gather
from .rules import RULES, Target, judge, label, verdicts

__all__ = ["RULES", "Facts", "Target", "check_file", "check_render", "gather", "judge", "label", "verdicts"]


def check_file(path: Path, target: Target | Preset | str) -> Checks:
    """The checks record of the video at `path` against a target, a preset or a platform name."""
    if isinstance(target, str):
        target = PLATFORMS.get(target)
    if isinstance(target, Preset):
        target = Target(target)
    return judge(gather(Path(path)), target)


def check_render(path: Path, preset: Preset, *, size: tuple[int, int], fps: float, audio_rate: int = 48_000,
                 min_audio_bitrate: int = 128_000) -> Checks:
    """A promokit render against its preset and what its plan asked (frame px, fps, sound Hz, b/s)."""
    return check_file(path, Target.render(preset, size, fps, audio_rate, min_audio_bitrate))
