"""`promokit new <id>`: a campaign folder with a commented campaign.yml. Never overwrites."""

from __future__ import annotations

import re
from pathlib import Path

from .assets import FOLDERS
from .atomic import write_atomic
from .charts.kinds import KINDS
from .errors import UsageError
from .platforms import PLATFORMS
from .project import campaigns_root
from .spec.models import SLUG, THEMES
from .text import nfc

TEMPLATE = Path(__file__).resolve().parent / "defaults" / "campaign.template.yml"


def new_campaign(assets: Path, campaign_id: str, *, title: str = "", theme: str = "kinh-te-xa-hoi") -> Path:
    """Create assets/campaigns/<id>/ with its media folders and a commented campaign.yml; return the folder."""
    campaign_id = nfc(campaign_id)
    if not re.fullmatch(SLUG, campaign_id):
        raise UsageError.fail(
            f"id '{campaign_id}' không hợp lệ", f"invalid id '{campaign_id}'", field="id",
            fix_vi="chỉ dùng chữ thường không dấu, số và dấu gạch ngang, vd. le-hoi-2024",
            fix_en="use lowercase ASCII letters, digits and dashes, e.g. le-hoi-2024")
    if theme not in THEMES:
        raise UsageError.fail(f"chủ đề '{theme}' không tồn tại", f"unknown theme '{theme}'", field="theme",
                              fix_vi="dùng một trong: " + ", ".join(THEMES), fix_en="use one of: " + ", ".join(THEMES))
    folder = campaigns_root(assets) / campaign_id
    spec = folder / "campaign.yml"
    if spec.exists():
        raise UsageError.fail("chiến dịch đã có, không ghi đè", "campaign exists; not overwriting", file=spec,
                              fix_vi="chọn id khác hoặc sửa tệp hiện có", fix_en="pick another id or edit the existing file")
    for sub in FOLDERS:
        (folder / sub).mkdir(parents=True, exist_ok=True)
    text = TEMPLATE.read_text(encoding="utf-8").format(
        id=campaign_id, title=nfc(title) or campaign_id, theme=theme, themes=", ".join(THEMES),
        kinds=" | ".join(KINDS), all_platforms=", ".join(PLATFORMS.names()),
    )
    write_atomic(spec, text.encode("utf-8"))
    return folder
