"""The README stays true: every sample campaign listed once, the article front matter given once."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_readme_lists_every_sample_campaign_once():
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text.split("### The sample campaigns", 1)[1].split("\n## ", 1)[0]
    listed = re.findall(r"`([a-z0-9-]+)`", section)
    present = sorted(p.name for p in (ROOT / "assets" / "campaigns").iterdir() if (p / "campaign.yml").is_file())
    assert sorted(listed) == present


def test_readme_gives_the_article_front_matter_once():
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    assert text.count("cover_alt:") == 1
    assert len(re.findall(r"front matter: `title`", text)) == 0
