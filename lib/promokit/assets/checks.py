"""`promokit check`'s view of a campaign's files: every file it names exists, opens and is long enough."""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import AssetError, Problem, ProblemList, PromokitError, Where, shown_path
from ..spec import read_yaml
from ..text import format_number
from .articles import read_article
from .images import check_pixels, image_info, read_image
from .media import MediaInfo, probe_media
from .paths import FOLDERS, discover, resolve
from .tables import read_table, require_columns

if TYPE_CHECKING:
    from ..spec import Campaign


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
            table = read_table(p, g.table_decimal)
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
            fix_vi=f"chép ảnh vào {shown_path(folder / 'images')} hoặc video vào {shown_path(folder / 'clips')}, "
                   "hoặc liệt kê video.shots",
            fix_en=f"put photos in {shown_path(folder / 'images')} or clips in {shown_path(folder / 'clips')}, "
                   "or list video.shots",
        ), "video.shots")
    return found.problems
