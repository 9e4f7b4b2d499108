"""Jobs: which notebook runs for which campaign, with which parameters, reading which files (pure)."""

from __future__ import annotations

import keyword
import re
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import UsageError
from ..registry import Registry
from ..spec import Campaign

PlainValue = str | int | float | bool | list
#: Parameter names that hold secrets: a deny-list of name parts, and a pattern for parts that start or end so
_SECRET_PARTS = frozenset({"pass", "passwd", "password", "passphrase", "pwd", "secret", "token", "key", "apikey",
                           "privkey", "auth", "authorization", "bearer", "cookie", "cookies", "credential",
                           "credentials", "private", "pat", "jwt", "otp", "pin", "sid", "dsn"})
_SECRET_PART = re.compile(r"^(pass|secret|token|credential|cookie|bearer|priv(?!acy)|auth(?!or))"
                          r"|(api|priv|access|secret|signing|master)key$|(token|secret|password)$")
#: Values that are secrets whatever their name: a URL holding a password, well-known token shapes
_SECRET_VALUE = re.compile(r"[a-z][a-z0-9+.-]*://[^/\s:@]*:[^/\s@]+@|^(ghp_|github_pat_|gho_|xox[bpas]-|sk-|AKIA[0-9A-Z]{12}"
                           r"|EAA[A-Za-z0-9]{20}|ya29\.|Bearer\s)", re.I)


def _name_parts(name: str) -> list[str]:
    """`dbPass`, `db_pass`, `DB-PASS` -> ["db", "pass"]."""
    return [p.lower() for p in re.findall(r"[A-Z]?[a-z0-9]+|[A-Z]+(?![a-z])", name)]


def secret_reason(name: str, value: object) -> str | None:
    """Why a parameter looks like a secret (its name or its value), or None."""
    parts = _name_parts(name)
    if any(p in _SECRET_PARTS or _SECRET_PART.search(p) for p in parts):
        return "name"
    for v in value if isinstance(value, list) else [value]:
        if isinstance(v, str) and _SECRET_VALUE.search(v):
            return "value"
    return None


@dataclass(frozen=True)
class NotebookKind:
    """A product notebook: when it applies, which campaign files it reads, where it writes, what it waits for."""

    name: str
    applies: str  # the campaign section it renders (must be set; its files are its inputs: `Campaign.inputs`)
    outputs: str  # the output kind it writes (a `catalog.FOLDERS` value)
    after: tuple[str, ...] = ()  # notebooks of the same campaign whose outputs it uses

    def applies_to(self, campaign: Campaign) -> bool:
        return bool(getattr(campaign, self.applies))


NOTEBOOKS: Registry[NotebookKind] = Registry("sổ tay", "notebook")
NOTEBOOKS.add("promo_video", NotebookKind("promo_video", "video", "video"))
NOTEBOOKS.add("infographic", NotebookKind("infographic", "infographics", "infographic"))
NOTEBOOKS.add("e_publication", NotebookKind("e_publication", "publication", "publication",
                                            after=("infographic", "promo_video")))
NOTEBOOKS.add("radio_bulletin", NotebookKind("radio_bulletin", "radio", "radio"))


@dataclass(frozen=True)
class Job:
    """One Papermill execution: a notebook for a campaign with plain parameters."""

    campaign: str
    notebook: str
    parameters: dict[str, PlainValue] = field(default_factory=dict)
    inputs: tuple[str, ...] = ()  # campaign-relative paths (folders end with '/')
    after: tuple[str, ...] = ()  # labels of jobs that must finish first

    @property
    def label(self) -> str:
        return f"{self.campaign}/{self.notebook}"

    @property
    def outputs(self) -> str:
        return NOTEBOOKS.get(self.notebook).outputs


def check_parameters(params: dict) -> dict[str, PlainValue]:
    """Refuse parameter names that are not identifiers or look like secrets, and values that are not plain."""
    for name, value in params.items():
        if not name.isidentifier() or keyword.iskeyword(name):
            raise UsageError.fail(f"tên tham số '{name}' không hợp lệ", f"parameter name '{name}' is not an identifier",
                                  field=name, fix_vi="dùng tên kiểu biến Python", fix_en="use a Python identifier")
        why = secret_reason(name, value)
        if why is not None:  # the value itself is never quoted
            what_vi, what_en = ("tên", "name") if why == "name" else ("giá trị", "value")
            raise UsageError.fail(f"tham số '{name}' trông như bí mật ({what_vi})",
                                  f"parameter '{name}' looks like a secret (its {what_en})", field=name, fix_vi="đặt khóa/mã trong biến môi trường, không truyền qua sổ tay",
                                  fix_en="put tokens in environment variables, never notebook parameters")
        items = value if isinstance(value, list) else [value]
        if not all(isinstance(v, str | int | float | bool) for v in items):
            raise UsageError.fail(f"giá trị của '{name}' phải là giá trị thuần", f"value of '{name}' must be plain",
                                  field=name, fix_vi="dùng chuỗi, số, true/false hoặc danh sách các giá trị đó",
                                  fix_en="use str, int, float, bool or a list of these")
    return dict(params)


def plan_jobs(campaigns: dict[str, Campaign], notebooks: list[str] | None, *, assets: Path, output: Path,
              platforms: list[str] | None = None, draft: bool = False) -> list[Job]:
    """Campaigns x the notebooks that apply to them x the asked platforms, dependencies before dependents."""
    names = notebooks or NOTEBOOKS.names()
    kinds = [NOTEBOOKS.get(n, field="--notebook") for n in names]
    jobs = []
    for cid, campaign in campaigns.items():
        planned = {k.name for k in kinds if k.applies_to(campaign)}
        for kind in kinds:
            if kind.name not in planned:
                continue
            params: dict[str, PlainValue] = {"campaign": cid, "assets_dir": str(assets), "output_dir": str(output),
                                             "draft": draft}
            if kind.name == "promo_video":
                wanted = [p for p in campaign.video.platforms if not platforms or p in platforms]
                if not wanted:
                    continue  # the campaign lists none of the asked platforms
                params["platforms"] = wanted
            after = tuple(f"{cid}/{a}" for a in kind.after if a in planned)
            jobs.append(Job(cid, kind.name, check_parameters(params), tuple(campaign.inputs(kind.applies)), after))
    order = {n: i for i, n in enumerate(NOTEBOOKS.names())}
    # dependencies first (registry order puts them first), campaigns interleaved so workers share the load
    return sorted(jobs, key=lambda j: (len(j.after) > 0, order[j.notebook]))
