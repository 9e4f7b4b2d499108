"""The layout audit: defects an editor would send back, found on what a product actually made.

Pure rules over plain descriptions (text boxes in px, the pixels behind them, page fill shares, picture
fingerprints), so every product — posters, video frames, publication pages — feeds the same rules and
writes the verdicts into its checks record as `layout.<kind>` checks (`audit_checks`). Each rule returns
`Defect`s; none found means the check passes. The kinds:

- `overlap`      two text blocks on top of each other
- `safe_zone`    text outside the platform's safe zone (or the poster's text area)
- `contrast`     text below WCAG AA against the real pixels behind it (4.5:1, 3:1 for large text)
- `empty_band`   a band across the frame with nothing in it, taller than a share of the height
- `page_fill`    a page that overflows (a cover on two pages) or is left mostly empty mid-chapter
- `duplicate`    the same picture twice in a row
- `split_word`   a Vietnamese word or name broken across lines
- `crowded`      more text blocks on screen at once than allowed
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np

from .catalog import Check
from .text import splits_word

KINDS = ("overlap", "safe_zone", "contrast", "empty_band", "page_fill", "duplicate", "split_word", "crowded")
AA_NORMAL = 4.5  # WCAG 2.x AA, normal text
AA_LARGE = 3.0  # WCAG 2.x AA, large text (≥ 24 px, or ≥ 18,66 px bold)
LARGE_PX = 24.0
EMPTY_BAND = 0.22  # share of the height a band with nothing in it may take
PAGE_EMPTY = 1 / 3  # a page may be left this empty only at the end of a chapter
TOL = 1.0  # px of slack for boxes that touch


Box = tuple[float, float, float, float]  # x0, y0, x1, y1 in px, y down


@dataclass(frozen=True)
class TextBox:
    """A block of text as placed: its box in px, its role, its colour and size (px, for WCAG 'large')."""

    text: str
    box: Box
    role: str = ""
    color: tuple[int, int, int] | None = None
    size: float = 0.0
    lines: tuple[str, ...] = ()


@dataclass(frozen=True)
class Defect:
    """One defect: its kind, where it is (a role, a time, a page) and what was found (Vietnamese / English)."""

    kind: str
    where: str
    detail: str


# -- geometry ---------------------------------------------------------------------------------------------

def _area(b: Box) -> float:
    return max(0.0, b[2] - b[0]) * max(0.0, b[3] - b[1])


def _inter(a: Box, b: Box) -> Box:
    return (max(a[0], b[0]), max(a[1], b[1]), min(a[2], b[2]), min(a[3], b[3]))


def overlaps(texts: Sequence[TextBox], where: str = "") -> list[Defect]:
    """Text blocks whose boxes share more than a sliver (TOL px) of area."""
    out = []
    for i, a in enumerate(texts):
        for b in texts[i + 1:]:
            x0, y0, x1, y1 = _inter(a.box, b.box)
            if x1 - x0 > TOL and y1 - y0 > TOL:
                out.append(Defect("overlap", where or f"{a.role}/{b.role}",
                                  f"'{_short(a.text)}' ({a.role}) chồng lên / overlaps '{_short(b.text)}' ({b.role}): "
                                  f"y {a.box[1]:.0f}–{a.box[3]:.0f} và / and {b.box[1]:.0f}–{b.box[3]:.0f}"))
    return out


def outside(texts: Sequence[TextBox], safe: Box, where: str = "") -> list[Defect]:
    """Text blocks not wholly inside the safe zone."""
    out = []
    for t in texts:
        b = t.box
        if b[0] < safe[0] - TOL or b[1] < safe[1] - TOL or b[2] > safe[2] + TOL or b[3] > safe[3] + TOL:
            out.append(Defect("safe_zone", where or t.role,
                              f"'{_short(t.text)}' ({t.role}) ra ngoài vùng an toàn / leaves the safe zone: "
                              f"{_fmt(b)} ngoài / outside {_fmt(safe)}"))
    return out


def crowded(texts: Sequence[TextBox], most: int = 2, where: str = "") -> list[Defect]:
    """More than `most` text blocks at once (a title with its subtitle counts as one block when given as one)."""
    if len(texts) <= most:
        return []
    return [Defect("crowded", where, f"{len(texts)} khối chữ cùng lúc (tối đa {most}) / {len(texts)} text blocks "
                                     f"at once (at most {most}): " + ", ".join(t.role for t in texts))]


def empty_bands(height: float, filled: Iterable[tuple[float, float]], *, limit: float = EMPTY_BAND,
                where: str = "") -> list[Defect]:
    """Horizontal bands with nothing in them (no text, chart or picture) taller than `limit` × height.

    `filled`: the (top, bottom) px of everything drawn; the frame's own margins count as bands too."""
    spans = sorted((max(0.0, a), min(height, b)) for a, b in filled if b > a)
    out = []
    y = 0.0
    for a, b in [*spans, (height, height)]:
        if a - y > limit * height:
            out.append(Defect("empty_band", where, f"dải trống / empty band y {y:.0f}–{a:.0f} "
                                                   f"({(a - y) / height:.0%} chiều cao / of the height)"))
        y = max(y, b)
    return out


# -- pixels -----------------------------------------------------------------------------------------------

def luminance(rgb: np.ndarray) -> np.ndarray:
    """WCAG relative luminance of sRGB pixels (… x 3, 0–255)."""
    c = np.asarray(rgb, dtype=np.float64) / 255.0
    lin = np.where(c <= 0.04045, c / 12.92, ((c + 0.055) / 1.055) ** 2.4)
    return lin @ np.array([0.2126, 0.7152, 0.0722])


def contrast_on(color: tuple[int, int, int], behind: np.ndarray) -> float:
    """The contrast of text in `color` over the pixels `behind` it (the picture without the text), taking
    the worst tenth of the background: a bright spot under dark text is what makes it hard to read (a
    hairline such as a grid line crossing a few letters is not)."""
    px = np.asarray(behind).reshape(-1, behind.shape[-1])[:, :3]
    if px.size == 0:
        return 21.0
    lt = float(luminance(np.array(color[:3])))
    lb = luminance(px)
    dist = np.abs(lb - lt)
    worst = float(np.percentile(lb[np.argsort(dist)][: max(1, len(lb) // 10)], 50))
    hi, lo = max(lt, worst), min(lt, worst)
    return (hi + 0.05) / (lo + 0.05)


def low_contrast(texts: Sequence[TextBox], background: np.ndarray, *, scale: float = 1.0,
                 ink: np.ndarray | None = None, where: str = "") -> list[Defect]:
    """Texts below WCAG AA over `background` (H x W x 3 pixels without the text, `scale` px per layout px).

    `ink` (H x W booleans, optional): where text was drawn; the background is then read under the ink
    only (the pixels really behind the letters), else over the text's whole box."""
    out = []
    h, w = background.shape[:2]
    for t in texts:
        if t.color is None:
            continue
        x0, y0, x1, y1 = (int(round(v * scale)) for v in t.box)
        sl = (slice(max(0, y0), min(h, y1)), slice(max(0, x0), min(w, x1)))
        crop = background[sl]
        if crop.size == 0:
            continue
        if ink is not None and ink[sl].sum() >= 4:
            crop = crop[ink[sl]]
        c = contrast_on(t.color, crop)
        need = AA_LARGE if t.size >= LARGE_PX else AA_NORMAL
        if c < need - 1e-6:
            out.append(Defect("contrast", where or t.role,
                              f"'{_short(t.text)}' ({t.role}) tương phản {c:.1f}:1 trên nền thật, cần {need:g}:1 / "
                              f"contrast {c:.1f}:1 on the real background, needs {need:g}:1"))
    return out


def ink_mask(final: np.ndarray, background: np.ndarray, threshold: int = 40) -> np.ndarray:
    """Where `final` (with text) differs from `background` (without): the text's ink."""
    a = np.asarray(final)[..., :3].astype(np.int16)
    b = np.asarray(background)[..., :3].astype(np.int16)
    return np.abs(a - b).max(axis=-1) > threshold


def fingerprint(pixels: np.ndarray) -> int:
    """A picture's print: a 64-bit difference hash of its shapes and its mean colour (4 bits a channel);
    nearly equal for the same picture at any size or compression."""
    from PIL import Image

    rgb = np.asarray(pixels)[..., :3].astype(np.uint8)
    im = Image.fromarray(rgb).convert("L").resize((9, 8))
    a = np.asarray(im, dtype=np.int16)
    bits = (a[:, 1:] > a[:, :-1]).flatten()
    shape = int(sum(1 << i for i, b in enumerate(bits) if b))
    r, g, b = (int(v) // 16 for v in rgb.reshape(-1, 3).mean(axis=0))
    return shape | (r << 64) | (g << 68) | (b << 72)


def same_picture(a: int, b: int, bits: int = 6) -> bool:
    """Two prints of one picture: at most `bits` of the 64 shape bits differ, mean colours within a step."""
    if a < 0 or b < 0:
        return False
    mask = (1 << 64) - 1
    colours = all(abs(((a >> s) & 15) - ((b >> s) & 15)) <= 1 for s in (64, 68, 72))
    return colours and bin((a ^ b) & mask).count("1") <= bits


def duplicates(pictures: Sequence[tuple[str, int]], where: str = "") -> list[Defect]:
    """The same picture twice in a row: `pictures` are (name, fingerprint) in reading order."""
    out = []
    for (na, fa), (nb, fb) in zip(pictures, pictures[1:], strict=False):
        if same_picture(fa, fb):
            out.append(Defect("duplicate", where, f"cùng một ảnh hai lần liền nhau / the same picture twice in a row: "
                                                  f"{na} → {nb}"))
    return out


# -- text and pages ---------------------------------------------------------------------------------------

def split_words(texts: Sequence[TextBox], where: str = "") -> list[Defect]:
    """Texts whose line breaks fall inside a Vietnamese word or name."""
    return [Defect("split_word", where or t.role, "ngắt dòng giữa từ / a word broken across lines: "
                                                   + " / ".join(t.lines))
            for t in texts if len(t.lines) > 1 and splits_word(list(t.lines))]


def page_fill(pages: Sequence[float], chapter_ends: Iterable[int], *, cover_pages: int = 1,
              where: str = "") -> list[Defect]:
    """Pages of a paged edition: `pages[i]` is the share of page i's height its content takes (0–1);
    `chapter_ends` the indexes of pages that end a chapter (and may be short). The cover takes
    `cover_pages` pages: more is an overflow. An empty page anywhere, or one more than PAGE_EMPTY empty
    that does not end a chapter, is a defect."""
    ends = set(chapter_ends)
    out = []
    if cover_pages > 1:
        out.append(Defect("page_fill", where or "cover", f"bìa tràn sang {cover_pages} trang / the cover overflows "
                                                         f"onto {cover_pages} pages"))
    for i, fill in enumerate(pages):
        if fill < 0.02:
            out.append(Defect("page_fill", where or f"trang / page {i + 1}", "trang trắng / a blank page"))
        elif fill < 1 - PAGE_EMPTY and i not in ends and i != len(pages) - 1:
            out.append(Defect("page_fill", where or f"trang / page {i + 1}",
                              f"trang {i + 1} trống {1 - fill:.0%} giữa chương / page {i + 1} is {1 - fill:.0%} "
                              "empty mid-chapter"))
    return out


# -- the checks record ------------------------------------------------------------------------------------

def audit_checks(defects: Iterable[Defect], kinds: Iterable[str] = KINDS) -> list[Check]:
    """One `layout.<kind>` check per audited kind: ok when none was found, the count as value, the first
    few defects as the reason."""
    found: dict[str, list[Defect]] = {}
    for d in defects:
        found.setdefault(d.kind, []).append(d)
    out = []
    for k in dict.fromkeys([*kinds, *found]):
        ds = found.get(k, [])
        reason = "; ".join(f"{d.where}: {d.detail}" if d.where else d.detail for d in ds[:3])
        if len(ds) > 3:
            reason += f"; … (+{len(ds) - 3})"
        out.append(Check(f"layout.{k}", not ds, len(ds), 0, reason, "layout audit"))
    return out


def _short(s: str, n: int = 40) -> str:
    s = " ".join(s.split())
    return s if len(s) <= n else s[: n - 1] + "…"


def _fmt(b: Box) -> str:
    return "(" + ", ".join(f"{v:.0f}" for v in b) + ")"
