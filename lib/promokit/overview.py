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

from . import assets, fonts, lab
from .project import CampaignContext
from .style import load_style
from .text import format_duration, format_number, wrap


@functools.lru_cache(maxsize=1)
def style() -> dict:
    return load_style("overview")


@dataclass(frozen=True)
class Tile:
    """One medium on the contact sheet: its path, kind and the fact lines under it."""

    path: Path
    kind: str  # image | clip | moviepy
    facts: tuple[str, ...]


def image_facts(info: assets.ImageInfo) -> tuple[str, ...]:
    shape = ("dọc / portrait" if info.height > info.width else "vuông / square" if info.height == info.width
             else "ngang / landscape")
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
    paths = ([assets.resolve(ctx.folder, s.file) for s in shots] if shots else files.images + files.clips)
    out = []
    for p in paths:
        if p.suffix.lower() == ".py":  # a moviepy shot: its code runs only when the video is drawn
            out.append(Tile(p, "moviepy", ("cảnh moviepy (mã Python)", "moviepy shot (Python code)")))
        elif p.parent.name == "clips" or p.suffix.lower() in assets.FOLDERS["clips"]:
            out.append(Tile(p, "clip", clip_facts(assets.probe_media(p))))
        else:
            out.append(Tile(p, "image", image_facts(assets.image_info(p))))
    return out


def contact_sheet(ctx: CampaignContext, *, columns: int | None = None) -> Image.Image | lab.Skipped:
    """A contact sheet of the campaign's photos and clips with their facts (px sizes from styles/overview.yml).
    Not drawn in a batch run (PROMOKIT_BATCH=1): nobody looks at it there."""
    if lab.in_batch():
        return lab.Skipped("ảnh tổng quan", "contact sheet")
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
        if t.kind == "moviepy":  # its code runs only when the video is drawn: a badge, no picture
            draw.text((x + 12, y + th // 2), "moviepy", font=f_cap, fill=st["muted"])
        else:
            thumb = (assets.read_image(t.path, max_size=(tw, th)) if t.kind == "image"
                     else assets.clip_frame(t.path, 0.5, max_size=(tw, th)))
            thumb.thumbnail((tw, th))
            sheet.paste(thumb, (x + (tw - thumb.width) // 2, y + (th - thumb.height) // 2))
        if t.kind == "clip":  # the ▶ is drawn, not typed: body fonts need not have the glyph
            bh = cap + 8
            draw.rectangle((x + 6, y + 6, x + 6 + bh + int(f_cap.getlength("clip")) + 8, y + 6 + bh), fill=st["badge"])
            draw.polygon([(x + 12, y + 10), (x + 12, y + 2 + bh), (x + 4 + bh, y + 6 + bh // 2)], fill="#FFFFFF")
            draw.text((x + 8 + bh, y + 8), "clip", font=f_cap, fill="#FFFFFF")
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


FOLD_ROWS = 10  # tables longer than this show their first rows and fold the rest


def data_tables(ctx: CampaignContext) -> HTML:
    """Each infographic's table as the CSV gives it, with its columns checked (x, y, decimal)."""
    parts, texts = [], []
    for g in ctx.campaign.infographics:
        path = assets.resolve(ctx.folder, g.data)
        table = assets.read_table(path, g.table_decimal)
        cols = [c for c in [g.x, *g.y_columns] if c]
        assets.require_columns(table, cols, spec_file=ctx.folder / "campaign.yml", field=f"infographics[{g.id}]")
        caption = f"{g.id} · {g.kind} · {path.name} · {len(table.rows)} dòng / rows"
        rows = [[r[c] for c in table.columns] for r in table.rows]
        markup = _table_html(table.columns, rows, caption)
        # a long table shows its first rows; the whole table unfolds on click
        parts.append(markup if len(rows) <= FOLD_ROWS else
                     _table_html(table.columns, rows[:5], caption) + details(f"Cả {len(rows)} dòng / all rows", markup))
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


def _jpeg_uri(im: Image.Image, width: int) -> str:
    import base64
    import io

    im = im.convert("RGB")
    im.thumbnail((width, width * 2))
    buf = io.BytesIO()
    im.save(buf, "JPEG", quality=85)
    return "data:image/jpeg;base64," + base64.b64encode(buf.getvalue()).decode()


def _thumb_uri(path: Path, width: int) -> str:
    with Image.open(path) as im:
        return _jpeg_uri(im, width)


def image_tag(im: Image.Image, width: int, alt: str = "") -> str:
    """An `<img>` holding a JPEG thumbnail of `im`, `width` px wide (embedded: executed copies keep it)."""
    return (f'<img src="{_jpeg_uri(im, width * 2)}" width="{width}" alt="{html.escape(alt, quote=True)}" '
            'style="margin:4px;vertical-align:top">')


def file_link(path: Path, text: str | None = None) -> str:
    """A link that opens `path` through the Jupyter server (`/files/…`: PDFs show, videos play, EPUBs
    download); the path as text when it is outside the project."""
    url = lab.files_url(path)
    shown = html.escape(text or Path(path).name)
    return (f'<a href="{html.escape(url, quote=True)}" target="_blank">{shown}</a>' if url
            else f"<code>{html.escape(str(path))}</code>")


def details(summary_html: str, body_html: str, *, open_: bool = False) -> str:
    """A folded block: the one-line summary shows, the body unfolds on click."""
    return f"<details{' open' if open_ else ''}><summary>{summary_html}</summary>{body_html}</details>"


def show_outputs(items: list[tuple[Path, str]], *, width: int = 300) -> HTML:
    """Rendered files side by side with their captions (e.g. alt text): images inline, others as links."""
    figs, texts = [], []
    for path, caption in items:
        path = Path(path)
        if path.suffix.lower() in {".png", ".jpg", ".jpeg", ".webp"}:
            body = f'<img src="{_thumb_uri(path, width)}" alt="{html.escape(caption, quote=True)}" width="{width}">'
        else:
            body = file_link(path)
        figs.append(f'<figure style="display:inline-block;vertical-align:top;margin:6px;width:{width}px">{body}'
                    f'<figcaption style="font-size:12px"><b>{html.escape(path.name)}</b><br>'
                    f'{html.escape(caption)}</figcaption></figure>')
        texts.append(f"{path.name}: {caption}")
    return HTML("".join(figs) or "<p>(không có / none)</p>", "\n".join(texts))


def show_posters(posters: list, *, width: int = 220) -> HTML:
    """Posters grouped by infographic: every size side by side, the alt text once under the group (folded
    when long); PDFs as links. `posters`: results with `.id`, `.size`, `.path`, `.alt`, `.draft`."""
    groups: dict[str, list] = {}
    for p in posters:
        groups.setdefault(p.id, []).append(p)
    parts, texts = [], []
    for gid, items in groups.items():
        figs = []
        for p in items:
            path = Path(p.path)
            body = (f'<img src="{_thumb_uri(path, width)}" alt="{html.escape(p.alt, quote=True)}" width="{width}">'
                    if path.suffix.lower() in {".png", ".jpg", ".jpeg"} else file_link(path))
            figs.append(f'<figure style="display:inline-block;vertical-align:top;margin:6px;width:{width}px">'
                        f'{body}<figcaption style="font-size:12px">{html.escape(p.size)} · {file_link(path)}'
                        "</figcaption></figure>")
        draft = " · <b>NHÁP / DRAFT</b>" if any(getattr(p, "draft", False) for p in items) else ""
        alt = items[0].alt
        alt_html = (details("Mô tả thay thế / alt text", f"<p>{html.escape(alt)}</p>") if len(alt) > 160
                    else f"<p><i>Mô tả thay thế / alt text:</i> {html.escape(alt)}</p>")
        warned = list(dict.fromkeys(w for p in items for w in getattr(p, "warnings", ()) or ()))
        warn_html = "".join(f'<p style="color:#8A5A00">⚠ {html.escape(w)}</p>' for w in warned)
        parts.append(f"<h4>{html.escape(gid)}{draft}</h4>{''.join(figs)}{alt_html}{warn_html}")
        texts.append(f"{gid} ({', '.join(p.size for p in items)}): {alt}" + "".join(f"\n⚠ {w}" for w in warned))
    return HTML("".join(parts) or "<p>(không có / none)</p>", "\n".join(texts))


def files_table(paths: list[Path], base: Path | None = None) -> HTML:
    """The files written, with their sizes; each name opens the file (drafts marked as drafts)."""
    rows, texts = [], []
    for p in paths:
        p = Path(p)
        rel = str(p.relative_to(base)) if base and p.is_relative_to(base) else str(p)
        size = f"{format_number(p.stat().st_size / 1024, 1)} KB" if p.is_file() else "—"
        note = "NHÁP / draft" if "draft" in p.parts else ""
        rows.append(f"<tr><td>{file_link(p, rel)}</td><td>{html.escape(size)}</td><td>{note}</td></tr>")
        texts.append(f"{rel} ({size})" + (f" {note}" if note else ""))
    table = ("<table><thead><tr><th>Tệp / file</th><th>Dung lượng / size</th><th></th></tr></thead>"
             f"<tbody>{''.join(rows)}</tbody></table>")
    head = f"{len(rows)} tệp đã ghi / files written"
    body = details(html.escape(head), table) if len(rows) > 8 else f"<p><b>{html.escape(head)}</b></p>{table}"
    return HTML(body, "\n".join(texts))


def show_videos(items: list[tuple[Path, Path | None, str]], *, embed_limit: int = 3 * 1024 * 1024,
                width: int = 270) -> HTML:
    """Every video playing inline: served by JupyterLab from the project (`/files/…`, nothing embedded); a
    video outside the project is embedded when small, else shown as its cover with its path."""
    import base64

    figs, texts = [], []
    budget = embed_limit
    for video, cover, caption in items:
        video = Path(video)
        url = lab.files_url(video) if video.is_file() else None
        poster = f' poster="{_thumb_uri(Path(cover), width)}"' if cover is not None and Path(cover).is_file() else ""
        if url:
            body = (f'<video controls preload="metadata" width="{width}"{poster} '
                    f'src="{html.escape(url, quote=True)}"></video>')
        elif video.is_file() and video.stat().st_size <= budget:
            budget -= video.stat().st_size
            data = base64.b64encode(video.read_bytes()).decode()
            body = f'<video controls width="{width}" src="data:video/mp4;base64,{data}"></video>'
        elif poster:
            body = f'<img src="{_thumb_uri(Path(cover), width)}" width="{width}" alt="{html.escape(caption, True)}">'
        else:
            body = ""
        draft = " · NHÁP / draft" if "draft" in video.parts else ""
        figs.append(f'<figure style="display:inline-block;vertical-align:top;margin:6px">{body}'
                    f'<figcaption style="font-size:12px;max-width:{width}px"><b>{html.escape(video.name)}</b> '
                    f'{html.escape(caption)}{draft}<br>{file_link(video, str(video.name))}</figcaption></figure>')
        texts.append(f"{video}: {caption}{draft}")
    return HTML("".join(figs), "\n".join(texts))


CHECK_LABELS_FILE = Path(__file__).resolve().parent / "defaults" / "check_labels.yml"


@functools.lru_cache(maxsize=1)
def check_labels() -> dict[str, str]:
    """Vietnamese names of check ids (`gop` → "Khoảng khung khóa"), from defaults/check_labels.yml."""
    return {str(k): str(v) for k, v in yaml.safe_load(CHECK_LABELS_FILE.read_text(encoding="utf-8")).items()}


def check_label(name: str) -> str:
    """A check's name as shown: Vietnamese, then its id in English after ` / ` (the id alone when unlabelled)."""
    vi = check_labels().get(name)
    return f"{vi} / {name}" if vi else name


def _check_detail(c: object) -> str:
    detail = getattr(c, "detail", None)
    if detail is not None:
        return str(detail)
    value, expected, reason = (getattr(c, a, None) for a in ("value", "expected", "reason"))
    out = "" if value is None else str(value)
    if expected is not None:
        out += f" (cần / want {expected})"
    return (out + (f" — {reason}" if reason else "")).strip()


def checks_table(rows: list[tuple[str, object]]) -> HTML:
    """Checks per output: (label, checks) → a one-line verdict per file, failures listed, the full table folded.
    `checks`: a list of checks or a record with `.checks`; each check has `.name`, `.ok` and a detail
    (`.detail`, or `.value`/`.expected`/`.reason`)."""
    body, texts, heads = [], [], []
    failed = 0
    said: dict[str, list[str]] = {}  # each warning of the records once, with the files that gave it
    for label, checks in rows:
        for w in getattr(checks, "warnings", ()) or ():
            said.setdefault(str(w), []).append(label)
        checks = list(getattr(checks, "checks", checks))
        bad = [c for c in checks if not c.ok]
        failed += len(bad)
        verdict = (f"✓ {len(checks)} đạt / passed" if not bad else
                   f"✗ {len(bad)}/{len(checks)}: " + ", ".join(check_label(c.name) for c in bad))
        red = ' style="color:#C8102E;font-weight:bold"' if bad else ""
        heads.append(f"<li{red}>{html.escape(label)}: {html.escape(verdict)}</li>")
        for c in checks:
            mark = "✓" if c.ok else "✗"
            style = "" if c.ok else ' style="color:#C8102E;font-weight:bold"'
            body.append(f"<tr{style}><td>{html.escape(label)}</td><td>{mark} {html.escape(check_label(c.name))}</td>"
                        f"<td>{html.escape(_check_detail(c))}</td></tr>")
            texts.append(f"{label} {mark} {check_label(c.name)}: {_check_detail(c)}")
    n = len(body)
    head = (f"<p><b>{'Tất cả đạt / all passed' if not failed else f'{failed} kiểm tra không đạt / checks failed'}"
            f"</b> ({n} kiểm tra / checks)</p><ul>{''.join(heads)}</ul>")
    if said:  # what the render decided for you: shown here too, not only in the records and the CLI
        items = "".join(f"<li>{html.escape(w)} <i>({html.escape(', '.join(files))})</i></li>" for w, files in said.items())
        head += (f'<p style="color:#8A5A00"><b>⚠ {len(said)} cảnh báo / warnings</b></p>'
                 f'<ul style="color:#8A5A00">{items}</ul>')
        texts += [f"⚠ {w} ({', '.join(files)})" for w, files in said.items()]
    table = ("<table><tr><th>Tệp / file</th><th>Kiểm tra / check</th><th>Chi tiết / detail</th></tr>"
             + "".join(body) + "</table>")
    return HTML(head + details("Mọi kiểm tra / every check", table, open_=bool(failed)), "\n".join(texts))
