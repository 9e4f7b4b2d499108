"""YouTube Data API v3: resumable upload (session → chunks → 200 with the video), then the thumbnail.

Flow from platforms.md §E (Google's resumable upload protocol). The video exists only once the last byte
is in, and the session URI is recorded before the first byte: a re-run asks the session how much it holds
(`Content-Range: bytes */total` → 308 + Range) and never starts a second video while the session lives.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import httpx

from ..http import PublishHttpError, file_body
from .base import DAY, Job, NativeSchedule, Outcome, Publisher, register

CHUNK = 256 * 1024 * 1024  # bytes per PUT (a multiple of 256 KiB, as Google asks; streamed from disk, not held).
# Google advises as few requests as possible: each chunk waits for its 308 before the next starts, so most
# videos go in one request; a broken one is resumed from the offset the session reports, chunked or not


def _next(r: httpx.Response) -> int:
    """The next byte the server wants, from a 308's Range header ("bytes=0-N")."""
    rng = r.headers.get("range", "")
    return int(rng.rsplit("-", 1)[1]) + 1 if "-" in rng else 0


class YouTubeBase(Publisher):
    service, base = "youtube", "https://www.googleapis.com"
    shorts = False
    # status.publishAt: the video stays private and YouTube makes it public at that time
    native = NativeSchedule("status.privacyStatus=private, status.publishAt", 900.0, 365 * DAY)

    def request(self, post: Any) -> dict[str, Any]:
        return {"snippet": {"title": post.title, "description": post.description, "categoryId": "22",
                            "tags": list(post.hashtags)[:15]},
                "status": {"privacyStatus": post.privacy, "selfDeclaredMadeForKids": False}}

    def held_request(self, post: Any, when: dt.datetime) -> dict[str, Any] | None:
        """Only a public post can wait on YouTube: publishAt turns a private video public (never unlisted)."""
        if post.privacy != "public":
            return None
        req = self.request(post)
        at = when.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        return {**req, "status": {**req["status"], "privacyStatus": "private", "publishAt": at}}

    def _upload(self, job: Job, session: str, fresh: bool) -> dict[str, Any]:
        """Upload through a session until YouTube answers with the video; return its resource. A session made
        by this run starts at byte 0; one left by an earlier run is asked how much it holds."""
        total, http = job.size, job.http
        result: dict[str, Any] = {}

        def answer(r: httpx.Response) -> int:
            if r.status_code in (200, 201):
                result.update(r.json())
                return total
            return _next(r)

        def query() -> int:
            return answer(http.request("PUT", session, retry=False, ok=(308,), headers={
                "Content-Range": f"bytes */{total}", "Content-Length": "0"}))

        def send(offset: int) -> int:
            end = min(total, offset + CHUNK)
            return answer(http.request("PUT", session, retry=False, ok=(308,), body=lambda: file_body(
                job.video, offset, end - offset), headers={
                "Content-Range": f"bytes {offset}-{end - 1}/{total}", "Content-Length": str(end - offset),
                "Content-Type": job.post.video.content_type}))

        http.resume_upload(total, 0 if fresh else query(), send, query, job.sent)
        if not result:  # every byte was in already (a crash after the last PUT): the session names the video
            query()
        return result

    def publish(self, job: Job) -> Outcome:
        total, http = job.size, job.http
        done = job.step("uploaded")
        if done is not None:  # a previous run recorded it (a ledger from before one commit held both may lack the id)
            job.note(remote_id=str(done["id"]))
        while done is None:
            fresh = job.step("session") is None
            session = job.once("session", lambda: {"url": http.request(
                "POST", job.url("upload/youtube/v3/videos"),
                params={"uploadType": "resumable", "part": "snippet,status"}, json=job.request,
                headers={"X-Upload-Content-Length": str(total),
                         "X-Upload-Content-Type": job.post.video.content_type}).headers["location"]})["url"]
            try:
                result = self._upload(job, session, fresh)
            except PublishHttpError as e:
                if e.status in (404, 410):  # the session expired (about a week): nothing was created
                    job.forget("session")
                    continue
                raise
            vid = str(result.get("id", ""))
            done = job.save("uploaded", {"id": vid}, remote_id=vid)  # the step, the post's id, the progress: one commit
        vid = str(done["id"])
        if job.step("thumbnail") is None:
            try:
                job.save("thumbnail", http.json("POST", job.url("upload/youtube/v3/thumbnails/set"),
                                                params={"videoId": vid}, body=lambda: file_body(job.cover),
                                                headers={"Content-Type": job.post.cover.content_type,
                                                         "Content-Length": str(job.post.cover.bytes)}))
            except PublishHttpError as e:
                if not self.shorts:
                    raise
                job.save("thumbnail", {"skipped": f"HTTP {e.status}"})  # Shorts: allowed only after processing
        url = f"https://www.youtube.com/shorts/{vid}" if self.shorts else f"https://www.youtube.com/watch?v={vid}"
        held = f", công khai lúc / public at {job.request['status'].get('publishAt')}" if job.held else ""
        return Outcome(vid, url, f"riêng tư / privacy: {job.request['status']['privacyStatus']}{held}")


@register
class YouTube(YouTubeBase):
    platform = "youtube"


@register
class YouTubeShorts(YouTubeBase):
    platform, shorts = "youtube_shorts", True
