"""What the radio notebook displays: the script with its ear text, reading times, players, checks."""

from __future__ import annotations

import base64
import html
from pathlib import Path

from ..overview import HTML
from ..text import format_duration, format_number
from .plan import Bulletin

TD = 'style="vertical-align:top;text-align:left;padding:4px 8px;border-bottom:1px solid #ddd"'


def script_table(bulletins: list[Bulletin]) -> HTML:
    """Each segment: kind, the written text, the text for the ear beside it, voice file, reading time;
    forms left as written are listed in red under the segment."""
    parts, texts = [], []
    for b in bulletins:
        rows = []
        for s in b.segments:
            notes = "".join(f'<div style="color:#C8102E">⚠ {html.escape(str(n))}</div>' for n in s.ear.notes)
            voice = html.escape(s.voice.name) if s.voice else '<span style="color:#C8102E">đọc thử / guide</span>'
            rows.append(f"<tr><td {TD}><b>{html.escape(s.kind)}</b><br>{html.escape(s.title)}</td>"
                        f"<td {TD}>{html.escape(s.text)}</td><td {TD}>{html.escape(s.ear.text)}{notes}</td>"
                        f"<td {TD}>{voice}</td><td {TD}>{format_duration(s.reading)}</td></tr>")
            texts.append(f"{b.name}[{s.index}] {s.kind}: {s.ear.text}")
        parts.append(f"<h4>{html.escape(b.title)} <small>({html.escape(b.file.name)})</small></h4>"
                     f"<table><tr><th {TD}>Mục / segment</th><th {TD}>Lời viết / written</th>"
                     f"<th {TD}>Lời đọc / for the ear</th><th {TD}>Giọng / voice</th><th {TD}>Đọc / reading</th></tr>"
                     + "".join(rows) + "</table>")
    return HTML("".join(parts), "\n".join(texts))


def reading_times(bulletins: list[Bulletin]) -> HTML:
    """Per bulletin: reading time at its speaking rate (pauses included, jingles not) against its slot."""
    rows, texts = [], []
    for b in bulletins:
        over = b.reading > b.slot
        style = ' style="color:#C8102E;font-weight:bold"' if over else ""
        rows.append(f"<tr{style}><td {TD}>{html.escape(b.title)}</td><td {TD}>{format_number(b.rate, 0)} âm tiết/phút"
                    f"</td><td {TD}>{format_duration(b.reading)}</td><td {TD}>{format_duration(b.slot)}</td>"
                    f"<td {TD}>{'quá khung giờ / over the slot' if over else '✓'}</td></tr>")
        texts.append(f"{b.name}: {b.reading:.1f} s / slot {b.slot:g} s")
    return HTML(f"<table><tr><th {TD}>Bản tin</th><th {TD}>Tốc độ / rate</th><th {TD}>Đọc / reading</th>"
                f"<th {TD}>Khung / slot</th><th {TD}></th></tr>{''.join(rows)}</table>", "\n".join(texts))


def players(paths: list[Path], *, embed_limit: int = 4 * 1024 * 1024) -> HTML:
    """An audio player per MP3 (embedded while under `embed_limit` bytes in all, then linked)."""
    figs, budget = [], embed_limit
    for p in paths:
        p = Path(p)
        size = p.stat().st_size if p.is_file() else 0
        if p.is_file() and size <= budget:
            budget -= size
            src = "data:audio/mpeg;base64," + base64.b64encode(p.read_bytes()).decode()
        else:
            src = p.as_uri()
        figs.append(f'<figure style="margin:6px 0"><figcaption><b>{html.escape(p.name)}</b></figcaption>'
                    f'<audio controls preload="none" src="{html.escape(src, quote=True)}"></audio></figure>')
    return HTML("".join(figs) or "<p>(không có / none)</p>", "\n".join(str(p) for p in paths))


def checks_table(results: list) -> HTML:
    """The checks record of every written bulletin: verdicts, then warnings."""
    rows, texts = [], []
    for r in results:
        for c in r.checks.checks:
            style = "" if c.ok else ' style="color:#C8102E;font-weight:bold"'
            rows.append(f"<tr{style}><td {TD}>{html.escape(r.mp3.name)}</td><td {TD}>{'✓' if c.ok else '✗'} "
                        f"{html.escape(c.name)}</td><td {TD}>{html.escape(str(c.value))}</td>"
                        f"<td {TD}>{html.escape(str(c.expected))}</td><td {TD}>{html.escape(c.reason)}</td></tr>")
            texts.append(f"{r.mp3.name} {'✓' if c.ok else '✗'} {c.name}: {c.value} ({c.expected})")
        for w in r.checks.warnings:
            rows.append(f'<tr style="color:#8a5a00"><td {TD}>{html.escape(r.mp3.name)}</td><td {TD} colspan=4>⚠ '
                        f"{html.escape(w)}</td></tr>")
            texts.append(f"{r.mp3.name} ⚠ {w}")
    return HTML(f"<table><tr><th {TD}>Tệp</th><th {TD}>Kiểm tra</th><th {TD}>Đo được / value</th>"
                f"<th {TD}>Yêu cầu / expected</th><th {TD}>Lý do</th></tr>{''.join(rows)}</table>", "\n".join(texts))
