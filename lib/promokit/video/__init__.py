"""Promo videos: one campaign folder to a finished clip for every platform (DESIGN §1, issue 3).

    plans = make_plans(campaign, brand, campaign_dir, brand_dir)      # pure timelines, one per platform
    storyboard(plans["tiktok"]); preview_frame(plans["tiktok"], 2.0)  # look before rendering
    render_campaign(campaign, brand, campaign_dir, brand_dir, out_dir) # -> list[RenderResult]

`plan.py` is pure (no moviepy, no file I/O); `render.py` draws frames in YUV and pipes them to one
ffmpeg; `audio.py` mixes and normalises the sound; `layers.py` draws text and logos; `captions.py`
reads and writes SRT/WebVTT; `conformance.py` checks a file against its platform preset.
"""

from .api import (
    Inputs,
    RenderResult,
    campaign_inputs,
    campaign_media,
    cover_time,
    make_plan,
    make_plans,
    preview_frame,
    render_campaign,
    storyboard,
    write_cover,
)
from .conformance import Check, check_file
from .plan import Cue, MediaFacts, Plan, plan_video
from .render import render_video

__all__ = [
    "Check", "Cue", "Inputs", "MediaFacts", "Plan", "RenderResult", "campaign_inputs", "campaign_media",
    "check_file", "cover_time", "make_plan", "make_plans", "plan_video", "preview_frame", "render_campaign",
    "render_video", "storyboard", "write_cover",
]
