"""The HTML edition in a real browser: headless Chromium (Debian `chromium`) driven by Playwright.

Asserts that the file renders, every picture loads (naturalWidth > 0), nothing is requested but the
file itself (no network), no console error appears, and the page fits a phone's width (responsive).
Chromium is the system one (`executable_path`); no browser is downloaded.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

import pytest

from promokit import testing
from promokit.project import open_campaign
from promokit.publication import render_publication

pytestmark = pytest.mark.slow

ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
        "--disable-dev-shm-usage"]

BODY = """Mở đầu có ảnh nhỏ ![biểu tượng](../images/anh-2.jpg) trong câu, giá $5 và <script>alert(1)</script>.

![Đình làng buổi sáng](../images/rong.jpg "Một bức ảnh rộng")

## Bảng

| Xã | Một cột rất dài để thử bảng trên điện thoại | Số |
|:--|:--|--:|
| Bình Thành | Nội dung dài dài dài dài dài dài dài dài dài dài dài dài dài dài | 1.234,5 |

Liên kết: [trang huyện](https://lapvo.dongthap.gov.vn/mot-duong-dan-rat-dai-khong-co-cho-ngat-dong-nao-ca).

![](../images/trong-suot.png "Bản đồ có nền trong suốt")

![Sản phẩm OCOP cắt nền](../images/cat-nen.png)

![Gian hàng chụp dọc bằng điện thoại](../images/cao.jpg)
"""


def chromium() -> str:
    exe = shutil.which("chromium") or shutil.which("chromium-browser")
    if exe is None:
        (pytest.fail if os.environ.get("CI") else pytest.skip)("Chromium not installed (make system-test)")
    return exe


@pytest.fixture(scope="module")
def edition(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("chromium")
    folder = testing.make_campaign(root, "web", images=2, clips=0, music=False, csv=False, extra_yaml={
        "publication": {"formats": ["html"], "articles": ["articles/01-gioi-thieu.md", "articles/02-web.md"]}})
    testing.make_image(folder / "images" / "rong.jpg", (1900, 600), (40, 120, 200))
    testing.make_palette_png_with_alpha(folder / "images" / "trong-suot.png", (200, 120))
    testing.make_cutout_png(folder / "images" / "cat-nen.png", (1200, 1500))
    testing.make_image(folder / "images" / "cao.jpg", (500, 2200), (30, 110, 60))
    testing.make_article(folder / "articles" / "02-web.md", "Thử trên trình duyệt", body=BODY)
    ctx = open_campaign("web", root, root / "output")
    return render_publication(ctx, formats=["html"])[0].path


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    exe = chromium()
    with tempfile.TemporaryDirectory(prefix="pk-chromium-") as profile, sync_playwright() as p:
        context = p.chromium.launch_persistent_context(profile, executable_path=exe, headless=True, args=ARGS)
        try:
            yield context
        finally:
            context.close()


def open_page(browser, path: Path, width: int, height: int = 900) -> tuple:
    page = browser.new_page()
    console, requests = [], []
    page.on("console", lambda m: console.append((m.type, m.text)))
    page.on("pageerror", lambda e: console.append(("pageerror", str(e))))
    page.on("request", lambda r: requests.append(r.url))
    page.set_viewport_size({"width": width, "height": height})
    page.goto(path.as_uri(), wait_until="load")
    return page, console, requests


@pytest.mark.parametrize("width", [360, 1280])
def test_html_renders_every_image_loads_no_console_error_no_network(browser, edition: Path, width: int) -> None:
    page, console, requests = open_page(browser, edition, width)
    try:
        assert page.title() == "Lễ hội Giỗ Tổ Hùng Vương năm 2024"
        images = page.evaluate("Array.from(document.images).map(i => [i.alt, i.complete, i.naturalWidth])")
        assert len(images) == 6  # cover, inline picture, wide photo, transparent PNG, cut-out photo, tall photo
        for alt, complete, natural in images:
            assert alt and complete and natural > 0, (alt, complete, natural)
        # the cut-out photo is WebP with its transparency, decoded by the browser: a corner shows the page
        cut = page.evaluate("""() => { const i = [...document.images].find(i => i.alt.includes('cắt nền'));
            const c = document.createElement('canvas'); c.width = i.naturalWidth; c.height = i.naturalHeight;
            const g = c.getContext('2d', {willReadFrequently: true}); g.drawImage(i, 0, 0);
            return [i.currentSrc.slice(0, 15), g.getImageData(2, 2, 1, 1).data[3],
                    g.getImageData(c.width >> 1, c.height >> 1, 1, 1).data[3]]; }""")
        assert cut == ["data:image/webp", 0, 255], cut
        # a tall phone photo fits the screen's height (80 %), its shape kept
        w, h = page.evaluate("(() => { const r = [...document.images].find(i => i.alt.includes('chụp dọc'))"
                             ".getBoundingClientRect(); return [r.width, r.height]; })()")
        assert h <= 0.8 * 900 + 1 and abs(w / h - 500 / 2200) < 0.02, (w, h)
        assert not [m for m in console if m[0] in ("error", "pageerror", "warning")], console
        assert all(u == edition.as_uri() or u.startswith("data:") for u in requests), requests
        assert page.evaluate("document.documentElement.lang") == "vi"
        # responsive: nothing wider than the screen (tables scroll inside their wrapper)
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
        text = page.inner_text("main")
        assert "$5" in text and "<script>alert(1)</script>" in text
        assert page.evaluate("document.querySelectorAll('script').length") == 0
    finally:
        page.close()


def test_toc_links_jump_to_the_chapters(browser, edition: Path) -> None:
    page, console, _ = open_page(browser, edition, 800)
    try:
        links = page.evaluate("Array.from(document.querySelectorAll('nav.toc a')).map(a => a.getAttribute('href'))")
        assert len(links) >= 3
        for href in links:
            assert page.evaluate("h => !!document.getElementById(h.slice(1))", href), href
        page.click("nav.toc a >> nth=1")
        assert page.evaluate("location.hash") == links[1]
        assert page.evaluate("window.scrollY") > 0
        assert not console
    finally:
        page.close()


def test_print_styles_apply(browser, edition: Path) -> None:
    page, console, _ = open_page(browser, edition, 1000)
    try:
        page.emulate_media(media="print")
        assert page.evaluate("getComputedStyle(document.querySelector('.skip-link')).display") == "none"
        assert page.evaluate("getComputedStyle(document.querySelector('article.chapter')).breakBefore") == "page"
        pdf = page.pdf()  # Chromium's own print of the page works too
        assert pdf.startswith(b"%PDF") and not console
    finally:
        page.close()
