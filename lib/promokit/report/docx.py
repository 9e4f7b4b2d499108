"""The report as a Word file in the administrative format of Decree 30/2020/NĐ-CP (Appendix I): national
title and motto beside the issuing body and number, place and date, kind and subject, body in Times New Roman
13–14 pt, "Nơi nhận:" beside the signature block.

Built from the `document:` styles in `styles/report.yml` (font, sizes, margins). An office that wants its own
look puts a Word file at `assets/brand/report-template.docx`: its styles and page setup are used (its body text
is dropped).
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

from docx import Document as new_docx
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Cm, Mm, Pt

from .document import Document

TEMPLATE_NAME = "report-template.docx"  # in assets/brand/


def _font(run: Any, name: str, size: float, *, bold: bool = False, italic: bool = False) -> None:
    run.font.name = name
    run.font.size = Pt(size)
    run.bold, run.italic = bold, italic
    rpr = run._element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = rpr.makeelement(qn("w:rFonts"), {})
        rpr.append(fonts)
    for attr in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
        fonts.set(qn(attr), name)


def _para(container: Any, text: str, font: str, size: float, *, bold: bool = False, italic: bool = False,
          align: Any = None, indent: bool = False, space_after: float = 3) -> Any:
    p = container.add_paragraph()
    if align is not None:
        p.alignment = align
    p.paragraph_format.space_after = Pt(space_after)
    p.paragraph_format.space_before = Pt(0)
    if indent:
        p.paragraph_format.first_line_indent = Cm(1)
    _font(p.add_run(text), font, size, bold=bold, italic=italic)
    return p


def _no_borders(table: Any) -> None:
    tbl_pr = table._tbl.tblPr
    borders = tbl_pr.makeelement(qn("w:tblBorders"), {})
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        borders.append(borders.makeelement(qn(f"w:{edge}"), {qn("w:val"): "nil"}))
    tbl_pr.append(borders)


def _underline_para(cell: Any, width_chars: int) -> None:
    """The short rule under the issuing body and under the motto (a bottom-bordered empty line, centred)."""
    p = cell.add_paragraph()
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    p.paragraph_format.space_after = Pt(0)
    run = p.add_run("\u2014" * width_chars)
    run.font.size = Pt(6)


def build_docx(doc: Document, style: dict[str, Any], charts: list[tuple[str, bytes]] | None = None,
               template: Path | None = None) -> bytes:
    """The DOCX bytes of `doc` (charts: (title, PNG bytes) placed after the section that asks for them)."""
    d = style.get("document", {})
    font, size, head = d.get("font", "Times New Roman"), float(d.get("size_pt", 14)), float(d.get("header_size_pt", 13))
    wd = new_docx(str(template)) if template is not None and Path(template).is_file() else new_docx()
    body = wd.element.body
    for child in list(body):
        if child.tag != qn("w:sectPr"):
            body.remove(child)
    sec = wd.sections[0]
    if template is None or not Path(template).is_file():
        m = d.get("margins_mm", {})
        sec.page_width, sec.page_height = Mm(210), Mm(297)
        sec.top_margin, sec.bottom_margin = Mm(m.get("top", 20)), Mm(m.get("bottom", 20))
        sec.left_margin, sec.right_margin = Mm(m.get("left", 30)), Mm(m.get("right", 15))
    normal = wd.styles["Normal"]
    normal.font.name, normal.font.size = font, Pt(size)

    c = WD_ALIGN_PARAGRAPH.CENTER
    top = wd.add_table(rows=1, cols=2)
    _no_borders(top)
    top.alignment = WD_TABLE_ALIGNMENT.CENTER
    left, right = top.rows[0].cells
    top.autofit = False
    for col, cell, width in ((top.columns[0], left, Cm(6)), (top.columns[1], right, Cm(10))):
        col.width = cell.width = width  # the grid (LibreOffice) and the cell (Word)
    left.paragraphs[0].alignment = c
    _font(left.paragraphs[0].add_run(doc.parent_body), font, head)
    _para(left, doc.issuing_body, font, head, bold=True, align=c, space_after=0)
    _underline_para(left, 8)
    _para(left, doc.number, font, head, align=c)
    right.paragraphs[0].alignment = c
    _font(right.paragraphs[0].add_run(doc.national_title), font, min(head, 12), bold=True)
    _para(right, doc.motto, font, size, bold=True, align=c, space_after=0)
    _underline_para(right, 14)

    _para(wd, doc.place_date, font, size, italic=True, align=WD_ALIGN_PARAGRAPH.RIGHT, space_after=12)
    _para(wd, doc.kind, font, size, bold=True, align=c, space_after=0)
    _para(wd, doc.subject, font, size, bold=True, align=c, space_after=12)

    for s in doc.sections:
        if s.title:
            _para(wd, s.title, font, size, bold=True, space_after=4)
        for text in s.paragraphs:
            _para(wd, text, font, size, align=WD_ALIGN_PARAGRAPH.JUSTIFY, indent=True)
        if s.table is not None:
            t = wd.add_table(rows=1, cols=len(s.table.headers))
            t.style = wd.styles["Table Grid"] if "Table Grid" in [st.name for st in wd.styles] else None
            for cell, h in zip(t.rows[0].cells, s.table.headers, strict=True):
                cell.paragraphs[0].alignment = c
                _font(cell.paragraphs[0].add_run(h), font, size - 3, bold=True)
            for row in s.table.rows:
                cells = t.add_row().cells
                for j, (cell, text) in enumerate(zip(cells, row, strict=True)):
                    if s.table.numeric[j]:
                        cell.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.RIGHT
                    _font(cell.paragraphs[0].add_run(text), font, size - 3, bold=row[1:2] == ["Tổng cộng"])
            _para(wd, "", font, 6, space_after=0)
        for k, (text, url) in enumerate(s.items, start=1):
            _para(wd, f"{k}. {text}" + (f" · {url}" if url else ""), font, size - 3, space_after=0)
        if s.charts:
            for title, png in charts or []:
                wd.add_picture(io.BytesIO(png), width=Cm(15.5))
                wd.paragraphs[-1].alignment = c
                _para(wd, title, font, size - 2, italic=True, align=c)

    foot = wd.add_table(rows=1, cols=2)
    _no_borders(foot)
    left, right = foot.rows[0].cells
    _font(left.paragraphs[0].add_run("Nơi nhận:"), font, 12, bold=True, italic=True)
    for r in doc.recipients:
        _para(left, f"- {r}", font, 11, space_after=0)
    right.paragraphs[0].alignment = c
    first, *rest = doc.signer_role or [""]
    _font(right.paragraphs[0].add_run(first), font, size, bold=True)
    for r in rest:
        _para(right, r, font, size, bold=True, align=c, space_after=0)
    for _ in range(3):
        _para(right, "", font, size, space_after=0)
    _para(right, doc.signer_name, font, size, bold=True, align=c)

    buf = io.BytesIO()
    wd.save(buf)
    return buf.getvalue()
