"""Where things are: the assets and output folders, campaign folders, and one loaded campaign."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from .catalog import CampaignOutputs, Catalog
from .errors import Problem, PromokitError, SpecError, UsageError
from .spec import Brand, Campaign, load_brand
from .spec.loader import check_campaign_spec, default_brand
from .text import nfc


def campaigns_root(assets: Path) -> Path:
    return Path(assets) / "campaigns"


def campaign_ids(assets: Path) -> list[str]:
    """Every campaign folder (one holding a campaign.yml) under assets/campaigns, sorted."""
    root = campaigns_root(assets)
    if not root.is_dir():
        return []
    return sorted(nfc(p.name) for p in root.iterdir() if p.is_dir() and (p / "campaign.yml").is_file())


def campaign_dir(assets: Path, campaign_id: str) -> Path:
    """The folder of `campaign_id`; UsageError naming the known ids when there is none."""
    folder = campaigns_root(assets) / nfc(campaign_id)
    if not (folder / "campaign.yml").is_file():
        known = ", ".join(campaign_ids(assets)) or "(chưa có / none)"
        raise UsageError.fail(
            f"không có chiến dịch '{campaign_id}' trong {campaigns_root(assets)}",
            f"no campaign '{campaign_id}' in {campaigns_root(assets)}",
            file=folder / "campaign.yml",
            fix_vi=f"dùng một trong: {known}, hoặc tạo bằng `promokit new {campaign_id}`",
            fix_en=f"use one of: {known}, or create it with `promokit new {campaign_id}`",
        )
    return folder


def select_ids(assets: Path, ids: list[str] | None) -> list[str]:
    """The asked campaign ids (checked to exist), or all of them."""
    if not ids:
        return campaign_ids(assets)
    for i in ids:
        campaign_dir(assets, i)
    return [nfc(i) for i in ids]


@dataclass(frozen=True)
class CampaignContext:
    """A validated campaign with its brand and folders: what notebooks and renderers start from."""

    campaign: Campaign
    brand: Brand
    folder: Path
    brand_dir: Path
    assets: Path
    output: Path

    allow_code: bool = False  # the campaign's own code (moviepy shots) may run: see `code_allowed`

    @property
    def id(self) -> str:
        return self.campaign.id

    @property
    def out_dir(self) -> Path:
        return self.outputs.dir

    @property
    def outputs(self) -> CampaignOutputs:
        """This campaign's output paths (the catalog)."""
        return Catalog(self.output).campaign(self.campaign.id)


def code_allowed(brand: Brand, allow_code: bool = False) -> bool:
    """May a campaign's own Python code run: `allow_code` (`--allow-code`), `allow_code: true` in brand.yml,
    or PROMOKIT_ALLOW_CODE=1 in the environment (how `promokit run --allow-code` tells its notebooks)."""
    return allow_code or brand.allow_code or os.environ.get("PROMOKIT_ALLOW_CODE") == "1"


def code_refusals(campaign: Campaign, folder: Path) -> list[Problem]:
    """One problem per code file of `campaign` (moviepy shots), for when code may not run."""
    return [p for fld, rel in campaign.code_files() for p in SpecError.fail(
        f"chiến dịch có mã Python '{rel}' nhưng chạy mã chưa được bật",
        f"the campaign has Python code '{rel}' but running campaign code is off",
        file=folder / "campaign.yml", field=fld,
        fix_vi="thêm 'allow_code: true' vào assets/brand/brand.yml hoặc chạy với --allow-code (chỉ với thư mục "
               "chiến dịch do đơn vị tự viết)",
        fix_en="add 'allow_code: true' to assets/brand/brand.yml or pass --allow-code (only for campaign folders "
               "the office writes itself)").problems]


def open_campaign(campaign_id: str, assets: Path = Path("assets"), output: Path = Path("output"),
                  *, check_files: bool = True, allow_code: bool = False) -> CampaignContext:
    """Load and validate one campaign (spec, brand and, with `check_files`, every file it names).

    Raises PromokitError with every problem found in one round: the files a campaign names are checked even
    when campaign.yml has mistakes elsewhere (see `check_campaign`).
    """
    ctx, problems = check_campaign(campaign_id, assets, output, check_files=check_files, allow_code=allow_code)
    if problems or ctx is None:
        raise SpecError(*problems)
    return ctx


def check_campaign(campaign_id: str, assets: Path = Path("assets"), output: Path = Path("output"),
                   *, check_files: bool = True, allow_code: bool = False) -> tuple[CampaignContext | None,
                                                                                  list[Problem]]:
    """Every problem of the spec, the brand and (with `check_files`) the files, and the context to go on
    checking with (the campaign without its invalid fields; None when nothing of it could be read).
    A campaign naming its own code (moviepy shots) is refused unless `code_allowed`."""
    from .assets import check_campaign_files  # the asset reader, imported late to keep spec import light

    assets, output = Path(assets).resolve(), Path(output).resolve()
    folder = campaign_dir(assets, campaign_id)
    spec = check_campaign_spec(folder)
    problems = list(spec.problems)
    try:
        brand, brand_dir = load_brand(assets)
    except PromokitError as e:
        problems.extend(e.problems)
        brand, brand_dir = default_brand(assets)
    if spec.campaign is None:
        return None, problems
    allowed = code_allowed(brand, allow_code)
    if check_files and not allowed:  # opened to be made (not only read, as publish does): its code would run
        problems.extend(code_refusals(spec.campaign, folder))
    if check_files:
        problems.extend(spec.fix(check_campaign_files(spec.campaign, folder)))
    return CampaignContext(spec.campaign, brand, folder, brand_dir, assets, output, allowed), problems
