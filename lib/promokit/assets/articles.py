"""Markdown articles with YAML front matter, decoded as UTF-8 and NFC; front matter checked and normalised."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml

from ..errors import AssetError
from ..spec.article import check_front_matter
from ..text import nfc_deep
from .files import read_text

if TYPE_CHECKING:
    pass


@dataclass(frozen=True)
class Article:
    """A Markdown article: front matter `meta`, Markdown `body`, `title`, and `words` in the body."""

    path: Path
    meta: dict
    body: str
    title: str
    words: int


_FENCE = re.compile(r"^(?:---|\.\.\.)[ \t]*$", re.MULTILINE)
_H1 = re.compile(r"\A\s*#[ \t]+(?P<title>[^\n]*?)[ \t#]*(?:\n|\Z)")  # an ATX '# Title' opening the body


def _heading_title(body: str) -> tuple[str, str] | None:
    """A body opening with a level-1 heading: (its text, the body without it) — the article's title when the
    front matter gives none, as most Markdown editors write it."""
    m = _H1.match(body)
    return (m["title"].strip(), body[m.end():].lstrip("\n")) if m and m["title"].strip() else None


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
    heading = _heading_title(body) if "title" not in meta else None
    if heading is not None:
        title, body = nfc_deep(heading[0]), heading[1]
        meta = {**meta, "title": title}
        if block is not None:  # validated with the others below, as if the front matter said it
            block = block.rstrip("\n") + "\ntitle: " + json.dumps(title, ensure_ascii=False) + "\n"
    if not isinstance(title, str) or not title.strip():
        raise AssetError.fail(
            "bài viết thiếu tiêu đề (title)", "article has no title",
            file=path, field="title",
            fix_vi="thêm ở đầu tệp ba dòng: '---', 'title: Tiêu đề bài viết', '---' (hoặc mở đầu bài bằng dòng "
                   "'# Tiêu đề bài viết')",
            fix_en="start the file with three lines: '---', 'title: The title', '---' (or open the article with "
                   "a line '# The title')",
        )
    if block is not None:  # every front-matter problem at once (README "Bài viết"); dates and hashtags normalised
        meta, problems = check_front_matter(block, path)
        if problems:
            raise AssetError(*problems)
    return Article(path, meta, body, title.strip(), len(re.findall(r"\w+", body)))


