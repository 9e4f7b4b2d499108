"""Read campaign.yml and brand.yml safely, over the shipped defaults, into validated models.

Only YAML is read here. Every string is NFC; errors carry file, line, field and fix.
"""

from __future__ import annotations

import copy
import functools
import os
import re
import types
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Annotated, Any, Literal, Union, get_args, get_origin

import yaml
from pydantic import BaseModel, ValidationError

from ..errors import Problem, PromokitError, SpecError, Where
from ..suggest import closest, match
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


def _written_map(node: yaml.Node | None, text: str, prefix: tuple = ()) -> dict[tuple, str]:
    """Map each scalar's field path to its text as written (`0123`, not the 83 YAML 1.1 reads)."""
    out: dict[tuple, str] = {}
    if isinstance(node, yaml.ScalarNode):
        out[prefix] = text[node.start_mark.index:node.end_mark.index]
    elif isinstance(node, yaml.MappingNode):
        for k, v in node.value:
            out.update(_written_map(v, text, prefix + (nfc(str(k.value)),)))
    elif isinstance(node, yaml.SequenceNode):
        for i, v in enumerate(node.value):
            out.update(_written_map(v, text, prefix + (i,)))
    return out


SHOWN_MAX = 60  # characters of a value quoted in an error


def shown_value(value: object, written: str | None = None) -> str:
    """A value for an error line: as written in the file when known, cut to `SHOWN_MAX` characters."""
    text = written if written is not None else repr(value)
    return text if len(text) <= SHOWN_MAX else text[:SHOWN_MAX - 1] + f"… ({len(text)} ký tự / chars)"



def line_of(lines: dict[tuple, int], loc: tuple) -> int | None:
    """The line of the field at `loc` (a path of keys and indexes), or of its nearest recorded parent."""
    loc = tuple(loc)
    while loc:
        if loc in lines:
            return lines[loc]
        loc = loc[:-1]
    return lines.get(())

@dataclass(frozen=True)
class YamlDoc:
    """A YAML mapping with the line of every field (and each scalar as written)."""

    path: Path
    data: dict
    lines: dict[tuple, int]
    written: dict[tuple, str] = field(default_factory=dict)

    def line(self, loc: tuple) -> int | None:
        return line_of(self.lines, loc)


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
    return YamlDoc(path, nfc_deep(data), _line_map(node), _written_map(node, text))


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


# -- the models' shape: which fields a mapping takes, which values an enum takes -------------------------

def _options(ann: Any) -> list[Any]:
    """The alternatives of a type: Annotated and Optional/Union unwrapped."""
    origin = get_origin(ann)
    if origin is Annotated:
        return _options(get_args(ann)[0])
    if origin in (Union, types.UnionType):
        return [o for a in get_args(ann) for o in _options(a)]
    return [ann]


def _is_model(ann: Any) -> bool:
    return isinstance(ann, type) and issubclass(ann, BaseModel)


def _field_ann(model: type[BaseModel], key: str) -> Any:
    for name, info in model.model_fields.items():
        if key in (name, info.alias):
            return info.annotation
    return None


def _descend(ann: Any, part: Any) -> Any:
    """The type of `part` (a key or a list index) inside a value of type `ann`, or None."""
    for o in _options(ann):
        if isinstance(part, int) and get_origin(o) in (list, tuple):
            return get_args(o)[0]
        if isinstance(part, str) and _is_model(o):
            found = _field_ann(o, part)
            if found is not None:
                return found
    return None


def field_names(model: type[BaseModel], loc: tuple) -> list[str]:
    """The field names (aliases as written in YAML) a mapping at `loc` inside `model` takes."""
    ann: Any = model
    for part in loc:
        ann = _descend(ann, part)
        if ann is None:
            return []
    models = [o for o in _options(ann) if _is_model(o)]
    return [info.alias or name for m in models for name, info in m.model_fields.items()]


def _literal_values(ann: Any) -> list[str]:
    return [v for o in _options(ann) if get_origin(o) is Literal for v in get_args(o) if isinstance(v, str)]


def _case_fold_enums(ann: Any, value: Any) -> Any:
    """A copy of `value` with every enum (Literal) string written in another case replaced by the listed
    value it matches (`A5` → `a5`), when exactly one matches; anything else is left for validation."""
    if isinstance(value, str):
        choices = _literal_values(ann)
        if choices and value not in choices:
            hit = match(value, choices, loose=False)
            return hit if hit is not None else value
        return value
    if isinstance(value, list):
        item = next((get_args(o)[0] for o in _options(ann) if get_origin(o) is list), None)
        return [_case_fold_enums(item, v) for v in value] if item is not None else value
    if isinstance(value, dict):
        models = [o for o in _options(ann) if _is_model(o)]
        if not models:
            return value
        return {k: _case_fold_enums(_field_ann(models[0], k), v) if isinstance(k, str) else v
                for k, v in value.items()}
    return value


MESSAGES_FILE = Path(__file__).resolve().parent.parent / "defaults" / "validation_messages.yml"
_UNKNOWN = ("giá trị không hợp lệ", None, "sửa giá trị này", "correct this value")


@functools.lru_cache(maxsize=1)
def _messages() -> dict[str, tuple[str, str | None, str, str]]:
    """pydantic error type -> (vi, en or None for pydantic's own, fix_vi, fix_en), from defaults/validation_messages.yml."""
    entries = yaml.safe_load(MESSAGES_FILE.read_text(encoding="utf-8"))
    return {kind: (e["vi"], e.get("en"), e["fix_vi"], e["fix_en"]) for e in entries for kind in e["types"]}


def _ours(msg: str) -> tuple[str, str, str, str] | None:
    """Our validators' message "English; fix / Tiếng Việt; cách sửa" as (vi, en, fix_vi, fix_en)."""
    if " / " not in msg:
        return None
    en, _, vi = msg.partition(" / ")
    en, _, fix_en = en.partition("; ")
    vi, _, fix_vi = vi.partition("; ")
    return vi, en, fix_vi, fix_en


def _validation_problems(err: ValidationError, doc: YamlDoc, model: type[BaseModel] = BaseModel) -> list[Problem]:
    problems = []
    seen = set()
    for e in err.errors():
        loc = _clean_loc(e["loc"])
        if loc in seen:  # one problem per field: union branches repeat the same mistake
            continue
        seen.add(loc)
        where = Where(doc.path, doc.line(loc), _field(loc))
        value = e.get("input")
        shown = (f" ({shown_value(value, doc.written.get(loc))})"
                 if isinstance(value, str | int | float) and not isinstance(value, bool) else "")
        ours = _ours(e["msg"].removeprefix("Value error, "))
        if ours is not None:
            vi, en, fix_vi, fix_en = ours
            problems.append(Problem(where, vi + ("" if value is not None and repr(value) in vi else shown),
                                    en + ("" if value is not None and repr(value) in en else shown), fix_vi, fix_en))
            continue
        kind = e["type"]
        vi, en_ours, fix_vi, fix_en = _messages().get(kind, _UNKNOWN)
        en = en_ours or e["msg"]
        if kind == "extra_forbidden":  # a misspelt field name: suggest the closest the mapping takes
            key = str(loc[-1]) if loc else ""
            names = field_names(model, loc[:-1])
            near = closest(key, names)
            shown = ""
            vi, en = f"trường '{key}' không được hỗ trợ", f"unknown field '{key}'"
            if near:
                vi, en = f"{vi} (có phải '{near}'?)", f"{en} (did you mean '{near}'?)"
                fix_vi, fix_en = f"đổi '{key}' thành '{near}'", f"rename '{key}' to '{near}'"
            elif names:
                fix_vi += "; trường được phép: " + ", ".join(names)
                fix_en += "; fields allowed here: " + ", ".join(names)
        elif kind == "literal_error":  # an enum value: list the values in both halves, suggest the closest
            choices = [str(c).strip("'") for c in re.findall(r"'[^']*'", str((e.get("ctx") or {}).get("expected", "")))]
            near = closest(str(value), choices) if isinstance(value, str) else None
            listed = ", ".join(choices)
            en = "value not supported" + (f" (did you mean '{near}'?)" if near else "")
            vi = vi + (f" (có phải '{near}'?)" if near else "")
            fix_vi = f"dùng một trong: {listed}" if listed else fix_vi
            fix_en = f"use one of: {listed}" if listed else fix_en
        problems.append(Problem(where, f"{vi}{shown}", f"{en}{shown}", fix_vi, fix_en))
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
        brand = Brand.model_validate(_case_fold_enums(Brand, deep_merge(base, doc.data)))
    except ValidationError as e:
        raise SpecError(*_validation_problems(e, doc, Brand)) from None
    if brand.logo:
        check_relpath(brand.logo, brand_dir, file, "logo", doc.line(("logo",)))
    return brand, brand_dir


def default_brand(assets: Path) -> tuple[Brand, Path]:
    """The shipped default brand (used to go on checking a campaign when brand.yml is invalid)."""
    return Brand.model_validate(load_defaults()["brand"]), Path(assets) / "brand"


_DROP = object()  # marks a list item left out of a salvaged campaign
#: top-level required fields: a stand-in keeps the rest of the campaign checkable when they are wrong
_STAND_IN = {"title": "?", "theme": "kinh-te-xa-hoi"}


def _field_loc(field: str) -> tuple:
    return tuple(int(x) if x.isdigit() else x for x in field.replace("[", ".").replace("]", "").split(".") if x)


def _compact(data: Any, path: str, remap: dict[str, list[int]]) -> None:
    """Drop the marked list items under `data`, recording for each list which original indices remain."""
    if isinstance(data, dict):
        for k, v in data.items():
            _compact(v, f"{path}.{k}" if path else str(k), remap)
    elif isinstance(data, list):
        if any(v is _DROP for v in data):
            orig = remap.get(path, list(range(len(data))))
            remap[path] = [orig[i] for i, v in enumerate(data) if v is not _DROP]
            data[:] = [v for v in data if v is not _DROP]
        for i, v in enumerate(data):
            _compact(v, f"{path}[{i}]", remap)


@dataclass
class CampaignSpec:
    """campaign.yml read and validated, every problem kept. When it has problems, `campaign` is the campaign
    without its invalid fields (or None when nothing is left to check), so the files it names can still be
    checked in the same round; `fix` renames those file problems' fields and lines back to campaign.yml's."""

    file: Path
    campaign: Campaign | None
    problems: list[Problem]
    doc: YamlDoc | None = None
    remap: dict[str, list[int]] = field(default_factory=dict)

    def fix(self, problems: list[Problem]) -> list[Problem]:
        if not self.remap:
            return problems
        out = []
        for p in problems:
            name = p.where.field or ""
            for path, kept in self.remap.items():
                m = re.match(re.escape(path) + r"\[(\d+)\]", name)
                if m and int(m.group(1)) < len(kept):
                    name = f"{path}[{kept[int(m.group(1))]}]" + name[m.end():]
                    line = self.doc.line(_field_loc(name)) if self.doc and p.where.file == self.file else p.where.line
                    p = Problem(Where(p.where.file, line, name), p.vi, p.en, p.fix_vi, p.fix_en)
                    break
            out.append(p)
        return out


def _salvage(data: dict, err: ValidationError, folder_name: str) -> tuple[Campaign | None, dict[str, list[int]]]:
    """The campaign without the fields (or list items) that failed, validated; None when nothing is left."""
    data = copy.deepcopy(data)
    remap: dict[str, list[int]] = {}
    for _ in range(8):
        changed = False
        for e in err.errors():
            loc = _clean_loc(e["loc"])
            if e["type"] == "missing":
                loc = loc[:-1]
            if not loc:
                return None, remap
            if len(loc) == 1 and loc[0] in (*_STAND_IN, "id"):
                data[loc[0]] = _STAND_IN.get(loc[0], folder_name)
                changed = True
                continue
            parent: Any = data
            for part in loc[:-1]:
                try:
                    parent = parent[part]
                except (KeyError, IndexError, TypeError):
                    parent = None
                    break
            if isinstance(parent, dict) and loc[-1] in parent:
                del parent[loc[-1]]
                changed = True
            elif isinstance(parent, list) and isinstance(loc[-1], int) and loc[-1] < len(parent):
                parent[loc[-1]] = _DROP
                changed = True
        if not changed:
            return None, remap
        _compact(data, "", remap)
        try:
            return Campaign.model_validate(data), remap
        except ValidationError as again:
            err = again
    return None, remap


def with_lines(problems: list[Problem], file: Path) -> list[Problem]:
    """The problems about `file` (a YAML file) that name a field but no line, given the field's line."""
    target = Path(os.path.realpath(file))
    if not any(p.where.line is None and p.where.field and p.where.file is not None
               and Path(os.path.realpath(p.where.file)) == target for p in problems):
        return problems
    try:
        doc = read_yaml(Path(file), Path(file).name)
    except PromokitError:
        return problems
    out = []
    for p in problems:
        if p.where.line is None and p.where.field and p.where.file is not None \
                and Path(os.path.realpath(p.where.file)) == target:
            p = Problem(Where(p.where.file, doc.line(_field_loc(p.where.field.replace("..", "."))), p.where.field),
                        p.vi, p.en, p.fix_vi, p.fix_en)
        out.append(p)
    return out


def check_campaign_spec(folder: Path) -> CampaignSpec:
    """Validate `folder/campaign.yml` over the shipped defaults, keeping every problem (never raises for the
    campaign's own mistakes). Checks paths, not their contents."""
    folder = Path(folder)
    file = folder / "campaign.yml"
    try:
        doc = read_yaml(file, "campaign.yml")
    except PromokitError as e:
        return CampaignSpec(file, None, list(e.problems))
    merged = _case_fold_enums(Campaign, deep_merge(load_defaults().get("campaign", {}), doc.data))
    folder_name = nfc(folder.resolve().name)
    problems: list[Problem] = []
    remap: dict[str, list[int]] = {}
    try:
        campaign: Campaign | None = Campaign.model_validate(merged)
    except ValidationError as e:
        problems.extend(_validation_problems(e, doc, Campaign))
        campaign, remap = _salvage(merged, e, folder_name)
    spec = CampaignSpec(file, campaign, problems, doc, remap)
    if campaign is None:
        return spec
    if campaign.id != folder_name and "id" in doc.data and not any(p.where.field == "id" for p in problems):
        problems.append(Problem(
            Where(file, doc.line(("id",)), "id"), f"id '{campaign.id}' khác tên thư mục '{folder_name}'",
            f"id '{campaign.id}' differs from the folder name '{folder_name}'",
            f"đặt id: {folder_name} hoặc đổi tên thư mục", f"set id: {folder_name} or rename the folder"))
    found = []
    for fld, value in campaign.paths():
        try:
            check_relpath(value, folder, file, fld, None)
        except PromokitError as err:
            found.extend(Problem(Where(p.where.file, doc.line(_field_loc(fld)), p.where.field), p.vi, p.en,
                                 p.fix_vi, p.fix_en) for p in err.problems)
    problems.extend(spec.fix(found))
    return spec


def load_campaign(folder: Path) -> Campaign:
    """Validate `folder/campaign.yml` over the shipped defaults; SpecError with every problem. Checks paths,
    not their contents."""
    spec = check_campaign_spec(folder)
    if spec.problems or spec.campaign is None:
        raise SpecError(*spec.problems)
    return spec.campaign
