"""Loopback fakes of the platforms' publishing APIs, following each documented flow (platforms.md §A–F),
with injectable faults: a connection dropped mid-upload, 429 with Retry-After, 500, an expired token (then
an OAuth refresh), a process killed between steps, Instagram's container still IN_PROGRESS.

`posts` is what the platform ended up publishing: (platform, remote id, bytes). Every scenario must end with
exactly one post holding the file's exact bytes.
"""

from __future__ import annotations

import email.parser
import itertools
import json
import os
import signal
import threading
import time
import urllib.parse
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

GOOD, FRESH = "secret-good-token-1", "secret-fresh-token-2"
LONG_USER = "secret-long-user-token-3"  # Meta: the long-lived user token, good only for listing the Pages
TOKENS = {GOOD, FRESH}
V = "v27.0"  # promokit.publish.publishers.meta.GRAPH_VERSION


@dataclass
class Upload:
    size: int = 0
    data: bytearray = field(default_factory=bytearray)
    done: bool = False
    published: bool = False
    polls: int = 0
    meta: dict = field(default_factory=dict)


class Fake:
    """The state of every fake platform plus the faults still to inject (each fires once per count)."""

    def __init__(self) -> None:
        self.uploads: dict[str, Upload] = {}
        self.posts: list[tuple[str, str, bytes]] = []
        self.faults: dict[str, int] = {}
        self.kill_pid: int | None = None
        self.kill_at: str = ""  # "upload" (last byte in) or "publish" (post made, answer never sent)
        self.in_progress = 0  # Instagram: polls answered IN_PROGRESS before FINISHED
        self.requests: list[str] = []
        self.forms: list[tuple[str, str, dict]] = []  # (method, path, form or JSON body) of each request with one
        self.pages: list[dict] = []  # Meta: the Pages /me/accounts lists (id, name, access_token, tasks, ig)
        self.files: dict[str, bytes] = {}  # path -> bytes served without a token (public URLs, e.g. covers)
        self.tokens_seen: set[str] = set()
        self.ids = itertools.count(1001)
        self.lock = threading.Lock()

    def fault(self, name: str) -> bool:
        with self.lock:
            if self.faults.get(name, 0) > 0:
                self.faults[name] -= 1
                return True
        return False

    def new(self, prefix: str, size: int = 0, **meta: Any) -> str:
        uid = f"{prefix}{next(self.ids)}"
        self.uploads[uid] = Upload(size=size, meta=meta)
        return uid

    def publish(self, platform: str, uid: str) -> None:
        up = self.uploads[uid]
        if not up.published:
            up.published = True
            self.posts.append((platform, uid, bytes(up.data)))

    def maybe_kill(self, at: str) -> None:
        if self.kill_pid and self.kill_at == at:
            pid, self.kill_pid = self.kill_pid, None
            os.kill(pid, signal.SIGKILL)
            deadline = time.monotonic() + 10
            while time.monotonic() < deadline:  # the answer goes out only once the client is dead
                try:
                    os.kill(pid, 0)
                    with open(f"/proc/{pid}/stat") as f:
                        if f.read().split(") ")[1].startswith("Z"):
                            break
                except (ProcessLookupError, FileNotFoundError):
                    break
                time.sleep(0.01)


class Handler(BaseHTTPRequestHandler):
    fake: Fake
    protocol_version = "HTTP/1.1"

    def log_message(self, *args: Any) -> None:
        pass

    # -- plumbing -----------------------------------------------------------------------------------
    @property
    def base(self) -> str:
        return f"http://{self.headers['Host']}"

    def reply(self, status: int, body: Any = None, headers: dict | None = None) -> None:
        data = b"" if body is None else json.dumps(body).encode()
        self.send_response(status)
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def body(self) -> bytes:
        return self.rfile.read(int(self.headers.get("Content-Length") or 0))

    def form(self) -> dict[str, Any]:
        raw = self.body()
        ctype = self.headers.get("Content-Type", "")
        if ctype.startswith("multipart/"):
            msg = email.parser.BytesParser().parsebytes(b"Content-Type: " + ctype.encode() + b"\r\n\r\n" + raw)
            return {p.get_param("name", header="content-disposition"):
                    p.get_payload(decode=True) if p.get_filename() else p.get_payload(decode=True).decode()
                    for p in msg.get_payload()}
        if ctype.startswith("application/json"):
            data = json.loads(raw or b"{}")
        else:
            data = {k: v[0] for k, v in urllib.parse.parse_qs(raw.decode()).items()}
        self.fake.forms.append((self.command, self.path.split("?")[0], data))
        return data

    def token(self) -> str:
        h = self.headers.get("Authorization", "")
        return h.split(" ", 1)[1] if " " in h else self.headers.get("access_token", "")

    def authorized(self, style: str) -> bool:
        tok = self.token()
        self.fake.tokens_seen.add(tok)
        if tok in TOKENS and not (tok == GOOD and self.fake.fault("expired")):
            return True
        self.body()
        if style == "meta":
            self.reply(400, {"error": {"message": "Error validating access token", "type": "OAuthException", "code": 190}})
        elif style == "zalo":
            self.reply(200, {"error": -216, "message": "Access token is invalid"})
        else:
            self.reply(401, {"error": {"code": "access_token_invalid", "message": "expired"}})
        return False

    def upload_faults(self) -> bool:
        """429 / 500 / a dropped connection on an upload request; True when the request was answered."""
        if self.fake.fault("429"):
            self.body()
            self.reply(429, {"error": "slow down"}, {"Retry-After": "1"})
            return True
        if self.fake.fault("500"):
            self.body()
            self.reply(500, {"error": "internal"})
            return True
        return False

    def receive(self, up: Upload, offset: int, keep_partial: bool = True) -> bool:
        """Read the body into `up` at `offset`; on a 'drop' fault read half and cut the connection."""
        n = int(self.headers.get("Content-Length") or 0)
        if self.fake.fault("drop"):
            part = self.rfile.read(n // 2)
            if keep_partial:
                up.data[offset:offset + len(part)] = part
                del up.data[offset + len(part):]
            self.close_connection = True
            self.connection.shutdown(2)
            return False
        data = self.rfile.read(n)
        up.data[offset:offset + len(data)] = data
        del up.data[offset + len(data):]
        up.done = len(up.data) >= up.size
        if up.done:
            self.fake.maybe_kill("upload")
        return True

    def route(self, method: str) -> None:
        self.fake.requests.append(f"{method} {self.path.split('?')[0]}")
        url = urllib.parse.urlsplit(self.path)
        q = {k: v[0] for k, v in urllib.parse.parse_qs(url.query).items()}
        parts = [p for p in url.path.split("/") if p]
        with_fake = getattr(self, f"on_{parts[0].replace('-', '_').replace('.', '_')}", None) if parts else None
        if with_fake is None:
            self.body()
            self.reply(404, {"error": "no route"})
            return
        with_fake(method, parts, q)

    def do_GET(self) -> None:  # noqa: N802
        self.route("GET")

    def do_POST(self) -> None:  # noqa: N802
        self.route("POST")

    def do_PUT(self) -> None:  # noqa: N802
        self.route("PUT")

    # -- OAuth (token refresh and code exchange) --------------------------------------------------------
    def on_oauth(self, method: str, parts: list[str], q: dict) -> None:
        f = self.form()
        if parts[-1] == "authorize":  # the consent page: straight back to the redirect with a code
            self.send_response(302)
            loc = q["redirect_uri"] + "?" + urllib.parse.urlencode({"code": "c0de", "state": q["state"]})
            self.send_header("Location", loc)
            self.send_header("Content-Length", "0")
            self.end_headers()
            self.fake.uploads["oauth"] = Upload(meta={"challenge": q.get("code_challenge", ""), "query": q})
            return
        self.fake.uploads.setdefault("token_calls", Upload()).meta.setdefault("forms", []).append(
            {**f, "headers": dict(self.headers)})
        if f.get("grant_type") == "fb_exchange_token":  # Meta: a short-lived user token for a long-lived one
            ok = f.get("fb_exchange_token") == GOOD and f.get("client_secret") == "app-secret-xyz"
            self.reply(200 if ok else 400, {"access_token": LONG_USER, "token_type": "bearer", "expires_in": 5183944}
                       if ok else {"error": {"message": "bad exchange", "code": 100}})
        elif f.get("grant_type") == "refresh_token" and f.get("refresh_token") == "secret-refresh-r1":
            self.reply(200, {"access_token": FRESH, "expires_in": 3600, "refresh_token": "secret-refresh-r2"})
        elif f.get("grant_type") == "authorization_code" and f.get("code") == "c0de":
            import base64
            import hashlib

            want = self.fake.uploads["oauth"].meta["challenge"]
            got = base64.urlsafe_b64encode(hashlib.sha256(f.get("code_verifier", "").encode()).digest()).rstrip(b"=")
            if want and got.decode() != want:
                self.reply(400, {"error": "invalid_grant"})
                return
            self.reply(200, {"access_token": GOOD, "expires_in": 3600, "refresh_token": "secret-refresh-r1"})
        else:
            self.reply(400, {"error": "invalid_grant"})

    # -- Meta: Graph API ----------------------------------------------------------------------------------
    def on_v27_0(self, method: str, parts: list[str], q: dict) -> None:
        fake = self.fake
        if method == "GET" and self._pages(parts, q):
            return
        if not self.authorized("meta"):
            return
        if method == "GET":
            up = fake.uploads[parts[1]]
            fields = q.get("fields", "")
            if "permalink" in fields:
                self.reply(200, {"permalink": f"https://www.instagram.com/reel/{parts[1]}/"})
            elif "status_code" in fields:
                up.polls += 1
                code = "PUBLISHED" if up.published else "FINISHED" if up.done and up.polls > fake.in_progress \
                    else "IN_PROGRESS"
                if code == "FINISHED" and fake.fault("container_error"):
                    code = "ERROR"
                self.reply(200, {"status_code": code, "id": parts[1]})
            else:
                st = {"uploading_phase": {"status": "complete" if up.done else "in_progress",
                                          "bytes_transferred": len(up.data)},
                      "publishing_phase": {"status": "complete" if up.published else "not_started"}}
                self.reply(200, {"video_status": st, "status": st})
            return
        f = self.form()
        edge = parts[2]
        if edge == "video_reels":
            if f["upload_phase"] == "start":
                vid = fake.new("reel")
                self.reply(200, {"video_id": vid, "upload_url": f"{self.base}/video-upload/{V}/{vid}"})
            else:
                up = fake.uploads[f["video_id"]]
                if not up.done:
                    self.reply(400, {"error": {"code": 6000, "message": "upload not complete"}})
                    return
                fake.publish("facebook_reels", f["video_id"])
                fake.maybe_kill("publish")
                self.reply(200, {"success": True})
        elif edge == "videos":
            phase = f["upload_phase"]
            if phase == "start":
                vid = fake.new("vid", int(f["file_size"]))
                fake.uploads[vid].meta["session"] = sid = f"s{vid}"
                fake.uploads[sid] = fake.uploads[vid]
                self.reply(200, {"video_id": vid, "upload_session_id": sid, "start_offset": "0",
                                 "end_offset": str(min(300_000, fake.uploads[vid].size))})
            elif phase == "transfer":
                up = fake.uploads[f["upload_session_id"]]
                start = int(f["start_offset"])
                if self.fake.fault("500"):
                    self.reply(500, {"error": {"code": 1, "message": "internal"}})
                    return
                if self.fake.fault("429"):
                    self.reply(429, {"error": {"code": 32, "message": "rate"}}, {"Retry-After": "1"})
                    return
                if start != len(up.data):
                    self.reply(400, {"error": {"code": 6001, "error_subcode": 1363037, "error_data": {
                        "start_offset": str(len(up.data)), "end_offset": str(min(len(up.data) + 300_000, up.size))}}})
                    return
                up.data += f["video_file_chunk"]
                up.done = len(up.data) >= up.size
                if up.done:
                    fake.maybe_kill("upload")
                if self.fake.fault("drop"):  # the chunk arrived, the answer is lost
                    self.close_connection = True
                    self.connection.shutdown(2)
                    return
                n = len(up.data)
                self.reply(200, {"start_offset": str(n), "end_offset": str(min(n + 300_000, up.size))})
            else:
                up = fake.uploads[f["upload_session_id"]]
                vid = next(k for k, v in fake.uploads.items() if v is up and k.startswith("vid"))
                fake.publish("facebook_feed", vid)
                fake.maybe_kill("publish")
                self.reply(200, {"success": True})
        elif edge == "media":
            cid = fake.new("cont")
            fake.uploads[cid].meta.update(f)
            self.reply(200, {"id": cid, "uri": f"{self.base}/ig-api-upload/{V}/{cid}"})
        elif edge == "media_publish":
            up = fake.uploads[f["creation_id"]]
            if not up.done or up.polls <= fake.in_progress:
                self.reply(400, {"error": {"code": 9007, "error_subcode": 2207027, "message": "Media is not ready"}})
                return
            fake.publish("instagram_reels", f["creation_id"])
            fake.maybe_kill("publish")
            media = fake.new("media")
            self.reply(200, {"id": media})
        else:
            self.reply(404, {"error": "edge"})

    def _pages(self, parts: list[str], q: dict) -> bool:
        """/me/accounts (two Pages per answer, cursor paging) and /{page-id}?fields=instagram_business_account,
        for the long-lived user token only."""
        pages = {p["id"]: p for p in self.fake.pages}
        if parts[1:] != ["me", "accounts"] and parts[1] not in pages:
            return False
        if self.token() != LONG_USER:
            self.reply(400, {"error": {"message": "Invalid OAuth access token", "type": "OAuthException", "code": 190}})
            return True
        if parts[1] in pages:
            ig = pages[parts[1]].get("ig")
            self.reply(200, {"id": parts[1], **({"instagram_business_account": {"id": ig}} if ig else {})})
            return True
        start = int(q.get("after", "0"))
        rows = [{k: v for k, v in p.items() if k in q["fields"].split(",")} for p in self.fake.pages[start:start + 2]]
        more = start + 2 < len(self.fake.pages)
        paging = {"cursors": {"before": str(start), "after": str(start + 2)}, **({"next": "https://x/next"} if more else {})}
        self.reply(200, {"data": rows, "paging": paging})
        return True

    def on_covers(self, method: str, parts: list[str], q: dict) -> None:
        """Public files (no token): what an office's web server would serve at its cover URL."""
        data = self.fake.files.get("/".join(parts[1:]))
        if data is None:
            self.reply(404, {"error": "not found"})
            return
        self.send_response(200)
        self.send_header("Content-Type", "image/jpeg")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def _rupload(self, uid: str) -> None:
        if not self.authorized("meta") or self.upload_faults():
            return
        up = self.fake.uploads[uid]
        up.size = int(self.headers["file_size"])
        offset = int(self.headers["offset"])
        if offset > len(up.data):
            self.body()
            self.reply(400, {"error": {"message": "bad offset"}})
            return
        if self.receive(up, offset):
            self.reply(200, {"success": True})

    def on_video_upload(self, method: str, parts: list[str], q: dict) -> None:
        self._rupload(parts[2])

    def on_ig_api_upload(self, method: str, parts: list[str], q: dict) -> None:
        self._rupload(parts[2])

    # -- YouTube --------------------------------------------------------------------------------------------
    def on_upload(self, method: str, parts: list[str], q: dict) -> None:
        fake = self.fake
        if parts[1] == "tiktok":
            return self._tiktok_put(parts[2])
        if parts[-1] == "set":  # thumbnails.set
            if not self.authorized("bearer"):
                return
            data = self.body()
            fake.uploads[q["videoId"]].meta["thumbnail"] = data
            self.reply(200, {"items": [{"default": {"url": "x"}}]})
            return
        if method == "POST":
            if not self.authorized("bearer"):
                return
            meta = json.loads(self.body() or b"{}")
            uid = fake.new("yt", int(self.headers["X-Upload-Content-Length"]), resource=meta)
            self.reply(200, None, {"Location": f"{self.base}/upload/youtube/v3/videos?uploadType=resumable&upload_id={uid}"})
            return
        up = fake.uploads[q["upload_id"]]  # PUT to the session URI (no token needed, as with Google)
        rng = self.headers.get("Content-Range", "")
        if rng.startswith("bytes */"):
            self.body()
            if up.done:
                self.reply(200, {"id": q["upload_id"]})
            else:
                self.reply(308, None, {"Range": f"bytes=0-{len(up.data) - 1}"} if up.data else {})
            return
        if self.upload_faults():
            return
        first = int(rng.split(" ")[1].split("-")[0])
        if first != len(up.data):
            self.body()
            self.reply(308, None, {"Range": f"bytes=0-{len(up.data) - 1}"} if up.data else {})
            return
        if not self.receive(up, first):
            return
        if up.done:
            fake.publish("youtube", q["upload_id"])
            self.reply(200, {"id": q["upload_id"], "status": {"uploadStatus": "uploaded"}})
        else:
            self.reply(308, None, {"Range": f"bytes=0-{len(up.data) - 1}"})

    # -- TikTok ---------------------------------------------------------------------------------------------
    def on_v2(self, method: str, parts: list[str], q: dict) -> None:
        fake = self.fake
        if not self.authorized("bearer"):
            return
        f = self.form()
        ok = {"code": "ok", "message": ""}
        path = "/".join(parts)
        if path.endswith("creator_info/query"):
            self.reply(200, {"data": {"creator_username": "lapvo", "creator_nickname": "Lấp Vò",
                                      "privacy_level_options": ["SELF_ONLY", "PUBLIC_TO_EVERYONE"],
                                      "max_video_post_duration_sec": 600}, "error": ok})
        elif path.endswith("video/init"):
            src = f["source_info"]
            if src["total_chunk_count"] < 1 or src["chunk_size"] * src["total_chunk_count"] > src["video_size"]:
                self.reply(400, {"error": {"code": "invalid_param", "message": "chunks"}})
                return
            pid = fake.new("pub", src["video_size"], direct="inbox" not in path, chunk=src["chunk_size"],
                           count=src["total_chunk_count"])
            self.reply(200, {"data": {"publish_id": pid, "upload_url": f"{self.base}/upload/tiktok/{pid}"}, "error": ok})
        elif path.endswith("status/fetch"):
            up = fake.uploads[f["publish_id"]]
            if not up.done:
                self.reply(200, {"data": {"status": "PROCESSING_UPLOAD"}, "error": ok})
            elif up.meta["direct"]:
                self.reply(200, {"data": {"status": "PUBLISH_COMPLETE", "publicaly_available_post_id": [7001]}, "error": ok})
            else:
                self.reply(200, {"data": {"status": "SEND_TO_USER_INBOX"}, "error": ok})
        else:
            self.reply(404, {"error": {"code": "not_found"}})

    def _tiktok_put(self, pid: str) -> None:
        if self.upload_faults():
            return
        up = self.fake.uploads[pid]
        first, last = (int(x) for x in self.headers["Content-Range"].split(" ")[1].split("/")[0].split("-"))
        if first != len(up.data):
            self.body()
            self.reply(416, {"error": {"code": "range"}})
            return
        if not self.receive(up, first, keep_partial=False):
            return
        if up.done:
            self.fake.publish("tiktok", pid)
            self.reply(201, {})
        else:
            self.reply(206, {})

    # -- Zalo -----------------------------------------------------------------------------------------------
    def on_v2_0(self, method: str, parts: list[str], q: dict) -> None:
        fake = self.fake
        if not self.authorized("zalo"):
            return
        path = "/".join(parts[1:])
        if path == "article/upload_video/preparevideo":
            if self.upload_faults():
                return
            if self.fake.fault("drop"):
                self.rfile.read(int(self.headers.get("Content-Length") or 0) // 2)
                self.close_connection = True
                self.connection.shutdown(2)
                return
            data = self.form()["file"]
            tok = fake.new("ztok", len(data))
            fake.uploads[tok].data += data
            fake.uploads[tok].done = True
            fake.maybe_kill("upload")
            self.reply(200, {"error": 0, "data": {"token": tok}})
        elif path == "article/upload_video/verify":
            self.body()
            up = fake.uploads[self.headers["token"]]
            up.polls += 1
            ready = up.polls > fake.in_progress
            self.reply(200, {"error": 0, "data": {"status": 1 if ready else 3, "convert_percent": 100 if ready else 40,
                                                  "video_id": self.headers["token"].replace("ztok", "zv")}})
        elif path == "oa/upload/image":
            self.form()
            self.reply(200, {"error": 0, "data": {"url": "https://zalo.example/cover.jpg"}})
        elif path == "article/create":
            f = self.form()
            if fake.fault("plan"):
                self.reply(200, {"error": -224, "message": "OA has not permission to use this feature"})
                return
            tok = f["video_id"].replace("zv", "ztok")
            fake.uploads[tok].meta["article"] = f
            fake.publish("zalo", tok)
            fake.maybe_kill("publish")
            self.reply(200, {"error": 0, "data": {"token": "art-" + tok}})
        elif path == "article/verify":
            f = self.form()
            self.reply(200, {"error": 0, "data": {"id": f["token"].replace("art-ztok", "a")}})
        elif path == "article/getslice":
            self.body()
            medias = [{"id": uid.replace("ztok", "a"), "title": u.meta["article"]["title"]}
                      for uid, u in fake.uploads.items() if u.published and "article" in u.meta]
            self.reply(200, {"error": 0, "data": {"medias": medias}})
        else:
            self.reply(404, {"error": -201})


def serve() -> tuple[ThreadingHTTPServer, Fake, str]:
    fake = Fake()
    handler = type("H", (Handler,), {"fake": fake})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, fake, f"http://127.0.0.1:{server.server_address[1]}"
