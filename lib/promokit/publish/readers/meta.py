"""Meta: Facebook Page Reels and Page videos (`GET /{video-id}/video_insights`) and Instagram media
(`GET /{media-id}/insights`), one call per post, through the Graph API version the publisher uses.

Metric names as Meta documents them in 2025–2026 (platforms.md, Sources; README "Báo cáo kết quả"):
- Reels: `blue_reels_play_count` (plays), `post_impressions_unique` (reach), `post_video_view_time` (ms),
  `post_video_social_actions` ({COMMENT, SHARE}), `post_video_likes_by_reaction_type` ({REACTION_LIKE, …}).
- Page video: `total_video_views`, `total_video_impressions_unique`, `total_video_view_total_time` (ms),
  `total_video_reactions_by_type_total`, `total_video_stories_by_action_type` ({share, like, comment}).
- Instagram: `views` (replaced `plays`/`impressions`/`video_views`, deprecated for all versions on
  21 Apr 2025), `reach`, `likes`, `comments`, `shares`, `ig_reels_video_view_total_time` (ms).
Meta keeps retiring metrics; a request Meta refuses as an invalid metric (#100) is asked again with the
views metric alone, so a retired reach or watch-time metric costs that figure, not the snapshot.

Politeness: the usage headers (`X-App-Usage`, `X-Page-Usage`, `X-Business-Use-Case-Usage`, percentages of a
rolling hour) slow the calls down above 75 % and stop the run at 95 % or when Meta names a time to regain
access; the throttling error codes (4, 17, 32, 613, 80001, 80002) stop it too. A post Meta no longer has is
error #100 subcode 33.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any, ClassVar

from ..http import Http, PublishHttpError
from ..publishers.meta import GRAPH_VERSION
from .base import Answer, CountsReader, RateLimited, num, register

THROTTLED = {4, 17, 32, 613, 80001, 80002}
GONE_SUBCODE = 33


def _error(err: PublishHttpError) -> dict[str, Any]:
    body = err.body if isinstance(err.body, dict) else {}
    e = body.get("error")
    return e if isinstance(e, dict) else {}


def _usage(headers: Mapping[str, str]) -> tuple[float, float]:
    """(highest usage %, minutes until access is regained) over Meta's three usage headers."""
    top, regain = 0.0, 0.0
    for name in ("x-app-usage", "x-page-usage", "x-business-use-case-usage"):
        raw = headers.get(name)
        if not raw:
            continue
        try:
            data = json.loads(raw)
        except ValueError:
            continue
        entries = [data] if name != "x-business-use-case-usage" else [
            e for v in (data.values() if isinstance(data, dict) else []) for e in (v if isinstance(v, list) else [])]
        for e in entries:
            if not isinstance(e, dict):
                continue
            top = max(top, *(num(e.get(k)) for k in ("call_count", "total_cputime", "total_time")))
            regain = max(regain, num(e.get("estimated_time_to_regain_access")))
    return top, regain


def _values(data: dict[str, Any]) -> dict[str, Any]:
    """Insights `data` rows -> {metric name: lifetime value} (a number or a breakdown dict)."""
    out = {}
    for row in data.get("data") or []:
        vals = row.get("values") or []
        v = vals[-1].get("value") if vals and isinstance(vals[-1], dict) else (row.get("total_value") or {}).get("value")
        out[str(row.get("name"))] = v
    return out


def _total(v: Any) -> float:
    return sum(num(x) for x in v.values()) if isinstance(v, dict) else num(v)


def _part(v: Any, *keys: str) -> float:
    if not isinstance(v, dict):
        return 0.0
    low = {str(k).lower(): x for k, x in v.items()}
    return sum(num(low.get(k.lower())) for k in keys)


class GraphInsights(CountsReader):
    """One insights call per post; `edge`, `metrics` (full set) and `core` (the views metric) per product."""

    edge: ClassVar[str] = "video_insights"
    period: ClassVar[str] = "lifetime"  # video_insights takes a period; Instagram media insights are lifetime already
    metrics: ClassVar[tuple[str, ...]] = ()
    core: ClassVar[tuple[str, ...]] = ()

    def read(self, v: dict[str, Any]) -> dict[str, float]:
        raise NotImplementedError

    def wait_after(self, headers: Mapping[str, str]) -> float:
        top, regain = _usage(headers)
        if regain > 0 or top >= self.pace.stop:
            raise RateLimited.after(self.platform, max(regain * 60, 600.0), f"usage {top:.0f} %")
        return self.pace.pause_s if top >= self.pace.slow else super().wait_after(headers)

    def counts(self, http: Http, base: str, ids: list[str]) -> Answer:
        (rid,) = ids
        url = f"{base}/{GRAPH_VERSION}/{rid}/{self.edge}"
        for metrics in (self.metrics, self.core):
            try:
                params = {"metric": ",".join(metrics), **({"period": self.period} if self.period else {})}
                data, headers = self.call(http, "GET", url, params=params)
                return Answer({rid: self.read(_values(data))}, self.wait_after(headers))
            except PublishHttpError as e:
                err = _error(e)
                code = int(num(err.get("code")))
                if code in THROTTLED:
                    raise RateLimited.after(self.platform, 3600.0, f"Graph error {code}") from None
                if code == 100 and int(num(err.get("error_subcode"))) == GONE_SUBCODE:
                    return Answer({})  # the platform no longer has it
                if not (code == 100 and "metric" in str(err.get("message", "")).lower() and metrics != self.core):
                    raise
        raise AssertionError("unreachable")


class FacebookCounts(GraphInsights):
    """A Facebook video's counts: each figure from the metric Meta keeps it in (`names`: views, reach, watch time
    in ms, reactions by type, actions by type), comments and shares from the actions by their `keys`."""

    names: ClassVar[dict[str, str]]
    keys: ClassVar[tuple[str, str]]  # the comment and share keys of the actions breakdown

    def read(self, v: dict[str, Any]) -> dict[str, float]:
        n = self.names
        actions = v.get(n["actions"])
        return {"views": num(v.get(n["views"])), "reach": num(v.get(n["reach"])),
                "reactions": _total(v.get(n["reactions"])),
                "comments": _part(actions, self.keys[0]), "shares": _part(actions, self.keys[1]),
                "watch_s": num(v.get(n["watch_ms"])) / 1000.0}


@register
class FacebookReelsCounts(FacebookCounts):
    platform, insights = "facebook_reels", "facebook"
    names = {"views": "blue_reels_play_count", "reach": "post_impressions_unique", "watch_ms": "post_video_view_time",
             "actions": "post_video_social_actions", "reactions": "post_video_likes_by_reaction_type"}
    keys = ("COMMENT", "SHARE")
    metrics, core = tuple(names.values()), (names["views"],)


@register
class FacebookVideoCounts(FacebookCounts):
    platform, insights = "facebook_feed", "facebook"
    names = {"views": "total_video_views", "reach": "total_video_impressions_unique",
             "watch_ms": "total_video_view_total_time", "reactions": "total_video_reactions_by_type_total",
             "actions": "total_video_stories_by_action_type"}
    keys = ("comment", "share")
    metrics, core = tuple(names.values()), (names["views"],)


@register
class InstagramCounts(GraphInsights):
    platform, insights, edge, period = "instagram_reels", "instagram", "insights", ""
    metrics = ("views", "reach", "likes", "comments", "shares", "ig_reels_video_view_total_time")
    core = ("views",)

    def read(self, v: dict[str, Any]) -> dict[str, float]:
        return {"views": num(v.get("views")), "reach": num(v.get("reach")), "reactions": num(v.get("likes")),
                "comments": num(v.get("comments")), "shares": num(v.get("shares")),
                "watch_s": num(v.get("ig_reels_video_view_total_time")) / 1000.0}
