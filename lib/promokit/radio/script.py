"""The bulletin script (pure parsing; the reading of files is in `load_scripts`).

A script is `radio/<name>.md` in the campaign folder — YAML front matter (title, station, date, slot,
slots, bed, jingles, rate) and one `## <kind>[: heading]` section per segment — or a bulletin written
under `radio.bulletins` in campaign.yml. Both become the same validated `RadioBulletin`. A section
starts with optional `key: value` lines (voice, article, pause, pause_before, pause_after, bed, jingle),
then the text read on air:

    ---
    title: Bản tin OCOP
    slot: 300
    bed: music/nhac-nen.mp3
    jingles: {ident: music/hieu.mp3, closing: music/hieu.mp3}
    ---

    ## ident
    voice: voice/ident.wav

    Đây là Đài Truyền thanh huyện Lấp Vò.

    ## news: Sản phẩm OCOP
    article: articles/01-ocop.md

Kinds: ident (or "giới thiệu"), headline ("tin chính"), news ("tin"), psa ("thông báo"), closing ("kết").
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from ..errors import Problem, SpecError, Where
from ..spec.loader import line_of
from ..spec.models import SEGMENT_KINDS, RadioBulletin
from ..text import nfc, nfc_deep

ALIASES = {"giới thiệu": "ident", "tin chính": "headline", "tin": "news", "thông báo": "psa", "kết": "closing",
           "kết thúc": "closing", **{k: k for k in SEGMENT_KINDS}}
SECTION_KEYS = {"voice", "article", "pause", "pause_before", "pause_after", "bed", "jingle"}


@dataclass(frozen=True)
class Script:
    """A validated bulletin, the file it was written in, and the line of each field (`lines[("segments", 2)]`)."""

    bulletin: RadioBulletin
    file: Path
    lines: dict[tuple, int] = field(default_factory=dict)

    def line(self, *loc: Any) -> int | None:
        return line_of(self.lines, loc)


def _fail(vi: str, en: str, file: Path, line: int | None, fld: str | None, fix_vi: str, fix_en: str) -> SpecError:
    return SpecError.fail(vi, en, file=file, line=line, field=fld, fix_vi=fix_vi, fix_en=fix_en)


def _field(loc: tuple) -> str:
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def validate(data: dict, file: Path, lines: dict[tuple, int], prefix: tuple = ()) -> Script:
    """`data` as a RadioBulletin; every problem names the file, line and field (prefixed by `prefix`)."""
    try:
        bulletin = RadioBulletin.model_validate(data)
    except ValidationError as e:
        problems = []
        for err in e.errors():
            loc = tuple(p for p in err["loc"] if not (isinstance(p, str) and ("[" in p or p in ("str",))))
            line = next((lines[loc[:n]] for n in range(len(loc), -1, -1) if loc[:n] in lines), None)
            msg = str(err["msg"]).removeprefix("Value error, ")
            vi, _, en = msg.partition(" / ") if " / " in msg else (msg, "", msg)
            if " / " in msg and re.search(r"[ăâđêôơưạảấầẩẫậắằẳẵặẹẻẽếềểễệỉịọỏốồổỗộớờởỡợụủứừửữựỳỵỷỹ]", en):
                vi, en = en, vi  # the message was written "English / Tiếng Việt"
            problems.append(Problem(Where(file, line, _field(prefix + loc)), vi, en,
                                    "xem mẫu kịch bản trong README (mục Bản tin phát thanh)",
                                    "see the script example in the README (Radio bulletins)"))
        raise SpecError(*problems) from None
    return Script(bulletin, file, {prefix + k: v for k, v in lines.items()} if prefix else dict(lines))


def _scalar(value: str) -> Any:
    try:
        return yaml.safe_load(value)
    except yaml.YAMLError:
        return value


_HEADING = re.compile(r"^##\s+(.+?)\s*$")
_KEYLINE = re.compile(r"^([a-z_]+)\s*:\s*(.*?)\s*$")


def parse_markdown(text: str, file: Path) -> tuple[dict, dict[tuple, int]]:
    """A script file's text → (the bulletin as plain data, the line of each field). Pure."""
    text = nfc(text).replace("\r\n", "\n")
    lines: dict[tuple, int] = {(): 1}
    data: dict[str, Any] = {"name": nfc(file.stem)}
    rows = text.split("\n")
    start = 0
    if rows and rows[0].strip() == "---":
        end = next((i for i in range(1, len(rows)) if rows[i].strip() in ("---", "...")), None)
        if end is None:
            raise _fail("phần đầu YAML không có dòng '---' kết thúc", "front matter has no closing '---'", file, 1,
                        None, "thêm dòng '---' sau phần đầu", "add a '---' line after the front matter")
        try:
            node = yaml.compose("\n".join(rows[1:end]), Loader=yaml.SafeLoader)
            meta = yaml.safe_load("\n".join(rows[1:end])) or {}
        except yaml.YAMLError as e:
            mark = getattr(e, "problem_mark", None)
            raise _fail(f"phần đầu YAML không hợp lệ: {getattr(e, 'problem', e)}",
                        f"invalid front matter YAML: {getattr(e, 'problem', e)}", file,
                        mark.line + 2 if mark else 1, None, "sửa cú pháp YAML (chỉ giá trị thuần)",
                        "fix the YAML (plain values only)") from None
        if not isinstance(meta, dict):
            raise _fail("phần đầu phải là các dòng khóa: giá trị", "front matter must be key: value lines", file, 2,
                        None, "vd. title: Bản tin OCOP", "e.g. title: OCOP bulletin")
        if node is not None and isinstance(node, yaml.MappingNode):
            for k, v in node.value:
                lines[(nfc(str(k.value)),)] = k.start_mark.line + 2
                if isinstance(v, yaml.MappingNode):
                    for k2, _ in v.value:
                        lines[(nfc(str(k.value)), nfc(str(k2.value)))] = k2.start_mark.line + 2
        data.update(nfc_deep(meta))
        start = end + 1
    segments: list[dict[str, Any]] = []
    current: dict[str, Any] | None = None
    body: list[str] = []
    in_keys = False

    def close() -> None:
        if current is not None:
            paras = re.sub(r"<!--.*?-->", "", "\n".join(body), flags=re.S)
            paras = re.sub(r"[*_]{1,2}([^*_]+)[*_]{1,2}", r"\1", paras)
            current["text"] = "\n\n".join(" ".join(p.split()) for p in re.split(r"\n\s*\n", paras) if p.strip())

    for i in range(start, len(rows)):
        row, n = rows[i], i + 1
        m = _HEADING.match(row)
        if m:
            close()
            head = m.group(1)
            kind_txt, _, title = head.partition(":")
            kind = ALIASES.get(kind_txt.strip().lower())
            if kind is None:
                known = ", ".join(SEGMENT_KINDS)
                raise _fail(f"loại mục '{kind_txt.strip()}' không tồn tại", f"unknown segment kind '{kind_txt.strip()}'",
                            file, n, f"segments[{len(segments)}]", f"viết '## <loại>: <tiêu đề>' với loại là {known}",
                            f"write '## <kind>: <heading>' with kind one of {known}")
            current = {"kind": kind, "title": title.strip()}
            lines[("segments", len(segments))] = n
            segments.append(current)
            body, in_keys = [], True
            continue
        if current is None:
            if row.strip() and not row.lstrip().startswith("#") and not row.strip().startswith("<!--"):
                raise _fail("lời đọc nằm ngoài mục nào", "text outside any segment", file, n, None,
                            "đặt lời đọc dưới một tiêu đề '## ident', '## news: …'",
                            "put the text under a heading such as '## ident' or '## news: …'")
            continue
        km = _KEYLINE.match(row) if in_keys else None
        if km and km.group(1) in SECTION_KEYS:
            key = "pause_after" if km.group(1) == "pause" else km.group(1)
            current[key] = _scalar(km.group(2))
            lines[("segments", len(segments) - 1, key)] = n
            continue
        if row.strip():
            in_keys = False
        body.append(row)
    close()
    data["segments"] = segments
    lines.setdefault(("segments",), lines.get(("segments", 0), 1))
    return data, lines


def parse_script(text: str, file: Path) -> Script:
    """A `radio/<name>.md` text → a validated Script (pure)."""
    data, lines = parse_markdown(text, file)
    return validate(data, file, lines)
