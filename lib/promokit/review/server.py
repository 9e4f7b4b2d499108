"""`promokit serve`: the review page live, with approve / request changes per post package.

Routes (GET unless said):
  /                       the whole page (loopback only)         /files/<campaign>/<path>    its files
  POST /decide            a decision                            /r/<token>/ · /r/<token>/files/… · POST /r/<token>/decide
                                                                the same, scoped to a review link's campaign
Bound to a non-loopback address the server is "public": every page needs a token (a review link, or the
all-campaigns link printed at start, kept only in memory). Files are served only from campaign folders
under output/ (no `..`, no hidden files, nothing resolving outside, no ledger). Forms carry a CSRF token
(HMAC of the page's scope with a per-process secret); a decision is refused when the package's files
changed since the page was loaded (the form carries the digest shown).
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import re
import secrets
import sys
import threading
import unicodedata
from dataclasses import dataclass
from pathlib import Path

import jinja2
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import FileResponse, HTMLResponse, RedirectResponse, Response
from starlette.routing import Route

from ..catalog import Catalog
from ..text import nfc
from . import approvals, links
from .freshness import fingerprint
from .gallery import TEMPLATES, Live, gallery_html
from .load import load_review

LOOPBACK_NAMES = {"localhost", "127.0.0.1", "::1", "[::1]"}
MAX_REVIEWER, MAX_COMMENT = 120, 2000
_DIGEST = re.compile(r"^[0-9a-f]{64}$")
_ACTIVE = {".html", ".htm", ".svg", ".xhtml", ".xml"}  # served sandboxed: campaign HTML never runs as this origin


def is_loopback(host: str) -> bool:
    if host in LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


@dataclass(frozen=True)
class Scope:
    """What a request may see: one campaign or all (`campaign` None), under a URL prefix."""

    campaign: str | None
    prefix: str  # "/" or "/r/<token>/"
    key: str  # what the CSRF token is bound to
    via: str  # recorded with decisions: "local", "link:<id>", "admin-link"


class ReviewApp:
    """The review server's state: output folder, mode and the per-process secret."""

    def __init__(self, output: Path, *, assets: Path | None = None, public: bool = False,
                 admin_token: str | None = None) -> None:
        self.output = Path(output)
        self.root = self.output.resolve()
        self.assets = assets
        self.public = public
        self.ledger = Catalog(self.output).ledger
        self.secret = secrets.token_bytes(32)
        self.admin_hash = links.token_hash(admin_token) if admin_token else None
        self.env = jinja2.Environment(loader=jinja2.FileSystemLoader(TEMPLATES), autoescape=True)
        # rendered pages by scope, reused while nothing they show has changed (see `model.fingerprint`)
        self.pages: dict[tuple[str | None, str], tuple[tuple, str, str]] = {}
        self.views: dict = {}  # campaign views by campaign, reused while their outputs are unchanged
        self.lock = threading.Lock()

    def render_page(self, scope: Scope, nonce: str) -> str:
        """The page for `scope` with a fresh script nonce; rebuilt only when its fingerprint changed."""
        campaigns = [scope.campaign] if scope.campaign else None
        fp = fingerprint(self.output, assets=self.assets, campaigns=campaigns)
        key = (scope.campaign, scope.prefix)
        with self.lock:
            cached = self.pages.get(key)
        if cached is None or cached[0] != fp:
            placeholder = secrets.token_hex(16)  # stands for the nonce in the stored page
            review = load_review(self.output, assets=self.assets, campaigns=campaigns, cache=self.views)
            live = Live(action=f"{scope.prefix}decide", csrf=self.csrf(scope), nonce=placeholder,
                        base=f"{scope.prefix}files/", scope=scope.campaign or "")
            cached = (fp, gallery_html(review, live=live), placeholder)
            with self.lock:
                if len(self.pages) > 64:
                    self.pages.clear()
                self.pages[key] = cached
        return cached[1].replace(cached[2], nonce)

    # -- access ------------------------------------------------------------------------------------
    def csrf(self, scope: Scope) -> str:
        return hmac.new(self.secret, f"csrf\0{scope.key}".encode(), hashlib.sha256).hexdigest()

    def scope(self, request: Request) -> Scope | Response:
        if not self.public and not is_loopback(_hostname(request.headers.get("host") or "")):
            # loopback mode answers only to loopback names (a DNS-rebinding page cannot read it)
            return self.message(403, "Tên máy không được phép", "host not allowed",
                                "mở bằng http://127.0.0.1 / open it as http://127.0.0.1")
        token = request.path_params.get("token")
        if token is None:
            if self.public:
                return self.message(403, "Cần liên kết duyệt có mã", "a review link with a token is needed",
                                    "xin liên kết từ người chạy máy chủ / ask whoever runs the server for a link")
            return Scope(None, "/", "local", "local")
        if self.admin_hash and links.looks_like_token(token) \
                and hmac.compare_digest(links.token_hash(token), self.admin_hash):
            return Scope(None, f"/r/{token}/", "admin:" + self.admin_hash, "admin-link")
        link = links.resolve(self.ledger, token)
        if link is None:
            return self.message(404, "Liên kết duyệt không đúng hoặc đã thu hồi", "unknown or revoked review link",
                                "xin liên kết mới / ask for a new link")
        return Scope(link.campaign, f"/r/{token}/", "link:" + links.token_hash(token), f"link:{link.id}")

    # -- responses ---------------------------------------------------------------------------------
    def message(self, status: int, vi: str, en: str, fix: str = "", back: str = "") -> HTMLResponse:
        html = self.env.get_template("message.html.j2").render(status=status, vi=vi, en=en, fix=fix, back=back)
        return HTMLResponse(html, status_code=status, headers=_headers())

    def safe_file(self, rel: str, campaign: str | None) -> Path | None:
        """The file `rel` names under a campaign folder of output/, or None (anything else)."""
        parts = rel.split("/")
        if len(parts) < 2 or any(p in ("", ".", "..") or p.startswith(".") or "\\" in p or "\0" in p
                                 or p.endswith(".sqlite") for p in parts):
            return None
        if campaign is not None and parts[0] != campaign:
            return None
        base = self.root / parts[0]
        try:
            path = (self.root / rel).resolve(strict=True)
        except (OSError, RuntimeError):
            return None
        if not base.is_dir() or base.is_symlink() or not path.is_relative_to(base.resolve()) or not path.is_file():
            return None
        return path


def _hostname(header: str) -> str:
    """The host of a Host header ("127.0.0.1:8765" -> "127.0.0.1", "[::1]:80" -> "[::1]")."""
    return header.split("]")[0] + "]" if header.startswith("[") else header.rsplit(":", 1)[0]


def _headers(nonce: str | None = None) -> dict[str, str]:
    src = f"'nonce-{nonce}'" if nonce else "'none'"
    return {"Content-Security-Policy": f"default-src 'none'; script-src {src}; style-src {src}; img-src 'self' data:; "
                                       "media-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
            "Referrer-Policy": "same-origin", "X-Content-Type-Options": "nosniff", "Cache-Control": "no-store",
            "X-Frame-Options": "DENY"}


def _clean(text: str, limit: int) -> str | None:
    """NFC text without control characters (newlines kept), at most `limit` characters; None if longer."""
    text = nfc(text).replace("\r\n", "\n").strip()
    if len(text) > limit:
        return None
    return "".join(ch for ch in text if ch == "\n" or unicodedata.category(ch) != "Cc")


def create_app(output: Path, *, assets: Path | None = None, public: bool = False,
               admin_token: str | None = None) -> Starlette:
    """The review server as an ASGI app (uvicorn runs it; tests drive it directly)."""
    app_state = ReviewApp(output, assets=assets, public=public, admin_token=admin_token)

    async def page(request: Request) -> Response:
        scope = app_state.scope(request)
        if isinstance(scope, Response):
            return scope
        if request.path_params.get("token") and not request.url.path.endswith("/"):
            return RedirectResponse(scope.prefix, status_code=308)
        nonce = secrets.token_urlsafe(16)
        html = await run_in_threadpool(app_state.render_page, scope, nonce)
        return HTMLResponse(html, headers=_headers(nonce))

    async def files(request: Request) -> Response:
        scope = app_state.scope(request)
        if isinstance(scope, Response):
            return scope
        raw = request.scope.get("raw_path", b"").decode("latin-1").lower()
        if "%2e" in raw or "%2f" in raw or "%5c" in raw:  # no encoded dots or slashes in file names
            return app_state.message(404, "Không có tệp này", "no such file")
        path = app_state.safe_file(request.path_params["path"], scope.campaign)
        if path is None:
            return app_state.message(404, "Không có tệp này", "no such file")
        headers = {"X-Content-Type-Options": "nosniff", "Referrer-Policy": "no-referrer"}
        if path.suffix.lower() in _ACTIVE:
            headers["Content-Security-Policy"] = "sandbox; default-src 'self' data: 'unsafe-inline'"
        return FileResponse(path, headers=headers)

    async def decide(request: Request) -> Response:
        scope = app_state.scope(request)
        if isinstance(scope, Response):
            return scope
        origin = request.headers.get("origin")
        if origin and origin != f"{request.url.scheme}://{request.headers.get('host', '')}":
            return app_state.message(403, "Yêu cầu từ trang khác bị từ chối", "cross-site request refused",
                                     back=scope.prefix)
        form = await request.form(max_files=0, max_fields=20)
        got = str(form.get("csrf") or "")
        if not hmac.compare_digest(got.encode(), app_state.csrf(scope).encode()):
            return app_state.message(403, "Thiếu hoặc sai mã chống giả mạo (CSRF)", "missing or wrong CSRF token",
                                     "tải lại trang rồi quyết định lại / reload the page and decide again",
                                     back=scope.prefix)
        campaign, platform = str(form.get("campaign") or ""), str(form.get("platform") or "")
        decision, digest = str(form.get("decision") or ""), str(form.get("digest") or "")
        reviewer = _clean(str(form.get("reviewer") or ""), MAX_REVIEWER)
        comment = _clean(str(form.get("comment") or ""), MAX_COMMENT)
        if scope.campaign is not None and campaign != scope.campaign:
            return app_state.message(403, "Liên kết này chỉ cho chiến dịch khác", "this link is for another campaign",
                                     back=scope.prefix)
        if decision not in {"approved", "changes_requested"} or not _DIGEST.match(digest):
            return app_state.message(400, "Quyết định không hợp lệ", "invalid decision", back=scope.prefix)
        if not reviewer or comment is None:
            return app_state.message(400, "Cần tên người duyệt (≤ 120 ký tự), nhận xét ≤ 2.000 ký tự",
                                     "reviewer name needed (≤ 120 characters), comment ≤ 2,000", back=scope.prefix)
        review = await run_in_threadpool(load_review, app_state.output, assets=app_state.assets,
                                         campaigns=[campaign], fresh=True)
        card = review.card(campaign, platform)
        if card is None:
            return app_state.message(404, "Không có gói bài đăng này", "no such post package", back=scope.prefix)
        if card.digest != digest:
            return app_state.message(
                409, "Tệp của gói đã thay đổi từ khi tải trang; chưa ghi quyết định",
                "the package's files changed since the page was loaded; nothing was recorded",
                "tải lại trang, xem bản mới rồi quyết định / reload, look at the new version, then decide",
                back=f"{scope.prefix}#{card.anchor}")
        failed = [r for v in (card.verdict, card.package_verdict) if v is not None and v.ok is False
                  for r in (v.reasons or (v.summary,))]
        if decision == "approved" and failed:
            # a failing check (conformance, layout audit, package rules) blocks approval unless overridden with a reason
            if form.get("override") != "1" or not (comment or "").strip():
                return app_state.message(
                    409, "Kiểm tra chưa đạt: " + "; ".join(failed[:3]) + " — chưa ghi quyết định",
                    "checks failed: " + "; ".join(failed[:3]) + " — nothing was recorded",
                    "sửa rồi dựng lại, hoặc đánh dấu 'duyệt dù chưa đạt' và ghi lý do / fix and render again, or tick "
                    "'approve despite failed checks' and give the reason", back=f"{scope.prefix}#{card.anchor}")
            comment = f"[bỏ qua kiểm tra / checks overridden: {', '.join(failed[:3])}] {comment}"
        await run_in_threadpool(approvals.record, app_state.ledger, campaign, platform, digest, decision, reviewer,
                                comment, scope.via)
        return RedirectResponse(f"{scope.prefix}#{card.anchor}", status_code=303)

    routes = [
        Route("/", page, methods=["GET"]),
        Route("/files/{path:path}", files, methods=["GET", "HEAD"]),
        Route("/decide", decide, methods=["POST"]),
        Route("/r/{token}", page, methods=["GET"]),
        Route("/r/{token}/", page, methods=["GET"]),
        Route("/r/{token}/files/{path:path}", files, methods=["GET", "HEAD"]),
        Route("/r/{token}/decide", decide, methods=["POST"]),
    ]
    return Starlette(routes=routes)


def serve(output: Path, host: str = "127.0.0.1", port: int = 8765, *, assets: Path | None = None) -> None:
    """Run the review server until interrupted (uvicorn, no access log: links carry tokens)."""
    import uvicorn

    public = not is_loopback(host)
    admin = secrets.token_urlsafe(links.TOKEN_BYTES) if public else None
    app = create_app(output, assets=assets, public=public, admin_token=admin)
    shown = f"[{host}]" if ":" in host else host
    if public:
        print(f"⚠ Máy chủ mở ra mạng ({host}): mọi trang cần liên kết có mã; HTTP không mã hóa, chỉ dùng trong mạng "
              f"tin cậy. / The server listens on the network ({host}): every page needs a link with a token; plain "
              f"HTTP, use it on a trusted network only.", file=sys.stderr)
        print(f"Liên kết xem mọi chiến dịch (chỉ lần chạy này) / all-campaigns link (this run only): "
              f"http://{shown}:{port}/r/{admin}/", flush=True)
        print("Liên kết cho một chiến dịch / a one-campaign link: promokit review --link <id>", flush=True)
    else:
        print(f"Trang duyệt / review page: http://{shown}:{port}/  (Ctrl-C để dừng / to stop)", flush=True)
    uvicorn.run(app, host=host, port=port, access_log=False, log_level="warning", server_header=False,
                proxy_headers=False)
