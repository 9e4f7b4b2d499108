"""Jobs: which notebook runs for which campaign with which parameters (pure)."""

from __future__ import annotations

import keyword
import re
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import UsageError
from ..registry import Registry
from ..spec import Campaign


@dataclass(frozen=True)
class NotebookKind:
    """A product notebook and when it applies to a campaign."""

    name: str
    applies: str  # the Campaign attribute that must be set, e.g. "video"

    def applies_to(self, campaign: Campaign) -> bool:
        return bool(getattr(campaign, self.applies))


NOTEBOOKS: Registry[NotebookKind] = Registry("sổ tay", "notebook")
NOTEBOOKS.add("promo_video", NotebookKind("promo_video", "video"))
NOTEBOOKS.add("infographic", NotebookKind("infographic", "infographics"))
NOTEBOOKS.add("e_publication", NotebookKind("e_publication", "publication"))

PlainValue = str | int | float | bool | list
_SECRET = re.compile(r"(token|secret|password|passwd|api_?key|^key$|_key$|credential)", re.I)


@dataclass(frozen=True)
class Job:
    """One Papermill execution: a notebook for a campaign with plain parameters."""

    campaign: str
    notebook: str
    parameters: dict[str, PlainValue] = field(default_factory=dict)

    @property
    def label(self) -> str:
        return f"{self.campaign}/{self.notebook}"


def check_parameters(params: dict) -> dict[str, PlainValue]:
    """Refuse parameter names that are not identifiers or look like secrets, and values that are not plain."""
    for name, value in params.items():
        if not name.isidentifier() or keyword.iskeyword(name):
            raise UsageError.fail(f"tên tham số '{name}' không hợp lệ", f"parameter name '{name}' is not an identifier",
                                  field=name, fix_vi="dùng tên kiểu biến Python", fix_en="use a Python identifier")
        if _SECRET.search(name):
            raise UsageError.fail(f"tham số '{name}' trông như bí mật", f"parameter '{name}' looks like a secret",
                                  field=name, fix_vi="đặt khóa/mã trong biến môi trường, không truyền qua sổ tay",
                                  fix_en="put tokens in environment variables, never notebook parameters")
        items = value if isinstance(value, list) else [value]
        if not all(isinstance(v, str | int | float | bool) for v in items):
            raise UsageError.fail(f"giá trị của '{name}' phải là giá trị thuần", f"value of '{name}' must be plain",
                                  field=name, fix_vi="dùng chuỗi, số, true/false hoặc danh sách các giá trị đó",
                                  fix_en="use str, int, float, bool or a list of these")
    return dict(params)


def plan_jobs(campaigns: dict[str, Campaign], notebooks: list[str] | None, *, assets: Path, output: Path,
              platforms: list[str] | None = None, draft: bool = False) -> list[Job]:
    """Campaigns x the notebooks that apply to them, in a stable order."""
    names = notebooks or NOTEBOOKS.names()
    kinds = [NOTEBOOKS.get(n, field="--notebook") for n in names]
    jobs = []
    for cid, campaign in campaigns.items():
        for kind in kinds:
            if not kind.applies_to(campaign):
                continue
            params: dict[str, PlainValue] = {"campaign": cid, "assets_dir": str(assets), "output_dir": str(output),
                                             "draft": draft}
            if kind.name == "promo_video" and platforms:
                params["platforms"] = list(platforms)
            jobs.append(Job(cid, kind.name, check_parameters(params)))
    return jobs
