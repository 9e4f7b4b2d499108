"""Smoothness kept measurable: a Ken Burns zoom drawn losslessly (the raw NV12 frames the encoder receives)
keeps an even zoom step and a still centre, to a small fraction of a pixel."""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image

from promokit.platforms import Preset
from promokit.testing import make_campaign, opened
from promokit.video.api import campaign_inputs
from promokit.video.compositor import Compositor
from promokit.video.plan import plan_video

pytestmark = pytest.mark.slow

W, H = 1920, 1080  # the photo
DOTS = [(0.3, 0.3), (0.3, 0.7), (0.7, 0.3), (0.7, 0.7)]  # four soft dots, as fractions of the photo


def dots_photo() -> Image.Image:
    yy, xx = np.mgrid[0:H, 0:W].astype(np.float32)
    img = np.full((H, W), 40.0, np.float32)
    for fx, fy in DOTS:
        img += 200 * np.exp(-((xx - fx * W) ** 2 + (yy - fy * H) ** 2) / (2 * 18.0**2))
    return Image.fromarray(np.clip(img, 0, 255).astype(np.uint8)).convert("RGB")


def test_zoom_step_is_even_and_the_centre_does_not_jitter(tmp_path):
    folder = make_campaign(tmp_path, "t", images=0, clips=0, music=False, csv=False, article=False, extra_yaml={
        "video": {"duration": 3, "title": " ", "transition": "cut",
                  "shots": [{"path": "images/a.png", "motion": "zoom_in", "focus": [0.5, 0.5]}]}})
    (folder / "images").mkdir(exist_ok=True)
    dots_photo().save(folder / "images" / "a.png")
    ctx = opened(folder)
    inp = campaign_inputs(ctx)
    plan = plan_video(ctx.campaign, ctx.brand, Preset("t", "Test 16:9", 640, 360), inp.media, fonts=inp.fonts, style=inp.style)
    m = plan.shots[0].motion
    assert plan.shots[0].fit == "fill" and m.zoom1 > m.zoom0

    centres = []  # (frames, 4 dots, x/y) in frame px: each dot's luma centroid in its quarter of the frame
    with Compositor(plan, prefetch=False) as comp:
        for k in range(plan.frames):
            y = np.clip(comp.frame(k).y.astype(np.float64) - (16 + 40 * 219 / 255), 0, None)
            h, w = y.shape
            dots = []
            for qx, qy in ((0, 0), (0, 1), (1, 0), (1, 1)):
                sub = y[qy * h // 2:(qy + 1) * h // 2, qx * w // 2:(qx + 1) * w // 2]
                sy, sx = np.mgrid[0:sub.shape[0], 0:sub.shape[1]]
                dots.append(((sx * sub).sum() / sub.sum() + qx * w // 2, (sy * sub).sum() / sub.sum() + qy * h // 2))
            centres.append(dots)
    a = np.array(centres)
    spread = (a[:, 2, 0] - a[:, 0, 0] + a[:, 3, 0] - a[:, 1, 0]) / 2  # px between the left and right dots
    log_zoom = np.log(spread / spread[0])
    step = np.diff(log_zoom)

    # the whole zoom is the planned one, reached by steps that never go back and never jump
    assert log_zoom[-1] == pytest.approx(np.log(m.zoom1 / m.zoom0), abs=0.01)
    assert step.min() > -1e-5 and step.max() < 2.5 * np.log(m.zoom1 / m.zoom0) / len(step)
    assert np.abs(np.diff(step)).max() < 6e-4  # eased: the step changes gently from frame to frame
    # each frame sits on one smooth curve: off it by under 0.15 px at the dots (integer crops: up to 0.5 px)
    t = np.arange(len(log_zoom))
    off = np.abs(log_zoom - np.polyval(np.polyfit(t, log_zoom, 5), t)) * spread.mean()
    assert off.max() < 0.15
    # the centre (the focus point) stays put to a few hundredths of a pixel
    centre = a.mean(axis=1)
    assert np.abs(centre - centre.mean(axis=0)).max() < 0.05
