"""`promokit auth <service>`: the platform's OAuth flow with a loopback redirect (PKCE where offered).

The user opens the printed link (a browser is opened when there is one), consents, and the platform
redirects to `http://127.0.0.1:<port>/callback`, which this process listens on; the code is exchanged for
tokens, and the refresh token (with the current access token and its expiry) is kept in the user's
credential store (mode 0600, outside the project; see `credentials`). The app's client id and secret come
from `PROMOKIT_<SERVICE>_CLIENT_ID` / `_CLIENT_SECRET` (environment or `.env`); endpoints can be moved with
`PROMOKIT_<SERVICE>_AUTH_URL` / `_TOKEN_URL` (tests use loopback servers).
"""

from __future__ import annotations

import base64
import hashlib
import http.server
import secrets
import threading
import time
import urllib.parse
import webbrowser
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import httpx

from ..errors import PromokitError, UsageError
from ..registry import Registry
from .credentials import env_value, write_store
from .pages import page_entry
from .publishers.meta import GRAPH_VERSION


class AuthFlowError(PromokitError):
    """The OAuth flow failed (refused consent, wrong state, token endpoint error)."""


@dataclass(frozen=True)
class Provider:
    """One platform's OAuth endpoints and quirks."""

    service: str
    auth_url: str
    token_url: str
    scopes: tuple[str, ...]
    scope_sep: str = " "
    client_param: str = "client_id"  # TikTok: client_key; Zalo: app_id
    pkce: bool = True
    secret_header: str = ""  # Zalo sends the app secret as a header
    extra: tuple[tuple[str, str], ...] = ()
    refreshable: bool = True
    account_hint: str = ""
    page_token: bool = False  # Meta: keep the chosen Page's token (`pages`), not the user's
    linked_instagram: bool = False  # …and post to the Page's linked Instagram account

    def url(self, which: str) -> str:
        return env_value(f"PROMOKIT_{self.service.upper()}_{which.upper()}_URL") or getattr(self, f"{which}_url")

    def client(self) -> tuple[str, str]:
        cid = env_value(f"PROMOKIT_{self.service.upper()}_CLIENT_ID")
        secret = env_value(f"PROMOKIT_{self.service.upper()}_CLIENT_SECRET") or ""
        if not cid:
            raise UsageError.fail(
                f"thiếu PROMOKIT_{self.service.upper()}_CLIENT_ID", f"PROMOKIT_{self.service.upper()}_CLIENT_ID missing",
                field=f"PROMOKIT_{self.service.upper()}_CLIENT_ID",
                fix_vi="tạo ứng dụng trên trang nhà phát triển của nền tảng (xem README) và ghi mã vào .env",
                fix_en="create an app on the platform's developer site (see the README) and put its id in .env")
        return cid, secret


PROVIDERS: Registry[Provider] = Registry("dịch vụ đăng nhập", "auth service")
for _p in (
    Provider("youtube", "https://accounts.google.com/o/oauth2/v2/auth", "https://oauth2.googleapis.com/token",
             ("https://www.googleapis.com/auth/youtube.upload",),
             extra=(("access_type", "offline"), ("prompt", "consent")), account_hint="channel id"),
    Provider("tiktok", "https://www.tiktok.com/v2/auth/authorize/", "https://open.tiktokapis.com/v2/oauth/token/",
             ("user.info.basic", "video.upload", "video.publish"), scope_sep=",", client_param="client_key"),
    Provider("zalo", "https://oauth.zaloapp.com/v4/oa/permission", "https://oauth.zaloapp.com/v4/oa/access_token",
             (), client_param="app_id", secret_header="secret_key", account_hint="OA id"),
    Provider("facebook", f"https://www.facebook.com/{GRAPH_VERSION}/dialog/oauth",
             f"https://graph.facebook.com/{GRAPH_VERSION}/oauth/access_token",
             ("pages_show_list", "pages_read_engagement", "pages_manage_posts"), scope_sep=",", pkce=False,
             refreshable=False, account_hint="page id or name", page_token=True),
    Provider("instagram", f"https://www.facebook.com/{GRAPH_VERSION}/dialog/oauth",
             f"https://graph.facebook.com/{GRAPH_VERSION}/oauth/access_token",
             ("instagram_basic", "instagram_content_publish", "pages_read_engagement", "pages_show_list"),
             scope_sep=",", pkce=False, refreshable=False, account_hint="page id or name", page_token=True,
             linked_instagram=True),
):
    PROVIDERS.add(_p.service, _p)


def service_of(name: str) -> str:
    """`facebook_reels` → `facebook`; a service name stays itself."""
    if name in PROVIDERS:
        return name
    from .publishers import PUBLISHERS

    if name not in PUBLISHERS:
        known = ", ".join([*PROVIDERS.names(), *PUBLISHERS.names()])
        raise UsageError.fail(f"nền tảng '{name}' không tồn tại", f"unknown platform '{name}'", field="platform",
                              fix_vi=f"dùng một trong: {known}", fix_en=f"use one of: {known}")
    return PUBLISHERS.get(name).service


def pkce_pair() -> tuple[str, str]:
    """(verifier, S256 challenge) per RFC 7636."""
    verifier = base64.urlsafe_b64encode(secrets.token_bytes(48)).rstrip(b"=").decode()
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
    return verifier, challenge


def _token_call(p: Provider, form: dict[str, str]) -> dict[str, Any]:
    cid, secret = p.client()
    form = {p.client_param: cid, **form}
    headers = {"Accept": "application/json"}
    if p.secret_header:
        headers[p.secret_header] = secret
    elif secret:
        form["client_secret"] = secret
    r = httpx.post(p.url("token"), data=form, headers=headers, timeout=30)
    try:
        data = r.json()
    except ValueError:
        data = {}
    data = data.get("data", data) if isinstance(data, dict) and "access_token" not in data else data
    if r.status_code >= 400 or not isinstance(data, dict) or not data.get("access_token"):
        why = data.get("error") if isinstance(data, dict) else None
        raise AuthFlowError.fail(f"{p.service} từ chối cấp mã (HTTP {r.status_code}, {why or '?'})",
                                 f"{p.service} refused the token request (HTTP {r.status_code}, {why or '?'})",
                                 fix_vi=f"chạy lại promokit auth {p.service}; kiểm tra client id/secret",
                                 fix_en=f"run promokit auth {p.service} again; check the client id/secret")
    return data


def _entry(p: Provider, data: dict[str, Any], old: dict[str, Any] | None = None) -> dict[str, Any]:
    expires = data.get("expires_in")
    return {"access_token": data["access_token"],
            "refresh_token": data.get("refresh_token") or (old or {}).get("refresh_token", ""),
            "expires_at": time.time() + float(expires) if expires else None,
            "account": (old or {}).get("account", ""), "obtained": time.time()}


def refresher_for(service: str) -> Callable[[dict[str, Any]], dict[str, Any]] | None:
    """A function exchanging a stored refresh token for new tokens (None where the platform has none)."""
    p = PROVIDERS.get(service)
    if not p.refreshable:
        return None

    def refresh(entry: dict[str, Any]) -> dict[str, Any]:
        data = _token_call(p, {"grant_type": "refresh_token", "refresh_token": entry["refresh_token"]})
        return _entry(p, data, entry)

    return refresh


class _Callback(http.server.BaseHTTPRequestHandler):
    result: dict[str, str]
    done: threading.Event

    def do_GET(self) -> None:  # noqa: N802 - http.server's name
        q = urllib.parse.parse_qs(urllib.parse.urlsplit(self.path).query)
        if not urllib.parse.urlsplit(self.path).path.endswith("/callback"):
            self.send_response(404)
            self.end_headers()
            return
        type(self).result.update({k: v[0] for k, v in q.items()})
        body = "Đã xong, quay lại cửa sổ lệnh. / Done: go back to the terminal.".encode()
        self.send_response(200)
        self.send_header("Content-Type", "text/plain; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)
        type(self).done.set()

    def log_message(self, *args: Any) -> None:  # the query holds the code: never logged
        pass


def authorize(service: str, *, account: str = "", page: str = "", port: int = 0, open_browser: bool = True,
              say: Callable[[str], None] = print, timeout: float = 300.0) -> str:
    """Run the OAuth flow for `service` and store the tokens; return the store's path (never a token).

    Facebook and Instagram then take the Page-token step (`pages.page_entry`): the user token is exchanged
    for a long-lived one, the Page `page` (id or name; `account` too; or the only one) is chosen and its
    token is what is kept, with the Page id (Instagram: its linked professional account's id) as account."""
    p = PROVIDERS.get(service_of(service), field="platform")
    cid, _ = p.client()
    handler = type("Callback", (_Callback,), {"result": {}, "done": threading.Event()})
    server = http.server.HTTPServer(("127.0.0.1", port), handler)
    redirect = f"http://127.0.0.1:{server.server_address[1]}/callback"
    state = secrets.token_urlsafe(24)
    params = {p.client_param: cid, "redirect_uri": redirect, "response_type": "code", "state": state}
    if p.scopes:
        params["scope"] = p.scope_sep.join(p.scopes)
    verifier = ""
    if p.pkce:
        verifier, challenge = pkce_pair()
        params.update(code_challenge=challenge, code_challenge_method="S256")
    params.update(dict(p.extra))
    link = p.url("auth") + ("&" if "?" in p.url("auth") else "?") + urllib.parse.urlencode(params)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        say(f"Mở liên kết này để cấp quyền / open this link to authorize:\n{link}")
        if open_browser:
            webbrowser.open(link)
        if not handler.done.wait(timeout):
            raise AuthFlowError.fail("hết thời gian chờ cấp quyền", "timed out waiting for the authorization",
                                     fix_vi=f"chạy lại promokit auth {p.service}", fix_en=f"run promokit auth {p.service} again")
    finally:
        server.shutdown()
        server.server_close()
    got = handler.result
    if got.get("state") != state:
        raise AuthFlowError.fail("tham số state không khớp (có thể bị giả mạo)", "state mismatch (possible forgery)",
                                 fix_vi="chạy lại lệnh", fix_en="run the command again")
    if "code" not in got:
        raise AuthFlowError.fail(f"{p.service} không cấp quyền: {got.get('error', '?')}",
                                 f"{p.service} did not authorize: {got.get('error', '?')}",
                                 fix_vi="chấp nhận các quyền được hỏi", fix_en="accept the permissions asked")
    form = {"grant_type": "authorization_code", "code": got["code"], "redirect_uri": redirect}
    if verifier:
        form["code_verifier"] = verifier
    entry = _entry(p, _token_call(p, form))
    if p.page_token:
        long = _token_call(p, {"grant_type": "fb_exchange_token", "fb_exchange_token": entry["access_token"]})
        entry = page_entry(p.service, long["access_token"], page or account, instagram=p.linked_instagram, say=say)
    else:
        entry["account"] = account or got.get("oa_id", "")
    return str(write_store(p.service, entry))
