"""TikTok Content Posting API: creator info → init → chunked PUTs → status polling.

Flow from platforms.md §D. By default the video goes to the creator's inbox as a draft (the creator
finishes the post in the app: unaudited apps cannot post publicly); `--direct` posts it (audited apps).
Chunks follow the Media Transfer Guide: files under 5 MB in one piece, otherwise `CHUNK` bytes each (5–64 MB)
with the remainder in the last (count = floor(size / chunk), 1–1,000 chunks), strictly in order. TikTok has
no query for an upload's offset: each chunk the server acknowledged (206) is recorded, and a re-run sends
from the first unacknowledged chunk.
"""

from __future__ import annotations

from typing import Any

from ..http import PublishHttpError, file_body
from .base import Job, Outcome, Publisher, PublishFailed, register

MB = 1024 * 1024
CHUNK = 10 * MB
PRIVACY = {"public": "PUBLIC_TO_EVERYONE", "unlisted": "MUTUAL_FOLLOW_FRIENDS", "private": "SELF_ONLY"}


def chunking(size: int) -> tuple[int, int]:
    """(chunk size, chunk count) for a file of `size` bytes, within TikTok's rules."""
    if size <= CHUNK:  # under 5 MB must be one piece; up to 64 MB may be
        return max(size, 1), 1
    chunk = min(max(CHUNK, -(-size // 1000)), 64 * MB)
    return chunk, max(1, size // chunk)


@register
class TikTok(Publisher):
    platform, service, base = "tiktok", "tiktok", "https://open.tiktokapis.com"
    covers = frozenset({"frame"})

    def request(self, post: Any) -> dict[str, Any]:
        cover = post.facts.get("cover_ms")
        return {"post_info": {"title": post.caption, "privacy_level": PRIVACY[post.privacy], "disable_comment": False,
                              "disable_duet": False, "disable_stitch": False,
                              "video_cover_timestamp_ms": int(cover) if cover is not None else 1000},
                "source_info": {"source": "FILE_UPLOAD", "video_size": post.video.bytes,
                                "chunk_size": chunking(post.video.bytes)[0],
                                "total_chunk_count": chunking(post.video.bytes)[1]}}

    def call(self, job: Job, path: str, body: dict) -> dict[str, Any]:
        data = job.http.json("POST", job.url(path), json=body,
                             headers={"Content-Type": "application/json; charset=UTF-8"})
        err = data.get("error") or {}
        if err.get("code") not in (None, "ok"):
            raise PublishFailed.fail(f"TikTok: {err.get('code')}", f"TikTok: {err.get('code')}: {err.get('message', '')}",
                                     fix_vi="xem mã lỗi trong tài liệu Content Posting API",
                                     fix_en="see the error code in the Content Posting API reference")
        return data.get("data") or {}

    def publish(self, job: Job) -> Outcome:
        total, post = job.size, job.post
        creator = job.once("creator", lambda: self.call(job, "v2/post/publish/creator_info/query/", {}))
        longest = creator.get("max_video_post_duration_sec")
        if longest and float(post.facts.get("duration") or 0) > float(longest):
            raise PublishFailed.fail(f"TikTok: video dài hơn {longest} s cho phép với tài khoản này",
                                     f"TikTok: the video is longer than this creator's {longest} s",
                                     fix_vi="rút ngắn video.duration", fix_en="shorten video.duration")
        info = dict(post.request["post_info"])
        if job.direct and info["privacy_level"] not in (creator.get("privacy_level_options") or [info["privacy_level"]]):
            raise PublishFailed.fail(f"TikTok không cho quyền riêng tư {info['privacy_level']}",
                                     f"TikTok does not offer privacy {info['privacy_level']} to this creator",
                                     fix_vi="đổi posts.privacy", fix_en="change posts.privacy")
        chunk, count = chunking(total)
        while True:
            path = "v2/post/publish/video/init/" if job.direct else "v2/post/publish/inbox/video/init/"
            body = {"source_info": post.request["source_info"], **({"post_info": info} if job.direct else {})}
            init = job.once("init", lambda path=path, body=body: self.call(job, path, body))
            job.note(remote_id=str(init["publish_id"]))
            try:
                self._upload(job, str(init["upload_url"]), chunk, count)
                break
            except PublishHttpError as e:
                if e.status in (403, 404, 410):  # the upload URL expired (valid 1 h): start a new upload
                    job.forget("init", "chunks", "chunks.started")
                    continue
                raise
        job.note(state="processing")
        want = {"PUBLISH_COMPLETE"} if job.direct else {"SEND_TO_USER_INBOX", "PUBLISH_COMPLETE"}
        status = job.poll(lambda: self._status(job, str(init["publish_id"])), want, {"FAILED"}, "xử lý / processing")
        ids = status.get("publicaly_available_post_id") or []
        nick = creator.get("creator_username") or creator.get("creator_nickname") or ""
        if ids and nick:
            return Outcome(str(ids[0]), f"https://www.tiktok.com/@{nick}/video/{ids[0]}")
        return Outcome(str(init["publish_id"]), "", "trong hộp thư TikTok của người sáng tạo: hoàn tất bài trong ứng dụng"
                       " / in the creator's TikTok inbox: finish the post in the app")

    def _status(self, job: Job, publish_id: str) -> tuple[str, Any]:
        d = self.call(job, "v2/post/publish/status/fetch/", {"publish_id": publish_id})
        return str(d.get("status") or "PROCESSING_UPLOAD"), d

    def _upload(self, job: Job, url: str, chunk: int, count: int) -> None:
        total = job.size
        if job.step("uploaded") is not None:
            return
        publish_id = str(job.step("init")["publish_id"])
        if job.step("chunks.started") is not None and self._status(job, publish_id)[0] != "PROCESSING_UPLOAD":
            job.save("uploaded", {"bytes": total, "recovered": True})  # a previous run sent the last chunk
            return
        job.save("chunks.started", {})

        def bounds(offset: int) -> tuple[int, int]:
            i = offset // chunk
            return offset, (total if i >= count - 1 else offset + chunk)

        def send(offset: int) -> int:
            a, b = bounds(offset)
            r = job.http.request("PUT", url, auth=False, retry=False, body=lambda: file_body(job.video, a, b - a),
                                 headers={"Content-Type": job.post.video.content_type, "Content-Length": str(b - a),
                                          "Content-Range": f"bytes {a}-{b - 1}/{total}"})
            job.save("chunks", {"offset": b, "status": r.status_code})
            return b

        def query() -> int:
            return int((job.step("chunks") or {}).get("offset", 0))

        job.http.resume_upload(total, query(), send, query, job.sent)
        job.save("uploaded", {"bytes": total})
