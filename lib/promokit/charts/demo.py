"""A small campaign with one infographic of every chart kind (illustrative data), for tests and the bench.

The campaign is data beside this module: `demo_campaign/campaign.yml` and its tables in `demo_campaign/data/`.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import yaml

DEMO = Path(__file__).resolve().parent / "demo_campaign"
RASTER_SIZES = ["square", "portrait", "story", "landscape"]


def write_demo_campaign(root: Path, id: str = "so-lieu-demo", sizes: list[str] | None = None) -> Path:
    """Write `root/<id>/` (campaign.yml + data/*.csv, one infographic per chart kind), every infographic at
    `sizes` (default: the raster sizes); return the folder."""
    folder = Path(root) / id
    shutil.copytree(DEMO / "data", folder / "data", dirs_exist_ok=True)
    spec = yaml.safe_load((DEMO / "campaign.yml").read_text(encoding="utf-8"))
    spec["id"] = id
    for g in spec["infographics"]:
        g["sizes"] = list(sizes or RASTER_SIZES)
    (folder / "campaign.yml").write_text(yaml.safe_dump(spec, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return folder
