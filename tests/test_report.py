"""The results report: every figure recomputed from a ledger built with known rows; periods; no data; a campaign
without a theme; the insights store and the platforms' exports; the editions (slow)."""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess
from pathlib import Path

import pytest

from promokit import cli
from promokit.catalog import Catalog, read_checks
from promokit.errors import DataError, UsageError
from promokit.report import between, build_report, load_style, make_report, month, week, year
from promokit.report.gather import gather
from promokit.report.history import (
    ApprovalEvent,
    History,
    JobEvent,
    PostEvent,
    write_campaign_yml,
    write_history,
)
from promokit.report.insights import add_snapshots, import_export, read_export, read_snapshots
from promokit.report.model import Snapshot

D = dt.date
VN = dt.timezone(dt.timedelta(hours=7))
APRIL = month("2024-04")


def _snap(platform: str, rid: str, day: dt.date, views: float, **kw: float) -> Snapshot:
    return Snapshot(platform, rid, day, views=views, **kw)


@pytest.fixture
def office(tmp_path: Path) -> tuple[Path, Path]:
    """assets + output with a known April 2024 (figures worked out by hand in the comments)."""
    assets, output = tmp_path / "assets", tmp_path / "output"
    write_campaign_yml(assets, "le-hoi-a", "Lễ hội Giỗ Tổ", "le-hoi", D(2024, 4, 10), D(2024, 4, 20),
                       {"zalo": D(2024, 4, 15)})
    write_campaign_yml(assets, "ocop-b", "OCOP giá trị xanh", "nong-nghiep-ocop", D(2024, 4, 1), D(2024, 4, 30))
    write_campaign_yml(assets, "khong-theme", "Chưa có chủ đề", "", D(2024, 4, 5), D(2024, 4, 6))
    write_campaign_yml(assets, "cu", "Du lịch đầu năm", "du-lich", D(2024, 1, 1), D(2024, 1, 10))
    h = History(
        jobs=[JobEvent("le-hoi-a", D(2024, 4, 8), "video", "ok",
                       ("video/tiktok.mp4", "video/tiktok-cover.jpg", "video/draft/tiktok.mp4",
                        "video/tiktok.mp4.checks.json")),  # 1 product (its cover, draft and record are not)
              JobEvent("le-hoi-a", D(2024, 4, 9), "radio", "ok",
                       ("radio/ban-tin.mp3", "radio/ban-tin.wav", "radio/lich-phat-2024-04-09.pdf")),  # 1 bulletin
              JobEvent("ocop-b", D(2024, 4, 2), "infographic", "ok",
                       ("infographics/a-square.png", "infographics/a-story.png")),  # 2 products
              JobEvent("ocop-b", D(2024, 4, 3), "publication", "failed", (), "thiếu ảnh bìa"),
              JobEvent("cu", D(2024, 1, 2), "video", "ok", ("video/youtube.mp4",))],  # before April
        posts=[PostEvent("le-hoi-a", D(2024, 4, 12), "tiktok", "published", "T1", "https://tiktok.example/T1"),
               PostEvent("le-hoi-a", D(2024, 4, 13), "facebook_reels", "published", "F1", "https://fb.example/F1"),
               PostEvent("ocop-b", D(2024, 4, 20), "youtube_shorts", "failed", error="quota"),
               PostEvent("cu", D(2024, 1, 5), "youtube", "published", "Y0", "https://yt.example/Y0")],
        approvals=[ApprovalEvent("ocop-b", D(2024, 4, 22), "zalo")],
        snapshots=[_snap("tiktok", "T1", D(2024, 4, 14), 100),
                   _snap("tiktok", "T1", D(2024, 4, 21), 250, reach=200, reactions=20, comments=5, shares=3,
                         watch_s=3600),
                   _snap("tiktok", "T1", D(2024, 5, 5), 999),  # after April: not counted in April
                   _snap("facebook", "F1", D(2024, 4, 20), 40),
                   _snap("youtube", "Y0", D(2024, 3, 1), 1000),
                   _snap("youtube", "Y0", D(2024, 4, 28), 1300)])
    write_history(Catalog(output).ledger, h)
    return assets, output


def _report(office: tuple[Path, Path], period=APRIL):
    assets, output = office
    return build_report(gather(output, assets), load_style(assets), period)


def test_every_figure_of_april(office):
    r = _report(office)
    t = r.total
    # campaigns: le-hoi-a, ocop-b, khong-theme (dates overlap); cu only has audience -> not a campaign of April
    assert (t.campaigns, t.products, t.posts, t.bulletins) == (3, 4, 2, 1)
    assert t.audience.posts == 3
    assert t.audience.now["views"] == 250 + 40 + 1300
    assert t.audience.change["views"] == 150 + 40 + 300
    assert t.audience.now["watch_s"] == 3600 and t.audience.now["reach"] == 200
    areas = {a.code: a for a in r.areas}
    assert (areas["II.3"].campaigns, areas["II.3"].products, areas["II.3"].posts, areas["II.3"].bulletins) == (1, 2, 2, 1)
    assert areas["II.3"].audience.now["views"] == 290 and areas["II.3"].audience.change["views"] == 190
    assert (areas["II.4"].campaigns, areas["II.4"].products, areas["II.4"].posts) == (1, 2, 0)
    assert areas["II.4"].audience.now["views"] == 1300 and areas["II.4"].audience.change["views"] == 300
    assert areas["—"].campaigns == 1 and areas["II.1"].campaigns == 0  # every area listed, even empty ones
    ch = {c.code: c for c in r.channels}
    assert (ch["tiktok"].posts, ch["tiktok"].audience.now["views"], ch["tiktok"].audience.change["views"]) == (1, 250, 150)
    assert (ch["facebook"].posts, ch["facebook"].audience.now["views"]) == (1, 40)
    assert (ch["youtube"].posts, ch["youtube"].audience.now["views"]) == (0, 1300)
    assert (ch["print"].products, ch["radio"].products, ch["radio"].bulletins, ch["web"].products) == (2, 1, 1, 0)
    assert ch["tiktok"].products == 1  # a video is counted in its platform's channel
    assert sum(c.products for c in r.channels) == t.products
    assert [(p.campaign, p.platform, p.url) for p in r.posts] == [
        ("cu", "youtube", "https://yt.example/Y0"), ("le-hoi-a", "tiktok", "https://tiktok.example/T1"),
        ("le-hoi-a", "facebook_reels", "https://fb.example/F1")]
    undone = {(u.campaign, u.what): (u.planned, u.why) for u in r.undone}
    assert undone == {
        ("le-hoi-a", "zalo"): ("lịch đăng 15/4/2024", "chưa đăng (chưa chạy promokit publish --live)"),
        ("ocop-b", "zalo"): ("đã duyệt để đăng", "chưa đăng (chưa chạy promokit publish --live)"),
        ("ocop-b", "youtube_shorts"): ("đăng bài", "đăng lỗi: quota"),
        ("ocop-b", "publication"): ("dựng sản phẩm", "thiếu ảnh bìa"),
        ("khong-theme", ""): ("dựng sản phẩm", "chưa có sản phẩm nào được dựng")}
    assert r.unmapped == ["khong-theme (không có theme / no theme)"]
    assert any("MINH HỌA" in note for note in r.notes)  # history written by promokit.report.history says so
    assert not r.empty


def test_a_post_held_by_the_platform_is_published_at_its_time(office):
    """Handed over to the platform on 14/4 for 16/4 (past, inside April) and on 22/4 for 28/4 (after the
    ledger is read on 25/4): April counts the first on 16/4 and lists the second as scheduled; the week of
    8–14/4 lists the first as scheduled (16/4 is after its end); read after 28/4, April counts both."""
    assets, output = office
    write_history(Catalog(output).ledger, History(posts=[
        PostEvent("le-hoi-a", D(2024, 4, 14), "youtube_shorts", "published", "Y1", "https://yt.example/Y1",
                  publish_at=dt.datetime(2024, 4, 16, 8, tzinfo=VN)),
        PostEvent("ocop-b", D(2024, 4, 22), "facebook_reels", "published", "F2", "https://fb.example/F2",
                  publish_at=dt.datetime(2024, 4, 28, 1, tzinfo=dt.UTC))]))
    style = load_style(assets)
    inputs = gather(output, assets, now=dt.datetime(2024, 4, 25, 12, tzinfo=VN))
    r = build_report(inputs, style, APRIL)
    assert r.total.posts == 2 + 1 and {c.id: c.posts for c in r.campaigns} == {"le-hoi-a": 3, "ocop-b": 0,
                                                                               "khong-theme": 0}
    ch = {c.code: c.posts for c in r.channels}
    assert (ch["youtube"], ch["facebook"]) == (1, 1)
    assert [(p.platform, p.published) for p in r.posts if p.campaign != "cu"] == [
        ("tiktok", D(2024, 4, 12)), ("facebook_reels", D(2024, 4, 13)), ("youtube_shorts", D(2024, 4, 16))]
    undone = {(u.campaign, u.what): (u.planned, u.why) for u in r.undone}
    assert undone[("ocop-b", "facebook_reels")] == (
        "hẹn giờ đăng 28/4/2024", "đã hẹn giờ trên nền tảng (Facebook giữ bài), đăng lúc 28/4/2024 08:00 / "
        "scheduled on the platform (held by Facebook), goes out on 28/4/2024 08:00")
    assert ("le-hoi-a", "youtube_shorts") not in undone
    from promokit.report.document import document

    text = "\n".join(x for sec in document(r, style, D(2024, 4, 25)).sections for x in sec.paragraphs)
    assert "OCOP giá trị xanh – facebook_reels: hẹn giờ đăng 28/4/2024; chưa thực hiện – lý do: đã hẹn giờ trên nền tảng" in text

    early = build_report(inputs, style, between("2024-04-08", "2024-04-14"))
    assert early.total.posts == 2 and [p.platform for p in early.posts] == ["tiktok", "facebook_reels"]
    assert {(u.campaign, u.what): u.planned for u in early.undone}[("le-hoi-a", "youtube_shorts")] == \
        "hẹn giờ đăng 16/4/2024"
    assert ("ocop-b", "facebook_reels") not in {(u.campaign, u.what) for u in early.undone}  # handed over on 22/4

    later = build_report(gather(output, assets, now=dt.datetime(2024, 4, 28, 9, tzinfo=VN)), style, APRIL)
    assert later.total.posts == 4 and not any(u.what == "facebook_reels" for u in later.undone)
    assert later.total == build_report(gather(output, assets), style, APRIL).total  # the clock is long past


def test_the_next_snapshot_changes_the_change(office):
    """May: T1's latest is 999 (change +749 since 21/4); the April figures stay as they were."""
    r = _report(office, month("2024-05"))
    assert r.total.audience.now["views"] == 999 and r.total.audience.change["views"] == 749
    assert r.total.posts == 0


def test_a_period_with_no_data_says_so(office):
    r = _report(office, month("2023-07"))
    assert r.empty and r.total.campaigns == 0 and not r.posts
    from promokit.report.document import document

    doc = document(r, load_style(None), D(2023, 8, 1))
    assert doc.sections[0].paragraphs[0].startswith("Thực hiện Kế hoạch truyền thông chính sách, quảng bá hình ảnh "
                                                     "huyện Lấp Vò năm 2023, Phòng Văn hóa và Thông tin báo cáo")
    assert "không có dữ liệu" in doc.sections[1].paragraphs[0]


def test_periods():
    assert (week("2024-W16").start, week("2024-W16").end, week("2024-W16").name) == (D(2024, 4, 15), D(2024, 4, 21),
                                                                                    "2024-W16")
    last = week(today=D(2024, 4, 24))  # a Wednesday: the last complete week is W16
    assert last.name == "2024-W16"
    assert month(today=D(2024, 3, 5)).name == "2024-02" and month(today=D(2024, 3, 5)).end == D(2024, 2, 29)
    assert month("4/2024") == APRIL
    assert year("2024").start == D(2024, 1, 1) and year("2024").end == D(2024, 12, 31)
    p = between("1/4/2024", "2024-04-10")
    assert p.name == "2024-04-01_2024-04-10" and D(2024, 4, 10) in p and D(2024, 4, 11) not in p
    for bad in (lambda: week("2024-W60"), lambda: month("13/2024"), lambda: between("10/4/2024", "1/4/2024"),
                lambda: between("x", "1/4/2024")):
        with pytest.raises(UsageError):
            bad()


# -- insights -------------------------------------------------------------------------------------

FB = "Post ID,Permalink,Date,Reach,Views,Reactions,Comments,Shares,Seconds viewed\n"


def test_import_facebook_and_never_overwrite(tmp_path):
    f = tmp_path / "fb.csv"
    f.write_text(FB + "F1,https://fb.example/F1,2024-04-20,\"1,200\",\"3,400\",50,4,2,900\n", encoding="utf-8")
    ledger = tmp_path / "promokit.sqlite"
    assert import_export(ledger, f, "facebook") == (1, 1)
    f.write_text(FB + "F1,https://fb.example/F1,2024-04-20,1,9999,0,0,0,0\n", encoding="utf-8")
    assert import_export(ledger, f, "Facebook") == (1, 0)  # same post and day: the first snapshot stays
    (s,) = read_snapshots(ledger)
    assert (s.platform, s.remote_id, s.taken, s.views, s.reach, s.reactions, s.watch_s) == (
        "facebook", "F1", D(2024, 4, 20), 3400, 1200, 50, 900)


def test_youtube_export_hours_and_total_line(tmp_path):
    f = tmp_path / "yt.csv"
    f.write_text("Content,Video title,Views,Watch time (hours),Likes,Comments added,Shares,Impressions\n"
                 "Total,,120,3.5,9,1,0,800\nabc123,Lễ hội,120,3.5,9,1,0,800\n", encoding="utf-8")
    (s,) = read_export(f, "youtube", taken=D(2024, 4, 21))
    assert (s.remote_id, s.taken, s.views, s.watch_s, s.reach) == ("abc123", D(2024, 4, 21), 120, 12600, 800)


@pytest.mark.parametrize(("text", "platform", "words"), [
    ("Post ID,Date,Reach\nF1,2024-04-20,5\n", "facebook", "Views"),  # missing column
    (FB + "F1,u,2024-04-20,\"1.200,5\",3,0,0,0,0\n", "facebook", "1.200,5"),  # decimal comma
    (FB + "F1,u,2024-04-20,12,\"3,5\",0,0,0,0\n", "facebook", "3,5"),  # decimal comma (looks like a thousand)
    ("Video ID,Video link,Date,Video views,Likes\n7,u,2024-04-20,5,1\n", "facebook", "tiktok"),  # another export
    ("Content,Views,Watch time (hours)\nabc,1,0.1\n", "tiktok", "youtube"),
])
def test_bad_exports_are_named(tmp_path, text, platform, words):
    f = tmp_path / "x.csv"
    f.write_text(text, encoding="utf-8")
    with pytest.raises(DataError) as e:
        read_export(f, platform)
    assert words in str(e.value) and "x.csv" in str(e.value)


def test_unknown_platform_is_a_usage_error(tmp_path):
    f = tmp_path / "x.csv"
    f.write_text(FB, encoding="utf-8")
    assert cli.main(["insights", "--import", str(f), "--platform", "myspace", "--output", str(tmp_path)]) == 2


def test_snapshots_append_only(tmp_path):
    ledger = tmp_path / "l.sqlite"
    assert add_snapshots(ledger, [_snap("tiktok", "T", D(2024, 1, 1), 5), _snap("tiktok", "T", D(2024, 1, 8), 9)]) == 2
    assert add_snapshots(ledger, [_snap("tiktok", "T", D(2024, 1, 8), 1)]) == 0
    assert [s.views for s in read_snapshots(ledger)] == [5, 9]


# -- editions -------------------------------------------------------------------------------------

def _pdf_text(path: Path) -> str:
    from pypdf import PdfReader

    return "\n".join(p.extract_text() or "" for p in PdfReader(str(path)).pages)


@pytest.mark.slow
def test_three_editions(office, tmp_path):
    assets, output = office
    res = make_report(output, APRIL, assets=assets, issued=D(2024, 5, 2))
    assert res.paths == {f: Catalog(output).report("2024-04", f) for f in ("html", "pdf", "docx")}
    html = res.paths["html"].read_text(encoding="utf-8")
    for text in ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Lấp Vò, ngày 2 tháng 5 năm 2024", "1.590", "+490",
                 'href="https://tiktok.example/T1"', "250 lượt xem (+150)", "thiếu ảnh bìa", "data:image/png;base64,",
                 "OCOP giá trị xanh – publication: dựng sản phẩm"):  # what is not done, by the campaign's title
        assert text in html
    assert "src=\"http" not in html  # self-contained
    pdf = _pdf_text(res.paths["pdf"])
    assert "1.590" in pdf and "BÁO CÁO" in pdf
    assert read_checks(res.paths["docx"]).facts["views"] == "1.590"

    soffice = shutil.which("soffice") or pytest.skip("LibreOffice (scripts/setup-system.sh test) missing")
    conv = tmp_path / "conv"
    subprocess.run([soffice, "--headless", f"-env:UserInstallation=file://{tmp_path}/lo", "--convert-to", "pdf",
                    "--outdir", str(conv), str(res.paths["docx"])], check=True, capture_output=True, timeout=180)
    out = conv / "2024-04.pdf"
    text = " ".join(_pdf_text(out).split())
    for want in ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc", "BÁO CÁO",
                 "Kết quả truyền thông chính sách", "tháng 4/2024", "Nơi nhận:", "1.590", "+490", "Lấp Vò, ngày 2"):
        assert want in text, want
    fonts = subprocess.run(["pdffonts", str(out)], check=True, capture_output=True, text=True).stdout.splitlines()[2:]
    assert fonts and all(line.split()[-5] == "yes" for line in fonts), fonts  # the "emb" column


@pytest.mark.slow
def test_cli_report_of_an_empty_period(office, capsys):
    assets, output = office
    code = cli.main(["report", "--from", "1/7/2023", "--to", "31/7/2023", "--format", "html,docx",
                     "--assets", str(assets), "--output", str(output)])
    assert code == 0
    assert "không có dữ liệu" in capsys.readouterr().out
    html = Catalog(output).report("2023-07-01_2023-07-31", "html").read_text(encoding="utf-8")
    assert "không có dữ liệu" in html
    assert not Catalog(output).report("2023-07-01_2023-07-31", "pdf").exists()


def test_the_gallery_links_the_latest_report(office):
    from promokit.review.gallery import write_gallery

    assets, output = office
    write_gallery(output, assets)
    assert "reports/" not in Catalog(output).gallery.read_text(encoding="utf-8")
    assert cli.main(["report", "--month", "2024-04", "--format", "html", "-q", "--assets", str(assets),
                     "--output", str(output)]) == 0
    assert 'href="reports/2024-04.html"' in Catalog(output).gallery.read_text(encoding="utf-8")


def test_cli_bad_format(office):
    assets, output = office
    assert cli.main(["report", "--week", "--format", "odt", "--output", str(output)]) == 2


# -- the notebook ---------------------------------------------------------------------------------

ROOT = Path(__file__).resolve().parents[1]


def test_the_report_notebook_is_generated_and_clean():
    import importlib.util
    import json

    spec = importlib.util.spec_from_file_location("mk", ROOT / "scripts" / "make_notebooks.py")
    mk = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mk)
    committed = json.loads((ROOT / "notebooks" / "campaign_report.ipynb").read_text(encoding="utf-8"))
    assert ["".join(c["source"]) for c in committed["cells"]] == [c.source for c in mk.build_report_notebook().cells]
    assert all(not c.get("outputs") for c in committed["cells"] if c["cell_type"] == "code")
    from promokit.batch.jobs import NOTEBOOKS

    assert "campaign_report" not in NOTEBOOKS  # per period, not per campaign: not in the batch


@pytest.mark.slow
def test_the_report_notebook_runs(office, tmp_path):
    import papermill as pm

    assets, output = office
    pm.execute_notebook(str(ROOT / "notebooks" / "campaign_report.ipynb"), str(tmp_path / "out.ipynb"),
                        parameters={"month": "2024-04", "formats": ["html"], "assets_dir": str(assets),
                                    "output_dir": str(output)}, cwd=str(tmp_path), progress_bar=False,
                        kernel_name="python3")
    assert "1.590" in Catalog(output).report("2024-04", "html").read_text(encoding="utf-8")


# -- counts through the platforms' APIs (loopback) ------------------------------------------------

class _YouTube:
    """A loopback videos.list: answers 429 once (Retry-After 0), then the statistics of the ids it has."""

    def __init__(self) -> None:
        import json
        import threading
        from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
        from urllib.parse import parse_qs, urlsplit

        self.have = {"Y1": {"viewCount": "1200", "likeCount": "30", "commentCount": "4"}}
        self.calls: list[str] = []
        self.throttle = 1
        outer = self

        class H(BaseHTTPRequestHandler):
            def log_message(self, *a):  # quiet
                pass

            def do_GET(self):  # noqa: N802
                u = urlsplit(self.path)
                outer.calls.append(self.headers.get("Authorization", ""))
                if outer.throttle:
                    outer.throttle -= 1
                    self.send_response(429)
                    self.send_header("Retry-After", "0")
                    self.end_headers()
                    return
                ids = parse_qs(u.query)["id"][0].split(",")
                body = json.dumps({"items": [{"id": i, "statistics": outer.have[i]} for i in ids
                                             if i in outer.have]}).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), H)
        self.base = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()


def test_fetch_counts_retries_a_429_and_names_a_deleted_post(tmp_path, monkeypatch, capsys):
    fake = _YouTube()
    try:
        monkeypatch.setenv("PROMOKIT_CONFIG_DIR", str(tmp_path / "config"))
        monkeypatch.setenv("PROMOKIT_HTTP_BACKOFF", "0.01")
        monkeypatch.setenv("PROMOKIT_YOUTUBE_API_BASE", fake.base)
        monkeypatch.setenv("PROMOKIT_YOUTUBE_TOKEN", "secret-token-abc")
        output = tmp_path / "output"
        write_history(Catalog(output).ledger, History(posts=[
            PostEvent("a", D(2024, 4, 1), "youtube_shorts", "published", "Y1", "https://yt.example/Y1"),
            PostEvent("b", D(2024, 4, 2), "youtube", "published", "Y2", "https://yt.example/Y2"),  # deleted there
            PostEvent("c", D(2024, 4, 2), "tiktok", "published", "T9")]))  # another platform: not asked
        code = cli.main(["insights", "--fetch", "--platform", "youtube", "--date", "21/4/2024",
                         "--output", str(output)])
        assert code == 0
        shown = capsys.readouterr()
        assert "Y2" in shown.err and "secret-token-abc" not in shown.out + shown.err
        # the 429, then one call per publisher's reader (youtube_shorts: Y1, youtube: Y2)
        assert fake.calls[0] == "Bearer secret-token-abc" and len(fake.calls) == 3
        (s,) = read_snapshots(Catalog(output).ledger)
        assert (s.platform, s.remote_id, s.taken, s.views, s.reactions, s.comments, s.url) == (
            "youtube", "Y1", D(2024, 4, 21), 1200, 30, 4, "https://yt.example/Y1")
    finally:
        fake.server.shutdown()
        fake.server.server_close()


def test_the_bench_year_is_at_the_issue_scale(tmp_path):
    from promokit.report.history import illustrative_year

    h = illustrative_year(tmp_path, 2024, campaigns=40, posts=600, snapshots=12)
    slots = {(p.campaign, p.platform) for p in h.posts} | {(a.campaign, a.platform) for a in h.approvals}
    counted = {(s.platform, s.remote_id) for s in h.snapshots}
    by_hand = {k for k in counted if k[1].startswith("im")}
    assert len({c for c, _ in slots}) == 40 and len(slots) + len(by_hand) == 600
    assert len(h.snapshots) == 12 * len(counted)  # 12 weekly snapshots of every published post
