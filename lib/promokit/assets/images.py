"""Images in: EXIF orientation applied, 8-bit sRGB, HEIC by its bytes, size limits, damaged files named."""

from __future__ import annotations

import io
import re
import struct
import warnings
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

from PIL import Image, ImageChops, ImageFile, UnidentifiedImageError

from ..errors import AssetError
from ..text import format_number
from .files import _read_bytes

if TYPE_CHECKING:
    pass


_HEIF_BRANDS = {b"heic", b"heix", b"heim", b"heis", b"hevc", b"hevx", b"hevm", b"hevs", b"mif1", b"msf1"}
_AVIF_BRANDS = {b"avif", b"avis"}  # also HEIF containers, but AV1: left to Pillow's own reader
_TRANSPOSE = {
    2: Image.Transpose.FLIP_LEFT_RIGHT,
    3: Image.Transpose.ROTATE_180,
    4: Image.Transpose.FLIP_TOP_BOTTOM,
    5: Image.Transpose.TRANSPOSE,
    6: Image.Transpose.ROTATE_270,
    7: Image.Transpose.TRANSVERSE,
    8: Image.Transpose.ROTATE_90,
}
# What Pillow raises on damaged data, besides its own UnidentifiedImageError
_BROKEN = (OSError, SyntaxError, ValueError, EOFError, struct.error, IndexError, RuntimeError)


@dataclass(frozen=True)
class ImageInfo:
    """An image's header facts. `width`/`height` are px after EXIF orientation."""

    path: Path
    width: int
    height: int
    format: str
    mode: str
    orientation: int
    megapixels: float


def is_heif(head: bytes) -> bool:
    """True when the first bytes are an ISO-BMFF `ftyp` box of a HEIC/HEIF still (whatever the name)."""
    if len(head) < 12 or head[4:8] != b"ftyp":
        return False
    size = int.from_bytes(head[:4], "big")
    brands = {head[8:12]} | {head[i:i + 4] for i in range(16, min(size, len(head)) - 3, 4)}
    return not brands & _AVIF_BRANDS and bool(brands & _HEIF_BRANDS)


@cache
def _register_heif() -> None:
    import pillow_heif

    pillow_heif.register_heif_opener()


def _heif_ready(path: Path) -> None:
    try:
        import pillow_heif  # noqa: F401  - checked on every HEIC: an uninstall must not go unnoticed
    except ImportError:
        raise AssetError.fail(
            "ảnh HEIC/HEIF (ảnh iPhone) cần gói pillow-heif để đọc",
            "HEIC/HEIF image (iPhone photo) needs the pillow-heif package",
            file=path, fix_vi="pip install pillow-heif, hoặc xuất ảnh sang JPEG",
            fix_en="pip install pillow-heif, or export the photo as JPEG",
        ) from None
    _register_heif()


def _mp(pixels: float) -> tuple[str, str]:
    mp = round(pixels / 1e6, 1)
    return format_number(mp), f"{mp:g}"


def _too_big(path: Path, pixels: int | None, max_pixels: int) -> AssetError:
    lim_vi, lim_en = _mp(max_pixels)
    if pixels is None:
        size_vi = size_en = "?"
    else:
        size_vi, size_en = _mp(pixels)
    return AssetError.fail(
        f"ảnh quá lớn: {size_vi} MP (giới hạn {lim_vi} MP), có thể là tệp độc hại",
        f"image too large: {size_en} MP (limit {lim_en} MP), possibly a decompression bomb",
        file=path, fix_vi=f"thu nhỏ ảnh xuống dưới {lim_vi} MP", fix_en=f"resize to under {lim_en} MP",
    )


def _broken(path: Path, err: BaseException) -> AssetError:
    return AssetError.fail(
        f"tệp ảnh bị hỏng hoặc không đầy đủ ({err})", f"image file is truncated or corrupt ({err})",
        file=path, fix_vi="chép lại ảnh từ máy ảnh/điện thoại hoặc xuất lại",
        fix_en="copy the photo again from the camera/phone or re-export it",
    )


def _open(path: Path, max_pixels: int) -> Image.Image:
    """Open (header only) with every failure turned into an AssetError naming the file."""
    path = Path(path)
    head = _read_bytes(path, AssetError, 64)
    heif = is_heif(head)
    if heif:
        _heif_ready(path)
    # another library in this process (WeasyPrint does, on import) may have turned Pillow's global
    # "accept truncated images" on; a half-copied photo must still be refused, so restore the default
    ImageFile.LOAD_TRUNCATED_IMAGES = False
    try:
        # Pillow's own bomb limit only warns below 2x MAX_IMAGE_PIXELS; we enforce `max_pixels` ourselves
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            return Image.open(path)
    except Image.DecompressionBombError as e:
        m = re.search(r"\((\d+) pixels\)", str(e))
        raise _too_big(path, int(m.group(1)) if m else None, max_pixels) from None
    except UnidentifiedImageError:
        if heif:
            raise AssetError.fail("ảnh HEIC/HEIF bị hỏng", "HEIC/HEIF image is corrupt", file=path,
                                  fix_vi="xuất lại ảnh từ điện thoại (hoặc sang JPEG)",
                                  fix_en="export the photo again (or as JPEG)") from None
        raise AssetError.fail(
            "không phải tệp ảnh (hoặc định dạng không hỗ trợ)", "not an image (or an unsupported format)",
            file=path, fix_vi="dùng ảnh JPEG, PNG, WebP hoặc HEIC", fix_en="use a JPEG, PNG, WebP or HEIC image",
        ) from None
    except _BROKEN as e:
        raise _broken(path, e) from None


def _orientation(im: Image.Image) -> int:
    try:
        o = int(im.getexif().get(0x0112, 1))
    except Exception:  # a broken EXIF block must not make a good picture unreadable
        return 1
    return o if 1 <= o <= 8 else 1


def image_info(path: Path) -> ImageInfo:
    """Size (px, after EXIF orientation), format and mode from the header, without decoding pixels.

    Raises AssetError for missing, non-image, corrupt-header, HEIC-without-reader files, and for
    images so large that Pillow refuses to open them at all (over about 179 MP).
    """
    path = Path(path)
    with _open(path, 100_000_000) as im:
        o = _orientation(im)
        w, h = im.size
        if o >= 5:
            w, h = h, w
        return ImageInfo(path, w, h, im.format or "", im.mode, o, w * h / 1e6)


def check_pixels(info: ImageInfo, max_pixels: int = 100_000_000) -> None:
    """Raise the decompression-bomb AssetError when the image has more than `max_pixels` pixels."""
    if info.width * info.height > max_pixels:
        raise _too_big(info.path, info.width * info.height, max_pixels)


def _to_8bit(im: Image.Image) -> Image.Image:
    """16-bit grey to 8-bit by dividing by 257 (rounded), so 65535 -> 255 and nothing clips."""
    import numpy as np

    a = np.clip(np.asarray(im), 0, 65535).astype(np.uint32)  # 4 bytes/px: no float copy of a big scan
    return Image.fromarray(((a + 128) // 257).astype(np.uint8))


def _to_srgb(im: Image.Image, icc: bytes) -> Image.Image:
    """Convert from the embedded ICC profile to sRGB; on any trouble keep the pixels as they are."""
    try:
        from PIL import ImageCms

        src = ImageCms.ImageCmsProfile(io.BytesIO(icc))
        if "srgb" in (ImageCms.getProfileDescription(src) or "").lower().replace(" ", ""):
            return im  # already sRGB: skip a costly identity transform
        out_mode = "RGBA" if im.mode == "RGBA" else "RGB"
        return ImageCms.profileToProfile(im, src, ImageCms.createProfile("sRGB"), outputMode=out_mode) or im
    except Exception:
        return im


def _normalise_mode(im: Image.Image, fmt: str, info: dict) -> Image.Image:
    """To 8-bit RGB or RGBA (RGBA only when the picture has transparency)."""
    if im.mode in ("I;16", "I;16L", "I;16B", "I;16N", "I"):
        im = _to_8bit(im)
    elif im.mode == "F":
        im = im.convert("L")
    if im.mode == "CMYK" and fmt == "JPEG" and "adobe" not in info:
        # Pillow reads every CMYK JPEG as Adobe-inverted; without the Adobe marker it was not
        im = ImageChops.invert(im)
    icc = info.get("icc_profile")
    if icc and im.mode in ("RGB", "RGBA", "CMYK"):
        im = _to_srgb(im, icc)
    has_alpha = im.mode in ("RGBA", "LA", "La", "PA", "RGBa") or "transparency" in info
    if im.mode == "RGBa":
        im = im.convert("RGBA")
    if has_alpha:
        return im if im.mode == "RGBA" else im.convert("RGBA")
    return im if im.mode == "RGB" else im.convert("RGB")


def read_image(
    path: Path,
    *,
    max_pixels: int = 100_000_000,
    mode: str = "RGB",
    max_size: tuple[int, int] | None = None,
    resample: bool = True,
    matte: tuple[int, int, int] = (255, 255, 255),
) -> Image.Image:
    """Decode an image normalised for rendering: EXIF orientation applied, 8-bit sRGB.

    `mode` "RGB" composites transparency on `matte` (RGB, default white); "RGBA" keeps it; "L" gives grey.
    `max_size` (px, width x height after orientation) shrinks on read (JPEG DCT scaling, then
    Lanczos), keeping memory low; with `resample` False only the DCT scaling (never below `max_size`), for a
    caller that resamples the picture once itself. Images over `max_pixels` are refused before any decoding.
    """
    if mode not in ("RGB", "RGBA", "L"):
        raise ValueError(f"mode must be 'RGB', 'RGBA' or 'L', not {mode!r}")
    path = Path(path)
    with _open(path, max_pixels) as im:
        if im.size[0] * im.size[1] > max_pixels:
            raise _too_big(path, im.size[0] * im.size[1], max_pixels)
        orientation = _orientation(im)
        fmt, info = im.format or "", dict(im.info)
        stored_max = None
        if max_size:
            stored_max = max_size if orientation < 5 else (max_size[1], max_size[0])
            if fmt == "JPEG":
                im.draft(im.mode, stored_max)  # decode at 1/2..1/8 scale, never below stored_max
        try:
            im.load()
            out = _normalise_mode(im, fmt, info)
        except _BROKEN as e:
            raise _broken(path, e) from None
        if resample and stored_max and (out.width > stored_max[0] or out.height > stored_max[1]):
            out = out.copy() if out is im else out
            out.thumbnail(stored_max, Image.Resampling.LANCZOS, reducing_gap=3.0)
        if orientation in _TRANSPOSE:
            out = out.transpose(_TRANSPOSE[orientation])
        if out.mode == "RGBA" and mode != "RGBA":
            bg = Image.new("RGB", out.size, tuple(matte))
            bg.paste(out, mask=out.getchannel("A"))
            out = bg
        if out.mode != mode:
            out = out.convert(mode)
        if out is im:  # detach from the file the with-block closes: a new image over the same decoded
            out = im._new(im.im)  # pixels (closing drops the file's reference only; a copy cost ~0.1 s/photo)
    # stale metadata would mislead: orientation is applied, colours are sRGB now
    for key in ("exif", "icc_profile", "transparency", "adobe", "adobe_transform"):
        out.info.pop(key, None)
    return out


