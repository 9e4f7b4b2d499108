"""Transitions between two shots, registered by name: `cut`, `crossfade`, `slide`, `wipe`.

A transition draws the frame where shot `a` (going out) and shot `b` (coming in) overlap, `alpha` (0..1)
being how far `b` has come in. A new kind is one small class with `draw(a, b, alpha)` and one
`TRANSITIONS.add` line (and its name in the spec's list of transitions).
"""

from __future__ import annotations

from functools import lru_cache
from typing import Protocol

import numpy as np
from PIL import Image

from ..registry import Registry
from .yuv import Planes, blend, composite


class Transition(Protocol):
    def draw(self, a: Planes, b: Planes, alpha: float) -> Planes:
        """The frame of `a` going to `b` at `alpha` (0..1); may return `a` or `b` themselves."""
        ...


def ease(x: float) -> float:
    """Smoothstep 0..1 -> 0..1: slow at both ends."""
    return x * x * (3 - 2 * x)


class Cut:
    """`a` until the middle of the overlap, then `b`."""

    def draw(self, a: Planes, b: Planes, alpha: float) -> Planes:
        return b if alpha >= 0.5 else a


class Crossfade:
    """`a` and `b` mixed linearly (in YUV, the same as in RGB)."""

    def draw(self, a: Planes, b: Planes, alpha: float) -> Planes:
        return blend(a, b, alpha)


class Slide:
    """`a` leaves to the left, `b` comes in from the right (eased; moves by even px, chroma stays aligned)."""

    def draw(self, a: Planes, b: Planes, alpha: float) -> Planes:
        w, h = a.size
        off = int(round(ease(alpha) * w / 2)) * 2
        out = Planes.empty((w, h))
        out.y[:, :w - off], out.y[:, w - off:] = a.y[:, off:], b.y[:, :off]
        c, cw = off // 2, w // 2
        out.uv[:, :cw - c], out.uv[:, cw - c:] = a.uv[:, c:], b.uv[:, :c]
        return out


@lru_cache(maxsize=8)
def _ramp(soft: int) -> np.ndarray:
    """`soft` px of a soft edge, 255 -> 0 left to right."""
    grad = Image.linear_gradient("L").rotate(90, expand=True).transpose(Image.Transpose.FLIP_LEFT_RIGHT)
    ramp = np.asarray(grad.resize((soft, 1)))[0].copy()
    ramp.flags.writeable = False
    return ramp


class Wipe:
    """`b` revealed from the left behind a soft edge (1/12 of the width)."""

    def draw(self, a: Planes, b: Planes, alpha: float) -> Planes:
        w = a.size[0]
        soft = max(2, w // 12)
        edge = int(-soft + ease(alpha) * (w + 2 * soft))
        ramp = _ramp(soft)
        row = np.zeros(w, np.uint8)
        row[:max(0, edge)] = 255
        lo, hi = max(0, edge), min(w, edge + soft)
        if hi > lo:
            row[lo:hi] = ramp[lo - edge:hi - edge]
        return composite(a, b, row)


TRANSITIONS: Registry[Transition] = Registry("kiểu chuyển cảnh", "transition")
TRANSITIONS.add("cut", Cut())
TRANSITIONS.add("crossfade", Crossfade())
TRANSITIONS.add("slide", Slide())
TRANSITIONS.add("wipe", Wipe())
