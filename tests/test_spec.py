"""campaign.yml / brand.yml validation: every bad input names the file, the line, the field and the fix."""

from __future__ import annotations

import json
import unicodedata
from pathlib import Path

import pytest

from promokit.errors import SpecError
from promokit.spec import json_schema, load_brand, load_campaign

VALID = """\
id: {id}
title: Lễ hội Giỗ Tổ Hùng Vương năm 2024
theme: le-hoi
slogan: Uống nước nhớ nguồn
dates: {{from: 2024-04-18, to: 2024-04-18}}
video:
  duration: 30
  platforms: [tiktok, youtube]
  music: music/nhac.mp3
infographics:
  - id: ocop-theo-xa
    kind: bar
    data: data/ocop.csv
    x: xa
    y: so_san_pham
    decimal: ","
    title: Sản phẩm OCOP theo xã
"""


def write(tmp_path: Path, text: str, folder: str = "le-hoi") -> Path:
    d = tmp_path / "campaigns" / folder
    d.mkdir(parents=True, exist_ok=True)
    (d / "campaign.yml").write_text(text, encoding="utf-8")
    return d


def only_problem(err: pytest.ExceptionInfo) -> str:
    assert len(err.value.problems) == 1, str(err.value)
    return str(err.value.problems[0])


def test_valid_campaign_loads_with_defaults(tmp_path):
    c = load_campaign(write(tmp_path, VALID.format(id="le-hoi")))
    assert c.video.duration == 30 and c.video.platforms == ["tiktok", "youtube"]
    assert c.video.transition == "crossfade"  # from the model defaults
    assert c.infographics[0].decimal == ","
    assert c.dates.from_.isoformat() == "2024-04-18"


def test_python_tag_is_refused_and_never_runs(tmp_path):
    sentinel = tmp_path / "pwned"
    d = write(tmp_path, f'id: !!python/object/apply:os.system ["touch {sentinel}"]\ntitle: x\n')
    with pytest.raises(SpecError) as e:
        load_campaign(d)
    assert not sentinel.exists()
    msg = only_problem(e)
    assert "campaign.yml:1" in msg and "!!" in msg


@pytest.mark.parametrize(
    ("field", "value"),
    [("music", "../../../etc/passwd"), ("music", "/etc/passwd"), ("music", "music/../../x.mp3"),
     ("voiceover", "C:\\Windows\\x.wav")],
)
def test_paths_must_stay_inside_the_campaign(tmp_path, field, value):
    text = VALID.format(id="le-hoi").replace("  music: music/nhac.mp3", f'  {field}: "{value}"'.replace("\\", "\\\\"))
    with pytest.raises(SpecError) as e:
        load_campaign(write(tmp_path, text))
    msg = only_problem(e)
    assert f"video.{field}" in msg and "campaign.yml:9" in msg
    assert "tương đối" in msg or "ra ngoài" in msg


def test_symlink_out_of_the_campaign_is_refused(tmp_path):
    d = write(tmp_path, VALID.format(id="le-hoi"))
    (d / "music").mkdir()
    outside = tmp_path / "secret.mp3"
    outside.write_bytes(b"x")
    (d / "music" / "nhac.mp3").symlink_to(outside)
    with pytest.raises(SpecError, match="leaves the campaign folder"):
        load_campaign(d)


def test_unknown_platform_names_the_known_ones(tmp_path):
    d = write(tmp_path, VALID.format(id="le-hoi").replace("[tiktok, youtube]", "[tiktok, myspace]"))
    with pytest.raises(SpecError) as e:
        load_campaign(d)
    msg = only_problem(e)
    assert "campaign.yml:8" in msg and "video.platforms" in msg and "myspace" in msg and "facebook_reels" in msg


def test_negative_duration(tmp_path):
    d = write(tmp_path, VALID.format(id="le-hoi").replace("duration: 30", "duration: -5"))
    with pytest.raises(SpecError) as e:
        load_campaign(d)
    msg = only_problem(e)
    assert "campaign.yml:7" in msg and "video.duration" in msg and "-5" in msg and "Fix:" in msg


def test_id_must_equal_folder(tmp_path):
    d = write(tmp_path, VALID.format(id="khac-ten"))
    with pytest.raises(SpecError) as e:
        load_campaign(d)
    msg = only_problem(e)
    assert "campaign.yml:1" in msg and "[id]" in msg and "le-hoi" in msg and "khac-ten" in msg


def test_unknown_chart_kind_and_size(tmp_path):
    text = VALID.format(id="le-hoi").replace("kind: bar", "kind: pie3d").replace(
        "    title: Sản phẩm", "    sizes: [square, billboard]\n    title: Sản phẩm")
    with pytest.raises(SpecError) as e:
        load_campaign(write(tmp_path, text))
    text = str(e.value)
    assert "pie3d" in text and "billboard" in text and "donut" in text


def test_typo_field_is_an_error_not_ignored(tmp_path):
    d = write(tmp_path, VALID.format(id="le-hoi").replace("  duration: 30", "  duraton: 30"))
    with pytest.raises(SpecError) as e:
        load_campaign(d)
    assert "video.duraton" in str(e.value) and "campaign.yml:7" in str(e.value)


def test_duplicate_key_is_an_error(tmp_path):
    d = write(tmp_path, VALID.format(id="le-hoi") + "title: Lần hai\n")
    with pytest.raises(SpecError, match="duplicate key 'title'"):
        load_campaign(d)


def test_nfd_yaml_becomes_nfc(tmp_path):
    nfd = unicodedata.normalize("NFD", VALID.format(id="le-hoi"))
    assert nfd != VALID.format(id="le-hoi")
    c = load_campaign(write(tmp_path, nfd))
    assert c.title == "Lễ hội Giỗ Tổ Hùng Vương năm 2024"
    assert unicodedata.is_normalized("NFC", c.infographics[0].title)


def test_all_problems_reported_at_once(tmp_path):
    text = VALID.format(id="le-hoi").replace("duration: 30", "duration: 0").replace("theme: le-hoi", "theme: xyz")
    with pytest.raises(SpecError) as e:
        load_campaign(write(tmp_path, text))
    assert len(e.value.problems) == 2


def test_not_a_mapping_and_bad_syntax(tmp_path):
    with pytest.raises(SpecError, match="mapping"):
        load_campaign(write(tmp_path, "- a\n- b\n"))
    with pytest.raises(SpecError) as e:
        load_campaign(write(tmp_path, "id: x\ntitle: [unclosed\n"))
    assert "campaign.yml:" in str(e.value)


def test_default_brand_without_brand_folder(tmp_path):
    brand, brand_dir = load_brand(tmp_path)
    assert brand.name == "Lấp Vò" and brand.colors.primary.startswith("#")


def test_brand_overrides_defaults_and_is_checked(tmp_path):
    (tmp_path / "brand").mkdir()
    (tmp_path / "brand" / "brand.yml").write_text("name: Đồng Tháp\ncolors: {primary: '#123456'}\n", "utf-8")
    brand, _ = load_brand(tmp_path)
    assert brand.name == "Đồng Tháp" and brand.colors.primary == "#123456"
    assert brand.colors.secondary == "#F2B705"  # still the default
    (tmp_path / "brand" / "brand.yml").write_text("colors: {primary: 'green'}\nlogo: ../x.png\n", "utf-8")
    with pytest.raises(SpecError) as e:
        load_brand(tmp_path)
    assert "brand.yml:1" in str(e.value) and "colors.primary" in str(e.value)


def test_json_schema_documents_every_field():
    schema = json.loads(json_schema())
    assert schema["$schema"].endswith("2020-12/schema")

    def walk(node, path=""):
        for name, prop in node.get("properties", {}).items():
            assert "description" in prop or "$ref" in prop or "allOf" in prop or "anyOf" in prop, f"{path}.{name}"
    walk(schema)
    defs = dict(schema["$defs"])
    defs.update(schema["$defs"]["Brand"].pop("$defs"))
    for name, d in defs.items():
        walk(d, name)
    assert {"Contacts", "Colors", "Shot", "Caption"} <= set(defs)
    assert "Brand" in schema["$defs"] and "Video" in schema["$defs"]


def test_committed_schema_is_current():
    committed = Path(__file__).resolve().parents[1] / "docs" / "campaign.schema.json"
    assert committed.read_text(encoding="utf-8") == json_schema() + "\n", "run: promokit schema > docs/campaign.schema.json"
