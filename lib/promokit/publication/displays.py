"""What the e_publication notebook shows: the article table, an HTML preview, PDF pages, the files written."""

from __future__ import annotations

import base64
import datetime as dt
import html as _html
import io
import re
from pathlib import Path
from typing import Any

from PIL import Image

from ..errors import ToolError
from ..overview import HTML
from ..project import CampaignContext
from ..text import format_date, format_number
from .model import MD, clean
from .prepare import article_sources
from .results import EditionResult


def article_table(ctx: CampaignContext) -> HTML:
    """The publication's articles in order: file, title, author, date, words, pictures."""
    rows, texts = [], []
    for src in article_sources(ctx):
        pictures = sum(1 for t in MD.parse(src.body) for c in (t.children or []) if c.type == "image")
        rows.append([src.rel, src.title, _str(src.meta.get("author")), _str(src.meta.get("date")),
                     format_number(src.words), str(pictures)])
        texts.append(f"{src.rel}: {src.title} ({src.words} từ, {pictures} ảnh)")
    total = sum(int(r[4].replace(".", "")) for r in rows)
    head = "".join(f"<th>{_html.escape(c)}</th>" for c in
                   ("Tệp / file", "Tiêu đề / title", "Tác giả / author", "Ngày / date", "Số từ / words", "Ảnh / pictures"))
    body = "".join("<tr>" + "".join(f"<td>{_html.escape(v)}</td>" for v in r) + "</tr>" for r in rows)
    caption = f"{len(rows)} bài · {format_number(total)} từ / words"
    return HTML(f"<table><caption>{_html.escape(caption)}</caption><thead><tr>{head}</tr></thead>"
                f"<tbody>{body}</tbody></table>", "\n".join([caption, *texts]))


def _str(v: Any) -> str:
    if v is None:
        return ""
    return format_date(v) if isinstance(v, dt.date) else clean(v)


_DATA_IMG = re.compile(r'data:image/(?:jpeg|png);base64,([A-Za-z0-9+/=]+)')


def _thumb(m: re.Match) -> str:
    try:
        im = Image.open(io.BytesIO(base64.b64decode(m.group(1))))
        im.thumbnail((480, 480))
        if im.mode in ("RGBA", "LA", "P"):
            rgba = im.convert("RGBA")
            im = Image.new("RGB", rgba.size, (255, 255, 255))
            im.paste(rgba, mask=rgba.getchannel("A"))
        buf = io.BytesIO()
        im.convert("RGB").save(buf, "JPEG", quality=60)
        return "data:image/jpeg;base64," + base64.b64encode(buf.getvalue()).decode("ascii")
    except Exception:
        return m.group(0)


def html_preview(result: EditionResult | Path, *, height: int = 640) -> HTML:
    """The HTML edition inline in a notebook: an iframe holding the page (pictures thumbnailed, so the
    notebook stays small); it works in executed copies too (no server path needed)."""
    path = Path(result.path if isinstance(result, EditionResult) else result)
    markup = path.read_text(encoding="utf-8")
    markup = _DATA_IMG.sub(_thumb, markup)
    frame = (f'<iframe title="{_html.escape(path.name)}" srcdoc="{_html.escape(markup, quote=True)}" '
             f'style="width:100%;height:{int(height)}px;border:1px solid #ccc" sandbox="allow-same-origin"></iframe>')
    return HTML(frame, f"{path} ({format_number(path.stat().st_size / 1e6, 2)} MB)")


def pdf_pages(path: Path | EditionResult, n: int = 2, *, width: int = 900) -> list[Image.Image]:
    """The first `n` pages of a PDF as pictures `width` px wide (rendered by PDFium: pypdfium2)."""
    path = Path(path.path if isinstance(path, EditionResult) else path)
    try:
        import pypdfium2 as pdfium
    except ImportError:
        raise ToolError.fail("cần gói pypdfium2 để xem trang PDF", "pypdfium2 is needed to show PDF pages",
                             fix_vi="chạy `make setup`", fix_en="run `make setup`") from None
    pdf = pdfium.PdfDocument(str(path))
    try:
        pages = []
        for i in range(min(n, len(pdf))):
            page = pdf[i]
            bitmap = page.render(scale=width / page.get_width())
            pages.append(bitmap.to_pil().convert("RGB"))
            page.close()
        return pages
    finally:
        pdf.close()


def files_written(results: list[EditionResult]) -> HTML:
    """The files written, with sizes and checks in one line each (for the notebook's last cell)."""
    rows = []
    for r in results:
        c = r.checks
        if r.format == "epub":
            v = c.get("epubcheck", {})
            note = (f"EPUBCheck {v.get('version', '')}: {v.get('errors', 0)} lỗi, {v.get('warnings', 0)} cảnh báo"
                    if v.get("ran") else f"EPUBCheck: {v.get('reason', 'không chạy')}")
        elif r.format == "pdf":
            note = f"{c.get('pages')} trang {c.get('page')} · tagged={c.get('tagged')} · {len(c.get('fonts', []))} phông"
        else:
            note = f"{c.get('images')} ảnh, tự chứa / self-contained={c.get('self_contained')}"
        rows.append([r.format, str(r.path), f"{format_number(r.bytes / 1e6, 2)} MB", f"{r.seconds:.2f} s", note])
    head = "".join(f"<th>{h}</th>" for h in ("Định dạng", "Tệp / file", "Dung lượng", "Thời gian", "Kiểm tra / checks"))
    body = "".join("<tr>" + "".join(f"<td>{_html.escape(v)}</td>" for v in row) + "</tr>" for row in rows)
    return HTML(f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>",
                "\n".join(" · ".join(r) for r in rows))
