"""Promo videos: one campaign folder to a finished clip for every platform (DESIGN §1, issue 3).

    job = VideoJob(open_campaign("ocop-gia-tri-xanh"), draft=True)   # files probed once
    job.storyboard(); job.preview(2.0)                                 # look before rendering
    job.render()                                                       # -> list[RenderResult]

or without a notebook, from the same opened campaign: `make_plans(ctx)` (pure timelines, one per platform),
`render_plans(plans, ctx.outputs)`, `render_campaign(ctx)`.

`plan.py` is pure (no moviepy, no file I/O). Frames are NV12 planes (`yuv.py`): `resample.py` scales and shifts
pictures into them, `sources.py` draws each shot by kind behind one `FrameSource` protocol (stills, phone clips,
the end card), `transitions.py` registers the transitions, `compositor.py` assembles frame `k` (shots,
transition, text and logo layers), `encoder.py` pipes the frames to one x264 and muxes the sound; `audio.py`
mixes and normalises the sound; `layers.py` draws text and logos; `captions.py` reads and writes SRT/WebVTT;
each file is checked against its platform preset by `promokit.conform`.
"""

from .api import (
    Inputs,
    RenderResult,
    VideoJob,
    campaign_inputs,
    campaign_media,
    cover_time,
    make_plan,
    make_plans,
    preview_frame,
    render_campaign,
    render_plans,
    storyboard,
    write_cover,
)
from .encoder import render_video
from .plan import Cue, MediaFacts, Plan, plan_video

__all__ = [
    "Cue", "Inputs", "MediaFacts", "Plan", "RenderResult", "campaign_inputs", "campaign_media",
    "cover_time", "make_plan", "make_plans", "plan_video", "preview_frame", "render_campaign",
    "render_plans", "render_video", "storyboard", "VideoJob", "write_cover",
]
