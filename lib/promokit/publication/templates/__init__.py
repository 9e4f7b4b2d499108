"""The templates of the three editions: `string.Template` files in `templates/`, filled with escaped fragments.

Every value put into a template is escaped here or built from escaped parts (`model.esc`); the templates
hold only markup and `$names`. The stylesheet `styles/publication.css` is split into sections by
`/*@ name */` markers; each edition takes the sections it needs (see `stylesheet`).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from pathlib import Path
from string import Template
from typing import Any

from ...spec.models import Brand

HERE = Path(__file__).resolve().parent  # the templates folder
TEMPLATES = HERE
STYLESHEET = HERE.parent.parent / "styles" / "publication.css"

#: Sections of publication.css each edition uses, in order.
SECTIONS = {"html": ("common", "screen", "print"), "pdf": ("common", "print", "pdf"), "epub": ("common", "epub")}


@functools.lru_cache(maxsize=16)
def template(name: str) -> Template:
    return Template((TEMPLATES / name).read_text(encoding="utf-8"))


def fill(name: str, **values: str) -> str:
    """Fill template `name`; a `$name` left unfilled is a programming error (KeyError)."""
    return template(name).substitute(**values)


@functools.lru_cache(maxsize=4)
def _sections() -> dict[str, str]:
    text = STYLESHEET.read_text(encoding="utf-8")
    parts = re.split(r"/\*@\s*([a-z]+)\s*\*/", text)
    out: dict[str, str] = {}
    for name, body in zip(parts[1::2], parts[2::2], strict=True):
        out[name] = out.get(name, "") + body
    return out


PAGE_SIZES = {"a4": "A4", "a5": "A5"}

#: Page geometry per size: margins and body size give a line of about 60–75 characters; the cover (title,
#: picture, publisher) fits one page.
PAGE_LOOK = {
    "a4": {"page_margin": "22mm 30mm 22mm 30mm", "body_size": "11.5pt", "cover_pad": "22mm 20mm 14mm",
           "cover_img": "95mm", "cover_title": "28pt", "figure_max": "95mm"},
    "a5": {"page_margin": "15mm 14mm 16mm 14mm", "body_size": "9.5pt", "cover_pad": "12mm 11mm 8mm",
           "cover_img": "60mm", "cover_title": "19pt", "figure_max": "62mm"},
}


def stylesheet(edition: str, brand: Brand, *, page: str = "a4", font_faces: str = "", draft: bool = False) -> str:
    """The CSS of an edition: its sections of publication.css with the brand's colours and page size
    (and, for a draft, the edition's `<edition>draft` section when there is one)."""
    c = brand.colors
    values = {"primary": c.primary, "secondary": c.secondary, "accent": c.accent, "background": c.background,
              "text": c.text, "muted": c.muted, "page_size": PAGE_SIZES[page], **PAGE_LOOK[page],
              "body_font": '"PK Body"', "heading_font": '"PK Heading"'}
    sections = _sections()
    names = [*SECTIONS[edition], *([f"{edition}draft"] if draft and f"{edition}draft" in sections else [])]
    css = "\n".join(Template(sections[s]).substitute(values) for s in names)
    return font_faces + css


def font_face_css(faces: list, src: Callable[[Any], str], fmt: str) -> str:
    """`@font-face` rules for the brand faces (`resources.Face`), each at the address `src(face)` gives."""
    rules = []
    for f in faces:
        rules.append(f'@font-face {{ font-family: "{f.family}"; font-weight: {f.weight}; font-style: normal; '
                     f'src: url("{src(f)}") format("{fmt}"); }}\n')
    return "".join(rules)
