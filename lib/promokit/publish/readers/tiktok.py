"""TikTok: Display API `POST /v2/video/query/` (scope `video.list`), up to 20 ids a call. An id missing from
`data.videos` is gone (or no longer the creator's). TikTok answers a throttled app with HTTP 429
(`rate_limit_exceeded`), which the HTTP layer retries after Retry-After.
"""

from __future__ import annotations

from ..http import Http
from .base import Answer, CountsReader, num, register

FIELDS = "id,view_count,like_count,comment_count,share_count"


@register
class TikTokCounts(CountsReader):
    platform, insights, batch = "tiktok", "tiktok", 20

    def counts(self, http: Http, base: str, ids: list[str]) -> Answer:
        data, headers = self.call(http, "POST", f"{base}/v2/video/query/", params={"fields": FIELDS},
                                  headers={"Content-Type": "application/json"},
                                  json={"filters": {"video_ids": ids}})
        out = {}
        for v in (data.get("data") or {}).get("videos") or []:
            out[str(v.get("id"))] = {"views": num(v.get("view_count")), "reactions": num(v.get("like_count")),
                                     "comments": num(v.get("comment_count")), "shares": num(v.get("share_count"))}
        return Answer(out, self.wait_after(headers))
