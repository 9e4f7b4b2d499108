"""Test helpers for publishing: a campaign with tiny finished renders for chosen platforms."""

from __future__ import annotations

from pathlib import Path

from promokit import testing
from promokit.catalog import Catalog, Check, Checks, write_checks

#: Small frame sizes (px) that still meet each platform's publishing rules.
SIZES = {"tiktok": (360, 640), "facebook_reels": (540, 960), "instagram_reels": (360, 640),
         "youtube_shorts": (360, 640), "youtube": (640, 360), "facebook_feed": (360, 450), "zalo": (320, 180)}


def render(output: Path, campaign: str, platform: str, *, seconds: float = 3.0, size: tuple[int, int] | None = None,
           fps: int = 30, draft: bool = False, cover: bool = True) -> Path:
    """A finished (or draft) render of `platform` at the catalog's paths: video, cover, checks record."""
    co = Catalog(output).campaign(campaign)
    w, h = size or SIZES[platform]
    video = testing.make_clip(co.video(platform, draft=draft), seconds, size=(w, h), fps=fps, faststart=True)
    if cover:
        testing.make_image(co.cover(platform, draft=draft), (max(w, 640), max(h, 360)))
    write_checks(video, Checks("video", (Check("size", True, f"{w}x{h}"), Check("faststart", True))))
    return video


def campaign(assets: Path, output: Path, platforms: list[str], *, cid: str = "mini", posts: dict | None = None,
             renders: bool = True, **kw) -> Path:
    folder = testing.make_campaign(assets, cid, images=1, clips=0, music=False, csv=False, article=False, extra_yaml={
        "video": {"platforms": platforms},
        "posts": posts or {"caption": "Mời bà con về dự lễ hội Giỗ Tổ!", "hashtags": ["GioTo"]}})
    if renders:
        for p in platforms:
            render(output, cid, p, **kw)
    return folder
