"""Pages that do not end a third empty: pictures pushed to the next page are fitted back, or let the text pass.

WeasyPrint keeps a figure whole (`break-inside: avoid`): a figure that does not fit what is left of a page
goes to the next one and leaves a gap. After a first layout, each page that ends more than GAP empty
(before a page that does not start a chapter) and whose next page starts with a figure is mended, in the
markup of a second layout:

- the figure's picture is made smaller (down to SHRINK_MOST of its height, never under MIN_PX) so the
  figure fits the gap where it was meant to be; else
- the figure moves below the block of text that follows it (the text reflows up into the gap; the picture
  stays next to the passage it illustrates).

Only a layout that left such a gap is followed by another, and that one lays out only what a mend can change:
the chapters before the first mended one (each starts a page, and nothing in them moves) are stood in for by
empty pages carrying their anchors (`stand_ins`), so the table of contents and the page numbers come out as
before while their text is not laid out again; the writer then takes their pages from the first layout.

Pure over the laid-out boxes (`gaps`, `page_spans`) and the markup (`mend`, `stand_ins`); the PDF writer runs
the layouts.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

GAP = 0.25  # share of a page's height left empty that is mended (the audit allows a third)
SHRINK_MOST = 0.6  # a picture may be made this much smaller (its height) to stay on its page
MIN_PX = 110.0  # CSS px (about 29 mm): a picture is never made smaller than this to fit
SLACK = 4.0  # CSS px kept free under a fitted figure (rounding of the layout)
BLOCKS = {"p", "h1", "h2", "h3", "h4", "h5", "h6", "figure", "li", "tr", "blockquote", "pre", "hr", "dl",
          "figcaption", "img", "table"}
FIG = re.compile(r'<figure class="figure')
ID = re.compile(r'\sid="([^"]*)"')
CHAPTER = re.compile(r'<article class="chapter" aria-labelledby="([^"]*)">')
STAND_IN = "pk-stand-in"  # the class of an empty page standing in for a page of a chapter laid out before


@dataclass(frozen=True)
class Fix:
    """One mend: figure `n` (0-based, in document order) gets its picture `height` px tall, or (height 0)
    moves below the block after it."""

    n: int
    height: float = 0.0


def number_figures(markup: str) -> str:
    """The markup with every figure numbered (`data-fig="n"`), in document order."""
    count = iter(range(1 << 30))
    return FIG.sub(lambda m: f'<figure data-fig="{next(count)}" class="figure', markup)


def _walk(box: Any) -> Iterator[Any]:
    yield box
    for c in getattr(box, "children", None) or []:
        yield from _walk(c)


def gaps(pages: list[Any]) -> list[Fix]:
    """The mends the laid-out `pages` (WeasyPrint pages) call for: for each page ending more than GAP empty
    whose next page (not a chapter's first: one with a level-1 bookmark) starts with a numbered figure,
    that figure fitted into the gap or moved below the next block."""
    chapter_starts = {i for i, pg in enumerate(pages) if any(b[0] == 1 for b in pg.bookmarks)}
    out: list[Fix] = []
    for i in range(len(pages) - 1):
        if i + 1 in chapter_starts:
            continue
        page, nxt = pages[i]._page_box, pages[i + 1]._page_box
        top, height = page.content_box_y(), page.height
        bottoms = [b.position_y + b.margin_height() - top for b in _walk(page)
                   if getattr(b, "element_tag", None) in BLOCKS]
        if not bottoms or height - max(bottoms) <= GAP * height:
            continue
        free = height - max(bottoms)
        ntop = nxt.content_box_y()
        first = min((b for b in _walk(nxt) if getattr(b, "element_tag", None) in BLOCKS),
                    key=lambda b: b.position_y, default=None)
        if first is None or first.position_y - ntop > 2:
            continue
        fig_box = next((b for b in _walk(nxt) if getattr(b, "element_tag", None) == "figure"
                        and abs(b.position_y - first.position_y) < 2), None)
        el = getattr(fig_box, "element", None)
        if el is None or el.get("data-fig") is None:
            continue
        img = next((b for b in _walk(fig_box) if getattr(b, "element_tag", None) == "img"), None)
        if img is None:
            continue
        picture = img.margin_height()
        fits = picture - (fig_box.margin_height() - free) - SLACK
        n = int(el.get("data-fig"))
        out.append(Fix(n, fits) if fits >= max(MIN_PX, SHRINK_MOST * picture) else Fix(n))
    return out


def mend(markup: str, fixes: list[Fix]) -> str:
    """The numbered markup with the mends applied: a height rule per fitted picture (in the page's style),
    each moved figure placed after the block that followed it."""
    rules = "".join(f'figure[data-fig="{f.n}"] img {{ max-height: {f.height:.1f}px; }}\n'
                    for f in fixes if f.height > 0)
    for f in fixes:
        if f.height > 0:
            continue
        m = re.search(rf'<figure data-fig="{f.n}" .*?</figure>\n?', markup, flags=re.S)
        if m is None:
            continue
        rest = markup[m.end():]
        nxt = re.match(r"\s*<(p|ul|ol|blockquote|table|div)[ >].*?</\1>\n?", rest, flags=re.S)
        if nxt is None:
            continue
        markup = markup[:m.start()] + rest[:nxt.end()] + m.group(0) + rest[nxt.end():]
    return markup.replace("</style>", rules + "</style>", 1) if rules else markup


# -- laying out again only from the first mended chapter -----------------------------------------------------

def chapter_ids(markup: str) -> list[str]:
    """The id of each chapter (its title's), in document order."""
    return [html.unescape(m.group(1)) for m in CHAPTER.finditer(markup)]


def chapter_of(markup: str, n: int) -> int | None:
    """The index of the chapter holding numbered figure `n` (None: not in a chapter, e.g. on the cover)."""
    at = markup.find(f'<figure data-fig="{n}" ')
    if at < 0:
        return None
    starts = [m.start() for m in CHAPTER.finditer(markup)]
    inside = [i for i, s in enumerate(starts) if s < at]
    return inside[-1] if inside else None


def page_spans(anchors: Sequence[Iterable[str]], ids: list[str], end_id: str = "colophon") -> list[tuple[int, int]] | None:
    """The pages (start, end) of each chapter, from the anchors on each page (`anchors[i]`: the ids laid out on
    page i): a chapter runs from the page of its title to the next chapter's, the last one to the page of
    `end_id` (or the end). None when a chapter's title is on no page, or they are out of order."""
    where: dict[str, int] = {}
    for i, names in enumerate(anchors):
        for name in names:
            where.setdefault(name, i)
    if any(c not in where for c in ids):
        return None
    starts = [where[c] for c in ids]
    if any(b <= a for a, b in zip(starts, starts[1:], strict=False)):
        return None
    end = where.get(end_id, len(anchors))
    if starts and end <= starts[-1]:
        end = len(anchors)
    return list(zip(starts, [*starts[1:], end], strict=True))


def stand_ins(markup: str, before: int, pages: list[list[list[str]]]) -> str:
    """The markup with chapters 0 … `before` − 1 replaced by empty pages: `pages[c][k]` lists the ids laid out on
    page k of chapter c, and each stand-in page carries them, so every later page keeps its number and every
    link or table-of-contents entry to those chapters its page."""
    spans = [m.start() for m in CHAPTER.finditer(markup)]
    if before <= 0 or before > len(spans) or len(pages) < before:
        return markup
    end = spans[before] if before < len(spans) else _chapters_end(markup, spans[-1])
    own = {html.unescape(i) for i in ID.findall(markup[spans[0]:end])}  # not the ids of what holds the chapters
    out = []
    for c in range(before):
        parts = []
        for k, ids in enumerate(pages[c]):
            marks = "".join(f'<div id="{html.escape(i, quote=True)}"></div>' for i in ids if i in own)
            parts.append(f'<div class="{STAND_IN}{" pk-break" if k else ""}">{marks}</div>')
        out.append(f'<article class="chapter {STAND_IN}" aria-hidden="true">{"".join(parts)}</article>\n')
    rule = f".{STAND_IN}.pk-break {{ break-before: page; page-break-before: always; }}\n"
    markup = markup[:spans[0]] + "".join(out) + markup[end:]
    return markup.replace("</style>", rule + "</style>", 1)


def _chapters_end(markup: str, last: int) -> int:
    """Where the last chapter's article ends (after its closing tag)."""
    end = markup.rfind("</main>")
    return end if end > last else len(markup)
