"""Tiny synthetic media for tests: images with every phone quirk, tones, clips, a mini campaign.

Everything is small (64x48 px, about 1 s) so a test suite stays fast. Each `make_*` writes one
file, creates its parent folders and returns its path. Clips and compressed audio need ffmpeg.
"""

from __future__ import annotations

import io
import math
import struct
import subprocess
import tempfile
import wave
import zlib
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import yaml
from PIL import Image, ImageDraw

if TYPE_CHECKING:
    from .project import CampaignContext

#: Colour of the top-left marker block `make_image` draws (to see where orientation moved it).
MARKER = (0, 255, 0)


def _prepare(path: Path) -> Path:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    return path


def _picture(size: tuple[int, int], color: tuple[int, int, int], pattern: str) -> Image.Image:
    w, h = size
    if pattern == "flat":
        return Image.new("RGB", size, color)
    if pattern == "noise":  # incompressible: a JPEG of it has plenty of scan data to cut
        return Image.fromarray(np.random.default_rng(0).integers(0, 256, (h, w, 3), dtype=np.uint8))
    if pattern != "gradient":
        raise ValueError(f"pattern must be 'gradient', 'flat' or 'noise', not {pattern!r}")
    # brightness falls from left to right and top to bottom: not flat, still near `color`
    fx = 1 - np.arange(w)[None, :] / max(w - 1, 1)
    fy = 1 - 0.5 * np.arange(h)[:, None] / max(h - 1, 1)
    shade = 0.55 + 0.45 * fx * fy
    im = Image.fromarray((shade[:, :, None] * np.array(color, dtype=float)).astype(np.uint8))
    im.paste(MARKER, (0, 0, max(2, w // 4), max(2, h // 4)))
    return im


def make_image(
    path: Path,
    size: tuple[int, int] = (64, 48),
    color: tuple[int, int, int] = (200, 60, 40),
    *,
    mode: str = "RGB",
    exif_orientation: int | None = None,
    pattern: str = "gradient",
) -> Path:
    """An image (format by extension: .jpg/.png/.webp) of `size` px as stored.

    "gradient" has a `MARKER` block in the stored top-left corner; `exif_orientation` (1..8) is
    written as EXIF tag 0x0112, so a reader must move the marker (6: to the top-right, 8: to the
    bottom-left) and swap width and height for 5..8.
    """
    path = _prepare(path)
    im = _picture(size, color, pattern)
    if mode != "RGB":
        im = im.convert(mode)
    if path.suffix.lower() in (".jpg", ".jpeg") and im.mode not in ("RGB", "L", "CMYK"):
        im = im.convert("RGB")
    kw: dict[str, Any] = {}
    if path.suffix.lower() in (".jpg", ".jpeg"):
        kw["quality"] = 95
    if exif_orientation is not None:
        exif = Image.Exif()
        exif[0x0112] = exif_orientation
        kw["exif"] = exif.tobytes()
    im.save(path, **kw)
    return path


def make_cmyk_jpeg(path: Path, size: tuple[int, int] = (64, 48), color: tuple[int, int, int] = (200, 60, 40)) -> Path:
    """A flat CMYK JPEG of roughly `color` (Pillow writes Adobe's inverted CMYK, as Photoshop does)."""
    path = _prepare(path)
    Image.new("RGB", size, color).convert("CMYK").save(path, quality=95)
    return path


def _png_chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)


def _write_png(path: Path, width: int, height: int, depth: int, color_type: int, idat: bytes) -> Path:
    ihdr = struct.pack(">IIBBBBB", width, height, depth, color_type, 0, 0, 0)
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + _png_chunk(b"IHDR", ihdr) + _png_chunk(b"IDAT", idat)
                     + _png_chunk(b"IEND", b""))
    return path


def make_16bit_png(path: Path, size: tuple[int, int] = (64, 48), *, channels: int = 1) -> Path:
    """A 16-bit PNG whose values ramp left to right from 0 to 65535 (grey, or RGB with `channels=3`).

    A reader that clips instead of scaling shows it: the middle column (~32768) must come out ~128.
    In RGB, green ramps down and blue is 32768.
    """
    path = _prepare(path)
    w, h = size
    if channels not in (1, 3):
        raise ValueError("channels must be 1 or 3")
    ramp = [round(x * 65535 / max(w - 1, 1)) for x in range(w)]
    if channels == 1:
        row = b"".join(struct.pack(">H", v) for v in ramp)
    else:
        row = b"".join(struct.pack(">HHH", v, 65535 - v, 32768) for v in ramp)
    raw = b"".join(b"\x00" + row for _ in range(h))  # filter byte 0 per row
    return _write_png(path, w, h, 16, 0 if channels == 1 else 2, zlib.compress(raw))


def make_cutout_png(path: Path, size: tuple[int, int] = (320, 400), seed: int = 7) -> Path:
    """A photograph cut out (a product on nothing): RGBA noise, photo-like in its many colours, opaque inside
    an ellipse and fully transparent around it."""
    path = _prepare(path)
    w, h = size
    rgb = np.random.default_rng(seed).integers(0, 256, (h, w, 3), dtype=np.uint8)
    alpha = Image.new("L", size, 0)
    ImageDraw.Draw(alpha).ellipse((w // 8, h // 8, w - w // 8, h - h // 8), fill=255)
    im = Image.fromarray(rgb).convert("RGBA")
    im.putalpha(alpha)
    im.save(path)
    return path


def make_palette_png_with_alpha(path: Path, size: tuple[int, int] = (64, 48)) -> Path:
    """A palette PNG: left half fully transparent (palette entry 0), right half opaque red."""
    path = _prepare(path)
    w, h = size
    im = Image.new("P", size, 0)
    im.putpalette([0, 0, 255, 255, 0, 0] + [0, 0, 0] * 254)  # 0 = blue (hidden), 1 = red
    im.paste(1, (w // 2, 0, w, h))
    im.save(path, transparency=0)
    return path


def make_truncated_jpeg(path: Path, size: tuple[int, int] = (64, 48)) -> Path:
    """A JPEG cut in the middle of its scan data (headers intact, so it opens but cannot decode)."""
    path = _prepare(path)
    buf = io.BytesIO()
    _picture(size, (0, 0, 0), "noise").save(buf, "JPEG", quality=95)
    data = buf.getvalue()
    sos = data.index(b"\xff\xda")
    path.write_bytes(data[: sos + (len(data) - sos) // 2])
    return path


def make_text_as_image(path: Path) -> Path:
    """A text file (e.g. named .jpg) that is not an image."""
    path = _prepare(path)
    path.write_text("Đây không phải là ảnh.\nThis is not an image.\n", encoding="utf-8")
    return path


def make_fake_heic(path: Path) -> Path:
    """Only a valid HEIC `ftyp` box (brand heic) and junk: recognised as HEIC, not decodable."""
    path = _prepare(path)
    ftyp = struct.pack(">I", 24) + b"ftypheic" + b"\x00\x00\x00\x00" + b"mif1heic"
    path.write_bytes(ftyp + b"\x00" * 64)
    return path


def make_heic(path: Path, size: tuple[int, int] = (64, 48), color: tuple[int, int, int] = (200, 60, 40)) -> Path:
    """A real HEIC (encoded by pillow_heif, whatever the file's extension). ImportError without it."""
    import pillow_heif

    path = _prepare(path)
    pillow_heif.from_pillow(_picture(size, color, "gradient")).save(path, quality=90)
    return path


def make_bomb_png(path: Path, megapixels: float = 400) -> Path:
    """A tiny PNG whose header declares about `megapixels` MP (square, 8-bit grey).

    Written by hand: signature, IHDR, an IDAT holding one row, IEND. It cannot decode fully;
    a reader must refuse it from the header before decoding.
    """
    path = _prepare(path)
    side = int(math.sqrt(megapixels * 1e6))
    return _write_png(path, side, side, 8, 0, zlib.compress(b"\x00" * (side + 1)))


def _ffmpeg() -> str:
    from .tools import tool

    return tool("ffmpeg")


def _run(args: list[str]) -> None:
    r = subprocess.run([_ffmpeg(), "-hide_banner", "-v", "error", "-y", *args], capture_output=True,
                       timeout=120, stdin=subprocess.DEVNULL)
    if r.returncode != 0:
        raise RuntimeError(f"ffmpeg failed: {r.stderr.decode('utf-8', 'replace').strip()}")


def make_tone(path: Path, seconds: float = 1.0, *, freq: float = 440.0, rate: int = 48000, channels: int = 2) -> Path:
    """A sine tone of `seconds` s at `freq` Hz, `rate` Hz sampling. WAV natively; others via ffmpeg."""
    path = _prepare(path)
    t = np.arange(int(round(seconds * rate))) / rate
    mono = (0.3 * 32767 * np.sin(2 * np.pi * freq * t)).astype("<i2")
    frames = np.repeat(mono[:, None], channels, axis=1).tobytes()  # interleaved 16-bit PCM
    target = path if path.suffix.lower() == ".wav" else Path(tempfile.mkstemp(suffix=".wav")[1])
    with wave.open(str(target), "wb") as w:
        w.setnchannels(channels)
        w.setsampwidth(2)
        w.setframerate(rate)
        w.writeframes(frames)
    if target != path:
        try:
            _run(["-i", str(target), "-ar", str(rate), "-ac", str(channels), str(path)])
        finally:
            target.unlink(missing_ok=True)
    return path


def _codecs(path: Path) -> list[str]:
    if path.suffix.lower() == ".webm":
        return ["-c:v", "libvpx", "-deadline", "realtime", "-b:v", "200k", "-c:a", "libvorbis"]
    return ["-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p", "-c:a", "aac"]


def _set_rotation(path: Path, rotation: int) -> None:
    """Give `path` display rotation `rotation` (clockwise degrees), checked with ffprobe.

    ffmpeg >= 6 has the `-display_rotation` input option (counter-clockwise); 5.1 (Debian 12)
    only has the legacy `rotate` tag, whose sign its mov muxer reads as counter-clockwise too.
    Both are tried, and the result verified, so this works whatever ffmpeg is installed.
    """
    from .assets import probe_media

    tmp = path.with_name(path.stem + ".rot" + path.suffix)
    ccw = (360 - rotation) % 360
    attempts = [
        ["-display_rotation:v:0", str(ccw), "-i", str(path), "-c", "copy", str(tmp)],
        ["-i", str(path), "-c", "copy", "-metadata:s:v:0", f"rotate={ccw}", str(tmp)],
        ["-i", str(path), "-c", "copy", "-metadata:s:v:0", f"rotate={rotation}", str(tmp)],
    ]
    try:
        for args in attempts:
            try:
                _run(args)
            except RuntimeError:
                continue
            if probe_media(tmp).rotation == rotation:
                tmp.replace(path)
                return
    finally:
        tmp.unlink(missing_ok=True)
    raise RuntimeError(f"could not write rotation {rotation} with this ffmpeg")


def make_clip(
    path: Path,
    seconds: float = 1.0,
    *,
    size: tuple[int, int] = (64, 48),
    fps: int = 30,
    rotation: int = 0,
    vfr: bool = False,
    audio_rate: int = 48000,
    audio_channels: int = 2,
    audio: bool = True,
    faststart: bool = False,
) -> Path:
    """A test-pattern clip (.mp4/.mov/.m4v: H.264 + AAC; .webm: VP8 + Vorbis) of `size` px as stored.

    `rotation` (0/90/180/270, clockwise) is written as display-matrix metadata, as phones do.
    `vfr` drops every third frame while keeping timestamps, so frame intervals alternate 1 and 2
    frames: the average rate is 2/3 of `fps` while the stream's base rate stays `fps`.
    """
    path = _prepare(path)
    w, h = size
    args = ["-f", "lavfi", "-i", f"testsrc2=size={w}x{h}:rate={fps}:duration={seconds}"]
    if audio:
        args += ["-f", "lavfi", "-i", f"sine=frequency=440:sample_rate={audio_rate}:duration={seconds}",
                 "-ac", str(audio_channels), "-ar", str(audio_rate)]
    codecs = _codecs(path)
    if not audio:
        codecs = codecs[: codecs.index("-c:a")] + ["-an"]
    if faststart and path.suffix.lower() != ".webm":
        codecs += ["-movflags", "+faststart"]
    if vfr:
        select = ["-vf", "select='not(eq(mod(n\\,3)\\,1))'"]
        try:
            _run(args + select + ["-fps_mode", "vfr"] + codecs + [str(path)])
        except RuntimeError:  # ffmpeg < 5.1
            _run(args + select + ["-vsync", "vfr"] + codecs + [str(path)])
    else:
        _run(args + codecs + [str(path)])
    if rotation % 360:
        _set_rotation(path, rotation % 360)
    return path


def make_short_video_clip(path: Path, video_seconds: float = 3.0, audio_seconds: float = 8.0,
                          size: tuple[int, int] = (64, 48)) -> Path:
    """An .mp4 whose pictures stop after `video_seconds` while its sound (and its header) run `audio_seconds`."""
    path = _prepare(path)
    _run(["-f", "lavfi", "-t", f"{video_seconds}", "-i", f"testsrc=size={size[0]}x{size[1]}:rate=30",
          "-f", "lavfi", "-t", f"{audio_seconds}", "-i", "sine=frequency=440:sample_rate=48000", "-map", "0:v",
          "-map", "1:a", "-c:v", "libx264", "-pix_fmt", "yuv420p", "-c:a", "aac", str(path)])
    return path


def make_lying_clip(path: Path, seconds: float = 2.0) -> Path:
    """An .mp4 whose header promises `seconds` s but whose media data stops at about 40 %.

    Written with `+faststart` (index before data), then the file is cut 40 % into the `mdat`
    box — what an interrupted copy from a phone looks like. The index still lists every frame;
    reading stops early with "partial file".
    """
    path = _prepare(path)
    make_clip(path, seconds, faststart=True)
    data = path.read_bytes()
    pos = 0
    while pos + 8 <= len(data):  # walk the top-level boxes to the media data
        size, kind = struct.unpack(">I4s", data[pos:pos + 8])
        if kind == b"mdat":
            break
        if size == 1:
            size = struct.unpack(">Q", data[pos + 8:pos + 16])[0]
        if size < 8:
            raise RuntimeError(f"unexpected MP4 layout in {path}")
        pos += size
    else:
        raise RuntimeError(f"no mdat box in {path}")
    start = pos + 8
    path.write_bytes(data[: start + int((len(data) - start) * 0.4)])
    return path


def make_csv(path: Path, header: list[str], rows: list[list], *, delimiter: str = ",") -> Path:
    """A UTF-8 CSV with `header` and `rows` (values written with str())."""
    import csv

    path = _prepare(path)
    with open(path, "w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f, delimiter=delimiter)
        writer.writerow(header)
        writer.writerows([[str(v) for v in row] for row in rows])
    return path


def make_article(path: Path, title: str = "Giới thiệu lễ hội", body: str = "", **meta: Any) -> Path:
    """A Markdown article with YAML front matter (`title` plus `meta`) and `body`."""
    path = _prepare(path)
    front = yaml.safe_dump({"title": title, **meta}, allow_unicode=True, sort_keys=False)
    body = body or ("Lễ hội được tổ chức hằng năm tại đình làng, thu hút đông đảo người dân "
                    "và du khách gần xa về dự.\n\n## Hoạt động\n\nRước kiệu, hát bội, đua ghe.\n")
    path.write_text(f"---\n{front}---\n\n{body}", encoding="utf-8")
    return path


def make_campaign(
    root: Path,
    id: str = "mini",  # noqa: A002 - the campaign.yml field name
    *,
    images: int = 2,
    clips: int = 1,
    music: bool = True,
    csv: bool = True,
    article: bool = True,
    extra_yaml: dict | None = None,
) -> Path:
    """A small valid campaign at `root/campaigns/<id>/` (so `root` works as an assets folder).

    Images alternate landscape 64x48 and portrait 48x64; clips are 1 s 64x48; music is a 3 s WAV;
    a bar infographic over data/ocop.csv; a publication of one article. `extra_yaml` is merged
    over the campaign.yml (mappings merge, lists are replaced). The spec is not validated here,
    so tests can build broken campaigns too.
    """
    from .spec import deep_merge

    folder = Path(root) / "campaigns" / id
    folder.mkdir(parents=True, exist_ok=True)
    colors = [(200, 60, 40), (40, 120, 200), (230, 180, 30), (60, 160, 90)]
    for i in range(images):
        size = (64, 48) if i % 2 == 0 else (48, 64)
        make_image(folder / "images" / f"anh-{i + 1}.jpg", size, colors[i % len(colors)])
    for i in range(clips):
        make_clip(folder / "clips" / f"canh-{i + 1}.mp4", 1.0)
    spec: dict[str, Any] = {
        "id": id,
        "title": "Lễ hội Giỗ Tổ Hùng Vương năm 2024",
        "theme": "le-hoi",
        "slogan": "Uống nước nhớ nguồn",
        "sample_data": True,
        "dates": {"from": "2024-04-18", "to": "2024-04-18"},
        "video": {"duration": 6, "platforms": ["tiktok"], "title": "Giỗ Tổ Hùng Vương"},
    }
    if music:
        make_tone(folder / "music" / "nhac-nen.wav", 3.0, rate=44100)
        spec["video"]["music"] = "music/nhac-nen.wav"
    if csv:
        make_csv(folder / "data" / "ocop.csv", ["xa", "so_san_pham"],
                 [["Bình Thành", 12], ["Tân Mỹ", 8], ["Mỹ An Hưng A", 15], ["Vĩnh Thạnh", 5]])
        spec["infographics"] = [{
            "id": "ocop-theo-xa", "kind": "bar", "data": "data/ocop.csv", "x": "xa", "y": "so_san_pham",
            "title": "Sản phẩm OCOP theo xã", "source": "Nguồn: số liệu minh họa", "unit": "sản phẩm",
            "sizes": ["square"],
        }]
    if article:
        make_article(folder / "articles" / "01-gioi-thieu.md", author="Phòng Văn hóa - Thông tin",
                     date="2024-04-10", summary="Giới thiệu lễ hội Giỗ Tổ.")
        spec["publication"] = {"articles": ["articles/01-gioi-thieu.md"], "formats": ["html"]}
    if extra_yaml:
        spec = deep_merge(spec, extra_yaml)
    (folder / "campaign.yml").write_text(yaml.safe_dump(spec, allow_unicode=True, sort_keys=False),
                                         encoding="utf-8")
    return folder


def opened(folder: Path, output: Path | None = None, *, check_files: bool = False) -> CampaignContext:
    """The campaign at `folder` (as `make_campaign` leaves it: its assets folder two levels up) opened as a
    notebook opens it, outputs under `output` (default: `<assets>/out`); its files are not checked unless
    `check_files`, so a test can reach a renderer's own errors."""
    from .project import open_campaign

    folder = Path(folder)
    assets = folder.parent.parent
    return open_campaign(folder.name, assets, output or assets / "out", check_files=check_files)


def make_rendered_campaign(
    output: Path,
    id: str = "mini",  # noqa: A002 - the campaign.yml field name
    *,
    title: str = "Lễ hội Giỗ Tổ Hùng Vương năm 2024",
    theme: str = "le-hoi",
    dates: dict | None = None,
    platforms: tuple[str, ...] = ("tiktok", "youtube"),
    caption: str = "Mời bà con về dự lễ hội.",
    hashtags: tuple[str, ...] = ("GioTo", "LapVo"),
    infographics: tuple[str, ...] = ("ocop-theo-xa",),
    sizes: tuple[str, ...] = ("square", "story"),
    editions: tuple[str, ...] = ("html", "pdf", "epub"),
    draft_platforms: tuple[str, ...] = (),
    clip: Path | None = None,
    failed_check: str | None = None,
) -> Path:
    """A campaign's output folder as `promokit run` leaves it, without running it: tiny real videos (1 s,
    108x192 or 192x108; `clip` to copy one instead), covers, WebVTT, posters with alt texts, editions, checks
    records and the manifest with `campaign_info`. `failed_check` makes every video fail that check."""
    from .catalog import Catalog, Check, checks_from, write_checks
    from .manifest import update_manifest
    from .platforms import PLATFORMS

    out = Catalog(Path(output)).campaign(id)
    for platform, draft in [(p, False) for p in platforms] + [(p, True) for p in draft_platforms]:
        preset = PLATFORMS.get(platform)
        size = (108, 192) if preset.vertical else (192, 108)
        video = out.video(platform, draft=draft)
        if clip is not None:
            _prepare(video).write_bytes(Path(clip).read_bytes())
        else:
            make_clip(video, 1.0, size=size)
        make_image(out.cover(platform, draft=draft), size, (40, 120, 200))
        out.captions(platform, "vtt", draft=draft).write_text(
            "WEBVTT\n\n00:00:00.000 --> 00:00:01.000\nGiỗ Tổ Hùng Vương\n", encoding="utf-8")
        verdicts = [Check("size", True, list(size), list(size), source="ffprobe"),
                    Check("gop", failed_check != "gop", 1.0, 2.0, "" if failed_check != "gop" else
                          "khung khóa cách 4 s / key frames every 4 s", "packets")]
        if failed_check and failed_check != "gop":
            verdicts.append(Check(failed_check, False, None, None, f"{failed_check} sai / wrong", "ffprobe"))
        write_checks(video, checks_from("video", verdicts, {"duration": 1.0, "bit_rate": 250_000,
                                                            "width": size[0], "height": size[1]}))
    for g in infographics:
        for s in sizes:
            png = out.poster(g, s, "png")
            make_image(png, (108, 108) if s == "square" else (108, 192), (200, 60, 40))
            png.with_suffix(".txt").write_text(f"Biểu đồ {g}, cỡ {s}: Bình Thành 12 sản phẩm.", encoding="utf-8")
            write_checks(png, checks_from("infographic", [Check("contrast", True, 7.1, 4.5)]))
    for fmt in editions:
        path = out.edition(fmt)
        _prepare(path).write_bytes(f"<!doctype html><title>{id}</title>".encode() if fmt == "html" else b"%PDF-1.7\n")
    update_manifest(out, info={"title": title, "theme": theme,
                               "dates": dates or {"from": "2024-04-18", "to": "2024-04-18"},
                               "posts": {"caption": caption, "title": title, "hashtags": list(hashtags)}})
    return out.dir
