"""The review page `output/index.html`: static, self-contained, opens from file://.

`gallery_html(review)` is pure (a `Review` in, the page out); `write_gallery(output)` reads the manifests
and the ledger and writes the page atomically. The review server renders the same template with `live`
set: forms to approve or request changes, file links under the server's own prefix.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

import jinja2

from ..atomic import write_atomic
from ..catalog import Catalog
from ..platforms import safe_zone
from ..style import load_style
from ..text import format_number
from .load import load_review
from .model import STATE_LABELS, Review, when

TEMPLATES = Path(__file__).with_name("templates")


@dataclass(frozen=True)
class Live:
    """What the served page adds: where forms post, the CSRF token, the script nonce, the file prefix."""

    action: str
    csrf: str
    nonce: str
    base: str  # prefix of file links, e.g. "/files/" or "/r/<token>/files/"
    scope: str = ""  # the one campaign a review link shows ("" = all)


@functools.cache
def _ui_areas() -> dict:
    return load_style("review")["ui_areas"]


def _pct(v: float, whole: float) -> str:
    return f"{100 * v / whole:.3f}%"


def overlay_css(platforms: set[str]) -> str:
    """CSS for each platform's frame shape, UI areas and text safe zone (percentages of the frame)."""
    rules = []
    areas = _ui_areas()
    for p in sorted(platforms):
        spec = areas.get(p)
        fw, fh = spec["frame"] if spec else (1080, 1920)
        rules.append(f".r-{p}{{aspect-ratio:{fw}/{fh}}}")
        for i, a in enumerate(spec["areas"] if spec else []):
            x, y, w, h = a["box"]
            rules.append(f".r-{p} .a{i}{{left:{_pct(x, fw)};top:{_pct(y, fh)};width:{_pct(w, fw)};"
                         f"height:{_pct(h, fh)}}}")
        x0, y0, x1, y1 = safe_zone(fw, fh)
        rules.append(f".r-{p} .safe{{left:{_pct(x0, fw)};top:{_pct(y0, fh)};width:{_pct(x1 - x0, fw)};"
                     f"height:{_pct(y1 - y0, fh)}}}")
    return "\n".join(rules)


def _size(n: int | None) -> str:
    if not n:
        return "—"
    if n >= 1024 * 1024:
        return f"{format_number(n / 1024 / 1024, 1)} MB"
    return f"{format_number(n / 1024, 0)} KB"


def _bitrate(b: float | None) -> str:
    return f"{format_number(b / 1e6, 2)} Mb/s" if b else "—"


def _seconds(s: float | None) -> str:
    return f"{format_number(s, 1)} s" if s else "—"


@functools.cache
def _env() -> jinja2.Environment:
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(TEMPLATES), autoescape=True,
                             undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True)
    env.filters.update(size=_size, bitrate=_bitrate, seconds=_seconds, num=format_number,
                       url=lambda p: quote(str(p), safe="/"), when=when)
    return env


def gallery_html(review: Review, *, live: Live | None = None, report: str = "") -> str:
    """The review page for `review` (pure). Every campaign text is escaped by the template engine.
    `report`: the latest results report, relative to the output folder (linked in the header)."""
    platforms = {p.platform for c in review.campaigns for p in c.posts}
    themes = sorted({(c.theme, c.theme_label) for c in review.campaigns if c.theme})
    return _env().get_template("gallery.html.j2").render(
        review=review, live=live, base=live.base if live else "", overlay_css=overlay_css(platforms),
        platforms=sorted({(p.platform, p.label) for c in review.campaigns for p in c.posts}),
        themes=themes, states=STATE_LABELS, areas=_ui_areas(), report=report)


def write_gallery(output: Path, assets: Path | None = None) -> Path:
    """Rebuild `output/index.html` from every campaign's manifest and the ledger; returns its path.

    `assets`: where to read a campaign's title and post text when its manifest does not carry them."""
    output = Path(output)
    latest = Catalog(output).latest_report("html")
    report = latest.relative_to(output).as_posix() if latest is not None else ""
    return write_atomic(Catalog(output).gallery, gallery_html(load_review(output, assets=assets), report=report))
