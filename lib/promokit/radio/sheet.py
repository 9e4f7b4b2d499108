"""The printable run sheet of one broadcast day (WeasyPrint): what airs when and where, each bulletin's
length and file, and the text of every segment so the announcer can read it live.

The HTML is built from plain data (pure `run_sheet_html`); WeasyPrint fetches nothing (every URL is refused).
"""

from __future__ import annotations

import datetime as dt
import html
from dataclasses import dataclass

from weasyprint import HTML

from ..errors import ToolError
from ..text import format_date, format_duration
from .plan import Bulletin
from .schedule import Air

KIND_VI = {"ident": "Giới thiệu", "headline": "Tin chính", "news": "Tin", "psa": "Thông báo", "closing": "Kết"}

CSS = """
@page { size: A4; margin: 15mm 14mm 16mm 14mm;
        @bottom-right { content: "Trang " counter(page) "/" counter(pages); font-size: 8pt; color: #555; } }
body { font-family: "Noto Sans", "DejaVu Sans", sans-serif; font-size: 10pt; color: #1a1a1a; }
h1 { font-size: 16pt; margin: 0 0 2mm; color: #0B5D3B; }
h2 { font-size: 12.5pt; margin: 6mm 0 2mm; border-bottom: 1px solid #0B5D3B; }
h3 { font-size: 10.5pt; margin: 3mm 0 1mm; }
p.meta { color: #555; margin: 0 0 4mm; }
table { border-collapse: collapse; width: 100%; }
th, td { border: 0.5pt solid #999; padding: 1.2mm 2mm; text-align: left; vertical-align: top; }
th { background: #eef4f0; }
td.n { text-align: right; white-space: nowrap; }
.guide { color: #C8102E; font-weight: bold; }
.seg { page-break-inside: avoid; margin-bottom: 2mm; }
.seg p { margin: 0.5mm 0 0 0; }
.k { color: #0B5D3B; font-weight: bold; }
"""


@dataclass(frozen=True)
class SheetEntry:
    """A bulletin as the run sheet shows it: the plan, its length (s), its file name, guide or not."""

    bulletin: Bulletin
    seconds: float
    file: str
    guide: bool


def run_sheet_html(day: dt.date, station: str, campaign: str, airs: list[Air], entries: dict[str, SheetEntry]) -> str:
    """The run sheet page of `day` (pure)."""
    e = html.escape
    rows = []
    by_time: dict[tuple[str, str], list[str]] = {}
    for a in airs:
        if a.day == day:
            by_time.setdefault((a.time, a.bulletin), []).append(a.commune)
    for (t, name), communes in sorted(by_time.items()):
        s = entries[name]
        mark = ' <span class="guide">(đọc thử / guide)</span>' if s.guide else ""
        rows.append(f"<tr><td>{e(t)}</td><td>{e(', '.join(communes))}</td><td>{e(s.bulletin.title)}{mark}</td>"
                    f"<td class=n>{format_duration(s.seconds)}</td><td>{e(s.file)}</td></tr>")
    texts = []
    for name in sorted({n for _, n in by_time}, key=lambda n: entries[n].bulletin.title):
        s = entries[name]
        segs = []
        for seg in s.bulletin.segments:
            head = KIND_VI.get(seg.kind, seg.kind) + (f": {seg.title}" if seg.title else "")
            src = seg.voice.name if seg.voice else "chưa thu âm / not recorded"
            paras = "".join(f"<p>{e(p)}</p>" for p in seg.text.split("\n\n") if p.strip()) or \
                "<p><i>(chỉ có bản thu / recording only)</i></p>"
            segs.append(f'<div class="seg"><span class="k">{e(head)}</span> · {e(src)} · '
                        f'~{format_duration(seg.reading)}{paras}</div>')
        texts.append(f"<h3>{e(s.bulletin.title)} — {format_duration(s.seconds)}</h3>{''.join(segs)}")
    table = ("<table><tr><th>Giờ</th><th>Đài xã, thị trấn</th><th>Bản tin</th><th>Thời lượng</th><th>Tệp</th></tr>"
             + "".join(rows) + "</table>") if rows else "<p>Không có bản tin nào trong ngày / nothing on air.</p>"
    return (f'<!DOCTYPE html><html lang="vi"><head><meta charset="utf-8"><title>Lịch phát {format_date(day)}</title>'
            f"<style>{CSS}</style></head><body><h1>Lịch phát thanh ngày {format_date(day)}</h1>"
            f'<p class="meta">{e(station)} · {e(campaign)} · Run sheet</p>{table}'
            f"<h2>Lời đọc / Text to read live</h2>{''.join(texts)}</body></html>")


def _refuse(url: str, *args, **kwargs):  # noqa: ANN002, ANN003 - WeasyPrint's fetcher signature
    raise ValueError(f"run sheet fetches nothing ({url})")


def write_pdf(page: str) -> bytes:
    """The run sheet HTML as PDF bytes (fonts from the system; nothing fetched)."""
    try:
        return HTML(string=page, url_fetcher=_refuse).write_pdf()
    except Exception as e:  # WeasyPrint raises many kinds; one message for the user
        raise ToolError.fail(f"không dựng được lịch phát PDF ({type(e).__name__})",
                             f"cannot lay out the run sheet PDF ({type(e).__name__}: {e})",
                             fix_vi="kiểm tra phông chữ (fonts-noto-core) và WeasyPrint",
                             fix_en="check the fonts (fonts-noto-core) and WeasyPrint") from e
