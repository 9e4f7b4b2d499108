"""Audience snapshots (`insights` table in `output/promokit.sqlite`) and the platforms' CSV exports.

A snapshot is what a platform showed for one post on one day; snapshots are only ever added (a second
import of the same day and post is ignored, never overwriting the first). Each platform's export is one
small class in `EXPORTS` naming its columns; `read_export` refuses missing columns, another platform's file,
and numbers it cannot read, naming file, row and column.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import sqlite3
from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar

from ..errors import DataError
from ..registry import Registry
from ..text import nfc, parse_date
from .model import METRICS, Snapshot

SCHEMA = """
CREATE TABLE IF NOT EXISTS insights (
  id INTEGER PRIMARY KEY, platform TEXT NOT NULL, remote_id TEXT NOT NULL, url TEXT NOT NULL DEFAULT '',
  taken TEXT NOT NULL, views REAL NOT NULL DEFAULT 0, reach REAL NOT NULL DEFAULT 0,
  reactions REAL NOT NULL DEFAULT 0, comments REAL NOT NULL DEFAULT 0, shares REAL NOT NULL DEFAULT 0,
  watch_s REAL NOT NULL DEFAULT 0, source TEXT NOT NULL DEFAULT '', recorded TEXT NOT NULL,
  UNIQUE (platform, remote_id, taken));
CREATE INDEX IF NOT EXISTS insights_post ON insights(platform, remote_id, taken);
"""


# -- exports --------------------------------------------------------------------------------------
# Header names as the platforms write them (README "Báo cáo kết quả" names the sources of each set):
# Meta Business Suite's post export (Insights > Content > Export; English and Vietnamese UI, UTF-8 or UTF-16),
# YouTube Studio's "Table data.csv" (Advanced mode > Export current view; English and Vietnamese UI) and TikTok
# Studio's Content export, whose headers stay English in a Vietnamese UI and which has no id column: the id is
# read from "Video link".

@dataclass(frozen=True)
class Export:
    """One platform's CSV export: which header names hold the id, the date and each metric (any one of the
    names, first found wins; matched without regard to case)."""

    platform: ClassVar[str] = ""
    id_column: ClassVar[tuple[str, ...]] = ()
    url_column: ClassVar[tuple[str, ...]] = ()
    id_in_url: ClassVar[str] = ""  # regex (one group): the id inside the url column, for exports without an id
    date_column: ClassVar[tuple[str, ...]] = ()  # empty: the snapshot is dated by --date (default today)
    columns: ClassVar[dict[str, tuple[str, ...]]] = {}  # metric -> header names
    watch_unit_s: ClassVar[float] = 1.0  # seconds per unit of the watch-time column
    signature: ClassVar[tuple[tuple[str, ...], ...]] = ()  # headers (any of each group) only this export has

    def required(self) -> list[tuple[str, tuple[str, ...]]]:
        ids = self.id_column + (self.url_column if self.id_in_url else ())
        return [("id", ids), *[(m, names) for m, names in self.columns.items() if m == "views"]]


class FacebookExport(Export):
    platform = "facebook"
    id_column = ("Post ID", "ID bài viết")
    url_column = ("Permalink", "Liên kết vĩnh viễn")
    date_column = ("Date", "Ngày")  # Meta writes "Lifetime" there for lifetime totals: dated by --date then
    columns = {"views": ("Views", "Lượt xem", "Plays", "3-second video views"),
               "reach": ("Reach", "Số người tiếp cận"), "reactions": ("Reactions", "Cảm xúc"),
               "comments": ("Comments", "Bình luận"), "shares": ("Shares", "Lượt chia sẻ"),
               "watch_s": ("Seconds viewed", "Số Giây xem")}
    signature = (("Post ID", "ID bài viết"), ("Permalink", "Liên kết vĩnh viễn"))


class YouTubeExport(Export):
    platform = "youtube"
    id_column = ("Content", "Video", "Nội dung")
    columns = {"views": ("Views", "Số lượt xem"), "reach": ("Impressions", "Lượt hiển thị hình thu nhỏ"),
               "reactions": ("Likes",), "comments": ("Comments added",), "shares": ("Shares",),
               "watch_s": ("Watch time (hours)", "Thời gian xem (giờ)")}
    watch_unit_s = 3600.0
    signature = (("Watch time (hours)", "Thời gian xem (giờ)"),)


class TikTokExport(Export):
    platform = "tiktok"
    id_column = ("Video ID",)
    url_column = ("Video link",)
    id_in_url = r"/video/(\d+)"
    columns = {"views": ("Total views", "Video views"), "reactions": ("Total likes", "Likes"),
               "comments": ("Total comments", "Comments"), "shares": ("Total shares", "Shares"),
               "reach": ("Reached audience",), "watch_s": ("Total play time (s)",)}
    signature = (("Video link",), ("Total views", "Video views"))


EXPORTS: Registry[Export] = Registry("tệp xuất của nền tảng", "platform export")
EXPORTS.add("facebook", FacebookExport())
EXPORTS.add("youtube", YouTubeExport())
EXPORTS.add("tiktok", TikTokExport())

TOTAL_ROWS = {"total", "tổng"}  # YouTube Studio's totals line (English, Vietnamese UI)
LIFETIME = {"lifetime", "trọn đời"}  # Meta's date cell for lifetime totals, English and Vietnamese UI (not a day)

_NUMBER = re.compile(r"^-?\d+$|^-?\d{1,3}(,\d{3})+$|^-?\d+\.\d+$|^-?\d{1,3}(,\d{3})+\.\d+$")


def _number(text: str, *, file: Path, row: int, column: str) -> float:
    """A count as platforms export it (`1234`, `1,234`, `12.5`); a decimal comma is refused, named."""
    t = text.strip().replace("\u00a0", "").replace(" ", "")
    if t in {"", "-", "—"}:
        return 0.0
    if not _NUMBER.match(t):
        raise DataError.fail(f"hàng {row}, cột '{column}': '{text}' không phải số dạng của tệp xuất",
                             f"row {row}, column '{column}': '{text}' is not a number as exports write it",
                             file=file, field=column,
                             fix_vi="xuất lại tệp với định dạng số tiếng Anh (dấu chấm thập phân, vd. 12.5)",
                             fix_en="export again with English number format (decimal point, e.g. 12.5)")
    return float(t.replace(",", ""))


def _find(headers: list[str], names: tuple[str, ...]) -> str | None:
    low = {h.strip().lower(): h for h in headers}
    return next((low[n.lower()] for n in names if n.lower() in low), None)


def read_export(path: Path, platform: str, *, taken: dt.date | None = None) -> list[Snapshot]:
    """The snapshots in a platform's exported CSV (`taken`: the day of a file without a date column)."""
    path = Path(path)
    exp = EXPORTS.get(EXPORTS.choose(platform, option="--platform"))
    try:
        raw = path.read_bytes()
        text = nfc(raw.decode("utf-16") if raw[:2] in (b"\xff\xfe", b"\xfe\xff") else raw.decode("utf-8-sig"))
    except (OSError, UnicodeError) as e:
        raise DataError.fail("không đọc được tệp CSV (UTF-8 hoặc UTF-16)",
                             f"cannot read the CSV as UTF-8 or UTF-16 ({type(e).__name__})", file=path,
                             fix_vi="xuất lại tệp CSV dạng UTF-8", fix_en="export the CSV as UTF-8") from e
    reader = _dict_reader(text)
    headers = [h for h in (reader.fieldnames or []) if h]
    _not_another_export(path, exp, headers)
    found: dict[str, str] = {}
    for what, names in exp.required():
        col = _find(headers, names)
        if col is None:
            raise DataError.fail(f"thiếu cột {' / '.join(names)} ({exp.platform})",
                                 f"missing column {' / '.join(names)} ({exp.platform})", file=path, field=names[0],
                                 fix_vi="xuất lại đủ cột, hoặc kiểm tra --platform; có: " + ", ".join(headers),
                                 fix_en="export with that column, or check --platform; found: " + ", ".join(headers))
        found[what] = col
    metric_cols = {m: _find(headers, names) for m, names in exp.columns.items()}
    url_col = _find(headers, exp.url_column) if exp.url_column else None
    date_col = _find(headers, exp.date_column) if exp.date_column else None
    from_url = found["id"] == url_col and bool(exp.id_in_url)
    day = taken or dt.date.today()
    out = []
    for i, row in enumerate(reader, start=2):
        url = (row.get(url_col) or "").strip() if url_col else ""
        rid = (row.get(found["id"]) or "").strip()
        if from_url and rid:
            m = re.search(exp.id_in_url, rid)
            if m is None:
                raise DataError.fail(f"hàng {i}: không thấy mã video trong '{rid}'", f"row {i}: no video id in '{rid}'",
                                     file=path, field=found["id"], fix_vi="xuất lại tệp từ TikTok Studio (cột Video link)",
                                     fix_en="export the file again from TikTok Studio (Video link column)")
            rid = m.group(1)
        if not rid or rid.lower() in TOTAL_ROWS:
            continue
        values = {m: _number(row.get(c) or "", file=path, row=i, column=c) if c else 0.0
                  for m, c in metric_cols.items()}
        values["watch_s"] = values.get("watch_s", 0.0) * exp.watch_unit_s
        out.append(Snapshot(exp.platform, rid, _row_day(row, date_col, day, file=path, row_no=i), url=url,
                            **{m: values.get(m, 0.0) for m in METRICS}))
    return out


def _dict_reader(text: str) -> csv.DictReader:
    """Rows of an export: Excel's `sep=;` first line is obeyed and dropped; a tab-separated file (Meta's UTF-16
    exports) is read as such."""
    first, _, rest = text.partition("\n")
    delim = ","
    if first.strip().lower().startswith("sep=") and len(first.strip()) == 5:
        delim, text = first.strip()[4], rest
    elif first.count("\t") > first.count(","):
        delim = "\t"
    return csv.DictReader(io.StringIO(text), delimiter=delim)


def _has(headers: list[str], groups: tuple[tuple[str, ...], ...]) -> bool:
    return bool(groups) and all(_find(headers, g) for g in groups)


def _not_another_export(path: Path, exp: Export, headers: list[str]) -> None:
    """Refuse a file that carries another platform's signature headers and not this one's."""
    for other in EXPORTS.names():
        if other != exp.platform and _has(headers, EXPORTS.get(other).signature) and not _has(headers, exp.signature):
            raise DataError.fail(f"đây là tệp xuất của {other}, không phải {exp.platform}",
                                 f"this is a {other} export, not {exp.platform}", file=path, field="--platform",
                                 fix_vi=f"dùng --platform {other}", fix_en=f"use --platform {other}")


def _row_day(row: dict[str, str], date_col: str | None, day: dt.date, *, file: Path, row_no: int) -> dt.date:
    """The row's date (its date column), else `day` (no column, an empty cell, or Meta's "Lifetime")."""
    cell = (row.get(date_col) or "").strip() if date_col else ""
    if not cell or cell.lower() in LIFETIME:
        return day
    try:
        return parse_date(cell[:10])
    except ValueError:
        raise DataError.fail(f"hàng {row_no}: ngày '{cell}' không đọc được", f"row {row_no}: date '{cell}' cannot be read",
                             file=file, field=date_col, fix_vi="ngày dạng 2024-04-18 hoặc 18/4/2024",
                             fix_en="dates as 2024-04-18 or 18/4/2024") from None


# -- the store ------------------------------------------------------------------------------------

def _connect(ledger: Path) -> sqlite3.Connection:
    ledger.parent.mkdir(parents=True, exist_ok=True)
    db = sqlite3.connect(str(ledger), timeout=30, isolation_level=None)
    db.execute("PRAGMA busy_timeout=30000")
    db.executescript(SCHEMA)
    return db


def add_snapshots(ledger: Path, snapshots: list[Snapshot], *, source: str = "") -> int:
    """Add snapshots (never overwriting one already there for that post and day); how many were new."""
    db = _connect(Path(ledger))
    now = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
    try:
        with db:
            db.execute("BEGIN")
            before = db.total_changes
            db.executemany(
                "INSERT OR IGNORE INTO insights(platform, remote_id, url, taken, views, reach, reactions, comments,"
                " shares, watch_s, source, recorded) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
                [(s.platform, s.remote_id, s.url, s.taken.isoformat(), *(getattr(s, m) for m in METRICS), source, now)
                 for s in snapshots])
            return db.total_changes - before
    finally:
        db.close()


def read_snapshots(ledger: Path) -> list[Snapshot]:
    """Every snapshot in the ledger (none when it has no `insights` table yet)."""
    ledger = Path(ledger)
    if not ledger.is_file():
        return []
    db = sqlite3.connect(f"file:{ledger}?mode=ro", uri=True, timeout=30)
    try:
        if not db.execute("SELECT 1 FROM sqlite_master WHERE name='insights'").fetchone():
            return []
        rows = db.execute(f"SELECT platform, remote_id, taken, {', '.join(METRICS)}, url FROM insights"  # noqa: S608
                          " ORDER BY taken, id").fetchall()
    finally:
        db.close()
    return [Snapshot(r[0], r[1], dt.date.fromisoformat(r[2]), *r[3:9], url=r[9]) for r in rows]


def latest_taken(ledger: Path) -> dict[tuple[str, str], dt.date]:
    """(platform, remote id) -> the day of its latest snapshot (empty without a ledger or table)."""
    ledger = Path(ledger)
    if not ledger.is_file():
        return {}
    db = sqlite3.connect(f"file:{ledger}?mode=ro", uri=True, timeout=30)
    try:
        if not db.execute("SELECT 1 FROM sqlite_master WHERE name='insights'").fetchone():
            return {}
        rows = db.execute("SELECT platform, remote_id, MAX(taken) FROM insights GROUP BY platform, remote_id").fetchall()
    finally:
        db.close()
    return {(r[0], r[1]): dt.date.fromisoformat(r[2]) for r in rows}


def import_export(ledger: Path, file: Path, platform: str, *, taken: dt.date | None = None) -> tuple[int, int]:
    """Import one exported CSV: (rows read, snapshots added)."""
    snaps = read_export(file, platform, taken=taken)
    return len(snaps), add_snapshots(ledger, snaps, source=Path(file).name)
