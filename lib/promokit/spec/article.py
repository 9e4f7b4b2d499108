"""An article's front matter (the YAML between the `---` lines at the top of an article), validated.

    ---
    title: Giỗ Tổ Hùng Vương năm 2024          # bắt buộc / required
    subtitle: Uống nước nhớ nguồn
    author: Phòng Văn hóa - Thông tin
    date: 12/4/2024                            # 12/4/2024, 13/04/2024 hoặc / or 2024-04-12
    summary: Một câu giới thiệu bài viết.
    cover: ../images/dinh-tan-an-trung.jpg     # ảnh bìa của bài / the article's cover picture
    cover_alt: Mái đình Tân An Trung buổi sáng # mô tả ảnh bìa (bắt buộc khi có cover) / required with cover
    cover_caption: Đình Tân An Trung
    hashtags: [GioToHungVuong, LapVo]          # có hay không có '#' đều được / with or without '#'
    ---

Dates are normalised to one date (printed `12/4/2024`), hashtags lose a leading `#`. Unknown keys are errors
with a suggestion (`coveralt` → `cover_alt`).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Annotated, Any

import yaml
from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, ValidationError

from ..errors import Problem, Where
from ..text import nfc, nfc_deep, parse_date


def _date(value: Any) -> Any:
    if value is None or isinstance(value, dt.date):
        return value
    try:
        return parse_date(str(value))
    except ValueError:
        raise ValueError(f"'{value}' is not a date; write it as 12/4/2024 or 2024-04-12 / '{value}' không phải "
                         "ngày; viết dạng 12/4/2024 hoặc 2024-04-12") from None


def _tags(value: Any) -> Any:
    if isinstance(value, str):
        value = value.replace(",", " ").split()
    if isinstance(value, list):
        return [nfc(str(t)).strip().lstrip("#") for t in value if str(t).strip().lstrip("#")]
    return value


#: a date in any common Vietnamese form (13/04/2024, 12/4/2024) or ISO (2024-04-12)
VnDate = Annotated[dt.date, BeforeValidator(_date)]


class CoverPicture(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    src: str = Field(min_length=1, description="The picture, relative to the article, e.g. ../images/anh.jpg")
    alt: str = Field("", description="What the picture shows (alt text)")
    caption: str = Field("", description="Caption under the picture")


class FrontMatter(BaseModel):
    """The front matter of an article in `articles/`."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    title: str = Field(min_length=1, description="Title of the article (required)")
    subtitle: str = Field("", description="Subtitle")
    author: str = Field("", description="Author or office")
    date: VnDate | None = Field(None, description="Date: 12/4/2024, 13/04/2024 or 2024-04-12; printed 12/4/2024")
    summary: str = Field("", description="One or two sentences shown under the title")
    cover: str | CoverPicture | None = Field(
        None, description="Cover picture relative to the article (../images/anh.jpg), or {src, alt, caption}")
    cover_alt: str = Field("", description="What the cover shows (alt text); required with a cover")
    cover_caption: str = Field("", description="Caption of the cover")
    hashtags: Annotated[list[str], BeforeValidator(_tags)] = Field(
        default_factory=list, description="Hashtags, with or without '#' (stored without)")

    @property
    def cover_described(self) -> bool:
        if isinstance(self.cover, CoverPicture):
            return bool((self.cover.alt or self.cover.caption).strip())
        return bool((self.cover_alt or self.cover_caption).strip())


def check_front_matter(block: str, file: Path | str, *, first_line: int = 2) -> tuple[dict, list[Problem]]:
    """The front matter `block` (YAML text; its first line is line `first_line` of `file`) validated: the
    normalised mapping (dates as dates, hashtags without '#') and every problem, each with its line."""
    from .loader import YamlDoc, _line_map, _LineLoader, _validation_problems

    node = yaml.compose(block, Loader=_LineLoader)
    data = yaml.load(block, Loader=_LineLoader)  # noqa: S506 - _LineLoader is a SafeLoader
    data = nfc_deep(data) if isinstance(data, dict) else {}
    lines = {loc: ln + first_line - 1 for loc, ln in _line_map(node).items()}
    doc = YamlDoc(Path(file), data, lines)
    try:
        fm = FrontMatter.model_validate(data)
    except ValidationError as e:
        return data, _validation_problems(e, doc, FrontMatter)
    problems = []
    if fm.cover and not fm.cover_described:
        problems.append(Problem(
            Where(file, doc.line(("cover",)), "cover_alt"), "ảnh bìa chưa có mô tả (cover_alt)",
            "the cover has no description (cover_alt)",
            "thêm một dòng dưới 'cover:' trong phần đầu bài, vd. cover_alt: Mái đình Tân An Trung buổi sáng",
            "add a line under 'cover:' in the front matter, e.g. cover_alt: The temple roof in the morning"))
    out = dict(data)
    if fm.date is not None:
        out["date"] = fm.date
    if "hashtags" in data:
        out["hashtags"] = list(fm.hashtags)
    return out, problems
