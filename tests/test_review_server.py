"""The review server without a browser: access, files, review links, CSRF, decisions and their races.

Requests go through Starlette's TestClient (httpx) to the real app; paths a client would normalise
(`../`) are sent as raw ASGI requests.
"""

from __future__ import annotations

import asyncio
import re
import threading
from pathlib import Path
from urllib.parse import unquote

import pytest
from starlette.testclient import TestClient

from promokit import testing
from promokit.catalog import Catalog
from promokit.cli import main
from promokit.review import approvals, links
from promokit.review.load import load_review
from promokit.review.server import create_app, is_loopback

BASE = "http://127.0.0.1:8765"
EVIL = '<script>alert(1)</script><img src=x onerror=alert(2)>'


@pytest.fixture(scope="module")
def clip(tmp_path_factory) -> Path:
    return testing.make_clip(tmp_path_factory.mktemp("clip") / "c.mp4", 1.0, size=(108, 192))


@pytest.fixture
def output(tmp_path: Path, clip: Path) -> Path:
    out = tmp_path / "output"
    testing.make_rendered_campaign(out, "gio-to", platforms=("tiktok", "youtube"), clip=clip)
    testing.make_rendered_campaign(out, "ocop", title="OCOP " + EVIL, platforms=("tiktok",), clip=clip)
    (tmp_path / "secret.txt").write_text("outside", encoding="utf-8")
    return out


@pytest.fixture
def client(output: Path) -> TestClient:
    return TestClient(create_app(output), base_url=BASE, follow_redirects=False)


def form_of(page: str, anchor: str) -> dict[str, str]:
    """The hidden fields of the decision form inside the post card `anchor`."""
    card = page[page.index(f'id="{anchor}"'):]
    card = card[:card.index("</form>")]
    return {m[0]: m[1] for m in re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)">', card)}


def raw_get(app, path: str, raw: bytes | None = None) -> int:
    """GET with an exact path (no client-side normalisation); the status code."""
    status = {}

    async def receive():
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message):
        if message["type"] == "http.response.start":
            status["code"] = message["status"]

    scope = {"type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "GET", "scheme": "http",
             "path": unquote(path), "raw_path": raw or path.encode(), "query_string": b"", "root_path": "",
             "headers": [(b"host", b"127.0.0.1:8765")], "client": ("127.0.0.1", 5000), "server": ("127.0.0.1", 8765)}
    asyncio.run(app(scope, receive, send))
    return status["code"]


def test_page_is_served_with_forms_csrf_and_a_strict_policy(client: TestClient) -> None:
    r = client.get("/")
    assert r.status_code == 200
    csp = r.headers["content-security-policy"]
    assert "default-src 'none'" in csp and "form-action 'self'" in csp and "frame-ancestors 'none'" in csp
    nonce = re.search(r"script-src 'nonce-([^']+)'", csp)[1]
    assert f'<script nonce="{nonce}">' in r.text
    fields = form_of(r.text, "post-gio-to-tiktok")
    assert set(fields) == {"csrf", "campaign", "platform", "digest"} and len(fields["digest"]) == 64
    assert 'data-video="/files/gio-to/video/tiktok.mp4"' in r.text
    # campaign text is escaped on the live page too
    assert "OCOP &lt;script&gt;alert(1)&lt;/script&gt;&lt;img src=x onerror=alert(2)&gt;" in r.text
    assert r.text.count("<script") == 1


def test_loopback_server_answers_only_loopback_names(output: Path) -> None:
    c = TestClient(create_app(output), base_url="http://evil.example:8765")
    assert c.get("/").status_code == 403
    assert is_loopback("127.0.0.1") and is_loopback("[::1]") and is_loopback("localhost")
    assert not is_loopback("0.0.0.0") and not is_loopback("192.168.1.5")


def test_files_only_under_campaign_folders(client: TestClient, output: Path, tmp_path: Path) -> None:
    r = client.get("/files/gio-to/video/tiktok.mp4")
    assert r.status_code == 200 and r.content == (output / "gio-to/video/tiktok.mp4").read_bytes()
    part = client.get("/files/gio-to/video/tiktok.mp4", headers={"Range": "bytes=0-99"})
    assert part.status_code == 206 and len(part.content) == 100  # the browser can seek
    approvals.record(Catalog(output).ledger, "gio-to", "tiktok", "0" * 64, "approved", "A")
    (output / "gio-to" / "video" / "out.mp4").symlink_to(tmp_path / "secret.txt")
    (output / "gio-to" / "link").symlink_to(tmp_path)
    app = client.app
    from promokit.review.server import ReviewApp

    guard = ReviewApp(output)
    assert guard.safe_file("gio-to/video/tiktok.mp4", None) == (output / "gio-to/video/tiktok.mp4").resolve()
    assert guard.safe_file("gio-to/video/tiktok.mp4", "ocop") is None  # another campaign's link
    for rel in ["gio-to/../../secret.txt", "../secret.txt", "gio-to/video/out.mp4", "gio-to/link/secret.txt",
                "promokit.sqlite", "gio-to/.x", "gio-to//video/tiktok.mp4"]:
        assert guard.safe_file(rel, None) is None, rel
    for path in ["/files/promokit.sqlite", "/files/../secret.txt", "/files/gio-to/../../secret.txt",
                 "/files/gio-to/video/out.mp4", "/files/gio-to/link/secret.txt", "/files/gio-to/.hidden",
                 "/files/gio-to/video/../manifest.json", "/files/gio-to"]:
        assert raw_get(app, path) == 404, path
    for raw in [b"/files/%2e%2e/secret.txt", b"/files/gio-to/%2e%2e/%2e%2e/secret.txt",
                b"/files/gio-to%2f..%2f..%2fsecret.txt", b"/files/%2E%2E%2Fpromokit.sqlite"]:
        assert raw_get(app, unquote(raw.decode()), raw) == 404, raw
    assert client.get("/files/gio-to/%2e%2e/%2e%2e/secret.txt").status_code == 404
    # campaign HTML is sandboxed: it cannot act as the review page's origin
    ed = client.get("/files/gio-to/publication/gio-to.html")
    assert ed.status_code == 200 and ed.headers["content-security-policy"].startswith("sandbox")


def test_review_link_sees_and_decides_one_campaign_only(client: TestClient, output: Path) -> None:
    token = links.create_link(Catalog(output).ledger, "gio-to")
    assert token not in Catalog(output).ledger.read_bytes().decode("latin-1")  # only its hash is stored
    r = client.get(f"/r/{token}/")
    assert r.status_code == 200
    assert 'id="c-gio-to"' in r.text and 'id="c-ocop"' not in r.text and "OCOP" not in r.text
    assert f'data-video="/r/{token}/files/gio-to/video/tiktok.mp4"' in r.text
    assert client.get(f"/r/{token}/files/gio-to/video/tiktok.mp4").status_code == 200
    assert client.get(f"/r/{token}/files/ocop/video/tiktok.mp4").status_code == 404
    # a forged token, a malformed one and a revoked one see nothing
    assert client.get(f"/r/{'A' * 43}/").status_code == 404
    assert client.get("/r/short/").status_code == 404
    # this link's form cannot decide on the other campaign
    fields = form_of(r.text, "post-gio-to-tiktok")
    ocop = form_of(client.get("/").text, "post-ocop-tiktok")
    bad = client.post(f"/r/{token}/decide", data={**ocop, "csrf": fields["csrf"], "reviewer": "X",
                                                  "decision": "approved"})
    assert bad.status_code == 403 and approvals.latest(Catalog(output).ledger, "ocop", "tiktok") is None
    ok = client.post(f"/r/{token}/decide", data={**fields, "reviewer": "Chủ tịch UBND", "decision": "approved"})
    assert ok.status_code == 303 and ok.headers["location"] == f"/r/{token}/#post-gio-to-tiktok"
    d = approvals.latest(Catalog(output).ledger, "gio-to", "tiktok")
    assert d.reviewer == "Chủ tịch UBND" and d.via.startswith("link:")
    links.revoke(Catalog(output).ledger, "gio-to")
    assert client.get(f"/r/{token}/").status_code == 404


def test_post_without_or_with_a_wrong_csrf_token_is_refused(client: TestClient, output: Path) -> None:
    fields = form_of(client.get("/").text, "post-gio-to-tiktok")
    data = {**fields, "reviewer": "A", "decision": "approved"}
    assert client.post("/decide", data={k: v for k, v in data.items() if k != "csrf"}).status_code == 403
    assert client.post("/decide", data={**data, "csrf": "0" * 64}).status_code == 403
    other = links.create_link(Catalog(output).ledger, "gio-to")  # a link's token is bound to its own scope
    assert client.post(f"/r/{other}/decide", data=data).status_code == 403
    assert client.post("/decide", data=data, headers={"Origin": "http://evil.example"}).status_code == 403
    assert approvals.latest(Catalog(output).ledger, "gio-to", "tiktok") is None


def test_approve_then_reload_then_rerender_makes_it_changed(client: TestClient, output: Path, clip: Path) -> None:
    fields = form_of(client.get("/").text, "post-gio-to-tiktok")
    r = client.post("/decide", data={**fields, "reviewer": "Nguyễn Thị " + EVIL, "comment": "ổn " + EVIL,
                                     "decision": "approved"})
    assert r.status_code == 303
    page = client.get("/").text
    card = page[page.index('id="post-gio-to-tiktok"'):]
    card = card[:card.index("</article>")]
    assert 'data-state="approved"' in card and "Nguyễn Thị &lt;script&gt;" in card and "<img src=x" not in page
    (output / "gio-to/video/tiktok.mp4").write_bytes(clip.read_bytes() + b"re-render")
    assert 'data-state="changed"' in client.get("/").text.split('id="post-gio-to-tiktok"')[1][:400]


def test_files_changed_since_page_load_are_refused(client: TestClient, output: Path, clip: Path) -> None:
    fields = form_of(client.get("/").text, "post-gio-to-youtube")
    (output / "gio-to/video/youtube-cover.jpg").write_bytes(b"\xff\xd8 another cover")
    r = client.post("/decide", data={**fields, "reviewer": "A", "decision": "approved"})
    assert r.status_code == 409 and "changed since the page was loaded" in r.text
    assert approvals.latest(Catalog(output).ledger, "gio-to", "youtube") is None


def test_two_reviewers_at_once_both_recorded_later_stands(client: TestClient, output: Path) -> None:
    fields = form_of(client.get("/").text, "post-ocop-tiktok")
    codes = []

    def decide(name: str, decision: str) -> None:
        codes.append(client.post("/decide", data={**fields, "reviewer": name, "decision": decision}).status_code)

    threads = [threading.Thread(target=decide, args=(f"R{i}", ("approved", "changes_requested")[i % 2]))
               for i in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert codes == [303] * 6
    hist = approvals.history(Catalog(output).ledger, "ocop", "tiktok")
    assert sorted(h.reviewer for h in hist) == [f"R{i}" for i in range(6)]
    assert approvals.latest(Catalog(output).ledger, "ocop", "tiktok") == hist[-1]
    state = load_review(output).card("ocop", "tiktok").state
    assert state == hist[-1].decision


def test_bad_decisions_are_refused(client: TestClient, output: Path) -> None:
    fields = form_of(client.get("/").text, "post-gio-to-tiktok")
    assert client.post("/decide", data={**fields, "reviewer": "", "decision": "approved"}).status_code == 400
    assert client.post("/decide", data={**fields, "reviewer": "A", "decision": "publish"}).status_code == 400
    assert client.post("/decide", data={**fields, "reviewer": "A" * 121, "decision": "approved"}).status_code == 400
    assert client.post("/decide", data={**fields, "platform": "zalo", "reviewer": "A",
                                        "decision": "approved"}).status_code == 404
    assert approvals.latest(Catalog(output).ledger, "gio-to", "tiktok") is None


def test_public_server_needs_a_token_for_every_page(output: Path) -> None:
    admin = "B" * 43
    c = TestClient(create_app(output, public=True, admin_token=admin), base_url="http://192.168.1.5:8765")
    assert c.get("/").status_code == 403
    assert c.get("/files/gio-to/video/tiktok.mp4").status_code == 403
    assert c.post("/decide", data={}).status_code == 403
    r = c.get(f"/r/{admin}/")
    assert r.status_code == 200 and 'id="c-gio-to"' in r.text and 'id="c-ocop"' in r.text


def test_review_cli_status_and_link(output: Path, capsys) -> None:
    card = load_review(output).card("gio-to", "tiktok")
    approvals.record(Catalog(output).ledger, "gio-to", "tiktok", card.digest, "approved", "Trần Văn C")
    assert main(["review", "--status", "--output", str(output)]) == 0
    out = capsys.readouterr().out.splitlines()
    row = next(line for line in out if line.startswith("gio-to") and " tiktok " in line)
    assert "Đã duyệt / approved" in row and "Trần Văn C" in row
    assert any(line.startswith("ocop") and "Chờ duyệt / pending" in line for line in out)
    assert main(["review", "--link", "ocop", "--output", str(output), "--url", "http://10.0.0.2:8765"]) == 0
    url = capsys.readouterr().out.strip()
    token = re.fullmatch(r"http://10\.0\.0\.2:8765/r/([A-Za-z0-9_-]{43})/", url)[1]
    assert links.resolve(Catalog(output).ledger, token).campaign == "ocop"
    assert main(["review", "--link", "nope", "--output", str(output)]) == 2
    assert main(["serve", "--port", "0", "--output", str(output)]) == 2


def test_history_of_decisions_is_on_the_card(client: TestClient, output: Path) -> None:
    fields = form_of(client.get("/").text, "post-gio-to-tiktok")
    for name, decision in [("A", "changes_requested"), ("B " + EVIL, "approved")]:
        assert client.post("/decide", data={**fields, "reviewer": name, "decision": decision}).status_code == 303
    card = client.get("/").text.split('id="post-gio-to-tiktok"')[1].split("</article>")[0]
    assert "Lịch sử duyệt / decision history (2)" in card
    assert card.index("B &lt;script&gt;") < card.index("Yêu cầu sửa / changes requested: A")  # newest first


def test_serve_warns_and_needs_tokens_off_loopback(output: Path, monkeypatch, capsys) -> None:
    import uvicorn

    from promokit.review import server

    seen = {}
    monkeypatch.setattr(uvicorn, "run", lambda app, **kw: seen.update(app=app, **kw))
    server.serve(output, "0.0.0.0", 8765)
    out, err = capsys.readouterr()
    assert "⚠" in err and "0.0.0.0" in err and seen["access_log"] is False and seen["host"] == "0.0.0.0"
    link = re.search(r"http://0\.0\.0\.0:8765(/r/[A-Za-z0-9_-]{43}/)", out)[1]
    c = TestClient(seen["app"], base_url="http://192.168.1.5:8765")
    assert c.get("/").status_code == 403 and c.get(link).status_code == 200
    server.serve(output, "127.0.0.1", 8765)
    out, err = capsys.readouterr()
    assert "http://127.0.0.1:8765/" in out and not err


def test_a_failed_check_blocks_approval_unless_overridden_with_a_reason(output: Path, clip: Path) -> None:
    testing.make_rendered_campaign(output, "hong", platforms=("tiktok",), clip=clip, failed_check="layout.overlap")
    client = TestClient(create_app(output), base_url=BASE, follow_redirects=False)
    page = client.get("/").text
    assert "approve despite failed checks" in page.split('id="post-hong-tiktok"')[1].split("</article>")[0]
    fields = form_of(page, "post-hong-tiktok")
    ledger = Catalog(output).ledger
    r = client.post("/decide", data={**fields, "reviewer": "A", "comment": "", "decision": "approved"})
    assert r.status_code == 409 and "layout.overlap" in r.text and approvals.latest(ledger, "hong", "tiktok") is None
    r = client.post("/decide", data={**fields, "reviewer": "A", "comment": "", "decision": "approved", "override": "1"})
    assert r.status_code == 409  # an override needs a reason
    r = client.post("/decide", data={**fields, "reviewer": "A", "comment": "lỗi nhỏ, lãnh đạo đồng ý",
                                     "decision": "approved", "override": "1"})
    assert r.status_code == 303
    d = approvals.latest(ledger, "hong", "tiktok")
    assert d.decision == "approved" and "layout.overlap" in d.comment and "lãnh đạo đồng ý" in d.comment
    # asking for changes is never blocked
    r = client.post("/decide", data={**fields, "reviewer": "B", "decision": "changes_requested"})
    assert r.status_code == 303
