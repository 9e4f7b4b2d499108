"""What the product notebooks call, in one place: `from promokit.notebook import open_campaign, summary, …`
(import names one by one: a star import would load every rendering room).

Importing it in a Jupyter kernel registers a display for promokit errors: a `PromokitError` shows as its
one-line messages (Vietnamese / English, one line per problem, the file named relative to the project root) with a
link that opens the file in JupyterLab — not a stack trace. Any other exception keeps IPython's traceback.

The rendering rooms (video, charts, publication) are imported on first use, so a notebook pays only for what it
calls.
"""

from __future__ import annotations

import html
import sys
import warnings
from dataclasses import replace
from importlib import import_module
from pathlib import Path
from typing import TYPE_CHECKING, Any

from . import lab
from .checks import open_checked as open_campaign
from .errors import Problem, PromokitError, Where
from .overview import (
    HTML,
    article_list,
    checks_table,
    contact_sheet,
    data_tables,
    files_table,
    show_outputs,
    show_posters,
    show_videos,
    summary,
)
from .parameters import (
    ParameterWarning,
    _names,
    check_campaign,
    check_flag,
    check_infographics,
    check_platforms,
    choice_name,
    choice_names,
)
from .project import CampaignContext

if TYPE_CHECKING:  # imported on first use (see _LAZY)
    from .charts.render import render_infographics
    from .publication import article_table, files_written, html_preview, pdf_pages, render_publication
    from .radio.api import load_bulletins, render_bulletins, write_run_sheets
    from .radio.show import checks_table as bulletin_checks
    from .radio.show import players, reading_times, script_table
    from .report import make_report, pick_period
    from .report import show as show_report
    from .video import VideoJob

__all__ = [
    "CampaignContext", "HTML", "ParameterWarning", "VideoJob", "article_list", "article_table", "bulletin_checks",
    "check_bulletins", "check_campaign", "check_flag", "check_formats", "check_infographics", "check_page",
    "check_platforms", "check_radio_presets", "check_sizes", "checks_table", "contact_sheet", "data_tables",
    "files_table", "files_written", "html_preview", "install_error_display", "load_bulletins", "make_report",
    "open_campaign", "pdf_pages", "pick_period", "players", "reading_times", "render_bulletins", "render_infographics", "render_publication",
    "script_table", "show_error", "show_outputs", "show_report", "show_pdf_pages", "show_posters", "show_videos", "summary",
    "write_run_sheets",
]

# name -> (module, attribute): the rendering rooms, imported on first use
_LAZY = {
    "VideoJob": ("promokit.video", "VideoJob"),
    "render_infographics": ("promokit.charts.render", "render_infographics"),
    "render_publication": ("promokit.publication", "render_publication"),
    "article_table": ("promokit.publication", "article_table"),
    "files_written": ("promokit.publication", "files_written"),
    "html_preview": ("promokit.publication", "html_preview"),
    "pdf_pages": ("promokit.publication", "pdf_pages"),
    "load_bulletins": ("promokit.radio.api", "load_bulletins"),
    "render_bulletins": ("promokit.radio.api", "render_bulletins"),
    "write_run_sheets": ("promokit.radio.api", "write_run_sheets"),
    "script_table": ("promokit.radio.show", "script_table"),
    "reading_times": ("promokit.radio.show", "reading_times"),
    "players": ("promokit.radio.show", "players"),
    "bulletin_checks": ("promokit.radio.show", "checks_table"),
    "make_report": ("promokit.report", "make_report"),
    "pick_period": ("promokit.report", "pick_period"),
    "show_report": ("promokit.report", "show"),
}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        module, attr = _LAZY[name]
        value = getattr(import_module(module), attr)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'promokit.notebook' has no attribute {name!r}")


# -- parameters of the infographic and e_publication notebooks ---------------------------------------------

def check_sizes(value: object) -> list[str]:
    """The `sizes` parameter: poster size names (string or list, case-insensitive); empty = the spec's."""
    from .charts.sizes import SIZES

    return choice_names(value, SIZES.names(), "sizes", "kích thước", "size")


def check_formats(value: object) -> list[str]:
    """The `formats` parameter: html, pdf, epub (string or list, case-insensitive); empty = the spec's."""
    from .spec.models import Publication

    return choice_names(value, _literal_values(Publication, "formats"), "formats", "định dạng", "format")


def check_page(value: object) -> str:
    """The `page` parameter: a4 or a5 (case-insensitive); "" = the spec's."""
    from .spec.models import Publication

    return choice_name(value, _literal_values(Publication, "page"), "page", "khổ giấy", "page size")


def check_radio_presets(value: object) -> list[str]:
    """The `presets` parameter of the radio notebook: loudspeaker, online (string or list, case-insensitive)."""
    from .radio.api import PRESETS

    return choice_names(value, list(PRESETS), "presets", "cấu hình phát", "preset")


def check_bulletins(value: object) -> list[str]:
    """The `bulletin_names` parameter: a name or a list of names; empty = every bulletin."""
    return _names(value, "bulletin_names")


def _literal_values(model: Any, name: str) -> list[str]:
    from typing import get_args

    def walk(t: Any) -> list[str]:
        args = get_args(t)
        return [a for a in args if isinstance(a, str)] or [v for a in args for v in walk(a)]

    return walk(model.model_fields[name].annotation)


# -- displays -------------------------------------------------------------------------------------------

def show_pdf_pages(edition: Any, n: int = 2, *, width: int = 420) -> HTML:
    """The first `n` pages of a PDF edition side by side, and a link that opens the PDF itself."""
    from .overview import image_tag

    path = Path(getattr(edition, "path", edition))
    pages = __getattr__("pdf_pages")(path, n=n, width=width * 2)
    imgs = "".join(image_tag(im, width) for im in pages)
    url = lab.files_url(path)
    link = (f'<p><a href="{html.escape(url, quote=True)}" target="_blank">{html.escape(path.name)}</a></p>' if url
            else f"<p><code>{html.escape(str(path))}</code></p>")
    return HTML(imgs + link, f"{path} ({len(pages)} trang / pages)")


def _lab_problem(p: Problem) -> tuple[Problem, str | None]:
    """The problem with its file (and any path in its texts) named relative to the project root, and the
    JupyterLab link to that file."""
    base = str(lab.root()).rstrip("/") + "/"
    p = replace(p, vi=p.vi.replace(base, ""), en=p.en.replace(base, ""), fix_vi=p.fix_vi.replace(base, ""),
                fix_en=p.fix_en.replace(base, ""))
    if p.where.file is None:
        return p, None
    rel = lab.relative(p.where.file)
    if rel is None:
        return p, None
    return replace(p, where=Where(rel, p.where.line, p.where.field)), lab.tree_url(p.where.file)


def error_lines(err: PromokitError) -> list[str]:
    """The error as the notebook shows it: one line per problem, paths relative to the project root."""
    return [str(_lab_problem(p)[0]) for p in err.problems]


def error_html(err: PromokitError) -> str:
    """Links that open each file the error names in JupyterLab (the message itself is the error output)."""
    links = {}
    for p in err.problems:
        shown, url = _lab_problem(p)
        if url is not None:
            where = Where(shown.where.file, shown.where.line)
            links.setdefault(str(where), url)
    items = "".join(f'<a href="{html.escape(url, quote=True)}" target="_blank">{html.escape(where)}</a> '
                    for where, url in links.items())
    return f"<div>↪ mở tệp / open: {items}</div>" if items else ""


def show_error(shell: Any, etype: type, value: BaseException, tb: Any, tb_offset: int | None = None) -> list[str]:
    """IPython custom exception handler for PromokitError: the one-line messages (and, in JupyterLab, links
    that open the files named), instead of a stack trace. The lines go out as the cell's error output, so the
    cell still fails (Papermill and `promokit run` see the error and its message)."""
    if not isinstance(value, PromokitError):  # pragma: no cover - IPython only calls it for PromokitError
        return shell.InteractiveTB.structured_traceback(etype, value, tb, tb_offset=tb_offset)
    try:
        from IPython.display import display

        links = error_html(value)
        if links:  # HTML only: a terminal shows just the lines
            display({"text/html": links}, raw=True)
    except Exception:  # noqa: BLE001 - the text lines below still say everything
        pass
    lines = error_lines(value)
    shell._showtraceback(etype, value, lines)  # IPython shows nothing itself for a custom handler
    return lines


def _show_parameter_warnings() -> None:
    """ParameterWarnings print as their one line (no file and line of promokit's code), every time."""
    previous = warnings.showwarning
    if getattr(previous, "_promokit", False):
        return

    def show(message: Any, category: type[Warning], filename: str, lineno: int, file: Any = None,
             line: str | None = None) -> None:
        if issubclass(category, ParameterWarning):
            print(str(message), file=file or sys.stderr)
        else:
            previous(message, category, filename, lineno, file, line)

    show._promokit = True  # type: ignore[attr-defined]
    warnings.showwarning = show
    warnings.simplefilter("always", ParameterWarning)


def install_error_display() -> bool:
    """Register `show_error` with the running IPython (True), or do nothing outside IPython (False).
    Parameter warnings print as one line each either way."""
    _show_parameter_warnings()
    try:
        from IPython import get_ipython
    except ImportError:
        return False
    shell = get_ipython()
    if shell is None:
        return False
    shell.set_custom_exc((PromokitError,), show_error)
    return True


install_error_display()
