"""The review page in a real browser: Debian's Chromium driven by Playwright (no browser download).

The static gallery from file:// (a video plays, the safe-zone overlay lines up with the frame, a poster opens
full size, filters, keyboard, a 390 px phone without horizontal scroll, axe-core finds no serious or critical
violation) and the live server (approve and see it after a reload; a review link in a fresh context sees one
campaign only).
"""

from __future__ import annotations

import os
import shutil
import socket
import threading
import time
from pathlib import Path

import pytest

from promokit import testing
from promokit.catalog import Catalog
from promokit.review import approvals, links
from promokit.review.gallery import write_gallery
from promokit.review.server import create_app

pytestmark = pytest.mark.slow

ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage", "--no-first-run",
        "--autoplay-policy=no-user-gesture-required"]
EVIL = '<script>window.pwned=1</script><img src=x onerror="window.pwned=2">'


def chromium() -> str:
    exe = shutil.which("chromium") or shutil.which("chromium-browser")
    if exe is None:
        (pytest.fail if os.environ.get("CI") else pytest.skip)("Chromium not installed (make system-test)")
    return exe


@pytest.fixture(scope="module")
def output(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("review-browser")
    out = root / "output"
    clip = testing.make_clip(root / "clip.mp4", 1.0, size=(108, 192))
    testing.make_rendered_campaign(out, "gio-to", platforms=("tiktok", "youtube"), draft_platforms=("zalo",),
                                   clip=clip)
    testing.make_rendered_campaign(out, "ocop", title="OCOP " + EVIL, caption=EVIL, theme="nong-nghiep-ocop",
                                   platforms=("facebook_reels",), clip=clip, failed_check="gop")
    write_gallery(out)
    return out


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    exe = chromium()
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=exe, headless=True, args=ARGS)
        try:
            yield b
        finally:
            b.close()


@pytest.fixture(scope="module")
def server(output: Path):
    """The review server on a free loopback port, in a thread of this process."""
    import uvicorn

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    config = uvicorn.Config(create_app(output), host="127.0.0.1", port=port, access_log=False, log_level="warning")
    srv = uvicorn.Server(config)
    thread = threading.Thread(target=srv.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not srv.started:
        assert time.monotonic() < deadline, "server did not start"
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        srv.should_exit = True
        thread.join(10)


def new_page(browser, width: int = 1280, context=None):
    page = (context or browser).new_page()
    page.set_viewport_size({"width": width, "height": 900})
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    return page, errors


def wait_until(page, expression: str, timeout: float = 15.0) -> None:
    """Poll `expression` from here (the served page's CSP forbids the in-page eval of wait_for_function)."""
    deadline = time.monotonic() + timeout
    while not page.evaluate(expression):
        assert time.monotonic() < deadline, f"timed out waiting for {expression}"
        time.sleep(0.05)


def serious(page) -> list[str]:
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    return [f"{v['id']} ({v['impact']}): {v['nodes'][0]['target']}" for v in results.response["violations"]
            if v["impact"] in {"serious", "critical"}]


def test_static_gallery_plays_overlays_opens_posters_and_filters(browser, output: Path) -> None:
    page, errors = new_page(browser)
    page.goto((output / "index.html").as_uri())
    assert page.evaluate("window.pwned") is None
    assert "OCOP " + EVIL in page.inner_text("#h-ocop")  # shown as text
    # the card shows its cover; no player, nothing of the video loaded until asked
    assert page.locator("video").count() == 0
    cover = page.locator("#post-gio-to-tiktok a.play img")
    cover.scroll_into_view_if_needed()
    wait_until(page, "document.querySelector('#post-gio-to-tiktok a.play img').naturalWidth > 0")
    page.click("#post-gio-to-tiktok a.play")
    video = page.locator("#post-gio-to-tiktok video")
    assert video.get_attribute("preload") == "none" and video.get_attribute("poster").endswith("tiktok-cover.jpg")
    wait_until(page, "document.querySelector('#post-gio-to-tiktok video').readyState >= 2")
    assert page.evaluate("document.activeElement.tagName") == "VIDEO"
    # the safe-zone overlay: hidden, then drawn over the frame where DESIGN §6 puts it
    safe = page.locator("#post-gio-to-tiktok .ui .safe")
    assert not safe.is_visible()
    page.check("#zones")
    assert safe.is_visible()
    frame = page.locator("#post-gio-to-tiktok .frame").bounding_box()
    box = safe.bounding_box()
    assert abs((box["x"] - frame["x"]) / frame["width"] - 120 / 1080) < 0.01
    assert abs((box["y"] - frame["y"]) / frame["height"] - 288 / 1920) < 0.01
    assert abs(box["height"] / frame["height"] - 960 / 1920) < 0.01
    assert abs(frame["width"] / frame["height"] - 1080 / 1920) < 0.01
    buttons = page.locator("#post-gio-to-tiktok .ui .a1").bounding_box()  # the like/share column
    assert buttons["x"] > box["x"] + box["width"] - 1  # right of the safe zone
    # filters: one platform, then one state
    page.select_option("#f-platform", "youtube")
    assert page.locator(".post:visible").count() == 1 and page.locator("#post-gio-to-youtube").is_visible()
    assert not page.locator("#c-ocop").is_visible()
    page.select_option("#f-platform", "")
    page.select_option("#f-state", "draft")
    assert [e.get_attribute("id") for e in page.locator(".post:visible").all()] == ["post-gio-to-zalo-draft"]
    page.select_option("#f-state", "")
    page.select_option("#f-theme", "nong-nghiep-ocop")
    assert page.locator("section.campaign:visible").count() == 1 and page.locator("#c-ocop").is_visible()
    page.select_option("#f-theme", "")
    # a poster opens full size
    thumb = page.locator("#c-gio-to .posters img").first
    alt = thumb.get_attribute("alt")
    assert alt.startswith("Biểu đồ ocop-theo-xa")
    thumb.click()
    page.wait_for_load_state()
    assert page.url.endswith(".png")
    assert page.evaluate("document.images[0].naturalWidth") == 108
    assert not errors, errors


def test_keyboard_reaches_filters_overlay_and_players(browser, output: Path) -> None:
    page, _ = new_page(browser)
    page.goto((output / "index.html").as_uri())
    seen = []
    for _ in range(12):
        page.keyboard.press("Tab")
        seen.append(page.evaluate("document.activeElement.id || document.activeElement.tagName"))
    assert {"f-campaign", "f-theme", "f-platform", "f-state", "zones"} <= set(seen)
    page.focus("#zones")
    page.keyboard.press("Space")
    assert page.locator("#post-gio-to-tiktok .ui").is_visible()


@pytest.mark.parametrize("where", ["static", "served"])
def test_phone_width_has_no_horizontal_scroll_and_axe_finds_nothing_serious(browser, output, server, where) -> None:
    page, errors = new_page(browser, width=390)
    page.goto((output / "index.html").as_uri() if where == "static" else server + "/")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    assert serious(page) == []
    page.set_viewport_size({"width": 1280, "height": 900})
    assert serious(page) == []
    assert not errors, errors


def test_approve_on_the_served_page_and_see_it_after_reload(browser, output: Path, server: str) -> None:
    page, errors = new_page(browser)
    page.goto(server + "/")
    assert page.get_attribute("#post-gio-to-tiktok", "data-state") == "pending"
    page.fill("#r-post-gio-to-tiktok", "Nguyễn Văn An")
    page.fill("#m-post-gio-to-tiktok", "Đăng được " + EVIL)
    page.click("#post-gio-to-tiktok button.approve")
    page.wait_for_url("**/#post-gio-to-tiktok")
    page.reload()
    card = page.locator("#post-gio-to-tiktok")
    assert card.get_attribute("data-state") == "approved"
    assert "Nguyễn Văn An" in card.inner_text() and EVIL in card.inner_text()
    assert page.evaluate("window.pwned") is None
    d = approvals.latest(Catalog(output).ledger, "gio-to", "tiktok")
    assert (d.decision, d.reviewer, d.via) == ("approved", "Nguyễn Văn An", "local")
    # the files change under an open page: the decision is refused with a clear message
    page.fill("#r-post-gio-to-youtube", "Lê B")
    video = output / "gio-to/video/youtube.mp4"
    original = video.read_bytes()
    video.write_bytes(original + b"re-render")
    try:
        page.click("#post-gio-to-youtube button.approve")
        page.wait_for_load_state()
        assert "đã thay đổi từ khi tải trang" in page.inner_text("h1")
        assert approvals.latest(Catalog(output).ledger, "gio-to", "youtube") is None
    finally:
        video.write_bytes(original)
    assert [e for e in errors if "409" not in e] == []


def test_review_link_in_a_fresh_context_sees_only_its_campaign(browser, output: Path, server: str) -> None:
    token = links.create_link(Catalog(output).ledger, "ocop")
    context = browser.new_context()
    try:
        page, errors = new_page(browser, context=context)
        page.goto(f"{server}/r/{token}/")
        assert page.locator("section.campaign").count() == 1 and page.locator("#c-ocop").count() == 1
        assert "gio-to" not in page.content()
        page.click("#post-ocop-facebook_reels a.play")
        wait_until(page, "document.querySelector('video').readyState >= 2")
        page.fill("#r-post-ocop-facebook_reels", "Chủ tịch UBND huyện")
        page.click("#post-ocop-facebook_reels button[value=changes_requested]")
        page.wait_for_url(f"**/r/{token}/#post-ocop-facebook_reels")
        assert page.get_attribute("#post-ocop-facebook_reels", "data-state") == "changes_requested"
        other = context.new_page()
        resp = other.goto(f"{server}/r/{token}/files/gio-to/video/tiktok.mp4")
        assert resp.status == 404
        assert other.goto(f"{server}/r/{'x' * 43}/").status == 404
        assert not errors, errors
    finally:
        context.close()


def test_the_axe_check_itself_finds_a_serious_violation(browser) -> None:
    page, _ = new_page(browser)
    page.set_content('<!doctype html><html lang="vi"><title>t</title><main><img src="data:,"></main></html>')
    assert any(v.startswith("image-alt") for v in serious(page))
