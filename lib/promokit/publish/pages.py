"""Meta's Page-token step of `promokit auth facebook|instagram`.

Page Reels, Page videos and Instagram content publishing act as a Facebook Page, with a Page access token
(Meta's Reels guide: "a Page access token requested from your app user who can perform the CREATE_CONTENT
task on the Page"). After the user's consent, the long-lived user token lists the Pages the user has a role
on (`GET /me/accounts?fields=id,name,access_token,tasks`, paged by cursor); the Page named on the command
line (its id or name; or the only one) is chosen and its access token kept, which does not expire when it
comes from a long-lived user token. For Instagram, the Page's linked professional account
(`GET /{page-id}?fields=instagram_business_account`) is the account posts go to. No token is printed,
logged or put in a message (`Http` masks them); the user token itself is not kept.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any

from ..errors import UsageError
from ..text import nfc
from .credentials import lookup
from .http import Http
from .publishers.meta import GRAPH_VERSION

GRAPH = "https://graph.facebook.com"
MAX_PAGES = 40  # requests of /me/accounts (100 Pages each) before giving up on a longer list


@dataclass(frozen=True)
class Page:
    """A Page the user has a role on: id, name, its access token and the user's tasks on it."""

    id: str
    name: str
    token: str = field(repr=False)  # a secret: never in a repr, a log line or a traceback
    tasks: frozenset[str] = frozenset()

    @property
    def label(self) -> str:
        return f"{self.id} ({self.name})"


def list_pages(http: Http, base: str) -> list[Page]:
    """Every Page of the user behind `http`'s token (`/me/accounts`, following the `after` cursor)."""
    pages: list[Page] = []
    params = {"fields": "id,name,access_token,tasks", "limit": "100"}
    for _ in range(MAX_PAGES):
        data = http.json("GET", f"{base}/{GRAPH_VERSION}/me/accounts", params=params)
        for row in data.get("data") or []:
            if isinstance(row, dict) and row.get("id") and row.get("access_token"):
                pages.append(Page(str(row["id"]), str(row.get("name") or ""), str(row["access_token"]),
                                  frozenset(str(t) for t in row.get("tasks") or ())))
        paging = data.get("paging") or {}
        after = (paging.get("cursors") or {}).get("after")
        if not paging.get("next") or not after:
            break
        params = {**params, "after": str(after)}
    return pages


def choose_page(pages: list[Page], choice: str, service: str) -> Page:
    """The Page whose id or name (NFC, any case) is `choice`; the only one when `choice` is empty."""
    listed = "; ".join(p.label for p in pages)
    if not pages:
        raise UsageError.fail(
            "tài khoản này không quản lý Trang Facebook nào (hoặc chưa cấp quyền pages_show_list)",
            "this account manages no Facebook Page (or did not grant pages_show_list)", field="--page",
            fix_vi="đăng nhập bằng tài khoản có vai trò trên Trang (quản trị viên/biên tập viên) và chấp nhận "
                   "mọi quyền được hỏi",
            fix_en="log in with an account that has a role on the Page (admin/editor) and accept every "
                   "permission asked")
    if choice:
        want = nfc(choice).strip().casefold()
        found = [p for p in pages if p.id == choice.strip() or nfc(p.name).strip().casefold() == want]
        if len(found) == 1:
            return found[0]
        raise UsageError.fail(f"không thấy Trang '{choice}' (hoặc có nhiều Trang trùng tên)",
                              f"no single Page '{choice}' among this account's Pages", field="--page",
                              fix_vi=f"dùng mã hoặc tên của một trong: {listed}",
                              fix_en=f"use the id or name of one of: {listed}")
    if len(pages) > 1:
        raise UsageError.fail(f"tài khoản quản lý {len(pages)} Trang: chọn một", f"the account manages "
                              f"{len(pages)} Pages: choose one", field="--page",
                              fix_vi=f"promokit auth {service} --page <mã hoặc tên>; các Trang: {listed}",
                              fix_en=f"promokit auth {service} --page <id or name>; the Pages: {listed}")
    return pages[0]


def page_entry(service: str, user_token: str, choice: str = "", *, instagram: bool = False,
               say: Any = print) -> dict[str, Any]:
    """The credential-store entry of the chosen Page: its access token, the account posts go to (the Page
    id; for Instagram its linked professional account's id) and the Page's id and name."""
    base = (lookup(service, service, "API_BASE") or GRAPH).rstrip("/")
    seen: list[str] = [user_token]
    with Http(f"{service} (pages)", authorize=lambda: {"Authorization": f"OAuth {user_token}"},
              secrets=lambda: seen) as http:
        pages = list_pages(http, base)
        seen += [p.token for p in pages]
        page = choose_page(pages, choice, service)
        if page.tasks and "CREATE_CONTENT" not in page.tasks:
            raise UsageError.fail(
                f"vai trò trên Trang {page.label} không cho đăng bài (thiếu CREATE_CONTENT)",
                f"your role on the Page {page.label} cannot create content (no CREATE_CONTENT task)",
                field="--page", fix_vi="nhờ quản trị viên Trang cấp vai trò có quyền tạo nội dung (biên tập viên)",
                fix_en="ask a Page admin for a role that can create content (e.g. editor)")
        account = page.id
        if instagram:
            data = http.json("GET", f"{base}/{GRAPH_VERSION}/{page.id}", params={"fields": "instagram_business_account"})
            account = str((data.get("instagram_business_account") or {}).get("id") or "")
            if not account:
                raise UsageError.fail(
                    f"Trang {page.label} chưa liên kết tài khoản Instagram chuyên nghiệp",
                    f"the Page {page.label} has no linked Instagram professional account", field="--page",
                    fix_vi="chuyển Instagram sang tài khoản chuyên nghiệp và liên kết với Trang (Meta Business Suite)",
                    fix_en="switch Instagram to a professional account and link it to the Page (Meta Business Suite)")
    say(f"Trang / Page: {page.label}" + (f" → Instagram {account}" if instagram else ""))
    return {"access_token": page.token, "refresh_token": "", "expires_at": None, "account": account,
            "page": page.id, "page_name": page.name, "obtained": time.time()}
