"""output/index.html: one page to review everything rendered, built from the manifests."""

from __future__ import annotations

import html
import json
from pathlib import Path

from .atomic import write_atomic
from .manifest import verdict
from .text import format_number

_CSS = """
:root{--g:#0B5D3B;--y:#F2B705;--t:#1A1A1A;--m:#595959}
*{box-sizing:border-box}body{margin:0;font-family:"Noto Sans","DejaVu Sans",system-ui,sans-serif;color:var(--t);
background:#f5f5f2;line-height:1.5}header{background:var(--g);color:#fff;padding:1rem 1.5rem}
h1{margin:0;font-size:1.4rem}main{padding:1rem 1.5rem;max-width:1200px;margin:auto}
section{background:#fff;border-radius:8px;padding:1rem;margin:0 0 1rem;box-shadow:0 1px 3px #0002}
h2{margin:.2rem 0 .6rem;font-size:1.15rem}.grid{display:grid;grid-template-columns:repeat(auto-fill,minmax(180px,1fr));gap:.8rem}
figure{margin:0}figure img,figure video{width:100%;max-height:320px;object-fit:contain;background:#222;border-radius:4px}
figcaption{font-size:.8rem;color:var(--m);word-break:break-all}.bad{color:#C8102E;font-weight:600}.ok{color:var(--g)}
table{border-collapse:collapse;font-size:.85rem}td,th{padding:.2rem .6rem;text-align:left;border-bottom:1px solid #ddd}
"""


def _figure(rel: str, entry: dict) -> str:
    href = html.escape(rel, quote=True)
    name = html.escape(entry["path"])
    size = f"{format_number(entry['bytes'] / 1024, 0)} KB"
    if rel.endswith(".mp4"):
        body = f'<video src="{href}" controls preload="metadata"></video>'
    elif rel.endswith((".png", ".jpg", ".jpeg")):
        body = f'<img src="{href}" alt="{name}" loading="lazy">'
    else:
        body = f'<a href="{href}">{name}</a>'
    ok, failed = verdict(entry.get("checks"))
    mark = ""
    if ok is True:
        mark = ' · <span class="ok">✓ đạt / passed</span>'
    elif ok is False:
        mark = f' · <span class="bad">✗ {html.escape(", ".join(failed))}</span>'
    alt = entry.get("checks", {}).get("alt") if isinstance(entry.get("checks"), dict) else None
    if alt and rel.endswith((".png", ".jpg", ".jpeg")):
        body = body.replace(f'alt="{name}"', f'alt="{html.escape(alt, quote=True)}"')
    return f"<figure>{body}<figcaption>{name} · {size}{mark}</figcaption></figure>"


def gallery_html(manifests: list[dict]) -> str:
    """The gallery page for the given manifests (pure)."""
    sections = []
    for m in manifests:
        cid = m["campaign"]
        jobs = "".join(
            f"<tr><td>{html.escape(j['notebook'])}</td><td class=\"{'ok' if j['status'] == 'ok' else 'bad'}\">"
            f"{html.escape(j['status'])}</td><td>{format_number(j['seconds'], 1)} s</td>"
            f"<td>{html.escape(j.get('error') or '')}</td></tr>"
            for j in m.get("jobs", [])
        )
        order = {"video": 0, "infographic": 1, "publication": 2, "post": 3, "notebook": 4}
        outs = sorted(m.get("outputs", []), key=lambda e: (order.get(e.get("kind", ""), 5), e["path"]))
        stems = {e["path"].rsplit(".", 1)[0] for e in outs if not e["path"].endswith(".txt")}
        # alt-text sidecars are shown as the images' alt, not as entries of their own
        figs = "".join(_figure(f"{cid}/{e['path']}", e) for e in outs
                       if not (e["path"].endswith(".txt") and e["path"].rsplit(".", 1)[0] in stems))
        sections.append(
            f'<section id="{html.escape(cid, quote=True)}"><h2>{html.escape(cid)}</h2>'
            + (f"<table><tr><th>Sổ tay / notebook</th><th>Trạng thái</th><th>Thời gian</th><th>Lỗi</th></tr>{jobs}</table>"
               if jobs else "")
            + f'<div class="grid">{figs}</div></section>'
        )
    if not sections:
        sections.append("<section><p>Chưa có kết quả. Chạy <code>promokit run</code>. / Nothing rendered yet.</p></section>")
    return (
        '<!doctype html><html lang="vi"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>promokit — thư viện sản phẩm</title><style>{_CSS}</style></head><body>"
        "<header><h1>promokit — Thư viện sản phẩm truyền thông / Gallery</h1></header>"
        f"<main>{''.join(sections)}</main></body></html>\n"
    )


def write_gallery(output: Path) -> Path:
    """Rebuild output/index.html from every output/<id>/manifest.json."""
    output = Path(output)
    manifests = []
    if output.is_dir():
        for path in sorted(output.glob("*/manifest.json")):
            try:
                manifests.append(json.loads(path.read_text(encoding="utf-8")))
            except (OSError, json.JSONDecodeError):
                continue  # a manifest being rewritten elsewhere; the next rebuild picks it up
    return write_atomic(output / "index.html", gallery_html(manifests))
