"""The review page (output/index.html) built from manifests and the ledger: escaping, counters, broken
manifests, drafts, review states, the CLI entry."""

from __future__ import annotations

import json
from html.parser import HTMLParser
from pathlib import Path

import pytest

from promokit import testing
from promokit.catalog import Catalog, Check, Checks
from promokit.cli import main
from promokit.platforms import PLATFORMS
from promokit.review import approvals
from promokit.review.counting import count, counters, post_text
from promokit.review.gallery import gallery_html, overlay_css, write_gallery
from promokit.review.load import load_review
from promokit.review.model import verdict_of

EVIL_TITLE = '<script>alert("t")</script> Lễ <img src=x onerror=alert(1)>'
EVIL_CAPTION = "<img src=x onerror=alert(2)> bấm vào <script>document.cookie</script>"


class Tags(HTMLParser):
    """Every start tag with its attributes, and the text of <script> elements."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict]] = []
        self.scripts: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))
        self._in_script = tag == "script"

    def handle_endtag(self, tag):
        self._in_script = False

    def handle_data(self, data):
        if self._in_script:
            self.scripts.append(data)


def parse(page: str) -> Tags:
    t = Tags()
    t.feed(page)
    return t


@pytest.fixture(scope="module")
def clip(tmp_path_factory) -> Path:
    return testing.make_clip(tmp_path_factory.mktemp("clip") / "c.mp4", 1.0, size=(108, 192))


@pytest.fixture
def output(tmp_path: Path, clip: Path) -> Path:
    out = tmp_path / "output"
    testing.make_rendered_campaign(out, "gio-to", platforms=("tiktok", "youtube_shorts"), draft_platforms=("zalo",),
                                   clip=clip)
    testing.make_rendered_campaign(out, "evil", title=EVIL_TITLE, caption=EVIL_CAPTION, theme="chuyen-doi-so",
                                   platforms=("tiktok",), clip=clip, failed_check="gop")
    return out


def test_counting_is_the_platforms_way() -> None:
    # "ỹ" is one character and one UTF-16 unit but three UTF-8 bytes; an emoji is two UTF-16 units
    assert count("ỹ", "chars") == 1 and count("ỹ", "utf16") == 1 and count("ỹ", "bytes") == 3
    assert count("😀", "utf16") == 2 and count("😀", "chars") == 1 and count("😀", "bytes") == 4
    # NFD input is counted as NFC (what is sent)
    assert count("y\u0303", "chars") == 1 and count("e\u0302\u0323", "bytes") == 3  # ỹ, ệ
    body = post_text("Xin chào", ["LapVo", "#DongThap", "lapvo"])
    assert body == "Xin chào\n\n#LapVo #DongThap"
    tiktok = counters(PLATFORMS.get("tiktok"), "😀" * 1100 + "a", "", [])
    assert [(c.field, c.used, c.limit, c.ok) for c in tiktok] == [("caption", 2201, 2200, False)]
    yt = {c.field: c for c in counters(PLATFORMS.get("youtube_shorts"), "ệ" * 1700, "T" * 101, [])}
    assert (yt["description"].used, yt["description"].ok) == (5100, False)  # 1,700 chars but 5,100 bytes
    assert (yt["title"].used, yt["title"].ok) == (101, False)
    ig = {c.field: c for c in counters(PLATFORMS.get("instagram_reels"), "x", "", [f"t{i}" for i in range(31)])}
    assert (ig["hashtags"].used, ig["hashtags"].ok) == (31, False)
    fb = counters(PLATFORMS.get("facebook_reels"), "abc", "", [])
    assert [(c.field, c.used, c.limit) for c in fb] == [("caption", 3, None)]


def test_page_escapes_campaign_text_everywhere(output: Path) -> None:
    page = gallery_html(load_review(output))
    tags = parse(page)
    # no element came from campaign text: the only script is the page's own, no <img> without our alt
    assert sum(1 for t, _ in tags.tags if t == "script") == 1
    assert not any("onerror" in a for _, a in tags.tags)
    assert not any(a.get("src") == "x" for _, a in tags.tags)
    assert "alert" not in "".join(tags.scripts) and "document.cookie" not in "".join(tags.scripts)
    assert "&lt;script&gt;alert(&#34;t&#34;)&lt;/script&gt; Lễ &lt;img src=x onerror=alert(1)&gt;" in page
    assert "&lt;img src=x onerror=alert(2)&gt; bấm vào &lt;script&gt;document.cookie&lt;/script&gt;" in page


def test_page_shows_titles_posts_counters_verdicts_posters_editions(output: Path) -> None:
    review = load_review(output)
    page = gallery_html(review)
    assert [c.id for c in review.campaigns] == ["evil", "gio-to"]
    gio = review.campaigns[1]
    assert gio.title == "Lễ hội Giỗ Tổ Hùng Vương năm 2024" and gio.theme_label == "Lễ hội" and gio.dates == "18/4/2024"
    assert [(p.platform, p.draft, p.state) for p in gio.posts] == [
        ("tiktok", False, "pending"), ("youtube_shorts", False, "pending"), ("zalo", True, "draft")]
    tiktok = gio.posts[0]
    assert tiktok.body == "Mời bà con về dự lễ hội.\n\n#GioTo #LapVo"
    assert tiktok.cover == "gio-to/video/tiktok-cover.jpg" and tiktok.captions == "gio-to/video/tiktok.vtt"
    assert tiktok.duration == 1.0 and tiktok.bitrate == 250_000 and tiktok.bytes == clip_size(output)
    # the card: the cover (lazy) until asked to play; then a player with the cover as poster (browser test)
    tags = parse(page)
    players = [a for t, a in tags.tags if t == "a" and a.get("class") == "play"]
    assert len(players) == 4 and not any(t == "video" for t, _ in tags.tags)
    assert all(a["data-poster"].endswith("-cover.jpg") and a["href"] == a["data-video"] for a in players)
    assert "gio-to/video/draft/zalo.mp4" in {a["data-video"] for a in players}
    assert {"gio-to/video/tiktok.vtt"} <= {a.get("data-captions") for a in players}
    # counters the platform's way, with the limit
    assert 'data-field="caption" data-used="39"' in page and "39 / 2.200 đơn vị UTF-16" in page
    nbytes = len(tiktok.body.encode("utf-8"))
    assert nbytes > 39 and f"Mô tả / description: {nbytes} / 5.000 byte UTF-8" in page  # YouTube counts bytes
    # a failing check is shown with its reason, in red
    assert "✗ gop (1/2)" in page and "gop: khung khóa cách 4 s / key frames every 4 s" in page
    # posters per size with their alt text, full size on click; the three editions
    imgs = [a for t, a in tags.tags if t == "img"]
    assert {a["alt"] for a in imgs} >= {"Biểu đồ ocop-theo-xa, cỡ square: Bình Thành 12 sản phẩm.",
                                        "Biểu đồ ocop-theo-xa, cỡ story: Bình Thành 12 sản phẩm."}
    links = {a.get("href") for t, a in tags.tags if t == "a"}
    assert "gio-to/infographics/ocop-theo-xa-story.png" in links
    assert {"gio-to/publication/gio-to.html", "gio-to/publication/gio-to.pdf", "gio-to/publication/gio-to.epub"} <= links
    # filters offer the campaigns, themes, platforms and states
    assert '<option value="chuyen-doi-so">Chuyển đổi số</option>' in page
    assert '<option value="youtube_shorts">YouTube Shorts</option>' in page
    assert '<option value="changed">' in page


def clip_size(output: Path) -> int:
    return (output / "gio-to" / "video" / "tiktok.mp4").stat().st_size


def test_description_bytes_count_vietnamese_marks(output: Path) -> None:
    card = load_review(output).card("gio-to", "youtube_shorts")
    desc = next(c for c in card.counters if c.field == "description")
    assert desc.used == len(card.body.encode("utf-8")) > len(card.body)


def test_missing_or_corrupt_manifest_is_named_and_the_rest_shows(output: Path) -> None:
    (output / "broken").mkdir()
    (output / "broken" / "manifest.json").write_text('{"outputs": [', encoding="utf-8")
    (output / "lost" / "video").mkdir(parents=True)  # outputs, but no manifest
    (output / "shape").mkdir()
    (output / "shape" / "manifest.json").write_text('["not", "a", "manifest"]', encoding="utf-8")
    review = load_review(output)
    assert [c.id for c in review.campaigns] == ["evil", "gio-to"]
    reasons = {b.campaign: b.reason for b in review.broken}
    assert set(reasons) == {"broken", "lost", "shape"} and reasons["lost"].startswith("thiếu")
    assert "manifest.json hỏng" in reasons["broken"] and "không đúng dạng" in reasons["shape"]
    page = gallery_html(review)
    for name in ("broken/manifest.json", "lost/manifest.json", "shape/manifest.json"):
        assert f"<code>{name}</code>" in page
    assert "JSONDecodeError" in page and "Giỗ Tổ" in page


def test_states_follow_the_ledger_and_a_rerender_makes_changed(output: Path, clip: Path) -> None:
    ledger = Catalog(output).ledger
    card = load_review(output).card("gio-to", "tiktok")
    approvals.record(ledger, "gio-to", "tiktok", card.digest, "approved", "Nguyễn Văn A", EVIL_CAPTION)
    approvals.record(ledger, "gio-to", "youtube_shorts", "0" * 64, "changes_requested", "Lê B", "cắt ngắn")
    review = load_review(output)
    assert review.card("gio-to", "tiktok").state == "approved"
    assert review.card("gio-to", "youtube_shorts").state == "changes_requested"
    page = gallery_html(review)
    assert "Nguyễn Văn A" in page and "onerror=alert(2)&gt;" in page and 'data-state="approved"' in page
    # re-render: other bytes at the same path -> "changed since approval", even before the manifest is rebuilt
    video = output / "gio-to" / "video" / "tiktok.mp4"
    video.write_bytes(clip.read_bytes() + b"\0")
    assert load_review(output).card("gio-to", "tiktok").state == "changed"
    assert approvals.state(ledger, "gio-to", "tiktok", load_review(output).card("gio-to", "tiktok").digest) == "changed"


def test_verdict_reads_the_checks_record_and_names_any_other_shape() -> None:
    assert verdict_of(None).ok is None
    good = verdict_of(Checks("video", (Check("gop", False, 4.0, 2.0, "key frames every 4 s"),)).to_dict())
    assert good.ok is False and good.reasons == ("gop: key frames every 4 s",)
    for other in ([{"name": "gop", "ok": False, "detail": "key frames every 4 s"}], {"contrast_ok": True},
                  {"version": 1, "kind": "video", "checks": "nope"}):
        bad = verdict_of(other, file="x.mp4.checks.json")  # an old or corrupt shape is named, never guessed
        assert bad.ok is False and "x.mp4.checks.json" in bad.reasons[0]


def test_overlay_css_draws_the_design_safe_zone() -> None:
    css = overlay_css({"tiktok", "youtube"})
    # DESIGN §6: x 120–888, y 288–1248 of 1080x1920
    assert ".r-tiktok .safe{left:11.111%;top:15.000%;width:71.111%;height:50.000%}" in css
    assert ".r-tiktok{aspect-ratio:1080/1920}" in css and ".r-youtube{aspect-ratio:1920/1080}" in css


def test_write_gallery_and_cli(output: Path, tmp_path: Path) -> None:
    assert write_gallery(output) == output / "index.html"
    assert main(["gallery", "--output", str(output), "--assets", str(tmp_path / "none"), "--quiet"]) == 0
    page = (output / "index.html").read_text(encoding="utf-8")
    assert page.startswith("<!doctype html>") and "Giỗ Tổ" in page
    # a manifest without campaign_info still shows, under its id
    m = output / "gio-to" / "manifest.json"
    data = json.loads(m.read_text(encoding="utf-8"))
    del data["campaign_info"]
    m.write_text(json.dumps(data), encoding="utf-8")
    gio = load_review(output).campaigns[1]
    assert gio.title == "gio-to" and gio.posts[0].body == ""


def test_publish_records_show_on_the_card(output: Path) -> None:
    from promokit.publish.ledger import PublishLedger

    pl = PublishLedger(Catalog(output).ledger)
    done = pl.open("gio-to", "tiktok", "d" * 64, 1000)
    pl.update(done.id, state="published", sent=1000, url="https://www.tiktok.com/@lapvo/video/1")
    bad = pl.open("gio-to", "youtube_shorts", "e" * 64, 1000)
    pl.update(bad.id, state="uploading", sent=400, url="javascript:alert(1)")
    review = load_review(output)
    assert review.card("gio-to", "tiktok").published.label == "đã đăng / published"
    page = gallery_html(review)
    assert '<a href="https://www.tiktok.com/@lapvo/video/1" rel="noopener noreferrer">' in page
    assert "đang tải lên / uploading 40 %" in page
    assert 'href="javascript:' not in page


def test_a_built_post_package_is_what_the_card_shows_and_digests_agree_with_publish(tmp_path: Path, clip) -> None:
    from promokit.publish.package import package_digest

    assets, out = tmp_path / "assets", tmp_path / "output"
    testing.make_campaign(assets, "gio-to", clips=0, extra_yaml={
        "video": {"platforms": ["tiktok", "youtube_shorts"]},
        "posts": {"caption": "Mời bà con <b>về</b> dự lễ.", "hashtags": ["GioTo"]}})
    testing.make_rendered_campaign(out, "gio-to", platforms=("tiktok", "youtube_shorts"), clip=clip)
    main(["publish", "--assets", str(assets), "--output", str(out), "--quiet"])  # dry run: packages only
    review = load_review(out, assets=assets)
    page = gallery_html(review)
    for card in review.packages():
        sent = (out / "gio-to" / "posts" / card.platform / "caption.txt").read_text(encoding="utf-8").strip()
        assert card.video == f"gio-to/posts/{card.platform}/video.mp4" and card.body == sent
        assert card.digest == package_digest(Catalog(out).campaign("gio-to"), card.platform)
        assert card.package_verdict is not None
    shorts = review.card("gio-to", "youtube_shorts")
    assert shorts.package_verdict.ok is False and any("forbidden_chars" in r for r in shorts.package_verdict.reasons)
    assert "Gói bài đăng / post package: ✗" in page


def test_a_video_rendered_again_after_packaging_is_flagged_on_its_card(tmp_path: Path, clip) -> None:
    from promokit.manifest import update_manifest

    assets, out = tmp_path / "assets", tmp_path / "output"
    testing.make_campaign(assets, "gio-to", clips=0, extra_yaml={"video": {"platforms": ["tiktok"]},
                                                                 "posts": {"caption": "Mời bà con về dự lễ."}})
    testing.make_rendered_campaign(out, "gio-to", platforms=("tiktok",), clip=clip)
    main(["publish", "--assets", str(assets), "--output", str(out), "--quiet"])
    assert not load_review(out, assets=assets).card("gio-to", "tiktok").rerendered
    co = Catalog(out).campaign("gio-to")
    co.video("tiktok").unlink()  # a render replaces its file; the package's hard link keeps the one before
    testing.make_clip(co.video("tiktok"), 1.5, size=(108, 192))
    update_manifest(co)
    review = load_review(out, assets=assets)
    card = review.card("gio-to", "tiktok")
    assert card.rerendered and card.video == "gio-to/posts/tiktok/video.mp4"  # the card still shows the package
    assert "rendered again after packaging" in gallery_html(review)


def test_cached_views_follow_the_ledger_and_the_files(output: Path, clip: Path) -> None:
    cache: dict = {}
    card = load_review(output, cache=cache).card("gio-to", "tiktok")
    kept = cache["gio-to"][1]
    approvals.record(Catalog(output).ledger, "gio-to", "tiktok", card.digest, "approved", "A")
    again = load_review(output, cache=cache)
    assert cache["gio-to"][1] is kept  # not read again: only the ledger changed
    assert again.card("gio-to", "tiktok").state == "approved" and again.card("gio-to", "tiktok").decision.reviewer == "A"
    (output / "gio-to" / "video" / "tiktok.mp4").write_bytes(clip.read_bytes() + b"\0")
    assert load_review(output, cache=cache).card("gio-to", "tiktok").state == "changed"
    assert cache["gio-to"][1] is not kept


def test_render_warnings_reach_the_page_with_their_files(output: Path) -> None:
    """A warning in a checks record (a dropped file, a shortened shot) is shown on its campaign, never silent."""
    from promokit.catalog import read_checks, write_checks
    from promokit.manifest import update_manifest

    outs = Catalog(output).campaign("gio-to")
    video = outs.video("tiktok")
    write_checks(video, read_checks(video).with_warnings("images/: bỏ qua 2 tệp / 2 files left out <b>x</b>"))
    update_manifest(outs)
    page = gallery_html(load_review(output))
    assert "1 cảnh báo / warnings" in page and "2 files left out" in page and "video/tiktok.mp4" in page
    assert "<b>x</b>" not in page  # escaped like every campaign text


def test_radio_bulletins_play_on_the_page_and_a_guide_track_says_so(output: Path) -> None:
    from promokit.catalog import Check, Checks, write_checks
    from promokit.manifest import update_manifest

    outs = Catalog(output).campaign("gio-to")
    for name, guide in (("ban-tin", False), ("nhac-nho", True)):
        mp3 = outs.bulletin(name, "mp3", guide=guide)
        testing.make_tone(mp3, 0.5)
        write_checks(mp3, Checks("radio", (Check("loudness", True, -16.0, -16.0),),
                                 {"guide": guide, "mix_lufs": -24.0, "planned_s": 62.5, "tags": {"title": f"Bản tin {name}"},
                                  "script": [{"kind": "headline", "title": "Tin chính", "text": "Lễ hội <b>Giỗ Tổ</b>",
                                              "recorded": not guide}]}))
    update_manifest(outs)
    page = gallery_html(load_review(output))
    assert page.count('<audio controls preload="none"') == 2
    # the loudness measured on the delivered file (the check's value), not the mix before its gain
    assert "Bản tin ban-tin" in page and "62,5 s" in page and "-16,0 LUFS" in page and "-24,0 LUFS" not in page
    assert page.count("synthetic guide track, not final") == 1  # only the guide bulletin is marked
    assert page.count("Kịch bản / script (1)") == 2 and "Lễ hội &lt;b&gt;Giỗ Tổ&lt;/b&gt;" in page  # the script, escaped
