"""`promokit check`: validate campaigns (spec, brand, every file they name) and report every problem."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from .errors import Problem, PromokitError, SpecError
from .project import CampaignContext, check_campaign, select_ids
from .spec import load_brand


@dataclass
class CheckReport:
    """Problems per campaign id (an empty list = valid); `brand` holds brand.yml's problems."""

    campaigns: dict[str, list[Problem]] = field(default_factory=dict)
    brand: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.brand and not any(self.campaigns.values())

    def lines(self) -> list[str]:
        out = [str(p) for p in self.brand]
        for problems in self.campaigns.values():
            out.extend(str(p) for p in problems)
        return out


def font_problems(ctx: CampaignContext) -> list[Problem]:
    """The brand's fonts exist and cover the campaign's own texts (title, slogan, video texts)."""
    from . import fonts

    found: list[Problem] = []
    c = ctx.campaign
    texts = [t for t in (c.title, c.slogan, *((c.video.title, c.video.subtitle) if c.video else ())) if t]
    for role, name in (("heading", ctx.brand.fonts.heading), ("body", ctx.brand.fonts.body)):
        try:
            path = fonts.find_font(name, brand_dir=ctx.brand_dir, bold=role == "heading")
            fonts.check_coverage(path, texts, file=ctx.folder / "campaign.yml", field="title")
        except PromokitError as e:
            found.extend(e.problems)
    return found


def campaign_problems(cid: str, assets: Path, output: Path = Path("output")) -> tuple[CampaignContext | None,
                                                                                      list[Problem]]:
    """Every problem of one campaign in one round: spec, brand, files and data, articles, fonts."""
    ctx, problems = check_campaign(cid, assets, output)
    if ctx is None:
        return None, problems
    # the articles' pictures, alt texts and links (rendered outputs they show come from `run`)
    if ctx.campaign.publication:
        from .publication import check_publication  # imported on use: it loads WeasyPrint (~2 s)

        problems.extend(check_publication(ctx, outputs=False))
    problems.extend(font_problems(ctx))
    seen, unique = set(), []
    for p in problems:  # the brand's problems come with every campaign; say each once
        if str(p) not in seen:
            seen.add(str(p))
            unique.append(p)
    return ctx, unique


def open_checked(cid: str, assets: Path = Path("assets"), output: Path = Path("output")) -> CampaignContext:
    """The campaign ready to use, or SpecError with every problem `promokit check` would report."""
    ctx, problems = campaign_problems(cid, assets, output)
    if problems or ctx is None:
        raise SpecError(*problems)
    return ctx


def check_campaigns(assets: Path, ids: list[str] | None = None) -> CheckReport:
    """Validate the brand and each campaign (all when `ids` is empty); never stops at the first problem."""
    report = CheckReport()
    try:
        load_brand(Path(assets))
    except PromokitError as e:
        report.brand = e.problems
    brand = {str(p) for p in report.brand}
    for cid in select_ids(Path(assets), ids):
        _, problems = campaign_problems(cid, Path(assets))
        report.campaigns[cid] = [p for p in problems if str(p) not in brand]
    return report
