"""Where the logo goes on each shot, decided at plan time (the compositor draws where the plan says).

The logo sits in a corner of the platform's safe zone (clear of its UI), never on a caption or lower third
on screen during the shot, and, among the corners left, in the quietest one of that shot's picture (`look`):
least detail under it over the shot's framing from start to end, with enough contrast for the logo. A
shot's `logo:` (or the video's) overrides the choice: a corner, or `none`. Consecutive shots with the logo
in the same corner share one layer, so it does not blink at every cut.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from .look import CORNERS, Look, corner_score, quiet_corner
from .motion import base_window, window_at

if TYPE_CHECKING:
    from .plan import ShotPlan, TextLayer

Box = tuple[int, int, int, int]
AUTO = "auto"
NONE = "none"
LOGO_CHOICES = (AUTO, *CORNERS, NONE)  # campaign.yml `logo:` of a shot or of the video


@dataclass(frozen=True)
class LogoLayer:
    path: Path
    box: Box  # the logo is scaled to fit and placed in the box's `corner`
    start: float
    end: float
    corner: str = "top-right"
    opacity: float = 1.0


def corner_box(corner: str, safe: Box, size: tuple[int, int]) -> Box:
    """The logo's box (px) in `corner` of the safe zone, `size` (w, h) px."""
    x0, y0, x1, y1 = safe
    lw, lh = size
    lx0 = x1 - lw if corner.endswith("right") else x0
    ly0 = y0 if corner.startswith("top") else y1 - lh
    return lx0, ly0, lx0 + lw, ly0 + lh


def _grown(box: Box, by: int) -> Box:
    return box[0] - by, box[1] - by, box[2] + by, box[3] + by


def _meets(a: Box, b: Box) -> bool:
    return min(a[2], b[2]) > max(a[0], b[0]) and min(a[3], b[3]) > max(a[1], b[1])


def _in_picture(box: Box, shot: ShotPlan, frame: tuple[int, int]) -> list[tuple[float, float, float, float]]:
    """`box` (frame px) in fractions of the shot's picture, at the start and the end of its motion."""
    if not all(shot.src_size):
        return []
    base = base_window(shot.src_size, frame, shot.fit)
    out = []
    for u in (0.0, 1.0):
        x0, y0, x1, y1 = window_at(shot.motion, u, base)
        sx, sy = (x1 - x0) / frame[0], (y1 - y0) / frame[1]
        out.append((x0 + box[0] * sx, y0 + box[1] * sy, x0 + box[2] * sx, y0 + box[3] * sy))
    return out


def plan_logos(path: Path, shots: Sequence[ShotPlan], choices: Sequence[str], looks: Sequence[Look | None],
               texts: Sequence[TextLayer], *, safe: Box, frame: tuple[int, int], size: tuple[int, int],
               default: str, opacity: float, end: float, logo_luma: float = 0.5,
               corners: Sequence[str] = CORNERS, clearance: int = 0) -> tuple[LogoLayer, ...]:
    """The logo layers of the content shots (`shots`, the end card excluded), one per run of shots with the
    logo in the same corner. `choices`: each shot's `logo:` (auto, a corner, none); `looks`: each shot's
    picture; `texts`: the plan's text layers (a corner under one on screen, or nearer to it than `clearance`
    px, is not used while it is); `corners`: those `auto` may choose from, in order of preference."""
    default = default.replace("_", "-")
    spans = []
    for i, sp in enumerate(shots):  # each shot owns the logo from the middle of the transition before it
        a = 0.0 if i == 0 else (shots[i - 1].end + sp.start) / 2
        b = end if i == len(shots) - 1 else (sp.end + shots[i + 1].start) / 2
        spans.append((a, min(b, end)))
    picked: list[str] = []
    previous: str | None = None
    for sp, choice, look, (a, b) in zip(shots, choices, looks, spans, strict=True):
        if choice != AUTO:
            picked.append(choice)
            previous = choice if choice != NONE else previous
            continue
        on = [t.box for t in texts if t.start < b and t.end > a]
        free = next((f for f in ([c for c in corners if not any(_meets(_grown(corner_box(c, safe, size), by), tb)
                                                                 for tb in on)] for by in (clearance, 0)) if f), [])
        scores = {c: corner_score(look, _in_picture(corner_box(c, safe, size), sp, frame), logo_luma)
                  for c in free}
        corner = quiet_corner(scores, previous, default) if free else default
        picked.append(corner)
        previous = corner
    layers: list[LogoLayer] = []
    for corner, (a, b) in zip(picked, spans, strict=True):
        if b <= a or corner == NONE:
            continue
        last = layers[-1] if layers else None
        if last is not None and last.corner == corner and abs(last.end - a) < 1e-6:
            layers[-1] = LogoLayer(path, last.box, last.start, b, corner, opacity)
        else:
            layers.append(LogoLayer(path, corner_box(corner, safe, size), a, b, corner, opacity))
    return tuple(layers)
