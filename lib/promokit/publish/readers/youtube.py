"""YouTube: videos.list part=statistics, up to 50 ids a call (1 quota unit). An id missing from `items` is gone.

The Data API has no per-call usage headers; a spent quota is HTTP 403 with reason `quotaExceeded` (or
`rateLimitExceeded`), which stops the run: the daily quota resets at midnight Pacific time.
"""

from __future__ import annotations

from ..http import Http, PublishHttpError
from .base import Answer, CountsReader, RateLimited, num, register

THROTTLED = {"quotaExceeded", "rateLimitExceeded", "userRateLimitExceeded"}


def _reason(err: PublishHttpError) -> str:
    body = err.body if isinstance(err.body, dict) else {}
    errors = (body.get("error") or {}).get("errors") or [{}]
    return str(errors[0].get("reason", "")) if isinstance(errors, list) and errors else ""


@register
class YouTubeCounts(CountsReader):
    platform, insights, batch = "youtube", "youtube", 50

    def counts(self, http: Http, base: str, ids: list[str]) -> Answer:
        try:
            data, headers = self.call(http, "GET", f"{base}/youtube/v3/videos",
                                      params={"part": "statistics", "id": ",".join(ids)})
        except PublishHttpError as e:
            if e.status == 403 and _reason(e) in THROTTLED:
                raise RateLimited.after(self.platform, 3600.0, _reason(e)) from None
            raise
        out = {}
        for item in data.get("items") or []:
            s = item.get("statistics") or {}
            out[str(item.get("id"))] = {"views": num(s.get("viewCount")), "reactions": num(s.get("likeCount")),
                                        "comments": num(s.get("commentCount"))}
        return Answer(out, self.wait_after(headers))


@register
class YouTubeShortsCounts(YouTubeCounts):
    platform = "youtube_shorts"
