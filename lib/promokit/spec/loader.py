"""Read campaign.yml and brand.yml safely, over the shipped defaults, into validated models.

Only YAML is read here. Every string is NFC; errors carry file, line, field and fix.
"""

from __future__ import annotations

import copy
import os
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any

import yaml
from pydantic import ValidationError

from ..errors import Problem, PromokitError, SpecError, Where
from ..text import nfc, nfc_deep
from .models import Brand, Campaign

DEFAULTS_FILE = Path(__file__).resolve().parent.parent / "defaults" / "defaults.yml"


class _LineLoader(yaml.SafeLoader):
    """SafeLoader that refuses duplicate keys (a silent override hides mistakes)."""


def _construct_mapping(loader: _LineLoader, node: yaml.MappingNode, deep: bool = False) -> dict:
    seen: dict[Any, int] = {}
    for key_node, _ in node.value:
        key = loader.construct_object(key_node, deep=deep)
        if key in seen:
            raise yaml.constructor.ConstructorError(
                None, None, f"duplicate key '{key}' (first on line {seen[key] + 1})", key_node.start_mark
            )
        seen[key] = key_node.start_mark.line
    return yaml.SafeLoader.construct_mapping(loader, node, deep=deep)


_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


def _line_map(node: yaml.Node | None, prefix: tuple = ()) -> dict[tuple, int]:
    """Map each field path (keys and list indexes) to its 1-based line."""
    out: dict[tuple, int] = {}
    if node is None:
        return out
    out[prefix] = node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        for k, v in node.value:
            key = nfc(str(k.value))
            out[prefix + (key,)] = k.start_mark.line + 1
            out.update({p: ln for p, ln in _line_map(v, prefix + (key,)).items() if p != prefix + (key,)})
    elif isinstance(node, yaml.SequenceNode):
        for i, v in enumerate(node.value):
            out.update(_line_map(v, prefix + (i,)))
    return out


@dataclass(frozen=True)
class YamlDoc:
    """A YAML mapping with the line of every field."""

    path: Path
    data: dict
    lines: dict[tuple, int]

    def line(self, loc: tuple) -> int | None:
        loc = tuple(loc)
        while loc:
            if loc in self.lines:
                return self.lines[loc]
            loc = loc[:-1]
        return self.lines.get(())


def read_yaml(path: Path, label: str) -> YamlDoc:
    """Read one YAML mapping with a safe loader; raise SpecError naming the file and line."""
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise SpecError.fail(f"không tìm thấy {label}", f"{label} not found", file=path,
                             fix_vi=f"tạo {path.name} (xem `promokit new`)",
                             fix_en=f"create {path.name} (see `promokit new`)") from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        raise SpecError.fail("tệp không phải UTF-8", "file is not UTF-8", file=path,
                             fix_vi="lưu lại tệp với mã hóa UTF-8", fix_en="save the file as UTF-8") from e
    text = nfc(text)
    try:
        node = yaml.compose(text, Loader=_LineLoader)
        data = yaml.load(text, Loader=_LineLoader)  # noqa: S506 - _LineLoader is a SafeLoader
    except yaml.YAMLError as e:
        mark = getattr(e, "problem_mark", None) or getattr(e, "context_mark", None)
        problem = getattr(e, "problem", None) or str(e)
        tagged = "constructor" in problem or "tag" in problem
        raise SpecError.fail(
            f"YAML không hợp lệ: {problem}",
            f"invalid YAML: {problem}",
            file=path,
            line=mark.line + 1 if mark else None,
            fix_vi="bỏ thẻ '!!…' (chỉ dùng giá trị thuần)" if tagged else "sửa cú pháp YAML ở dòng này",
            fix_en="remove the '!!…' tag (plain values only)" if tagged else "fix the YAML syntax on this line",
        ) from None
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise SpecError.fail("tệp phải là một bảng khóa: giá trị", "file must be a mapping of key: value",
                             file=path, line=1, fix_vi="xem mẫu trong README", fix_en="see the README's example")
    return YamlDoc(path, nfc_deep(data), _line_map(node))


def deep_merge(base: dict, over: dict) -> dict:
    """`over` on top of `base`: mappings merge, everything else (lists too) is replaced. Inputs untouched."""
    out = copy.deepcopy(base)
    for k, v in over.items():
        out[k] = deep_merge(out[k], v) if isinstance(v, dict) and isinstance(out.get(k), dict) else copy.deepcopy(v)
    return out


def _field(loc: tuple) -> str:
    s = ""
    for part in loc:
        s += f"[{part}]" if isinstance(part, int) else (f".{part}" if s else str(part))
    return s


def _clean_loc(loc: tuple) -> tuple:
    # pydantic adds union-branch names (e.g. 'list[Caption]', 'str') to locations; drop them
    return tuple(p for p in loc if isinstance(p, int) or not any(c in str(p) for c in "[]()") and p not in
                 {"str", "function-after", "function-before", "Shot"})


_VI = {
    "missing": ("thiếu trường bắt buộc", "thêm trường này", "add this field"),
    "extra_forbidden": ("trường không được hỗ trợ", "xóa hoặc sửa tên trường (có thể gõ sai)",
                        "remove or rename the field (typo?)"),
    "greater_than": ("số quá nhỏ", "dùng số lớn hơn", "use a larger number"),
    "greater_than_equal": ("số quá nhỏ", "dùng số lớn hơn", "use a larger number"),
    "less_than_equal": ("số quá lớn", "dùng số nhỏ hơn", "use a smaller number"),
    "less_than": ("số quá lớn", "dùng số nhỏ hơn", "use a smaller number"),
    "string_pattern_mismatch": ("sai định dạng", "chỉ dùng chữ thường không dấu, số và dấu gạch ngang (hoặc mã màu #RRGGBB)",
                                "use lowercase ASCII letters, digits and dashes (or a #RRGGBB colour)"),
    "string_too_short": ("không được để trống", "điền nội dung", "fill it in"),
    "string_too_long": ("quá dài", "rút ngắn", "shorten it"),
    "too_short": ("danh sách trống", "thêm ít nhất một mục", "add at least one item"),
    "literal_error": ("giá trị không được hỗ trợ", "dùng một giá trị được liệt kê", "use one of the listed values"),
    "date_from_datetime_parsing": ("ngày không hợp lệ", "viết ngày dạng YYYY-MM-DD", "write the date as YYYY-MM-DD"),
    "date_parsing": ("ngày không hợp lệ", "viết ngày dạng YYYY-MM-DD", "write the date as YYYY-MM-DD"),
    "float_parsing": ("không phải số", "viết một số, vd. 30", "write a number, e.g. 30"),
    "float_type": ("không phải số", "viết một số, vd. 30", "write a number, e.g. 30"),
    "string_type": ("phải là chuỗi chữ", "viết giá trị dạng chữ", "write a text value"),
}


def _validation_problems(err: ValidationError, doc: YamlDoc) -> list[Problem]:
    problems = []
    seen = set()
    for e in err.errors():
        loc = _clean_loc(e["loc"])
        if loc in seen:  # one problem per field: union branches repeat the same mistake
            continue
        seen.add(loc)
        msg = e["msg"].removeprefix("Value error, ")
        value = e.get("input")
        shown = f" ({value!r})" if isinstance(value, str | int | float) and not isinstance(value, bool) else ""
        if " / " in msg:  # our validators write "English / Tiếng Việt; fix"
            en, _, vi = msg.partition(" / ")
            problems.append(Problem(Where(doc.path, doc.line(loc), _field(loc)), vi + shown, en + shown))
            continue
        vi, fix_vi, fix_en = _VI.get(e["type"], ("giá trị không hợp lệ", "sửa giá trị này", "correct this value"))
        problems.append(Problem(Where(doc.path, doc.line(loc), _field(loc)), f"{vi}{shown}", f"{msg}{shown}",
                                fix_vi, fix_en))
    return problems


def check_relpath(value: str, base: Path, file: Path, field: str, line: int | None) -> Path:
    """Resolve a spec path inside `base`; refuse absolute paths and any that leave it (symlinks too)."""
    p = PurePosixPath(value.replace("\\", "/"))
    if p.is_absolute() or value.startswith("~") or (len(value) > 1 and value[1] == ":"):
        raise SpecError.fail(f"đường dẫn tuyệt đối '{value}' không được phép", f"absolute path '{value}' not allowed",
                             file=file, line=line, field=field,
                             fix_vi="dùng đường dẫn tương đối trong thư mục chiến dịch, vd. images/anh.jpg",
                             fix_en="use a path relative to the campaign folder, e.g. images/photo.jpg")
    full = Path(os.path.realpath(base / p))
    if ".." in p.parts or not full.is_relative_to(Path(os.path.realpath(base))):
        raise SpecError.fail(f"đường dẫn '{value}' ra ngoài thư mục chiến dịch",
                             f"path '{value}' leaves the campaign folder", file=file, line=line, field=field,
                             fix_vi="chép tệp vào thư mục chiến dịch và ghi đường dẫn tương đối",
                             fix_en="copy the file into the campaign folder and use a relative path")
    return full


def load_defaults() -> dict:
    return read_yaml(DEFAULTS_FILE, "defaults.yml").data


def load_brand(assets: Path) -> tuple[Brand, Path]:
    """The brand: assets/brand/brand.yml over the shipped default brand (or the default alone)."""
    base = load_defaults()["brand"]
    brand_dir = Path(assets) / "brand"
    file = brand_dir / "brand.yml"
    if not file.exists():
        return Brand.model_validate(base), brand_dir
    doc = read_yaml(file, "brand.yml")
    try:
        brand = Brand.model_validate(deep_merge(base, doc.data))
    except ValidationError as e:
        raise SpecError(*_validation_problems(e, doc)) from None
    if brand.logo:
        check_relpath(brand.logo, brand_dir, file, "logo", doc.line(("logo",)))
    return brand, brand_dir


def load_campaign(folder: Path) -> Campaign:
    """Validate `folder/campaign.yml` over the shipped defaults. Checks paths, not their contents."""
    folder = Path(folder)
    file = folder / "campaign.yml"
    doc = read_yaml(file, "campaign.yml")
    merged = deep_merge(load_defaults().get("campaign", {}), doc.data)
    try:
        campaign = Campaign.model_validate(merged)
    except ValidationError as e:
        raise SpecError(*_validation_problems(e, doc)) from None
    folder_name = nfc(folder.resolve().name)
    if campaign.id != folder_name:
        raise SpecError.fail(
            f"id '{campaign.id}' khác tên thư mục '{folder_name}'",
            f"id '{campaign.id}' differs from the folder name '{folder_name}'",
            file=file, line=doc.line(("id",)), field="id",
            fix_vi=f"đặt id: {folder_name} hoặc đổi tên thư mục", fix_en=f"set id: {folder_name} or rename the folder",
        )
    problems = []
    for field, value in campaign.paths():
        loc = tuple(int(x) if x.isdigit() else x for x in field.replace("[", ".").replace("]", "").split("."))
        try:
            check_relpath(value, folder, file, field, doc.line(loc))
        except PromokitError as err:
            problems.extend(err.problems)
    if problems:
        raise SpecError(*problems)
    return campaign
