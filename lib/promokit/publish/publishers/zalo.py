"""Zalo Official Account: upload the video → poll until converted → upload the cover → create the video
article → read its id.

Endpoints as the public Zalo OA SDKs call them (platforms.md §F; ⚠ unofficial sources). Zalo answers
HTTP 200 with `{"error": <code>}`: 0 is success, -216 a refused token, -224 an OA plan without the article
API. The video upload is one multipart request (≤ 50 MB): a dropped upload is sent again whole — nothing
is created before the article, which is recorded as begun before it is sent.
"""

from __future__ import annotations

from typing import Any

import httpx

from ..http import PublishHttpError
from .base import Job, Outcome, Publisher, PublishFailed, register

READY, FAILED = 1, {4, 5}


def _code(r: httpx.Response) -> int:
    try:
        return int(r.json().get("error", 0))
    except (ValueError, AttributeError, TypeError):
        return 0


@register
class Zalo(Publisher):
    platform, service, base = "zalo", "zalo", "https://openapi.zalo.me"

    def auth_headers(self, token: str) -> dict[str, str]:
        return {"access_token": token}

    def auth_failed(self, r: httpx.Response) -> bool:
        return r.status_code == 401 or _code(r) in (-216, -124)

    def request(self, post: Any) -> dict[str, Any]:
        return {"type": "video", "title": post.title, "description": post.description, "status": "show",
                "comment": "show"}

    def call(self, job: Job, method: str, path: str, **kw: Any) -> dict[str, Any]:
        data = job.http.json(method, job.url(path), **kw)
        code = int(data.get("error", 0) or 0)
        if code != 0:
            plan = code == -224
            raise PublishHttpError.make(
                f"Zalo từ chối {path} (lỗi {code}): " + ("gói OA chưa có API bài viết" if plan else str(data.get("message", ""))),
                f"Zalo refused {path} (error {code})" + (": the OA plan lacks the article API" if plan else ""),
                fix_vi="nâng gói OA (oa.zalo.me/home/pricing)" if plan else "xem mã lỗi Zalo OA",
                fix_en="upgrade the OA plan (oa.zalo.me/home/pricing)" if plan else "look the Zalo OA error code up",
                status=200, body=data)
        return data.get("data") or {}

    def _file(self, path: Any, ctype: str) -> dict[str, Any]:
        return {"files": {"file": (path.name, open(path, "rb"), ctype)}}  # noqa: SIM115 - httpx reads and closes

    def publish(self, job: Job) -> Outcome:
        post = job.post

        def upload() -> dict[str, Any]:
            d = self.call(job, "POST", "v2.0/article/upload_video/preparevideo",
                          fresh=lambda: self._file(job.video, post.video.content_type))
            job.sent(job.size)
            return {"token": d["token"]}

        token = job.once("upload", upload)["token"]
        if job.step("ready") is None:
            job.note(state="processing")

            def fetch() -> tuple[str, Any]:
                d = self.call(job, "GET", "v2.0/article/upload_video/verify", headers={"token": token})
                return str(d.get("status")), d

            try:
                ready = job.poll(fetch, {str(READY)}, {str(s) for s in FAILED}, "chuyển mã video / video conversion")
            except PublishFailed:
                job.forget("upload")
                raise
            job.save("ready", {"video_id": str(ready["video_id"])})
        video_id = job.step("ready")["video_id"]
        avatar = job.once("avatar", lambda: {"url": self.call(
            job, "POST", "v2.0/oa/upload/image", fresh=lambda: self._file(job.cover, post.cover.content_type)).get("url", "")})
        article = {**post.request, "video_id": video_id, "avatar": avatar["url"]}

        def recover() -> dict | None:
            listed = self.call(job, "GET", "v2.0/article/getslice", params={"offset": 0, "limit": 10, "type": "video"})
            found = next((a for a in listed.get("medias", []) if a.get("title") == post.title), None)
            return {"id": str(found["id"]), "link": found.get("link", "")} if found else None

        created = job.commit("create", lambda: self.call(job, "POST", "v2.0/article/create", json=article), recover)
        if "id" not in created:
            created = job.once("article", lambda: self.call(job, "POST", "v2.0/article/verify",
                                                            json={"token": created["token"]}))
        return Outcome(str(created["id"]), str(created.get("link", "")))
