"""The platforms' insights exports, generated with the exact header sets the real exports carry (sources in the
README, "Báo cáo kết quả"): Meta Business Suite's post export, YouTube Studio's table (English and Vietnamese
UI) and TikTok Studio's Content export (id read from the video link)."""

from __future__ import annotations

import csv
import datetime as dt
import io
from pathlib import Path

import pytest

from promokit.errors import DataError
from promokit.report.insights import import_export, read_export, read_snapshots

D = dt.date
DAY = D(2024, 4, 21)

META = ["Post ID", "Page ID", "Page name", "Title", "Description", "Duration (sec)", "Publish time", "Caption type",
        "Permalink", "Post type", "Languages", "Custom labels", "Funded content status", "Data comment", "Date",
        "Views", "Reach", "Reactions, Comments and Shares", "Reactions", "Comments", "Shares", "Total clicks",
        "Link clicks", "Other Clicks", "Negative feedback from users: Hide all", "Seconds viewed",
        "Average Seconds viewed"]
YT_EN = ["Content", "Video title", "Video publish time", "Duration", "Comments added", "Shares", "Likes",
         "Subscribers gained", "Average view duration", "Views", "Watch time (hours)", "Subscribers", "Impressions",
         "Impressions click-through rate (%)"]
YT_VI = ["Nội dung", "Tiêu đề video", "Số lượt xem", "Thời gian xem (giờ)", "Người xem mới", "Người xem cũ",
         "Số người đăng ký", "Lượt hiển thị hình thu nhỏ", "Tỷ lệ nhấp của số lượt hiển thị hình thu nhỏ (%)",
         "Ở lại xem (%)"]
TIKTOK = ["Video title", "Video link", "Post time", "Views in the last 7 days", "Total views", "Total likes",
          "Total comments", "Total shares"]


def _csv(path: Path, header: list[str], *rows: dict[str, str]) -> Path:
    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=header)
    w.writeheader()
    for r in rows:
        w.writerow({h: r.get(h, "") for h in header})
    path.write_text("\ufeff" + buf.getvalue(), encoding="utf-8")  # the exports start with a BOM
    return path


def test_meta_business_suite_post_export(tmp_path):
    f = _csv(tmp_path / "fb.csv", META,
             {"Post ID": "1234_5678", "Page ID": "1234", "Page name": "Lấp Vò", "Title": "Lễ hội Giỗ Tổ",
              "Publish time": "04/18/2024 07:30", "Permalink": "https://www.facebook.com/reel/5678", "Post type": "Reels",
              "Date": "Lifetime", "Views": "12,400", "Reach": "8,100", "Reactions, Comments and Shares": "515",
              "Reactions": "480", "Comments": "21", "Shares": "14", "Seconds viewed": "96,000",
              "Average Seconds viewed": "7.7"},
             {"Post ID": "1234_9999", "Permalink": "https://www.facebook.com/1234/posts/9999", "Post type": "Photos",
              "Date": "Lifetime", "Views": "", "Reach": "300", "Reactions": "12", "Comments": "0", "Shares": "1"})
    ledger = tmp_path / "promokit.sqlite"
    assert import_export(ledger, f, "facebook", taken=DAY) == (2, 2)
    got = {s.remote_id: s for s in read_snapshots(ledger)}
    r = got["1234_5678"]
    assert (r.platform, r.taken, r.views, r.reach, r.reactions, r.comments, r.shares, r.watch_s, r.url) == (
        "facebook", DAY, 12400, 8100, 480, 21, 14, 96000, "https://www.facebook.com/reel/5678")
    assert (got["1234_9999"].views, got["1234_9999"].reach) == (0, 300)  # a photo: no views column value


def test_youtube_studio_table_english(tmp_path):
    f = _csv(tmp_path / "Table data.csv", YT_EN,
             {"Content": "Total", "Views": "1520", "Watch time (hours)": "40.5", "Likes": "61", "Impressions": "9000"},
             {"Content": "dQw4w9WgXcQ", "Video title": "Lễ hội", "Video publish time": "Apr 18, 2024", "Views": "1,500",
              "Watch time (hours)": "40.25", "Likes": "60", "Comments added": "3", "Shares": "8", "Impressions": "8,800"})
    (s,) = read_export(f, "youtube", taken=DAY)
    assert (s.remote_id, s.taken, s.views, s.watch_s, s.reactions, s.comments, s.shares, s.reach) == (
        "dQw4w9WgXcQ", DAY, 1500, 144900, 60, 3, 8, 8800)


def test_youtube_studio_table_vietnamese_ui(tmp_path):
    f = _csv(tmp_path / "Dữ liệu bảng.csv", YT_VI,
             {"Nội dung": "Tổng", "Số lượt xem": "2000", "Thời gian xem (giờ)": "10"},
             {"Nội dung": "abcDEF12345", "Tiêu đề video": "Giỗ Tổ", "Số lượt xem": "2000", "Thời gian xem (giờ)": "10.5",
              "Lượt hiển thị hình thu nhỏ": "15000"})
    (s,) = read_export(f, "YouTube", taken=DAY)
    assert (s.remote_id, s.views, s.watch_s, s.reach) == ("abcDEF12345", 2000, 37800, 15000)


def test_tiktok_studio_content_export_ids_from_links(tmp_path):
    f = _csv(tmp_path / "Content.csv", TIKTOK,
             {"Video title": "Mời về dự lễ hội", "Video link": "https://www.tiktok.com/@lapvo/video/7351234567890123456",
              "Post time": "17 tháng Hai", "Views in the last 7 days": "153", "Total views": "26000",
              "Total likes": "1500", "Total comments": "12", "Total shares": "20"},
             {"Video title": "", "Video link": "", "Total views": ""})  # a blank line at the end
    (s,) = read_export(f, "tiktok", taken=DAY)
    assert (s.platform, s.remote_id, s.views, s.reactions, s.comments, s.shares, s.url) == (
        "tiktok", "7351234567890123456", 26000, 1500, 12, 20,
        "https://www.tiktok.com/@lapvo/video/7351234567890123456")


def test_a_tiktok_link_without_a_video_id_is_named(tmp_path):
    f = _csv(tmp_path / "Content.csv", TIKTOK, {"Video link": "https://www.tiktok.com/@lapvo", "Total views": "1"})
    with pytest.raises(DataError) as e:
        read_export(f, "tiktok")
    assert "row 2" in str(e.value) and "Content.csv" in str(e.value)


@pytest.mark.parametrize(("header", "row", "platform", "named"), [
    (TIKTOK, {"Video link": "https://www.tiktok.com/@a/video/1", "Total views": "5"}, "facebook", "tiktok"),
    (YT_VI, {"Nội dung": "abc", "Số lượt xem": "5", "Thời gian xem (giờ)": "1"}, "tiktok", "youtube"),
    (META, {"Post ID": "1_2", "Permalink": "u", "Views": "5"}, "youtube", "facebook"),
])
def test_a_real_export_given_as_another_platform_is_named(tmp_path, header, row, platform, named):
    f = _csv(tmp_path / "x.csv", header, row)
    with pytest.raises(DataError) as e:
        read_export(f, platform)
    assert f"--platform {named}" in str(e.value)


def test_a_meta_date_that_is_neither_a_day_nor_lifetime_is_named(tmp_path):
    f = _csv(tmp_path / "fb.csv", META, {"Post ID": "1_2", "Permalink": "u", "Date": "soon", "Views": "5"})
    with pytest.raises(DataError) as e:
        read_export(f, "facebook")
    assert "soon" in str(e.value) and "row 2" in str(e.value)


META_VI = ["ID bài viết", "ID Trang", "Tên Trang", "Tiêu đề", "Mô tả", "Thời lượng (giây)", "Thời gian đăng",
           "Liên kết vĩnh viễn", "Loại bài viết", "Nhãn tùy chỉnh", "Trạng thái nội dung", "Bình luận về dữ liệu",
           "Ngày", "Lượt xem", "Số người tiếp cận", "Cảm xúc, bình luận và lượt chia sẻ", "Cảm xúc", "Bình luận",
           "Lượt chia sẻ", "Tổng lượt click", "Lượt click khác", "Số Giây xem", "Số Giây xem trung bình"]


@pytest.mark.parametrize(("encoding", "sep_line", "delimiter"), [
    ("utf-16", "", "\t"),  # a UTF-16 export, tab-separated
    ("utf-8-sig", "sep=,\n", ","),  # Excel's separator hint on the first line
])
def test_meta_business_suite_vietnamese_ui(tmp_path, encoding, sep_line, delimiter):
    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=META_VI, delimiter=delimiter)
    w.writeheader()
    w.writerow({h: "" for h in META_VI} | {
        "ID bài viết": "1234_42", "Tên Trang": "Lấp Vò", "Tiêu đề": "Lễ hội Giỗ Tổ", "Thời gian đăng": "04/18/2024 07:30",
        "Liên kết vĩnh viễn": "https://www.facebook.com/reel/42", "Ngày": "Trọn đời", "Lượt xem": "5,600",
        "Số người tiếp cận": "4,100", "Cảm xúc": "230", "Bình luận": "17", "Lượt chia sẻ": "9", "Số Giây xem": "31,000"})
    f = tmp_path / "fb.csv"
    f.write_bytes((sep_line + buf.getvalue()).encode(encoding))
    (s,) = read_export(f, "facebook", taken=DAY)
    assert (s.remote_id, s.taken, s.views, s.reach, s.reactions, s.comments, s.shares, s.watch_s, s.url) == (
        "1234_42", DAY, 5600, 4100, 230, 17, 9, 31000, "https://www.facebook.com/reel/42")
