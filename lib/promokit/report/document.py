"""The report as text: sections of Vietnamese sentences and tables every edition (HTML, PDF, DOCX) lays
out the same way. Pure: `document(report, style, issued)` -> `Document`; numbers `41.200`, `3,5`, dates
`18/4/2024`."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from ..text import format_date, format_date_long, format_number
from .model import Audience, Line, Report


@dataclass(frozen=True)
class Table:
    headers: list[str]
    rows: list[list[str]]
    numeric: list[bool]  # per column: right-aligned numbers


@dataclass(frozen=True)
class Section:
    title: str
    paragraphs: list[str] = field(default_factory=list)
    table: Table | None = None
    items: list[tuple[str, str]] = field(default_factory=list)  # a numbered list: (text, url or "")
    charts: bool = False  # the report's charts follow this section


@dataclass(frozen=True)
class Document:
    """What the office signs: the header parts (Decree 30/2020) and the body sections."""

    national_title: str
    motto: str
    parent_body: str
    issuing_body: str
    number: str  # "Số: …/BC-PVHTT"
    place_date: str  # "Lấp Vò, ngày 8 tháng 4 năm 2024"
    kind: str  # "BÁO CÁO"
    subject: str  # the title under the kind
    sections: list[Section]
    recipients: list[str]
    signer_role: list[str]
    signer_name: str
    empty: bool
    figures: dict[str, str] = field(default_factory=dict)  # name -> figure shown in the summary (for checks)


def n(v: float) -> str:
    """A count the Vietnamese way: `41.200`."""
    return format_number(round(v), 0)


def change(v: float) -> str:
    """A change with its sign: `+1.200`, `-35`, `0`."""
    r = round(v)
    return ("+" if r > 0 else "") + format_number(r, 0)


def hours(seconds: float) -> str:
    """Watch time in hours, one decimal: `12,5`."""
    return format_number(seconds / 3600, 1)


def _line_row(line: Line) -> list[str]:
    a = line.audience
    return [line.code, line.title, n(line.campaigns), n(line.products), n(line.posts), n(line.bulletins),
            n(a.now["views"]), change(a.change["views"]), n(a.now["reactions"] + a.now["comments"] + a.now["shares"])]


LINE_HEADERS = ["Mã", "Nội dung", "Chiến dịch", "Sản phẩm", "Bài đăng", "Bản tin TT", "Lượt xem",
                "Thay đổi", "Tương tác"]
LINE_NUMERIC = [False, False, True, True, True, True, True, True, True]


def _audience_sentence(a: Audience) -> str:
    if not a.posts:
        return "Chưa có số liệu khán giả trong kỳ (chưa nhập thống kê từ các nền tảng)."
    return (f"Số liệu khán giả của {n(a.posts)} bài đăng: {n(a.now['views'])} lượt xem ({change(a.change['views'])} "
            f"so với lần thống kê trước), tiếp cận {n(a.now['reach'])} người, {n(a.now['reactions'])} lượt thích, "
            f"{n(a.now['comments'])} bình luận, {n(a.now['shares'])} lượt chia sẻ, thời gian xem "
            f"{hours(a.now['watch_s'])} giờ.")


def document(report: Report, style: dict[str, Any], issued: dt.date) -> Document:
    """The report's text and tables, dated `issued`."""
    d = style.get("document", {})
    kinds: dict[str, str] = style.get("kinds", {})
    t = report.total
    period = report.period
    sections: list[Section] = []
    if d.get("plan"):
        sections.append(Section("", [f"Thực hiện {d['plan'].format(year=period.year)}, "
                                     f"{d.get('issuing_name', '')} báo cáo kết quả {period.label} như sau:"]))
    if report.empty:
        sections.append(Section("I. KẾT QUẢ THỰC HIỆN", [
            f"Trong kỳ báo cáo ({period.label}) không có dữ liệu: chưa có chiến dịch, sản phẩm, bài đăng hay "
            "số liệu khán giả nào được ghi nhận."]))
    else:
        summary = (f"Trong kỳ báo cáo ({period.label}), đã thực hiện {n(t.campaigns)} chiến dịch truyền thông, "
                   f"dựng {n(t.products)} sản phẩm, đăng {n(t.posts)} bài trên mạng xã hội và trang thông tin "
                   f"điện tử, phát hành {n(t.bulletins)} bản tin truyền thanh.")
        sections.append(Section("I. KẾT QUẢ THỰC HIỆN", [summary, _audience_sentence(t.audience)], charts=True))
        sections.append(Section("1. Theo nội dung tập trung truyền thông (mục II Kế hoạch)", table=Table(
            LINE_HEADERS, [_line_row(a) for a in report.areas] + [_line_row(t)], LINE_NUMERIC)))
        sections.append(Section("2. Theo kênh truyền thông", table=Table(
            LINE_HEADERS, [_line_row(c) for c in report.channels] + [_line_row(t)], LINE_NUMERIC)))
        if report.campaigns:
            sections.append(Section("3. Các chiến dịch trong kỳ", table=Table(
                ["Chiến dịch", "Lĩnh vực", "Sản phẩm", "Bài đăng"],
                [[c.title, c.area, ", ".join(f"{kinds.get(k, k)}: {n(v)}" for k, v in c.products.items()) or "0",
                  n(c.posts)]
                 for c in report.campaigns], [False, False, False, True])))
        if report.posts:  # a list, not a table: a year has hundreds of posts (a long table is slow to lay out)
            sections.append(Section("4. Bài đăng và số liệu khán giả", items=[
                (" · ".join(x for x in (format_date(p.published) if p.published else "", p.title, p.platform,
                                        f"{n(p.audience.now['views'])} lượt xem ({change(p.audience.change['views'])})"
                                        if p.audience else "chưa có số liệu") if x), p.url) for p in report.posts]))
        undone = [f"{u.title or u.campaign}{' – ' + u.what if u.what else ''}: {u.planned}; chưa thực hiện"
                  + (f" – lý do: {u.why}" if u.why else " – chưa rõ lý do") for u in report.undone]
        sections.append(Section("II. NỘI DUNG CHƯA THỰC HIỆN", undone or ["Không có nội dung nào chưa thực hiện."]))
        if report.unmapped:
            sections.append(Section("Ghi chú", [f"Chiến dịch chưa xác định lĩnh vực (theme): {', '.join(report.unmapped)}."
                                                f" Bổ sung `theme` trong campaign.yml hoặc styles/report.yml."]))
    if report.notes:
        sections.append(Section("Ghi chú về dữ liệu", list(report.notes)))
    figures = {"campaigns": n(t.campaigns), "products": n(t.products), "posts": n(t.posts),
               "bulletins": n(t.bulletins), "views": n(t.audience.now["views"]),
               "views_change": change(t.audience.change["views"])}
    return Document(
        national_title=d.get("national_title", ""), motto=d.get("motto", ""), parent_body=d.get("parent_body", ""),
        issuing_body=d.get("issuing_body", ""), number=f"Số:\u00a0\u00a0\u00a0\u00a0\u00a0\u00a0/{d.get('symbol', '')}",
        place_date=f"{d.get('place', '')}, {format_date_long(issued)}", kind=d.get("kind", "BÁO CÁO"),
        subject=f"{d.get('subject', '')} {period.label}", sections=sections,
        recipients=list(d.get("recipients", [])), signer_role=list(d.get("signer_role", [])),
        signer_name=d.get("signer_name", ""), empty=report.empty, figures=figures)

