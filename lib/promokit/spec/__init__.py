"""The campaign spec: campaign.yml + brand.yml over shipped defaults, validated; JSON Schema export."""

from __future__ import annotations

import json

from .article import FrontMatter
from .loader import check_relpath, deep_merge, load_brand, load_campaign, read_yaml
from .models import THEMES, Brand, Campaign, Caption, EndCard, Infographic, Publication, Shot, Video


def json_schema() -> str:
    """The JSON Schema of campaign.yml (brand.yml under `$defs/Brand`, an article's front matter under
    `$defs/ArticleFrontMatter`), as indented JSON."""
    schema = Campaign.model_json_schema(by_alias=True)
    schema["$defs"]["Brand"] = Brand.model_json_schema(by_alias=True)
    front = FrontMatter.model_json_schema(by_alias=True)
    schema["$defs"].update(front.pop("$defs", {}))
    front["description"] = ("Front matter of an article (the YAML between '---' lines at the top of a Markdown file "
                            "in articles/); not part of campaign.yml")
    schema["$defs"]["ArticleFrontMatter"] = front
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "promokit campaign.yml"
    return json.dumps(schema, ensure_ascii=False, indent=2)


__all__ = [
    "THEMES", "Brand", "Campaign", "Caption", "EndCard", "Infographic", "Publication", "Shot", "Video",
    "check_relpath", "deep_merge", "json_schema", "load_brand", "load_campaign", "read_yaml",
]
