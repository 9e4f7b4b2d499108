"""Audience counts fetched from the platforms' APIs through publish's HTTP layer (retries, 429 Retry-After,
token refresh, masked errors), one small reader class per platform in `READERS`. A post the platform no longer
has (deleted, private) is named in `Fetched.missing`, never counted as zero. The snapshots go to the same
append-only `insights` table as the CSV imports.

The API base URL is the publisher's (`PROMOKIT_<PLATFORM>_API_BASE` overrides it: the tests' loopback server).
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ClassVar

from ..publish.credentials import TokenSource, lookup
from ..publish.http import Http
from ..publish.ledger import PublishLedger
from ..registry import Registry
from .api import load_style
from .insights import add_snapshots
from .model import Snapshot, channel_of


@dataclass(frozen=True)
class Fetched:
    snapshots: list[Snapshot] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)  # remote ids the platform no longer shows
    added: int = 0


def _batches(ids: list[str], n: int) -> Iterator[list[str]]:
    for i in range(0, len(ids), n):
        yield ids[i:i + n]


def _num(v: Any) -> float:
    try:
        return float(v or 0)
    except (TypeError, ValueError):
        return 0.0


class CountsReader:
    """How one platform answers "how many views has this post": the request and the reading of its answer."""

    platform: ClassVar[str]  # insights platform (channel): youtube, facebook, tiktok
    service: ClassVar[str]  # credential group (as `promokit auth`)
    base: ClassVar[str]
    batch: ClassVar[int] = 1

    def counts(self, http: Http, base: str, ids: list[str]) -> dict[str, dict[str, float]]:
        raise NotImplementedError


class YouTubeCounts(CountsReader):
    """videos.list part=statistics (up to 50 ids a call); an id missing from `items` is gone."""

    platform, service, base, batch = "youtube", "youtube", "https://www.googleapis.com", 50

    def counts(self, http: Http, base: str, ids: list[str]) -> dict[str, dict[str, float]]:
        data = http.json("GET", f"{base}/youtube/v3/videos", params={"part": "statistics", "id": ",".join(ids)})
        out = {}
        for item in data.get("items") or []:
            s = item.get("statistics") or {}
            out[str(item.get("id"))] = {"views": _num(s.get("viewCount")), "reactions": _num(s.get("likeCount")),
                                        "comments": _num(s.get("commentCount"))}
        return out


class TikTokCounts(CountsReader):
    """Display API video/query (up to 20 ids a call); an id missing from `videos` is gone."""

    platform, service, base, batch = "tiktok", "tiktok", "https://open.tiktokapis.com", 20

    def counts(self, http: Http, base: str, ids: list[str]) -> dict[str, dict[str, float]]:
        data = http.json("POST", f"{base}/v2/video/query/",
                         params={"fields": "id,view_count,like_count,comment_count,share_count"},
                         headers={"Content-Type": "application/json"},
                         body=lambda: json.dumps({"filters": {"video_ids": ids}}).encode())
        out = {}
        for v in (data.get("data") or {}).get("videos") or []:
            out[str(v.get("id"))] = {"views": _num(v.get("view_count")), "reactions": _num(v.get("like_count")),
                                     "comments": _num(v.get("comment_count")), "shares": _num(v.get("share_count"))}
        return out


READERS: Registry[CountsReader] = Registry("nguồn số liệu", "counts reader")
READERS.add("youtube", YouTubeCounts())
READERS.add("tiktok", TikTokCounts())


def fetch_counts(ledger: Path, platform: str, *, taken: dt.date | None = None, http: Http | None = None) -> Fetched:
    """Fetch today's counts of every published post of `platform` in the ledger and add them as snapshots."""
    reader = READERS.get(READERS.choose(platform, option="--platform"))
    style = load_style(None)
    posts = [p for p in PublishLedger(Path(ledger)).all()
             if p.state == "published" and p.remote_id and channel_of(p.platform, style) == reader.platform]
    ids = sorted({p.remote_id for p in posts})
    urls = {p.remote_id: p.url for p in posts}
    if not ids:
        return Fetched()
    base = (lookup(reader.platform, reader.service, "API_BASE") or reader.base).rstrip("/")
    own = http is None
    if http is None:
        tokens = TokenSource(reader.platform, reader.service)
        http = Http(tokens.who, authorize=lambda: {"Authorization": f"Bearer {tokens.current()}"},
                    refresh=tokens.refresh, secrets=tokens.secrets)
    day = taken or dt.date.today()
    snaps: list[Snapshot] = []
    missing: list[str] = []
    try:
        for chunk in _batches(ids, reader.batch):
            got = reader.counts(http, base, chunk)
            for rid in chunk:
                if rid in got:
                    snaps.append(Snapshot(reader.platform, rid, day, url=urls.get(rid, ""), **got[rid]))
                else:
                    missing.append(rid)
    finally:
        if own:
            http.close()
    return Fetched(snaps, missing, add_snapshots(Path(ledger), snaps, source=f"api:{reader.platform}"))
