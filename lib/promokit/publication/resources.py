"""What the editions embed: pictures (found, checked, downscaled, re-encoded) and font subsets.

Campaign pictures are found and decoded by `promokit.assets` (the only reader of assets/); rendered
outputs (infographics, video covers) are found through `output/<id>/manifest.json`, never by importing
the modules that made them. Every file read is checked against the publication's `Sandbox`.
Re-encoding every picture also drops its metadata (a phone photo's EXIF GPS position stays home).
"""

from __future__ import annotations

import hashlib
import io
import os
import posixpath
from collections.abc import Callable, Iterable
from concurrent.futures import Executor, Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from PIL import Image

from .. import assets, fonts
from ..atomic import write_atomic
from ..catalog import CampaignOutputs, CatalogError, Checks, kind_of
from ..errors import AssetError, Problem, PromokitError, Where
from ..manifest import read_manifest
from ..project import CampaignContext
from ..text import VIETNAMESE_LETTERS, nfc
from .fetcher import Sandbox
from .model import Document, ImageUse, Picture

RASTER_EXTS = (".png", ".jpg", ".jpeg", ".webp")
#: Infographic sizes tried for `infographic:<id>` (wide ones fit a page best).
INFOGRAPHIC_SIZES = ("landscape", "square", "portrait", "story")
#: Video covers tried for `video-cover:` (16:9 first).
COVER_PLATFORMS = ("youtube", "facebook_feed", "zalo", "tiktok", "facebook_reels", "youtube_shorts", "instagram_reels")


@dataclass(frozen=True)
class Quality:
    """How pictures are prepared for an edition."""

    max_px: int = 1600  # longest side
    jpeg_quality: int = 85


FINAL = Quality()
DRAFT = Quality(max_px=800, jpeg_quality=70)


@dataclass(frozen=True)
class PreparedImage:
    key: str
    data: bytes
    media_type: str  # image/jpeg | image/png
    ext: str  # .jpg | .png
    width: int
    height: int
    source: Path
    source_size: tuple[int, int]

    @property
    def downscaled(self) -> bool:
        return (self.width, self.height) != self.source_size


# ----------------------------------------------------------------------------------------------------------
# Finding pictures
# ----------------------------------------------------------------------------------------------------------


def _at(err: PromokitError, file: str, line: int | None, fld: str | None, prefix: str = "") -> AssetError:
    """The same problems, placed at the article (and line) that referenced the picture."""
    return AssetError(*[Problem(Where(file, line, fld), prefix + p.vi, prefix + p.en, p.fix_vi, p.fix_en)
                        for p in err.problems])


@dataclass
class OutputIndex:
    """The campaign's rendered outputs as its manifest lists them (the catalog's relative paths).

    Only what the manifest lists is used: a file on disk the manifest does not know (a render interrupted
    before its manifest was written) is not guessed at.
    """

    outputs: CampaignOutputs
    entries: dict[str, dict]

    @classmethod
    def load(cls, outputs: CampaignOutputs) -> OutputIndex:
        try:
            manifest = read_manifest(outputs) or {}
        except CatalogError:
            manifest = {}
        entries = {nfc(e["path"]): e for e in manifest.get("outputs", [])
                   if isinstance(e, dict) and "path" in e and not e.get("draft")}
        return cls(outputs, entries)

    def find(self, rel: str) -> tuple[Path, dict] | None:
        """The file and its manifest entry; None when the manifest does not list it or it is gone."""
        entry = self.entries.get(rel)
        path = self.outputs.dir / rel
        if entry is None or not path.is_file():
            return None
        return path, entry

    def listed(self, prefix: str) -> list[str]:
        return sorted(r for r in self.entries if r.startswith(prefix) and r.lower().endswith(RASTER_EXTS))


def _rel(outputs: CampaignOutputs, path: Path) -> str:
    return path.relative_to(outputs.dir).as_posix()


def _output_choices(ref: str, ctx: CampaignContext) -> tuple[list[str], str, str]:
    """(candidate output-relative paths, default caption, kind) for an output reference."""
    scheme, _, rest = ref.partition(":")
    c = ctx.campaign
    if scheme == "output":
        return [rest], "", "output"
    if scheme == "infographic":
        gid, _, size = rest.strip("/").partition("/")
        spec = next((g for g in c.infographics if g.id == gid), None)
        if spec is None:
            known = ", ".join(g.id for g in c.infographics) or "(chưa có / none)"
            raise AssetError.fail(f"không có đồ họa '{gid}' trong campaign.yml", f"no infographic '{gid}' in "
                                  "campaign.yml", fix_vi=f"dùng một trong: {known}", fix_en=f"use one of: {known}")
        sizes = [size] if size else [s for s in INFOGRAPHIC_SIZES if s in spec.sizes] + \
            [s for s in spec.sizes if s not in INFOGRAPHIC_SIZES] + [s for s in INFOGRAPHIC_SIZES if s not in spec.sizes]
        caption = spec.title + (f". {spec.source}" if spec.source else "")
        out = ctx.outputs
        return [_rel(out, out.poster(gid, s, "png")) for s in sizes], caption, "infographic"
    if scheme == "video-cover":
        platforms = [rest.strip("/")] if rest.strip("/") else \
            [p for p in COVER_PLATFORMS if c.video and p in c.video.platforms] + list(COVER_PLATFORMS)
        title = (c.video.title if c.video and c.video.title else "") or c.title
        return [_rel(ctx.outputs, ctx.outputs.cover(p)) for p in dict.fromkeys(platforms)], title, "video-cover"
    raise AssetError.fail(f"không hiểu '{ref}'", f"unknown reference '{ref}'", fix_vi="xem README", fix_en="see README")


def find_output(pic: Picture, ctx: CampaignContext, index: OutputIndex, sandbox: Sandbox) -> tuple[Path, str, str]:
    """(file, default alt, default caption) of an `output:`/`infographic:`/`video-cover:` picture."""
    try:
        rels, caption, kind = _output_choices(pic.candidates[0], ctx)
    except PromokitError as e:
        raise _at(e, pic.file, pic.line, pic.field) from None
    for rel in rels:
        if not rel.lower().endswith(RASTER_EXTS):
            raise AssetError.fail(
                f"'{pic.target}' không phải ảnh (PNG/JPEG); bản in PDF không chèn được vào ấn phẩm",
                f"'{pic.target}' is not a picture (PNG/JPEG); print PDFs cannot be placed in a publication",
                file=pic.file, line=pic.line, field=pic.field,
                fix_vi="dùng cỡ ảnh: square, portrait, story hoặc landscape",
                fix_en="use a raster size: square, portrait, story or landscape")
        found = index.find(rel)
        if found is None:
            continue
        path, entry = found
        sandbox.check(path)
        record = entry.get("checks")
        alt = ""
        if isinstance(record, dict):
            try:
                alt = str(Checks.from_dict(record, file=ctx.outputs.manifest).facts.get("alt") or "")
            except CatalogError:
                alt = ""
        if not alt and kind == "video-cover":
            alt = f"Ảnh bìa video: {caption}"
        return path, nfc(alt), nfc(caption)
    shown = ", ".join(f"output/{ctx.id}/{r}" for r in rels[:3])
    have = index.listed(posixpath.dirname(rels[0]) + "/")
    hint = (" Đã có / available: " + ", ".join(have[:6])) if have else ""
    notebook = "infographic" if kind_of(rels[0]) == "infographic" else "promo_video"
    raise AssetError.fail(
        f"chưa có tệp {shown} cho '{pic.target}'", f"no file {shown} for '{pic.target}'",
        file=pic.file, line=pic.line, field=pic.field,
        fix_vi=f"dựng trước: promokit run {ctx.id} --notebook {notebook}.{hint}",
        fix_en=f"render it first: promokit run {ctx.id} --notebook {notebook}.{hint}")


def find_pictures(doc: Document, ctx: CampaignContext, sandbox: Sandbox) -> dict[str, Path]:
    """The file of every picture of `doc`; fills infographic alt texts and captions. Raises AssetError
    naming the article and line of a missing picture."""
    index: OutputIndex | None = None
    paths: dict[str, Path] = {}
    defaults: dict[str, tuple[str, str]] = {}
    for key, pic in doc.pictures.items():
        if pic.kind == "output":
            index = index or OutputIndex.load(ctx.outputs)
            path, alt, caption = find_output(pic, ctx, index, sandbox)
            defaults[key] = (alt, caption)
        else:
            path = _find_asset(pic, ctx)
        paths[key] = sandbox.check(path)
    doc.apply_picture_defaults(defaults)
    return paths


def _find_asset(pic: Picture, ctx: CampaignContext) -> Path:
    first: PromokitError | None = None
    for rel in pic.candidates:
        try:
            path = assets.resolve(ctx.folder, rel, field=pic.field, spec_file=Path(pic.file))
        except PromokitError as e:
            first = first or e
            continue
        if path.suffix.lower() not in assets.FOLDERS["images"]:
            raise AssetError.fail(
                f"'{pic.target}' không phải tệp ảnh", f"'{pic.target}' is not an image file",
                file=pic.file, line=pic.line, field=pic.field,
                fix_vi="dùng ảnh " + " ".join(assets.FOLDERS["images"]),
                fix_en="use an image: " + " ".join(assets.FOLDERS["images"]))
        return path
    assert first is not None
    raise _at(first, pic.file, pic.line, pic.field, prefix="") from None


# ----------------------------------------------------------------------------------------------------------
# Preparing pictures
# ----------------------------------------------------------------------------------------------------------


def _opaque(im: Image.Image) -> bool:
    return im.mode != "RGBA" or im.getchannel("A").getextrema()[0] == 255


def prepare_image(key: str, path: Path, quality: Quality) -> PreparedImage:
    """Decode (EXIF orientation, sRGB, 8-bit: `assets.read_image`), fit in `max_px`, re-encode.

    Pictures with transparency, and PNG sources (infographics, screenshots), stay PNG (sharp text);
    photos become JPEG at `jpeg_quality`.
    """
    info = assets.image_info(path)
    assets.check_pixels(info)
    wants_alpha = info.mode in ("RGBA", "LA", "PA", "P", "RGBa", "La")
    # the exact fitted size (not a square box): lets the JPEG decoder scale down by 1/2..1/8 while decoding
    scale = min(1.0, quality.max_px / max(info.width, info.height))
    fit = (max(1, round(info.width * scale)), max(1, round(info.height * scale)))
    im = assets.read_image(path, mode="RGBA" if wants_alpha else "RGB", max_size=fit)
    if im.mode == "RGBA" and _opaque(im):
        im = im.convert("RGB")
    buf = io.BytesIO()
    if im.mode == "RGBA" or info.format == "PNG":
        im.save(buf, "PNG", compress_level=6)
        media, ext = "image/png", ".png"
    else:
        im.save(buf, "JPEG", quality=quality.jpeg_quality, subsampling="4:2:0")
        media, ext = "image/jpeg", ".jpg"
    return PreparedImage(key, buf.getvalue(), media, ext, im.width, im.height, Path(path), (info.width, info.height))


def start_images(paths: dict[str, Path], quality: Quality, pool: Executor,
                 where: dict[str, ImageUse] | None = None) -> dict[str, Future[PreparedImage]]:
    """Start preparing every picture in `pool` (threads: decoding, resizing and encoding release the GIL).

    A picture that cannot be prepared raises from its future, its error placed at the article and line
    that shows it."""

    def one(key: str, path: Path) -> PreparedImage:
        try:
            return prepare_image(key, path, quality)
        except PromokitError as e:
            use = (where or {}).get(key)
            if use is None:
                raise
            raise _at(e, use.file, use.line, use.field, prefix=f"ảnh / image {path.name}: ") from None

    return {key: pool.submit(one, key, path) for key, path in paths.items()}


def prepare_images(paths: dict[str, Path], quality: Quality, *, workers: int | None = None,
                   where: dict[str, ImageUse] | None = None) -> dict[str, PreparedImage]:
    """Prepare every picture and wait for them all (the first failure in document order is raised)."""
    with ThreadPoolExecutor(max_workers=workers or min(4, os.cpu_count() or 1)) as pool:
        futures = start_images(paths, quality, pool, where)
        try:
            return {key: f.result() for key, f in futures.items()}
        except BaseException:
            for f in futures.values():
                f.cancel()
            raise


def prepare_logo(ctx: CampaignContext, sandbox: Sandbox) -> PreparedImage | None:
    """The brand logo (PNG with alpha), small, or None when the brand has none or it is unreadable."""
    if not ctx.brand.logo:
        return None
    path = ctx.brand_dir / ctx.brand.logo
    if not path.is_file() or not sandbox.allows(path):
        return None
    return prepare_image("logo", path, Quality(max_px=400))


# ----------------------------------------------------------------------------------------------------------
# Fonts
# ----------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Face:
    family: str  # "PK Body" | "PK Heading"
    weight: int
    path: Path

    @property
    def name(self) -> str:
        """A file name for the face inside an edition (same file -> same name)."""
        h = hashlib.sha1(str(self.path).encode()).hexdigest()[:8]
        return f"{self.path.stem.lower()}-{h}"


def brand_faces(ctx: CampaignContext) -> list[Face]:
    """Body regular and bold, heading bold: the brand's fonts (files in brand/fonts or installed families)."""
    bf = fonts.brand_fonts(ctx.brand.fonts.heading, ctx.brand.fonts.body, ctx.brand_dir)
    return [Face("PK Body", 400, bf.body), Face("PK Body", 700, bf.body_bold), Face("PK Heading", 700, bf.heading_bold)]


def check_fonts(faces: list[Face], doc: Document) -> None:
    """FontError naming the article and the characters when a font cannot draw the text it must."""
    for face in faces:
        if face.family == "PK Heading":
            fonts.check_coverage(face.path, doc.heading_texts(), field="fonts.heading")
            continue
        m = doc.meta
        fonts.check_coverage(face.path, [m.title, m.subtitle, m.author, m.publisher, m.date, *m.contacts],
                             file=m.spec_file, field="fonts.body")
        for ch in doc.chapters:
            fonts.check_coverage(face.path, ch.texts(), file=ch.source.file)


#: Always in a subset, whatever the text: ASCII, Latin-1 letters, every Vietnamese letter, common punctuation.
#: A fixed set makes the subset of a font the same from run to run, so it is computed once and cached.
BASE_CHARS = frozenset({chr(c) for c in range(0x20, 0x7F)} | {chr(c) for c in range(0xC0, 0x100)}
                       | set(VIETNAMESE_LETTERS) | set("\u0300\u0301\u0303\u0309\u0323–—‘’“”…·•€₫«»°±×÷§©®™"))
_MEMO: dict[str, bytes] = {}


def _cache_dir() -> Path | None:
    root = os.environ.get("PROMOKIT_CACHE") or os.path.join(
        os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache"), "promokit")
    path = Path(root) / "fonts"
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError:
        return None
    return path if os.access(path, os.W_OK) else None


def _cached(key: str, make: Callable[[], bytes]) -> bytes:
    """`make()` memoised in this process and on disk (~/.cache/promokit/fonts), keyed by `key`."""
    hit = _MEMO.get(key)
    if hit is not None:
        return hit
    folder = _cache_dir()
    file = folder / f"{key}.bin" if folder else None
    if file is not None and file.is_file():
        data = file.read_bytes()
    else:
        data = make()
        if file is not None:
            try:
                write_atomic(file, data)
            except OSError:
                pass
    _MEMO[key] = data
    return data


def _subset(path: Path, chars: str) -> bytes:
    from fontTools import subset as ft_subset
    from fontTools.ttLib import TTFont

    opts = ft_subset.Options()
    opts.layout_features = ["*"]
    opts.name_IDs = ["*"]
    opts.name_languages = ["*"]
    opts.notdef_outline = True
    opts.hinting = False
    opts.drop_tables += ["DSIG"]
    font = TTFont(str(path), lazy=False, recalcTimestamp=False)
    sub = ft_subset.Subsetter(opts)
    sub.populate(text=chars)
    sub.subset(font)
    buf = io.BytesIO()
    font.save(buf, reorderTables=True)
    return buf.getvalue()


def _woff2(ttf: bytes) -> bytes:
    from fontTools.ttLib import TTFont

    font = TTFont(io.BytesIO(ttf), recalcTimestamp=False)
    font.flavor = "woff2"
    buf = io.BytesIO()
    font.save(buf)
    return buf.getvalue()


def subset_font(face: Face, texts: Iterable[str], flavor: str | None = None) -> bytes:
    """The face with only the glyphs `texts` need (plus `BASE_CHARS`), as TTF or (`flavor="woff2"`) WOFF2."""
    import fontTools

    chars = "".join(sorted(BASE_CHARS | {c for t in texts for c in t if not c.isspace()}))
    st = face.path.stat()
    key = hashlib.sha1(f"{face.path}|{st.st_size}|{st.st_mtime_ns}|{fontTools.version}|{chars}".encode()).hexdigest()
    ttf = _cached(key, lambda: _subset(face.path, chars))
    if flavor == "woff2":
        return _cached(key + "-woff2", lambda: _woff2(ttf))
    return ttf
