"""Zalo OA: an article's views and shares, read from the OA's article list (`GET v2.0/article/getslice`,
type `video`, 10 a page): each entry carries `total_view` and `total_share`.

⚠ Like the publishing flow, this follows public clients of the OA API (platforms.md §F, Z1), not an official
page: Zalo publishes no documented insights endpoint for articles, and the list gives no reach, reactions,
comments or watch time. An id not found in the whole list is gone. Zalo answers HTTP 200 with
`{"error": <code>}`; a non-zero code is a refusal (the publisher's token test catches -216).
"""

from __future__ import annotations

from ..http import Http, PublishHttpError
from .base import Answer, CountsReader, num, register

PAGE = 10  # the most getslice returns per call
MAX_PAGES = 200  # stop after 2,000 articles


@register
class ZaloCounts(CountsReader):
    platform, insights, batch = "zalo", "zalo", 10_000

    def counts(self, http: Http, base: str, ids: list[str]) -> Answer:
        want, out, wait = set(ids), {}, 0.0
        for page in range(MAX_PAGES):
            data, headers = self.call(http, "GET", f"{base}/v2.0/article/getslice",
                                      params={"offset": page * PAGE, "limit": PAGE, "type": "video"})
            code = int(num(data.get("error")))
            if code != 0:
                raise PublishHttpError.make(f"Zalo từ chối getslice (lỗi {code}): {data.get('message', '')}",
                                            f"Zalo refused getslice (error {code})",
                                            fix_vi="xem mã lỗi Zalo OA", fix_en="look the Zalo OA error code up",
                                            status=200, body=data)
            medias = (data.get("data") or {}).get("medias") or []
            for m in medias:
                rid = str(m.get("id", ""))
                if rid in want:
                    out[rid] = {"views": num(m.get("total_view")), "shares": num(m.get("total_share"))}
            wait = self.wait_after(headers)
            if len(medias) < PAGE or want <= set(out):
                break
            if wait:
                http.sleep(wait)
        return Answer(out, wait)
