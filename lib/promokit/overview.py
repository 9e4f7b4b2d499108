"""First looks at a campaign for the notebooks: contact sheet of its media, its data tables, its articles.

The layout is computed from facts (pure); pictures come from `promokit.assets`, the only reader of assets/.
"""

from __future__ import annotations

import functools
import html
from dataclasses import dataclass
from pathlib import Path

import yaml
from PIL import Image, ImageDraw

from . import assets, fonts
from .project import CampaignContext
from .text import format_duration, format_number, wrap

STYLE_FILE = Path(__file__).resolve().parent / "styles" / "overview.yml"


@functools.lru_cache(maxsize=1)
def style() -> dict:
    return yaml.safe_load(STYLE_FILE.read_text(encoding="utf-8"))


@dataclass(frozen=True)
class Tile:
    """One medium on the contact sheet: its path, kind and the fact lines under it."""

    path: Path
    kind: str  # image | clip
    facts: tuple[str, ...]


def image_facts(info: assets.ImageInfo) -> tuple[str, ...]:
    shape = "dọc / portrait" if info.height > info.width else "ngang / landscape"
    return (f"{info.width}×{info.height} px · {info.format}", f"{format_number(info.megapixels, 1)} MP · {shape}")


def clip_facts(info: assets.MediaInfo) -> tuple[str, ...]:
    fps = f"{format_number(info.fps, 2)} fps" + (" (VFR)" if info.variable_fps else "")
    rot = f" · xoay {info.rotation}°" if info.rotation else ""
    audio = (f"{format_number(info.sample_rate / 1000, 1)} kHz · {info.channels} kênh" if info.has_audio
             else "không tiếng / no audio")
    return (f"{format_duration(info.duration)} · {info.width}×{info.height}{rot}", f"{fps} · {audio}")


def tiles(ctx: CampaignContext) -> list[Tile]:
    """The campaign's shots in order (the spec's list, else every image and clip) with their facts."""
    files = assets.discover(ctx.folder)
    video = ctx.campaign.video
    shots = video.shot_list() if video else None
    paths = ([assets.resolve(ctx.folder, s.path) for s in shots] if shots else files.images + files.clips)
    out = []
    for p in paths:
        if p.parent.name == "clips" or p.suffix.lower() in assets.FOLDERS["clips"]:
            out.append(Tile(p, "clip", clip_facts(assets.probe_media(p))))
        else:
            out.append(Tile(p, "image", image_facts(assets.image_info(p))))
    return out


def contact_sheet(ctx: CampaignContext, *, columns: int | None = None) -> Image.Image:
    """A contact sheet of the campaign's photos and clips with their facts (px sizes from styles/overview.yml)."""
    st = style()
    items = tiles(ctx)
    cols = max(1, min(columns or st["columns"], len(items) or 1))
    tw, th = st["tile"]
    gap, margin, cap = st["gap"], st["margin"], st["caption_size"]
    font_path = fonts.find_font(ctx.brand.fonts.body, brand_dir=ctx.brand_dir)
    bold_path = fonts.find_font(ctx.brand.fonts.heading, brand_dir=ctx.brand_dir, bold=True)
    f_cap, f_title = fonts.load(font_path, cap), fonts.load(bold_path, st["title_size"])
    cap_h = (cap + 6) * st["caption_lines"]
    rows = max(1, -(-len(items) // cols))
    title = f"{ctx.campaign.title} — {len(items)} cảnh / shots"
    width = margin * 2 + cols * tw + (cols - 1) * gap
    title_lines = wrap(title, lambda s: f_title.getlength(s), width - 2 * margin)
    head = len(title_lines) * (st["title_size"] + 8) + gap
    height = margin * 2 + head + rows * (th + cap_h) + (rows - 1) * gap
    fonts.check_coverage(font_path, [t.path.name for t in items] + [f for t in items for f in t.facts])
    fonts.check_coverage(bold_path, [title])
    sheet = Image.new("RGB", (width, height), st["background"])
    draw = ImageDraw.Draw(sheet)
    for i, line in enumerate(title_lines):
        draw.text((margin, margin + i * (st["title_size"] + 8)), line, font=f_title, fill=st["text"])
    for i, t in enumerate(items):
        x = margin + (i % cols) * (tw + gap)
        y = margin + head + (i // cols) * (th + cap_h + gap)
        draw.rectangle((x, y, x + tw - 1, y + th - 1), fill=st["tile_background"])
        thumb = (assets.read_image(t.path, max_size=(tw, th)) if t.kind == "image"
                 else assets.clip_frame(t.path, 0.5, max_size=(tw, th)))
        thumb.thumbnail((tw, th))
        sheet.paste(thumb, (x + (tw - thumb.width) // 2, y + (th - thumb.height) // 2))
        if t.kind == "clip":
            draw.rectangle((x + 6, y + 6, x + 70, y + 6 + cap + 8), fill=st["badge"])
            draw.text((x + 12, y + 8), "▶ clip", font=f_cap, fill="#FFFFFF")
        lines = [f"{i + 1}. {t.path.name}", *t.facts][: st["caption_lines"]]
        for j, line in enumerate(lines):
            while line and f_cap.getlength(line) > tw:
                line = line[:-2] + "…"
            draw.text((x, y + th + 4 + j * (cap + 6)), line, font=f_cap, fill=st["text"] if j == 0 else st["muted"])
    return sheet


class HTML:
    """Displays as HTML in Jupyter, as text elsewhere."""

    def __init__(self, markup: str, text: str = "") -> None:
        self.markup, self.text = markup, text

    def _repr_html_(self) -> str:
        return self.markup

    def __repr__(self) -> str:
        return self.text or self.markup


def _table_html(columns: list[str], rows: list[list[str]], caption: str) -> str:
    head = "".join(f"<th>{html.escape(c)}</th>" for c in columns)
    body = "".join("<tr>" + "".join(f"<td>{html.escape(v)}</td>" for v in r) + "</tr>" for r in rows)
    return f"<table><caption>{html.escape(caption)}</caption><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def data_tables(ctx: CampaignContext) -> HTML:
    """Each infographic's table as the CSV gives it, with its columns checked (x, y, decimal)."""
    parts, texts = [], []
    for g in ctx.campaign.infographics:
        path = assets.resolve(ctx.folder, g.data)
        table = assets.read_table(path, g.decimal)
        cols = [c for c in [g.x, *g.y_columns] if c]
        assets.require_columns(table, cols, spec_file=ctx.folder / "campaign.yml", field=f"infographics[{g.id}]")
        caption = f"{g.id} · {g.kind} · {path.name} · {len(table.rows)} dòng / rows"
        rows = [[r[c] for c in table.columns] for r in table.rows]
        parts.append(_table_html(table.columns, rows, caption))
        texts.append(caption)
    note = "<p><em>Số liệu minh họa / illustrative data</em></p>" if ctx.campaign.sample_data else ""
    if not parts:
        return HTML("<p>Chiến dịch chưa có đồ họa thông tin / no infographics</p>", "no infographics")
    return HTML(note + "".join(parts), "\n".join(texts))


def article_list(ctx: CampaignContext) -> HTML:
    """The publication's articles in order: title, author, date, words."""
    pub = ctx.campaign.publication
    if pub is None or not pub.articles:
        return HTML("<p>Chiến dịch chưa có bài viết / no articles</p>", "no articles")
    rows, texts = [], []
    for rel in pub.articles:
        a = assets.read_article(assets.resolve(ctx.folder, rel))
        rows.append([rel, a.title, str(a.meta.get("author", "")), str(a.meta.get("date", "")),
                     format_number(a.words)])
        texts.append(f"{rel}: {a.title} ({a.words} từ)")
    total = sum(int(r[-1].replace(".", "")) for r in rows)
    markup = _table_html(["Tệp / file", "Tiêu đề / title", "Tác giả", "Ngày", "Số từ / words"], rows,
                         f"{len(rows)} bài · {format_number(total)} từ / words")
    return HTML(markup, "\n".join(texts))


def summary(ctx: CampaignContext) -> HTML:
    """A short card: title, theme, dates, what the campaign asks for."""
    from .spec import THEMES
    from .text import format_date

    c = ctx.campaign
    items = [("Chủ đề / theme", THEMES[c.theme]), ("Khẩu hiệu / slogan", c.slogan)]
    if c.dates:
        items.append(("Thời gian / dates", format_date(c.dates.from_) +
                      (f" – {format_date(c.dates.to)}" if c.dates.to and c.dates.to != c.dates.from_ else "")))
    if c.video:
        items.append(("Video", f"{format_number(c.video.duration)} s · " + ", ".join(c.video.platforms)))
    if c.infographics:
        items.append(("Đồ họa / infographics", ", ".join(g.id for g in c.infographics)))
    if c.publication:
        items.append(("Ấn phẩm / publication", ", ".join(c.publication.formats)))
    if c.sample_data:
        items.append(("Lưu ý / note", "Số liệu minh họa"))
    rows = "".join(f"<tr><th>{html.escape(k)}</th><td>{html.escape(v)}</td></tr>" for k, v in items if v)
    return HTML(f"<h3>{html.escape(c.title)}</h3><table>{rows}</table>",
                c.title + "\n" + "\n".join(f"{k}: {v}" for k, v in items if v))


def _thumb_uri(path: Path, width: int) -> str:
    import base64
    import io

    with Image.open(path) as im:
        im = im.convert("RGB")
        im.thumbnail((width, width * 2))
        buf = io.BytesIO()
        im.save(buf, "JPEG", quality=85)
    return "data:image/jpeg;base64," + base64.b64encode(buf.getvalue()).decode()


def show_outputs(items: list[tuple[Path, str]], *, width: int = 300) -> HTML:
    """Rendered files side by side with their captions (e.g. alt text): images inline, others as links."""
    figs, texts = [], []
    for path, caption in items:
        path = Path(path)
        if path.suffix.lower() in {".png", ".jpg", ".jpeg", ".webp"}:
            body = f'<img src="{_thumb_uri(path, width)}" alt="{html.escape(caption, quote=True)}" width="{width}">'
        else:
            body = f'<a href="{html.escape(path.as_uri(), quote=True)}">{html.escape(path.name)}</a>'
        figs.append(f'<figure style="display:inline-block;vertical-align:top;margin:6px;width:{width}px">{body}'
                    f'<figcaption style="font-size:12px"><b>{html.escape(path.name)}</b><br>'
                    f'{html.escape(caption)}</figcaption></figure>')
        texts.append(f"{path.name}: {caption}")
    return HTML("".join(figs) or "<p>(không có / none)</p>", "\n".join(texts))


def files_table(paths: list[Path], base: Path | None = None) -> HTML:
    """The files written, with their sizes."""
    rows = []
    for p in paths:
        p = Path(p)
        rel = str(p.relative_to(base)) if base and p.is_relative_to(base) else str(p)
        size = f"{format_number(p.stat().st_size / 1024, 1)} KB" if p.is_file() else "—"
        rows.append([rel, size])
    return HTML(_table_html(["Tệp / file", "Dung lượng / size"], rows, f"{len(rows)} tệp đã ghi / files written"),
                "\n".join(f"{r[0]} ({r[1]})" for r in rows))


def show_videos(items: list[tuple[Path, Path | None, str]], *, embed_limit: int = 3 * 1024 * 1024,
                width: int = 270) -> HTML:
    """Videos inline: the first small one (a draft) embedded so executed notebooks play anywhere; the others
    as their cover picture with the file's path (embedding every render would bloat the notebook)."""
    import base64

    figs, texts = [], []
    budget = embed_limit
    for video, cover, caption in items:
        video = Path(video)
        if video.is_file() and video.stat().st_size <= budget:
            budget = 0
            data = base64.b64encode(video.read_bytes()).decode()
            body = f'<video controls width="{width}" src="data:video/mp4;base64,{data}"></video>'
        elif cover is not None and Path(cover).is_file():
            body = f'<img src="{_thumb_uri(Path(cover), width)}" width="{width}" alt="{html.escape(caption, True)}">'
        else:
            body = ""
        figs.append(f'<figure style="display:inline-block;vertical-align:top;margin:6px">{body}'
                    f'<figcaption style="font-size:12px;max-width:{width}px"><b>{html.escape(video.name)}</b> '
                    f'{html.escape(caption)}<br><code>{html.escape(str(video))}</code></figcaption></figure>')
        texts.append(f"{video}: {caption}")
    return HTML("".join(figs), "\n".join(texts))


def checks_table(rows: list[tuple[str, list]]) -> HTML:
    """Conformance checks per output: (label, [check with .name .ok .detail]) -> one table, failures in red."""
    body, texts = [], []
    for label, checks in rows:
        for c in checks:
            mark = "✓" if c.ok else "✗"
            style = "" if c.ok else ' style="color:#C8102E;font-weight:bold"'
            body.append(f"<tr{style}><td>{html.escape(label)}</td><td>{mark} {html.escape(c.name)}</td>"
                        f"<td>{html.escape(str(c.detail))}</td></tr>")
            texts.append(f"{label} {mark} {c.name}: {c.detail}")
    failed = sum(1 for _, cs in rows for c in cs if not c.ok)
    head = (f"<p><b>{'Tất cả đạt / all passed' if not failed else f'{failed} kiểm tra không đạt / checks failed'}"
            "</b></p>")
    return HTML(head + "<table><tr><th>Tệp / file</th><th>Kiểm tra / check</th><th>Chi tiết / detail</th></tr>"
                + "".join(body) + "</table>", "\n".join(texts))
