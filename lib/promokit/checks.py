"""`promokit check`: validate campaigns (spec, brand, every file they name) and report every problem."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from .errors import Problem, PromokitError
from .project import open_campaign, select_ids
from .publication import check_publication
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


def check_campaigns(assets: Path, ids: list[str] | None = None) -> CheckReport:
    """Validate the brand and each campaign (all when `ids` is empty); never stops at the first problem."""
    report = CheckReport()
    try:
        load_brand(Path(assets))
    except PromokitError as e:
        report.brand = e.problems
    for cid in select_ids(Path(assets), ids):
        try:
            ctx = open_campaign(cid, assets)
        except PromokitError as e:
            report.campaigns[cid] = e.problems
            continue
        # the articles' pictures, alt texts and links (rendered outputs they show come from `run`)
        report.campaigns[cid] = check_publication(ctx, outputs=False) if ctx.campaign.publication else []
    return report
