"""Write the report's editions (HTML, PDF, DOCX) at the catalog's paths (`Catalog(output).report(period, fmt)`),
each with its checks record. `make_report` is the one call of `promokit report`, the notebook and the bench."""

from __future__ import annotations

import base64
import datetime as dt
import functools
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from ..atomic import write_atomic
from ..catalog import Catalog, Check, checks_from, write_checks
from ..errors import ToolError
from .document import Document, document
from .docx import TEMPLATE_NAME, build_docx
from .figures import Chart, draw_charts
from .gather import gather
from .model import Report, build_report
from .period import Period

STYLE = Path(__file__).resolve().parent.parent / "styles" / "report.yml"
TEMPLATES = Path(__file__).resolve().parent / "templates"
FORMATS = ("html", "pdf", "docx")


@functools.lru_cache(maxsize=1)
def _shipped_style() -> dict[str, Any]:
    return yaml.safe_load(STYLE.read_text(encoding="utf-8"))


def load_style(assets: Path | None = None) -> dict[str, Any]:
    """styles/report.yml, with `assets/brand/report.yml` (the office's own names, recipients, signer) over it."""
    style = {k: (dict(v) if isinstance(v, dict) else v) for k, v in _shipped_style().items()}
    own = Path(assets) / "brand" / "report.yml" if assets is not None else None
    if own is not None and own.is_file():
        from ..spec.loader import deep_merge, read_yaml

        style = deep_merge(style, read_yaml(own, "report.yml").data)
    return style


def render_html(doc: Document, charts: list[Chart], period: Period) -> str:
    """The self-contained HTML page (charts inline as data: URIs)."""
    import jinja2

    env = jinja2.Environment(loader=jinja2.FileSystemLoader(str(TEMPLATES)), autoescape=True)
    shown = [{"title": c.title, "b64": base64.b64encode(c.png).decode("ascii")} for c in charts]
    return env.get_template("report.html").render(doc=doc, charts=shown, period=period)


def render_pdf(html: str) -> bytes:
    """The HTML page laid out by WeasyPrint (A4); nothing is fetched but the page's own data: URIs."""
    from weasyprint import HTML, URLFetcher

    fetch = URLFetcher(timeout=1, allowed_protocols=("data",), allow_redirects=False, fail_on_errors=True)
    try:
        return HTML(string=html, url_fetcher=fetch, media_type="print").write_pdf()
    except Exception as e:
        raise ToolError.fail(f"WeasyPrint không dựng được PDF ({type(e).__name__}: {e})",
                             f"WeasyPrint could not build the PDF ({type(e).__name__}: {e})",
                             fix_vi="chạy `make setup` rồi thử lại", fix_en="run `make setup` and retry") from e


@dataclass
class ReportResult:
    report: Report
    document: Document
    paths: dict[str, Path] = field(default_factory=dict)
    seconds: dict[str, float] = field(default_factory=dict)


def make_report(output: Path, period: Period, *, assets: Path | None = None, formats: tuple[str, ...] = FORMATS,
                issued: dt.date | None = None) -> ReportResult:
    """Gather, build and write the report of `period` in `formats`; the paths come from the catalog."""
    t0 = time.perf_counter()
    style = load_style(assets)
    report = build_report(gather(output, assets), style, period)
    doc = document(report, style, issued or dt.date.today())
    result = ReportResult(report, doc)
    result.seconds["build"] = time.perf_counter() - t0
    t = time.perf_counter()
    charts = draw_charts(report, assets) if not report.empty else []
    result.seconds["charts"] = time.perf_counter() - t
    cat = Catalog(output)
    html = render_html(doc, charts, period)
    facts = {"period": period.name, "from": period.start.isoformat(), "to": period.end.isoformat(),
             "empty": report.empty, **doc.figures}
    for fmt in formats:
        t = time.perf_counter()
        path = cat.report(period.name, fmt)
        path.parent.mkdir(parents=True, exist_ok=True)
        if fmt == "html":
            data: bytes | str = html
        elif fmt == "pdf":
            data = render_pdf(html)
        elif fmt == "docx":
            template = Path(assets) / "brand" / TEMPLATE_NAME if assets is not None else None
            data = build_docx(doc, style, [(c.title, c.png) for c in charts], template)
        else:
            raise ValueError(fmt)
        write_atomic(path, data)
        size = path.stat().st_size
        write_checks(path, checks_from("report", [Check("written", size > 0, size, "> 0 bytes", source="file")],
                                       facts))
        result.paths[fmt] = path
        result.seconds[fmt] = time.perf_counter() - t
    return result


def show(result: ReportResult) -> Any:
    """The HTML edition for a notebook cell (self-contained: charts inline), with the paths written above it."""
    from IPython.display import HTML

    listing = "".join(f"<li><code>{p}</code></li>" for p in result.paths.values())
    page = result.paths["html"].read_text(encoding="utf-8") if "html" in result.paths else ""
    return HTML(f"<ul>{listing}</ul>{page}")
