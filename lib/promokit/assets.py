"""The only reader of assets/: discovery, path resolution, probing and normalising phone media.

Everything a campaign folder holds comes in through here, already cleaned up: images with EXIF
orientation applied and in 8-bit sRGB, media probed with ffprobe (never loaded), tables and
articles decoded as UTF-8 and NFC. Bad input raises an `AssetError`/`DataError` naming the file
and the fix (Vietnamese first, then English); `check_campaign_files` collects them all for
`promokit check`.
"""

from __future__ import annotations

import csv
import difflib
import io
import json
import os
import re
import shutil
import struct
import subprocess
import threading
import unicodedata
import warnings
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from functools import cache
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, Any

import yaml
from PIL import Image, ImageChops, ImageFile, UnidentifiedImageError

from .errors import AssetError, DataError, Problem, ProblemList, PromokitError, ToolError, Where
from .spec import check_relpath, read_yaml
from .spec.article import check_front_matter
from .text import format_number, nfc, nfc_deep, parse_number

if TYPE_CHECKING:
    from .spec import Campaign

_AUDIO = (".mp3", ".wav", ".m4a", ".ogg", ".flac")

#: Media folder of a campaign -> accepted file extensions (lowercase; matched case-insensitively).
FOLDERS: dict[str, tuple[str, ...]] = {
    "images": (".jpg", ".jpeg", ".png", ".webp", ".heic", ".heif"),
    "clips": (".mp4", ".mov", ".m4v", ".webm"),
    "music": _AUDIO,
    "voice": _AUDIO,
    "data": (".csv",),
    "articles": (".md",),
}

# --------------------------------------------------------------------------------------------
# Discovery and paths
# --------------------------------------------------------------------------------------------

# Vietnamese alphabet order (with the Latin letters Vietnamese lacks in their usual places) and
# the traditional tone order: ngang, huyền, hỏi, ngã, sắc, nặng.
_ALPHABET = {c: i for i, c in enumerate("aăâbcdđeêfghijklmnoôơpqrstuưvwxyz")}
_TONES = {"\u0300": 1, "\u0309": 2, "\u0303": 3, "\u0301": 4, "\u0323": 5}


def sort_key(name: str) -> tuple:
    """Vietnamese-friendly natural sort key: `a < ă < â < b … đ …`, tones second, `2 < 10`."""
    letters: list[tuple[int, int]] = []
    tones: list[int] = []
    for token in re.findall(r"\d+|\D", nfc(name).lower()):
        if token.isdigit():
            letters.append((1, int(token)))
            continue
        decomposed = unicodedata.normalize("NFD", token)
        tone = next((_TONES[c] for c in decomposed if c in _TONES), 0)
        base = nfc("".join(c for c in decomposed if c not in _TONES))
        if base in _ALPHABET:
            letters.append((2, _ALPHABET[base]))
        elif base.isalpha():
            letters.append((3, ord(base[0])))
        else:  # punctuation and spaces before digits and letters
            letters.append((0, ord(base[0]) if base else 0))
        tones.append(tone)
    return (letters, tones, nfc(name))


@dataclass(frozen=True)
class CampaignFiles:
    """The media of a campaign folder by kind, each list sorted by name (Vietnamese order, NFC)."""

    folder: Path
    images: list[Path]
    clips: list[Path]
    music: list[Path]
    voice: list[Path]
    data: list[Path]
    articles: list[Path]
    dropped: list[str] = field(default_factory=list)  # why files were left out (links leaving the campaign)


def discover(folder: Path) -> CampaignFiles:
    """List the files of each media folder; hidden files, unknown extensions and links out are ignored."""
    folder = Path(folder)
    root = Path(os.path.realpath(folder))
    found: dict[str, list[Path]] = {}
    dropped: list[str] = []
    for name, exts in FOLDERS.items():
        files: list[Path] = []
        outside = 0
        sub = folder / name
        if sub.is_dir():
            for entry in os.scandir(sub):
                # "~$" are Office lock files; "." covers macOS "._x.jpg" resource forks
                if entry.name.startswith((".", "~$")) or Path(entry.name).suffix.lower() not in exts:
                    continue
                p = Path(entry.path)
                if not p.is_file():
                    continue
                if not Path(os.path.realpath(p)).is_relative_to(root):
                    outside += 1
                    continue
                files.append(p)
        if outside:
            dropped.append(f"{name}/: bỏ qua {outside} tệp là liên kết ra ngoài chiến dịch / {outside} files left out: "
                           "links outside the campaign folder (copy the files in)")
        found[name] = sorted(files, key=lambda p: sort_key(p.name))
    return CampaignFiles(folder=folder, **found, dropped=dropped)


def _entry(directory: Path, name: str) -> str | None:
    """The name on disk in `directory` whose NFC form equals NFC `name` (macOS writes NFD names)."""
    if os.path.lexists(directory / name):
        return name
    target = nfc(name)
    try:
        entries = os.listdir(directory)
    except OSError:
        return None
    return next((e for e in entries if nfc(e) == target), None)


def _suggest(directory: Path, name: str) -> list[str]:
    try:
        entries = [nfc(e) for e in os.listdir(directory) if not e.startswith(".")]
    except OSError:
        return []
    folded = {e.casefold(): e for e in entries}
    if nfc(name).casefold() in folded:
        return [folded[nfc(name).casefold()]]
    return difflib.get_close_matches(nfc(name), entries, n=3, cutoff=0.6)


def resolve(folder: Path, relpath: str, *, field: str | None = None, spec_file: Path | None = None) -> Path:
    """The real file for a campaign-relative path (NFC/NFD-insensitive). Refuses paths leaving `folder`."""
    folder = Path(folder)
    spec = Path(spec_file) if spec_file is not None else folder / "campaign.yml"
    check_relpath(relpath, folder, spec, field or "", None)
    parts = [p for p in PurePosixPath(nfc(relpath).replace("\\", "/")).parts if p not in (".", "")]
    cur = folder
    for i, part in enumerate(parts):
        on_disk = _entry(cur, part)
        if on_disk is None:
            near = _suggest(cur, part)
            shown = "/".join(parts[:i] + [near[0]]) if near else ""
            hint_vi = f" (có phải '{shown}'?)" if near else ""
            hint_en = f" (did you mean '{shown}'?)" if near else ""
            raise AssetError.fail(
                f"không tìm thấy tệp '{relpath}'", f"file '{relpath}' not found",
                file=spec, field=field,
                fix_vi=f"chép tệp vào {folder / relpath} hoặc sửa đường dẫn{hint_vi}",
                fix_en=f"copy the file to {folder / relpath} or correct the path{hint_en}",
            )
        cur = cur / on_disk
    # the entries found may be symlinks: check the real target stays inside, as the spec loader does
    check_relpath(cur.relative_to(folder).as_posix(), folder, spec, field or "", None)
    if not cur.is_file():
        raise AssetError.fail(
            f"'{relpath}' không phải là tệp (là thư mục hoặc liên kết hỏng)",
            f"'{relpath}' is not a file (a folder or a broken link)",
            file=spec, field=field, fix_vi="ghi đường dẫn tới một tệp", fix_en="name a file, not a folder",
        )
    return cur


# --------------------------------------------------------------------------------------------
# Images
# --------------------------------------------------------------------------------------------

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
) -> Image.Image:
    """Decode an image normalised for rendering: EXIF orientation applied, 8-bit sRGB.

    `mode` "RGB" composites transparency on white; "RGBA" keeps it; "L" gives grey.
    `max_size` (px, width x height after orientation) shrinks on read (JPEG DCT scaling, then
    Lanczos), keeping memory low. Images over `max_pixels` are refused before any decoding.
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
        if stored_max and (out.width > stored_max[0] or out.height > stored_max[1]):
            out = out.copy() if out is im else out
            out.thumbnail(stored_max, Image.Resampling.LANCZOS, reducing_gap=3.0)
        if orientation in _TRANSPOSE:
            out = out.transpose(_TRANSPOSE[orientation])
        if out.mode == "RGBA" and mode != "RGBA":
            bg = Image.new("RGB", out.size, (255, 255, 255))
            bg.paste(out, mask=out.getchannel("A"))
            out = bg
        if out.mode != mode:
            out = out.convert(mode)
        if out is im:  # detach from the file the with-block closes
            out = im.copy()
    # stale metadata would mislead: orientation is applied, colours are sRGB now
    for key in ("exif", "icc_profile", "transparency", "adobe", "adobe_transform"):
        out.info.pop(key, None)
    return out


# --------------------------------------------------------------------------------------------
# Audio and video (ffprobe)
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class MediaInfo:
    """What ffprobe says about a clip or an audio file.

    `duration` s (the readable part when the file is truncated); `width`/`height` px as displayed
    (after rotation and pixel aspect); `coded_*` px as stored; `rotation` degrees clockwise to turn
    the stored picture for display (0/90/180/270); `fps` average frames per second.
    """

    path: Path
    duration: float
    has_video: bool
    width: int
    height: int
    coded_width: int
    coded_height: int
    rotation: int
    fps: float
    variable_fps: bool
    frames: int | None
    video_codec: str | None
    has_audio: bool
    sample_rate: int | None
    channels: int | None
    audio_codec: str | None
    truncated: bool = False  # the header promises more than the file holds (copy interrupted)
    header_duration: float = 0.0  # s the header claims (more than `duration` when the pictures stop early)


_PROBE_CACHE: dict[tuple[str, int, int], MediaInfo] = {}
_PROBE_LOCK = threading.Lock()
_PROBE_CACHE_MAX = 2048
PROBE_TIMEOUT = 60.0  # s per ffprobe call


def _tool(name: str) -> str:
    exe = shutil.which(name)
    if exe is None:
        raise ToolError.fail(
            f"không tìm thấy chương trình {name}", f"{name} not found",
            fix_vi="cài ffmpeg: sudo apt-get install ffmpeg (hoặc conda install ffmpeg)",
            fix_en="install ffmpeg: sudo apt-get install ffmpeg (or conda install ffmpeg)",
        )
    return exe


def _unreadable(path: Path, why: str) -> AssetError:
    return AssetError.fail(
        f"không đọc được tệp âm thanh/video ({why})", f"cannot read the audio/video file ({why})",
        file=path, fix_vi="kiểm tra tệp mở được bằng trình phát, hoặc xuất lại (MP4 H.264, MP3, WAV)",
        fix_en="check that the file plays, or export it again (MP4 H.264, MP3, WAV)",
    )


def _ffprobe(path: Path, *args: str) -> tuple[dict, str]:
    cmd = [_tool("ffprobe"), "-v", "error", *args, "-print_format", "json", "--", str(path)]
    try:
        r = subprocess.run(cmd, capture_output=True, timeout=PROBE_TIMEOUT, stdin=subprocess.DEVNULL)
    except subprocess.TimeoutExpired:
        raise _unreadable(path, f"ffprobe quá {PROBE_TIMEOUT:g} s / ffprobe took over {PROBE_TIMEOUT:g} s") from None
    except OSError as e:
        raise ToolError.fail(f"không chạy được ffprobe ({e})", f"cannot run ffprobe ({e})",
                             fix_vi="cài lại ffmpeg", fix_en="reinstall ffmpeg") from None
    err = r.stderr.decode("utf-8", "replace").strip()
    if r.returncode != 0:
        last = err.splitlines()[-1] if err else f"exit {r.returncode}"
        raise _unreadable(path, last.split("] ", 1)[-1])
    try:
        return json.loads(r.stdout.decode("utf-8", "replace") or "{}"), err
    except json.JSONDecodeError:
        raise _unreadable(path, "ffprobe output is not JSON") from None


def _rate(text: str | None) -> float:
    try:
        n, _, d = (text or "0/0").partition("/")
        return float(n) / float(d or 1) if float(d or 1) else 0.0
    except ValueError:
        return 0.0


def _float(v: Any) -> float | None:
    try:
        f = float(v)
    except (TypeError, ValueError):
        return None
    return f if f == f and f >= 0 else None


def _rotation(stream: dict) -> int:
    """Clockwise display rotation. ffprobe's Display Matrix `rotation` is counter-clockwise."""
    for sd in stream.get("side_data_list") or []:
        if "rotation" in sd:
            try:
                return int(round(-float(sd["rotation"]) / 90.0)) * 90 % 360
            except (TypeError, ValueError):
                break
    tag = (stream.get("tags") or {}).get("rotate")  # legacy tag (older ffmpeg): already clockwise
    try:
        return int(round(float(tag) / 90.0)) * 90 % 360 if tag is not None else 0
    except ValueError:
        return 0


def _readable_end(path: Path, claimed: float, start: float, video: bool = False) -> tuple[float | None, bool]:
    """(end of the last packet that can be read (s), demuxer error seen) — reads packets, never decodes.

    Only the last second is read: a file cut short (the phone copy was interrupted) has an index
    that points past its end, which shows up there as a read error and an early end. With `video`,
    only the picture's packets count: a clip whose sound runs on after its pictures (3 s of video,
    8 s of audio, the header saying 8) ends where its pictures end.
    """
    def scan(seek: float | None) -> tuple[float | None, bool]:
        args = [*(["-select_streams", "v:0"] if video else []),
                "-show_entries", "packet=pts_time,dts_time,duration_time"]
        if seek:
            args = ["-read_intervals", f"{seek:.3f}%", *args]
        data, err = _ffprobe(path, *args)
        end = None
        for p in data.get("packets", []):
            t = _float(p.get("pts_time"))
            t = _float(p.get("dts_time")) if t is None else t
            if t is not None:
                e = t + (_float(p.get("duration_time")) or 0.0) - start
                end = e if end is None else max(end, e)
        return end, bool(err)

    end, err = scan(max(0.0, claimed - 1.0) + start)
    if end is None:  # the seek landed past the data (or past the pictures): read from the start
        end, err = scan(None)
    return end, err


def _probe(path: Path) -> MediaInfo:
    data, _ = _ffprobe(path, "-show_format", "-show_streams")
    streams = data.get("streams") or []
    fmt = data.get("format") or {}
    video = next((s for s in streams if s.get("codec_type") == "video"
                  and not (s.get("disposition") or {}).get("attached_pic")), None)  # mp3 cover art
    audio = next((s for s in streams if s.get("codec_type") == "audio"), None)
    if video is None and audio is None:
        raise _unreadable(path, "không có hình hay tiếng / no video or audio stream")
    durations = [_float(s.get("duration")) for s in (video, audio) if s]
    claimed = _float(fmt.get("duration")) or max((d for d in durations if d), default=0.0)
    start = _float(fmt.get("start_time")) or 0.0

    truncated = False
    duration = claimed
    if claimed > 0:
        end, err = _readable_end(path, claimed, start, video=video is not None)
        if end is None and err:
            raise _unreadable(path, "không đọc được dữ liệu nào / no readable data")
        # small gaps are normal (last frame durations, VBR estimates); only a clear shortfall counts
        if end is not None and end < claimed - max(0.25, 0.02 * claimed):
            duration, truncated = max(end, 0.0), err  # the real length; `header_duration` keeps the claim

    kw: dict[str, Any] = dict(has_video=False, width=0, height=0, coded_width=0, coded_height=0, rotation=0,
                              fps=0.0, variable_fps=False, frames=None, video_codec=None)
    if video is not None:
        cw, ch = int(video.get("width") or 0), int(video.get("height") or 0)
        rot = _rotation(video)
        dw, dh = cw, ch
        sar = _rate((video.get("sample_aspect_ratio") or "1:1").replace(":", "/"))
        if sar > 0 and abs(sar - 1.0) > 1e-3:  # non-square pixels: display width differs
            dw = int(round(cw * sar))
        if rot in (90, 270):
            dw, dh = dh, dw
        avg, r = _rate(video.get("avg_frame_rate")), _rate(video.get("r_frame_rate"))
        nb = video.get("nb_frames")
        kw.update(
            has_video=True, width=dw, height=dh, coded_width=cw, coded_height=ch, rotation=rot,
            fps=avg or r, variable_fps=bool(avg and r and abs(r - avg) / r > 0.01),
            frames=int(nb) if nb and str(nb).isdigit() and not truncated else None,
            video_codec=video.get("codec_name"),
        )
    return MediaInfo(
        path=path, duration=duration, **kw,
        has_audio=audio is not None,
        sample_rate=int(audio["sample_rate"]) if audio and str(audio.get("sample_rate", "")).isdigit() else None,
        channels=int(audio["channels"]) if audio and audio.get("channels") else None,
        audio_codec=audio.get("codec_name") if audio else None,
        truncated=truncated, header_duration=claimed,
    )


def probe_media(path: Path) -> MediaInfo:
    """Probe a clip or audio file with ffprobe (cached by path, mtime and size)."""
    path = Path(path)
    try:
        st = path.stat()
    except OSError:
        raise AssetError.fail("không tìm thấy tệp", "file not found", file=path,
                              fix_vi="kiểm tra tên và vị trí tệp", fix_en="check the file name and place") from None
    key = (os.path.realpath(path), st.st_mtime_ns, st.st_size)
    with _PROBE_LOCK:
        hit = _PROBE_CACHE.get(key)
    if hit is not None:
        return hit if hit.path == path else replace(hit, path=path)
    info = _probe(path)
    with _PROBE_LOCK:
        if len(_PROBE_CACHE) >= _PROBE_CACHE_MAX:
            _PROBE_CACHE.pop(next(iter(_PROBE_CACHE)))
        _PROBE_CACHE[key] = info
    return info


def clip_frame(path: Path, t: float = 0.0, *, max_size: tuple[int, int] | None = None) -> Image.Image:
    """One upright RGB frame of a clip at `t` s (clamped inside the clip), scaled to fit `max_size` px.

    ffmpeg applies the rotation metadata, so a portrait phone clip comes out portrait.
    """
    info = probe_media(path)
    if not info.has_video:
        raise AssetError.fail("tệp không có hình", "file has no video stream", file=path,
                              fix_vi="chọn một đoạn phim có hình", fix_en="choose a clip with pictures")
    t = max(0.0, min(t, max(info.duration - 0.1, 0.0)))
    w, h = info.width, info.height
    if max_size:
        scale = min(max_size[0] / w, max_size[1] / h, 1.0)
        w, h = max(2, round(w * scale / 2) * 2), max(2, round(h * scale / 2) * 2)
    cmd = [_tool("ffmpeg"), "-v", "error", "-ss", f"{t:.3f}", "-i", str(path), "-frames:v", "1",
           "-vf", f"scale={w}:{h}", "-f", "rawvideo", "-pix_fmt", "rgb24", "-"]
    try:
        r = subprocess.run(cmd, capture_output=True, timeout=PROBE_TIMEOUT, stdin=subprocess.DEVNULL)
    except subprocess.TimeoutExpired:
        raise _unreadable(path, "ffmpeg timed out") from None
    if r.returncode != 0 or len(r.stdout) < w * h * 3:
        raise _unreadable(path, (r.stderr.decode("utf-8", "replace").strip().splitlines() or ["no frame"])[-1])
    return Image.frombytes("RGB", (w, h), r.stdout[: w * h * 3])


# --------------------------------------------------------------------------------------------
# Text, tables, articles
# --------------------------------------------------------------------------------------------


def _read_bytes(path: Path, err_cls: type[PromokitError], n: int = -1) -> bytes:
    """The first `n` bytes (all with -1); a missing or unreadable file is `err_cls` naming it."""
    try:
        with open(path, "rb") as f:
            return f.read(n)
    except FileNotFoundError:
        raise err_cls.fail("không tìm thấy tệp", "file not found", file=path,
                           fix_vi="kiểm tra tên và vị trí tệp", fix_en="check the file name and place") from None
    except OSError as e:
        raise err_cls.fail(f"không đọc được tệp ({e.strerror})", f"cannot read the file ({e.strerror})",
                           file=path, fix_vi="kiểm tra quyền đọc tệp", fix_en="check the file's permissions") from None


def _decode(path: Path, err_cls: type[PromokitError]) -> str:
    raw = _read_bytes(Path(path), err_cls)
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        line = raw[: e.start].count(b"\n") + 1
        raise err_cls.fail(
            "tệp không phải UTF-8 (có thể là Windows-1258/TCVN3)", "file is not UTF-8 (maybe Windows-1258/TCVN3)",
            file=path, line=line,
            fix_vi="lưu lại với mã hóa UTF-8 (Excel: 'CSV UTF-8'; Notepad: 'UTF-8')",
            fix_en="save it again as UTF-8 (Excel: 'CSV UTF-8'; Notepad: 'UTF-8')",
        ) from None
    return nfc(text.replace("\r\n", "\n").replace("\r", "\n"))


def read_text(path: Path) -> str:
    """A text file as NFC str (UTF-8, BOM dropped, newlines as `\\n`)."""
    return _decode(Path(path), AssetError)


_MAX_CELL_PROBLEMS = 5


@dataclass(frozen=True)
class Table:
    """A CSV table: NFC, stripped header and cells (strings). `decimal` is its decimal separator."""

    path: Path
    columns: list[str]
    rows: list[dict[str, str]]
    decimal: str
    lines: list[int] = field(default_factory=list, repr=False)  # file row of each data row (header = 1)

    def _row_number(self, i: int) -> int:
        return self.lines[i] if i < len(self.lines) else i + 2

    def _need(self, column: str) -> str:
        col = nfc(column).strip()
        if col not in self.columns:
            raise DataError.fail(
                f"bảng không có cột '{col}'", f"table has no column '{col}'", file=self.path, field=col,
                fix_vi="dùng một trong các cột: " + ", ".join(self.columns),
                fix_en="use one of the columns: " + ", ".join(self.columns),
            )
        return col

    def column(self, name: str) -> list[str]:
        """The cells of one column, top to bottom."""
        col = self._need(name)
        return [row[col] for row in self.rows]

    def numbers(self, column: str) -> list[float]:
        """The cells of one column as numbers, read with the table's decimal separator.

        Raises DataError listing every bad cell (file, row, column, cell, fix).
        """
        col = self._need(column)
        other = "," if self.decimal == "." else "."
        out: list[float] = []
        problems: list[Problem] = []
        for i, row in enumerate(self.rows):
            cell = row[col]
            try:
                out.append(parse_number(cell, self.decimal))
                continue
            except ValueError:
                pass
            n = self._row_number(i)
            where = Where(self.path, n, col)
            if not cell:
                problems.append(Problem(where, f"ô trống ở dòng {n}, cột '{col}'", f"empty cell in row {n}, column '{col}'",
                                        "điền số vào ô", "fill in a number"))
                continue
            try:
                parse_number(cell, other)
                looks_other = True
            except ValueError:
                looks_other = False
            if looks_other:
                fix_vi = f"khai báo decimal: '{other}' trong campaign.yml (infographics) hoặc sửa số"
                fix_en = f"declare decimal: '{other}' in campaign.yml (infographics) or correct the number"
            else:
                fix_vi, fix_en = "ghi một số, vd. 1234 hoặc 3,5 (khi decimal: ',')", \
                    "write a number, e.g. 1234 or 3.5 (with decimal: '.')"
            problems.append(Problem(
                where, f"ô '{cell}' ở dòng {n}, cột '{col}' không phải số (dấu thập phân '{self.decimal}')",
                f"cell '{cell}' in row {n}, column '{col}' is not a number (decimal separator '{self.decimal}')",
                fix_vi, fix_en,
            ))
        if len(problems) > _MAX_CELL_PROBLEMS:  # the same mistake down a long column: show a few
            more = len(problems) - _MAX_CELL_PROBLEMS
            problems = problems[:_MAX_CELL_PROBLEMS] + [Problem(
                Where(self.path, None, col), f"và {more} ô khác ở cột '{col}'", f"and {more} more cells in column '{col}'",
                problems[0].fix_vi, problems[0].fix_en)]
        if problems:
            raise DataError(*problems)
        return out


def _delimiter(first_line: str) -> str:
    """`,` or `;` (or tab) by count in the header outside quotes (Excel in Vietnamese locale writes `;`)."""
    unquoted = re.sub(r'"[^"]*"', "", first_line)
    counts = {d: unquoted.count(d) for d in (",", ";", "\t")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ","


def read_table(path: Path, decimal: str = ".") -> Table:
    """Read a UTF-8 CSV with a header row; `,`/`;`/tab delimiters are sniffed. Raises DataError."""
    path = Path(path)
    if decimal not in (".", ","):
        raise ValueError(f"decimal must be '.' or ',', not {decimal!r}")
    text = _decode(path, DataError)
    first = next((ln for ln in text.split("\n") if ln.strip()), "")
    reader = csv.reader(io.StringIO(text), delimiter=_delimiter(first))
    header: list[str] | None = None
    header_line = 0
    rows: list[dict[str, str]] = []
    lines: list[int] = []
    try:
        for raw in reader:
            cells = [c.strip() for c in raw]  # NFC already (the whole text)
            if not any(cells):
                continue  # blank lines and Excel's ",,," rows
            if header is None:
                header, header_line = cells, reader.line_num
                while header and not header[-1]:  # trailing delimiter on the header line
                    header.pop()
                _check_header(path, header, header_line)
                continue
            extra = [c for c in cells[len(header):] if c]
            if extra:
                raise DataError.fail(
                    f"dòng {reader.line_num} có {len(cells)} ô nhưng tiêu đề chỉ có {len(header)} cột",
                    f"row {reader.line_num} has {len(cells)} cells but the header has {len(header)} columns",
                    file=path, line=reader.line_num,
                    fix_vi="bỏ ô thừa, hoặc đặt số có dấu phẩy trong ngoặc kép", fix_en="remove the extra cells, "
                    "or quote numbers that contain the delimiter",
                )
            cells += [""] * (len(header) - len(cells))
            rows.append(dict(zip(header, cells, strict=False)))
            lines.append(reader.line_num)
    except csv.Error as e:
        raise DataError.fail(f"CSV không hợp lệ: {e}", f"invalid CSV: {e}", file=path, line=reader.line_num,
                             fix_vi="kiểm tra dấu ngoặc kép ở dòng này", fix_en="check the quotes on this line") from None
    if header is None:
        raise DataError.fail("bảng trống (không có dòng tiêu đề)", "empty table (no header row)", file=path,
                             fix_vi="thêm dòng tiêu đề và dữ liệu", fix_en="add a header row and data rows")
    if not rows:
        raise DataError.fail("bảng không có dòng dữ liệu nào", "table has no data rows", file=path,
                             fix_vi="thêm dữ liệu dưới dòng tiêu đề", fix_en="add data rows under the header")
    return Table(path, header, rows, decimal, lines)


def _check_header(path: Path, header: list[str], line: int) -> None:
    if not header:
        raise DataError.fail("dòng tiêu đề trống", "empty header row", file=path, line=line,
                             fix_vi="ghi tên cột ở dòng đầu", fix_en="write the column names on the first row")
    for i, name in enumerate(header, 1):
        if not name:
            raise DataError.fail(f"cột {i} không có tên", f"column {i} has no name", file=path, line=line,
                                 fix_vi="đặt tên cho mọi cột ở dòng tiêu đề", fix_en="name every column in the header")
    dups = sorted({h for h in header if header.count(h) > 1})
    if dups:
        raise DataError.fail("tên cột bị lặp: " + ", ".join(dups), "duplicate column names: " + ", ".join(dups),
                             file=path, line=line, fix_vi="đặt tên cột khác nhau", fix_en="give each column its own name")


def require_columns(table: Table, columns: list[str], *, spec_file: Path | None, field: str) -> None:
    """Raise DataError when `table` lacks any of `columns` (named by the spec at `field`).

    One problem for the table, listing every missing column, the columns it has and a near match.
    """
    missing = [c for c in (nfc(c).strip() for c in columns) if c not in table.columns]
    if not missing:
        return
    near = [m for c in missing for m in difflib.get_close_matches(c, table.columns, n=1, cutoff=0.5)]
    hint_vi = f" (có phải '{near[0]}'?)" if near else ""
    hint_en = f" (did you mean '{near[0]}'?)" if near else ""
    names = ", ".join(f"'{c}'" for c in missing)
    raise DataError.fail(
        f"bảng {table.path.name} không có cột {names}", f"table {table.path.name} has no column {names}",
        file=spec_file if spec_file is not None else table.path, field=field,
        fix_vi=f"sửa tên cột trong campaign.yml hoặc {table.path.name}; các cột hiện có: "
        + ", ".join(table.columns) + hint_vi,
        fix_en=f"correct the column name in campaign.yml or {table.path.name}; existing columns: "
        + ", ".join(table.columns) + hint_en,
    )


@dataclass(frozen=True)
class Article:
    """A Markdown article: front matter `meta`, Markdown `body`, `title`, and `words` in the body."""

    path: Path
    meta: dict
    body: str
    title: str
    words: int


_FENCE = re.compile(r"^(?:---|\.\.\.)[ \t]*$", re.MULTILINE)


def read_article(path: Path) -> Article:
    """Read an article with YAML front matter between `---` lines (safe loader, NFC)."""
    path = Path(path)
    text = read_text(path)
    meta: Any = {}
    body = text
    block: str | None = None
    if re.match(r"---[ \t]*\n", text):
        m = _FENCE.search(text, text.index("\n") + 1)
        if m is None:
            raise AssetError.fail("phần đầu YAML không có dòng '---' kết thúc", "front matter has no closing '---'",
                                  file=path, line=1, fix_vi="thêm dòng '---' sau phần đầu",
                                  fix_en="add a '---' line after the front matter")
        block = text[text.index("\n") + 1: m.start()]
        body = text[m.end():].lstrip("\n")
        try:
            meta = yaml.safe_load(block)  # safe loader: '!!python/...' tags are refused
        except yaml.YAMLError as e:
            mark = getattr(e, "problem_mark", None)
            problem = getattr(e, "problem", None) or str(e)
            raise AssetError.fail(
                f"phần đầu YAML không hợp lệ: {problem}", f"invalid front matter YAML: {problem}",
                file=path, line=mark.line + 2 if mark else None,
                fix_vi="sửa cú pháp YAML (chỉ dùng giá trị thuần, không dùng thẻ '!!…')",
                fix_en="fix the YAML (plain values only, no '!!…' tags)",
            ) from None
        meta = {} if meta is None else meta
        if not isinstance(meta, dict):
            raise AssetError.fail("phần đầu phải là các dòng khóa: giá trị", "front matter must be key: value lines",
                                  file=path, line=2, fix_vi="vd. title: Giới thiệu", fix_en="e.g. title: Introduction")
        meta = nfc_deep(meta)
    title = meta.get("title")
    if not isinstance(title, str) or not title.strip():
        raise AssetError.fail(
            "bài viết thiếu tiêu đề (title)", "article has no title",
            file=path, field="title",
            fix_vi="thêm ở đầu tệp ba dòng: '---', 'title: Tiêu đề bài viết', '---'",
            fix_en="start the file with three lines: '---', 'title: The title', '---'",
        )
    if block is not None:  # every front-matter problem at once (README "Bài viết"); dates and hashtags normalised
        meta, problems = check_front_matter(block, path)
        if problems:
            raise AssetError(*problems)
    return Article(path, meta, body, title.strip(), len(re.findall(r"\w+", body)))


# --------------------------------------------------------------------------------------------
# promokit check
# --------------------------------------------------------------------------------------------


def _kind_of(path: Path) -> str | None:
    ext = path.suffix.lower()
    return next((k for k in ("images", "clips", "music") if ext in FOLDERS[k]), None)


def _in_field(err: PromokitError, field: str | None) -> list[Problem]:
    """The error's problems, given the spec field when they have none."""
    return [p if p.where.field or not field else Problem(Where(p.where.file, p.where.line, field), p.vi, p.en,
                                                          p.fix_vi, p.fix_en)
            for p in err.problems]


def _check_image(path: Path) -> None:
    check_pixels(image_info(path))
    # a cheap reduced decode (JPEG DCT scaling) also catches truncated files, not just bad headers
    read_image(path, max_size=(256, 256))


def _check_stream(path: Path, stream: str) -> None:
    """A clip must have pictures, a music or voice file sound; neither may be cut short."""
    m = probe_media(path)
    if stream == "video" and not m.has_video:
        raise AssetError.fail("tệp không có hình (video)", "file has no video stream", file=path,
                              fix_vi="dùng tệp video (MP4, MOV)", fix_en="use a video file (MP4, MOV)")
    if stream == "audio" and not m.has_audio:
        raise AssetError.fail("tệp không có tiếng", "file has no audio stream", file=path,
                              fix_vi="dùng tệp âm thanh (MP3, WAV, M4A)", fix_en="use an audio file (MP3, WAV, M4A)")
    _check_length(m)


def _check_clip(path: Path) -> None:
    _check_stream(path, "video")


def _check_audio(path: Path) -> None:
    _check_stream(path, "audio")


def _check_length(m: MediaInfo) -> None:
    if m.truncated:
        raise AssetError.fail(
            f"tệp bị cắt cụt: chỉ đọc được {format_number(m.duration, 1)} s",
            f"file is truncated: only {m.duration:.1f} s can be read",
            file=m.path, fix_vi="chép lại tệp từ điện thoại/máy quay", fix_en="copy the file again from the phone/camera",
        )
    if m.duration <= 0:
        raise AssetError.fail("tệp không có độ dài", "file has no duration", file=m.path,
                              fix_vi="xuất lại tệp", fix_en="export the file again")


def check_campaign_files(campaign: Campaign, folder: Path) -> list[Problem]:
    """Every problem with the files a validated campaign uses (all of them, not only the first).

    Checks each path the spec names (exists, decodes, probes, tables have the declared numeric
    columns, articles have titles), every image in images/ and clip in clips/, and that a video
    without `shots` has something to show.
    """
    folder = Path(folder)
    spec = folder / "campaign.yml"
    try:
        doc = read_yaml(spec, "campaign.yml")
    except PromokitError:
        doc = None
    found = ProblemList()
    done: set[str] = set()

    def add(err: PromokitError, field: str | None) -> None:
        for p in _in_field(err, field):
            if p.where.file == spec and p.where.line is None and doc is not None and field:
                loc = tuple(int(x) if x.isdigit() else x for x in re.split(r"[.\[\]]+", field) if x)
                p = Problem(Where(spec, doc.line(loc), p.where.field), p.vi, p.en, p.fix_vi, p.fix_en)
            found.problems.append(p)

    def once(path: Path, check: Callable[[Path], object], field: str | None) -> None:
        key = os.path.realpath(path)
        if key in done:
            return
        done.add(key)
        try:
            check(path)
        except PromokitError as err:
            add(err, field)

    def media(path: Path, field: str) -> None:
        kind = _kind_of(path)
        if kind == "images":
            once(path, _check_image, field)
        elif kind == "clips":
            once(path, _check_clip, field)
        else:
            add(AssetError.fail(
                f"'{path.name}' không phải ảnh hay video được hỗ trợ", f"'{path.name}' is not a supported image or clip",
                file=spec, field=field, fix_vi="dùng " + " ".join(FOLDERS["images"] + FOLDERS["clips"]),
                fix_en="use " + " ".join(FOLDERS["images"] + FOLDERS["clips"])), field)

    def find(rel: str, field: str) -> Path | None:
        try:
            return resolve(folder, rel, field=field, spec_file=spec)
        except PromokitError as err:
            add(err, field)
            return None

    v = campaign.video
    if v is not None:
        for i, shot in enumerate(v.shot_list() or []):
            if shot.moviepy:  # campaign code: it must be a Python file; it runs only at render time
                fld = f"video.shots[{i}].moviepy"
                if (p := find(shot.moviepy, fld)) is not None and p.suffix.lower() != ".py":
                    add(AssetError.fail(f"'{p.name}' không phải tệp Python (.py)", f"'{p.name}' is not a Python file",
                                        file=spec, field=fld, fix_vi="ghi tệp .py định nghĩa make_clip(ctx)",
                                        fix_en="name a .py file defining make_clip(ctx)"), fld)
            elif (p := find(shot.file, f"video.shots[{i}]")) is not None:
                media(p, f"video.shots[{i}]")
        for name in ("music", "voiceover"):
            rel = getattr(v, name)
            if rel and (p := find(rel, f"video.{name}")) is not None:
                once(p, _check_audio, f"video.{name}")
        if isinstance(v.captions, str):
            find(v.captions, "video.captions")

    for i, g in enumerate(campaign.infographics):
        p = find(g.data, f"infographics[{i}].data")
        if p is None:
            continue
        try:
            table = read_table(p, g.decimal)
        except PromokitError as err:
            add(err, f"infographics[{i}].data")
            continue
        wanted = ([g.x] if g.x else []) + g.y_columns
        field = f"infographics[{i}].x" if g.x and g.x not in table.columns else f"infographics[{i}].y"
        try:
            require_columns(table, wanted, spec_file=spec, field=field)
        except PromokitError as err:
            add(err, field)  # one problem per table; its numbers cannot be checked either
            continue
        if g.numeric_y:
            for col in g.y_columns:
                try:
                    table.numbers(col)
                except PromokitError as err:
                    add(err, None)

    pub = campaign.publication
    if pub is not None:
        for i, rel in enumerate(pub.articles):
            if (p := find(rel, f"publication.articles[{i}]")) is not None:
                once(p, read_article, f"publication.articles[{i}]")
        if pub.cover and (p := find(pub.cover, "publication.cover")) is not None:
            once(p, _check_image, "publication.cover")

    files = discover(folder)
    for p in files.images:
        once(p, _check_image, None)
    for p in files.clips:
        once(p, _check_clip, None)
    if v is not None and v.shots is None and not files.images and not files.clips:
        add(AssetError.fail(
            "video không có ảnh hay đoạn phim nào", "the video has no images or clips",
            file=spec, field="video.shots",
            fix_vi=f"chép ảnh vào {folder / 'images'} hoặc video vào {folder / 'clips'}, hoặc liệt kê video.shots",
            fix_en=f"put photos in {folder / 'images'} or clips in {folder / 'clips'}, or list video.shots",
        ), "video.shots")
    return found.problems
