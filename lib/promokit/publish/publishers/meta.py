"""Meta: Facebook Page Reels, Facebook Page video (chunked, resumable) and Instagram Reels (container).

Flows from platforms.md §A–C (Meta's Reels publishing guide, Video API uploads, Instagram content
publishing and resumable uploads). Tokens go in `Authorization: OAuth <token>`, never in a URL.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from typing import Any

import httpx

from ..http import file_body
from .base import DAY, Job, NativeSchedule, Outcome, Publisher, PublishFailed, register

GRAPH_VERSION = "v27.0"  # the newest Graph API version (4 Nov 2026); each lasts about two years
TRANSFER_MAX = 16 * 1024 * 1024  # bytes: the most of one Page-video chunk held in memory
#: Meta takes a scheduled time 10 min to 30 days ahead (Reels; Page posts up to 75 days): 29 days keeps a margin.
META_LEAD, META_AHEAD = 600.0, 29 * DAY


def _error(r: httpx.Response) -> dict[str, Any]:
    try:
        e = r.json().get("error")
    except (ValueError, AttributeError):
        return {}
    return e if isinstance(e, dict) else {}


class MetaPublisher(Publisher):
    base = "https://graph.facebook.com"
    upload = "https://rupload.facebook.com"

    def auth_headers(self, token: str) -> dict[str, str]:
        return {"Authorization": f"OAuth {token}"}

    def auth_failed(self, r: httpx.Response) -> bool:
        return r.status_code == 401 or (r.status_code in (400, 403) and _error(r).get("code") in (190, 102))

    def graph(self, job: Job, path: str) -> str:
        return job.url(f"{GRAPH_VERSION}/{path}")

    def upload_base(self, job: Job) -> str:
        return job.base if job.base != self.base else self.upload

    def status(self, job: Job, video_id: str) -> dict[str, Any]:
        data = job.http.json("GET", self.graph(job, video_id), params={"fields": "status"})
        return data.get("status") or {}

    def finish(self, job: Job, video_id: str, endpoint: str, data: dict[str, str]) -> None:
        """The finish phase with the post's request, once: a finish whose answer was lost counts as done when
        the video's publishing phase has started."""
        def recover() -> dict | None:
            phase = (self.status(job, video_id).get("publishing_phase") or {}).get("status", "not_started")
            return {"success": True} if phase != "not_started" else None

        job.commit("finish", lambda: job.http.json("POST", endpoint, data={
            "upload_phase": "finish", **data, **job.request}), recover)

    def rupload(self, job: Job, url: str, query) -> None:
        """Meta's rupload protocol: POST the bytes from `offset`; resume from the server's bytes_transferred."""
        total = job.size

        def send(offset: int) -> int:
            job.http.request("POST", url, retry=False, body=lambda: file_body(job.video, offset), headers={
                "offset": str(offset), "file_size": str(total), "Content-Length": str(total - offset),
                "Content-Type": "application/octet-stream"})
            return total

        if job.step("uploaded") is None:
            job.http.resume_upload(total, query(), send, query, job.sent)
            job.save("uploaded", {"bytes": total})


@register
class FacebookReels(MetaPublisher):
    """Page Reels: start → upload (rupload) → finish with the description."""

    platform, service = "facebook_reels", "facebook"
    covers = frozenset()  # the Reels publish call takes no cover
    native = NativeSchedule("video_state=SCHEDULED, scheduled_publish_time", META_LEAD, META_AHEAD)

    def request(self, post: Any) -> dict[str, Any]:
        return {"description": post.caption, "video_state": "PUBLISHED"}

    def held_request(self, post: Any, when: dt.datetime) -> dict[str, Any]:
        return {**self.request(post), "video_state": "SCHEDULED", "scheduled_publish_time": str(int(when.timestamp()))}

    def publish(self, job: Job) -> Outcome:
        page = job.account
        start = job.once("start", lambda: job.http.json("POST", self.graph(job, f"{page}/video_reels"),
                                                        data={"upload_phase": "start"}))
        vid = str(start["video_id"])
        job.note(remote_id=vid)
        url = start.get("upload_url") or f"{self.upload_base(job)}/video-upload/{GRAPH_VERSION}/{vid}"

        def query() -> int:
            return int((self.status(job, vid).get("uploading_phase") or {}).get("bytes_transferred") or 0)

        self.rupload(job, url, query)

        self.finish(job, vid, self.graph(job, f"{page}/video_reels"), {"video_id": vid})
        return Outcome(vid, f"https://www.facebook.com/reel/{vid}")


@register
class FacebookFeed(MetaPublisher):
    """Page video, chunked upload: start → transfer (the server names each next chunk) → finish."""

    platform, service = "facebook_feed", "facebook"
    covers = frozenset()  # sent without a thumbnail (the Page picks a frame)
    native = NativeSchedule("published=false, scheduled_publish_time", META_LEAD, META_AHEAD)

    def request(self, post: Any) -> dict[str, Any]:
        return {"title": post.title, "description": post.caption}

    def held_request(self, post: Any, when: dt.datetime) -> dict[str, Any]:
        return {**self.request(post), "published": "false", "scheduled_publish_time": str(int(when.timestamp()))}

    def publish(self, job: Job) -> Outcome:
        page, total = job.account, job.size
        endpoint = self.graph(job, f"{page}/videos")
        start = job.once("start", lambda: job.http.json("POST", endpoint, data={
            "upload_phase": "start", "file_size": str(total)}))
        vid, session = str(start["video_id"]), str(start["upload_session_id"])
        job.note(remote_id=vid)

        def offsets() -> tuple[int, int]:
            last = job.step("transfer") or start
            return int(last["start_offset"]), int(last["end_offset"])

        def send(offset: int) -> int:
            a, b = offsets()
            b = min(b, a + TRANSFER_MAX, total)
            with open(job.video, "rb") as f:
                f.seek(a)
                chunk = f.read(b - a)
            r = job.http.request("POST", endpoint, retry=False, ok=(400,), data={
                "upload_phase": "transfer", "upload_session_id": session, "start_offset": str(a)},
                files={"video_file_chunk": ("chunk", chunk, "application/octet-stream")})
            data = r.json()
            if r.status_code == 400:
                err = _error(r)
                got = err.get("error_data") or {}
                if err.get("error_subcode") != 1363037 or "start_offset" not in got:
                    raise job.http.refused("POST", endpoint, r)
                data = got  # the server says which bytes it wants next
            job.save("transfer", {"start_offset": int(data["start_offset"]), "end_offset": int(data["end_offset"])})
            return int(data["start_offset"])

        if job.step("uploaded") is None:
            job.http.resume_upload(total, offsets()[0], send, lambda: offsets()[0], job.sent)
            job.save("uploaded", {"bytes": total})

        self.finish(job, vid, endpoint, {"upload_session_id": session})
        return Outcome(vid, f"https://www.facebook.com/{page}/videos/{vid}")


@register
class InstagramReels(MetaPublisher):
    """Instagram Reels: container (resumable) → rupload → poll until FINISHED → media_publish."""

    platform, service = "instagram_reels", "instagram"
    covers = frozenset({"url", "frame"})

    def request(self, post: Any) -> dict[str, Any]:
        """The cover: `cover_url` when the office serves it publicly, else `thumb_offset`, the time (ms) the
        video shows the cover's frame."""
        req = {"media_type": "REELS", "upload_type": "resumable", "caption": post.caption, "share_to_feed": "true"}
        if post.cover.url:
            req["cover_url"] = post.cover.url
        elif post.facts.get("cover_ms") is not None:
            req["thumb_offset"] = str(int(post.facts["cover_ms"]))
        return req

    def cover_online(self, job: Job, url: str) -> dict[str, Any]:
        """Meta fetches `cover_url` itself: check first that it serves this package's cover."""
        r = job.http.request("GET", url, auth=False, ok=tuple(range(400, 600)))
        if r.status_code != 200 or hashlib.sha256(r.content).hexdigest() != job.post.cover.sha256:
            raise PublishFailed.fail(
                f"Instagram: ảnh bìa chưa có (hoặc khác) tại {url} (HTTP {r.status_code})",
                f"Instagram: the cover is not (or not the same) at {url} (HTTP {r.status_code})",
                fix_vi=f"chép {job.cover} lên máy chủ web tại địa chỉ đó (hoặc bỏ cover_base_url trong publish.yml)",
                fix_en=f"copy {job.cover} to the web server at that address (or drop cover_base_url in publish.yml)")
        return {"url": url, "sha256": job.post.cover.sha256}

    def publish(self, job: Job) -> Outcome:
        ig = job.account
        if job.request.get("cover_url"):
            job.once("cover_online", lambda: self.cover_online(job, str(job.request["cover_url"])))
        box = job.once("container", lambda: job.http.json("POST", self.graph(job, f"{ig}/media"),
                                                          data=job.request))
        cid = str(box["id"])

        def container(fields: str) -> dict[str, Any]:
            return job.http.json("GET", self.graph(job, cid), params={"fields": fields})

        def query() -> int:
            st = container("video_status").get("video_status") or {}
            return int((st.get("uploading_phase") or {}).get("bytes_transferred") or 0)

        self.rupload(job, f"{self.upload_base(job)}/ig-api-upload/{GRAPH_VERSION}/{cid}", query)
        if job.step("processed") is None:
            job.note(state="processing")

            def fetch() -> tuple[str, Any]:
                d = container("status_code,status")
                return str(d.get("status_code") or "IN_PROGRESS"), d

            try:
                job.poll(fetch, {"FINISHED", "PUBLISHED"}, {"ERROR", "EXPIRED"}, "xử lý video / processing")
            except PublishFailed:
                job.forget("container", "uploaded")  # a new container next time
                raise
            job.save("processed", {"status_code": "FINISHED"})

        def recover() -> dict | None:
            return {"id": ""} if container("status_code").get("status_code") == "PUBLISHED" else None

        done = job.commit("publish", lambda: job.http.json("POST", self.graph(job, f"{ig}/media_publish"),
                                                           data={"creation_id": cid}), recover)
        media = str(done.get("id") or "")
        link = ""
        if media:
            link = str(job.once("permalink", lambda: job.http.json(
                "GET", self.graph(job, media), params={"fields": "permalink"})).get("permalink") or "")
        return Outcome(media or cid, link, "" if media else "đã đăng (khôi phục) / published (recovered)")
