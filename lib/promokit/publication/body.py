"""A chapter's body as an (X)HTML fragment: markdown-it's renderer with promokit's rules for headings (levels
and ids the writers choose), figures and inline pictures, links (each edition's addresses), and tables.
Pure: the writers (html, epub, pdf) give the addresses and heading levels through a `RenderEnv`."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from markdown_it.token import Token

from ..text import keep_together
from .model import MD, Chapter, ImageUse, Link, clean, esc


@dataclass(frozen=True)
class RenderEnv:
    """What differs between editions when a chapter body is written."""

    base_level: int  # HTML heading level of the article's top sub-headings
    figure: Callable[[ImageUse], str]
    inline_image: Callable[[ImageUse], str]
    href: Callable[[Link], str]


def _r_heading(self: Any, tokens: list[Token], idx: int, options: Any, env: dict) -> str:
    t = tokens[idx]
    level = min(6, env["pk"].base_level + t.meta.get("rel", 1) - 1)
    if t.nesting == 1:
        hid = t.attrs.get("id")
        return f'<h{level} id="{esc(str(hid))}">' if hid else f"<h{level}>"
    return f"</h{level}>\n"


def _r_figure(self: Any, tokens: list[Token], idx: int, options: Any, env: dict) -> str:
    return "".join(env["pk"].figure(u) for u in tokens[idx].meta["uses"])


def _r_image(self: Any, tokens: list[Token], idx: int, options: Any, env: dict) -> str:
    return env["pk"].inline_image(tokens[idx].meta["use"])


def _r_link_open(self: Any, tokens: list[Token], idx: int, options: Any, env: dict) -> str:
    link: Link = tokens[idx].meta["link"]
    cls = ' class="external"' if link.kind == "external" else ""
    title = tokens[idx].attrGet("title")
    t = f' title="{esc(clean(title))}"' if title else ""
    return f'<a href="{esc(env["pk"].href(link))}"{cls}{t}>'


def _r_table_open(self: Any, tokens: list[Token], idx: int, options: Any, env: dict) -> str:
    return '<div class="table-wrap"><table>\n'


def _r_table_close(self: Any, tokens: list[Token], idx: int, options: Any, env: dict) -> str:
    return "</table></div>\n"


def _r_cell(self: Any, tokens: list[Token], idx: int, options: Any, env: dict) -> str:
    t = tokens[idx]
    if t.nesting == -1:
        return f"</{t.tag}>\n"
    m = re.search(r"text-align:(\w+)", str(t.attrGet("style") or ""))
    return f'<{t.tag} class="align-{m.group(1)}">' if m else f"<{t.tag}>"


for _name, _fn in (("heading_open", _r_heading), ("heading_close", _r_heading), ("pk_figure", _r_figure),
                   ("image", _r_image), ("link_open", _r_link_open), ("table_open", _r_table_open),
                   ("table_close", _r_table_close), ("th_open", _r_cell), ("th_close", _r_cell),
                   ("td_open", _r_cell), ("td_close", _r_cell)):
    MD.add_render_rule(_name, _fn)


def render_body(chapter: Chapter, env: RenderEnv) -> str:
    """The chapter's body as an (X)HTML fragment (well-formed XML: `<br />`, escaped text); headings keep
    Vietnamese words and names on one line."""
    tokens = [_kept(t) if i and chapter.tokens[i - 1].type == "heading_open" else t
              for i, t in enumerate(chapter.tokens)]
    return MD.renderer.render(tokens, MD.options, {"pk": env})


def _kept(inline: Token) -> Token:
    """A heading's inline token whose text parts have no-break spaces inside words and names."""
    if inline.type != "inline" or not inline.children:
        return inline
    kids = [k.copy(content=keep_together(k.content)) if k.type == "text" else k for k in inline.children]
    return inline.copy(children=kids)
