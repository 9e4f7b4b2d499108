"""Notebook parameters checked before any work: one call per parameter, each returning the clean value.

Names are matched case-insensitively (`"TikTok"`, `"tik-tok"` → `tiktok`); a list parameter also takes one
string (`platforms = "tiktok"` is `["tiktok"]`, never the letters of it); an unknown name is a UsageError with
the closest known name and the whole list. Notes that are not errors (a platform the campaign does not list) are
returned as warnings for the notebook to show.
"""

from __future__ import annotations

import warnings
from collections.abc import Iterable
from pathlib import Path

from .errors import UsageError
from .project import campaign_ids, campaigns_root
from .suggest import closest, match
from .text import nfc


class ParameterWarning(UserWarning):
    """A parameter that works but is probably not what was meant."""


def _names(value: object, param: str) -> list[str]:
    """A string or a list/tuple of strings as a list of stripped NFC strings (empty entries dropped)."""
    if value is None:
        return []
    if isinstance(value, str):
        items: Iterable[object] = [v for v in value.replace(";", ",").split(",")]
    elif isinstance(value, list | tuple | set):
        items = value
    else:
        raise UsageError.fail(
            f"tham số '{param}' phải là chuỗi hoặc danh sách chuỗi, không phải {type(value).__name__}",
            f"parameter '{param}' must be a string or a list of strings, not {type(value).__name__}",
            field=param, fix_vi=f'vd. {param} = ["…"]', fix_en=f'e.g. {param} = ["…"]')
    out = []
    for v in items:
        if not isinstance(v, str):
            raise UsageError.fail(f"'{param}' chỉ chứa chuỗi chữ, có {v!r}", f"'{param}' takes strings only, got {v!r}",
                                  field=param, fix_vi="đặt mỗi tên trong dấu nháy", fix_en="quote each name")
        if v.strip():
            out.append(nfc(v.strip()))
    return out


def _one_of(value: str, choices: list[str], param: str, what_vi: str, what_en: str) -> str:
    """`value` as the known name it matches up to case, dashes and spaces; UsageError with a suggestion else."""
    hit = match(value, choices)
    if hit is not None:
        return hit
    near = closest(value, choices)
    known = ", ".join(choices) or "(chưa có / none)"
    did_vi = f"dùng '{near}' — " if near else ""
    did_en = f"use '{near}' — " if near else ""
    raise UsageError.fail(
        f"{what_vi} '{value}' không tồn tại" + (f" (có phải '{near}'?)" if near else ""),
        f"unknown {what_en} '{value}'" + (f" (did you mean '{near}'?)" if near else ""),
        field=param, fix_vi=f"{did_vi}một trong: {known}", fix_en=f"{did_en}one of: {known}")


def check_campaign(value: object, assets_dir: str | Path) -> str:
    """The campaign id as its folder is named (case-insensitive); UsageError listing the ids present."""
    if not isinstance(value, str) or not value.strip():
        known = ", ".join(campaign_ids(Path(assets_dir)))
        raise UsageError.fail("chưa chọn chiến dịch", "no campaign given", field="campaign",
                              fix_vi=f'đặt campaign = "<id>", một trong: {known}',
                              fix_en=f'set campaign = "<id>", one of: {known}')
    ids = campaign_ids(Path(assets_dir))
    if not ids:
        raise UsageError.fail(f"chưa có chiến dịch nào trong {campaigns_root(Path(assets_dir))}",
                              f"no campaigns in {campaigns_root(Path(assets_dir))}", field="assets_dir",
                              fix_vi="kiểm tra assets_dir, hoặc tạo bằng `promokit new <id>`",
                              fix_en="check assets_dir, or create one with `promokit new <id>`")
    return _one_of(value, ids, "campaign", "chiến dịch", "campaign")


def _campaign_platforms(assets_dir: str | Path, cid: str) -> list[str] | None:
    """The platforms campaign.yml lists, or None when it cannot be read (the load cell reports why)."""
    from .spec.loader import check_campaign_spec

    c = check_campaign_spec(campaigns_root(Path(assets_dir)) / cid).campaign
    if c is None:
        return None
    return list(c.video.platforms) if c.video else []


def check_platforms(value: object, assets_dir: str | Path, cid: str) -> list[str]:
    """The platforms asked (a name or a list; case-insensitive), each a known preset. Empty = all the campaign
    lists. A platform the campaign does not list is kept and warned about (ParameterWarning)."""
    from .platforms import PLATFORMS

    names = [_one_of(n, PLATFORMS.names(), "platforms", "nền tảng", "platform") for n in _names(value, "platforms")]
    listed = _campaign_platforms(assets_dir, cid)
    if listed is not None:
        extra = [n for n in names if n not in listed]
        if extra:
            warnings.warn(ParameterWarning(
                f"⚠ {', '.join(extra)}: chiến dịch '{cid}' không liệt kê trong video.platforms "
                f"({', '.join(listed) or 'trống'}) — vẫn dựng / not listed by the campaign — rendered anyway"),
                stacklevel=2)
    return list(dict.fromkeys(names))


def choice_names(value: object, choices: Iterable[str], param: str, what_vi: str, what_en: str) -> list[str]:
    """A list parameter of names from `choices` (string or list, case-insensitive); empty = the spec's own."""
    known = list(choices)
    return list(dict.fromkeys(_one_of(n, known, param, what_vi, what_en) for n in _names(value, param)))


def choice_name(value: object, choices: Iterable[str], param: str, what_vi: str, what_en: str) -> str:
    """One optional name from `choices` (case-insensitive); "" = the spec's own."""
    names = _names(value, param)
    if len(names) > 1:
        raise UsageError.fail(f"'{param}' nhận một giá trị", f"'{param}' takes one value", field=param,
                              fix_vi=f"chọn một trong: {', '.join(choices)}", fix_en=f"pick one of: {', '.join(choices)}")
    return _one_of(names[0], list(choices), param, what_vi, what_en) if names else ""


def check_flag(value: object, param: str) -> bool:
    """A yes/no parameter: True/False (also "true"/"false", "có"/"không", 1/0)."""
    if isinstance(value, bool):
        return value
    words = {"true": True, "false": False, "yes": True, "no": False, "có": True, "không": False, "1": True, "0": False}
    key = nfc(str(value)).strip().casefold()
    if key in words:
        return words[key]
    raise UsageError.fail(f"'{param}' phải là True hoặc False, có {value!r}",
                          f"'{param}' must be True or False, got {value!r}", field=param,
                          fix_vi=f"{param} = True hoặc {param} = False", fix_en=f"{param} = True or {param} = False")


def check_infographics(value: object, assets_dir: str | Path, cid: str) -> list[str]:
    """Infographic ids of the campaign (string or list, case-insensitive); empty = every infographic."""
    from .spec.loader import check_campaign_spec

    asked = _names(value, "infographic_ids")
    if not asked:
        return []
    c = check_campaign_spec(campaigns_root(Path(assets_dir)) / cid).campaign
    if c is None:
        return asked  # the load cell reports the spec's problems
    known = [g.id for g in c.infographics]
    return list(dict.fromkeys(_one_of(n, known, "infographic_ids", "đồ họa", "infographic") for n in asked))
