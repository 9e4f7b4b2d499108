"""What the plan needs to know of a shot's picture and of the logo, read from their files (the plan stays pure).

`read_look` gives a still's (or a clip frame's) `look.Look`; `logo_luma` the logo's brightness.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from ..assets import read_image
from ..assets.media import clip_frame
from ..errors import AssetError, PromokitError
from .look import SALIENCY, Look, look_of, luma


def read_look(path: Path, kind: str, at: float = 0.0) -> Look | None:
    """The look of a still (`kind` image) or of a clip's frame at `at` s; None when the file cannot be read
    (the plan then keeps the style's corner and the picture's centre). A tool that was stopped (ToolError)
    is raised, never read as "no look": the job fails and is retried instead of drawing another video."""
    try:
        if kind == "image":
            im = read_image(path, max_size=(4 * SALIENCY, 4 * SALIENCY))
        elif kind == "clip":
            im = clip_frame(path, at, max_size=(4 * SALIENCY, 4 * SALIENCY))
        else:
            return None
    except (AssetError, OSError, ValueError):
        return None
    return look_of(np.asarray(im.convert("RGB")))


def logo_luma(path: Path) -> float:
    """The logo's mean brightness (WCAG relative luminance, 0–1) over its opaque pixels (0.5 if unreadable)."""
    try:
        px = np.asarray(read_image(path, mode="RGBA", max_size=(64, 64)), dtype=np.uint8)
    except (PromokitError, OSError, ValueError):
        return 0.5
    alpha = px[..., 3] > 128
    return float(luma(px[..., :3])[alpha].mean()) if alpha.any() else 0.5
