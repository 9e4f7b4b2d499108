"""The command line end to end: new, check (one clear line per bad case, exit 1), run, gallery."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import unicodedata
from pathlib import Path

import pytest

from promokit import testing
from promokit.cli import main


def run_cli(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "promokit.cli", *args], capture_output=True, text=True,
                          cwd=cwd, timeout=600, env={**os.environ, "PYTHONWARNINGS": "ignore"})


@pytest.fixture
def assets(tmp_path: Path) -> Path:
    testing.make_campaign(tmp_path, "mini")
    return tmp_path


def test_new_then_refuses_to_overwrite(tmp_path, capsys):
    assert main(["new", "le-hoi-moi", "--assets", str(tmp_path), "--title", "Lễ hội mới"]) == 0
    spec = tmp_path / "campaigns" / "le-hoi-moi" / "campaign.yml"
    text = spec.read_text(encoding="utf-8")
    assert "id: le-hoi-moi" in text and "Lễ hội mới" in text and "# " in text
    for sub in ("images", "clips", "music", "voice", "data", "articles"):
        assert (spec.parent / sub).is_dir()
    spec.write_text(text + "# của tôi\n", encoding="utf-8")
    assert main(["new", "le-hoi-moi", "--assets", str(tmp_path)]) == 2
    assert spec.read_text(encoding="utf-8").endswith("# của tôi\n")  # user's work untouched
    assert main(["new", "Bad Id", "--assets", str(tmp_path)]) == 2
    # the scaffold validates once a picture is added
    testing.make_image(spec.parent / "images" / "anh.jpg")
    capsys.readouterr()
    assert main(["check", "le-hoi-moi", "--assets", str(tmp_path)]) == 0, capsys.readouterr().err


def test_check_ok_and_unknown_id(assets, capsys):
    assert main(["check", "--assets", str(assets)]) == 0
    assert "✓ mini" in capsys.readouterr().out
    assert main(["check", "khong-co", "--assets", str(assets)]) == 2
    assert "khong-co" in capsys.readouterr().err


BAD_CASES = {
    "python_tag": ("campaign.yml", None),
    "escape_path": ("campaign.yml", None),
    "absolute_path": ("campaign.yml", None),
    "missing_file": ("campaign.yml", None),
    "unknown_platform": ("campaign.yml", None),
    "negative_duration": ("campaign.yml", None),
    "missing_column": ("so-lieu.csv", None),
    "wrong_id": ("campaign.yml", None),
    "truncated_jpeg": ("hong.jpg", None),
    "text_as_jpg": ("chu.jpg", None),
    "bomb": ("khong-lo.png", None),
}


def break_campaign(folder: Path, case: str) -> None:
    spec = folder / "campaign.yml"
    text = spec.read_text(encoding="utf-8")
    edits = {
        "python_tag": lambda t: t.replace("title:", "title: !!python/object/apply:os.getcwd []\nold_title:", 1),
        "escape_path": lambda t: t + "\n" if False else t.replace("data: data/", "data: ../../", 1),
        "absolute_path": lambda t: t.replace("data: data/", "data: /etc/", 1),
        "missing_file": lambda t: t.replace("data: data/", "data: data/khong-co-", 1),
        "unknown_platform": lambda t: t.replace("tiktok", "myspace", 1),
        "negative_duration": lambda t: t.replace("duration: 6", "duration: -6", 1),
        "wrong_id": lambda t: t.replace("id: mini", "id: khac", 1),
    }
    if case in edits:
        new = edits[case](text)
        assert new != text, case
        spec.write_text(new, encoding="utf-8")
    elif case == "missing_column":
        csv = next((folder / "data").glob("*.csv"))
        csv.rename(csv.with_name("so-lieu.csv"))
        testing.make_csv(folder / "data" / "so-lieu.csv", ["ten", "gia_tri"], [["A", "1"]])
        spec.write_text(text.replace(f"data/{csv.name}", "data/so-lieu.csv"), encoding="utf-8")
    elif case == "truncated_jpeg":
        testing.make_truncated_jpeg(folder / "images" / "hong.jpg", (64, 48))
    elif case == "text_as_jpg":
        testing.make_text_as_image(folder / "images" / "chu.jpg")
    elif case == "bomb":
        testing.make_bomb_png(folder / "images" / "khong-lo.png")


@pytest.mark.parametrize("case", sorted(BAD_CASES))
def test_check_each_bad_case_exits_1_with_a_clear_line(assets, case, capsys):
    folder = assets / "campaigns" / "mini"
    break_campaign(folder, case)
    capsys.readouterr()
    assert main(["check", "--assets", str(assets)]) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1, err  # one clear line per problem, no traceback
    line = err[0]
    assert BAD_CASES[case][0] in line, line
    assert " / " in line and "Traceback" not in line


def test_nfd_file_names_found(assets):
    folder = assets / "campaigns" / "mini"
    img = next((folder / "images").glob("*.jpg"))
    nfd_name = unicodedata.normalize("NFD", "ảnh-đình.jpg")
    img.rename(img.with_name(nfd_name))
    spec = folder / "campaign.yml"
    text = spec.read_text(encoding="utf-8")
    if f"images/{img.name}" in text:
        spec.write_text(text.replace(f"images/{img.name}", "images/ảnh-đình.jpg"), encoding="utf-8")
    assert main(["check", "--assets", str(assets)]) == 0


@pytest.mark.slow
def test_run_executes_notebooks_and_writes_manifest_and_gallery(assets, tmp_path):
    out = tmp_path / "out"
    r = run_cli("run", "--assets", str(assets), "--output", str(out), "--draft")
    assert r.returncode == 0, r.stderr
    nbs = sorted(p.name for p in (out / "mini" / "notebooks").glob("*.ipynb"))
    assert nbs == ["e_publication.ipynb", "infographic.ipynb", "promo_video.ipynb"]
    nb = json.loads((out / "mini" / "notebooks" / "promo_video.ipynb").read_text(encoding="utf-8"))
    injected = [c for c in nb["cells"] if "injected-parameters" in c["metadata"].get("tags", [])]
    assert injected and '"mini"' in "".join(injected[0]["source"])
    outputs = [o for c in nb["cells"] if c["cell_type"] == "code" for o in c.get("outputs", [])]
    shown = " ".join("".join(o.get("data", {}).get("text/plain", "")) for o in outputs)
    # what only a person looks at (contact sheet, storyboard, preview) is named, not drawn, in a batch run
    assert shown.count("not drawn in a batch run") == 3
    manifest = json.loads((out / "mini" / "manifest.json").read_text(encoding="utf-8"))
    assert {j["status"] for j in manifest["jobs"]} == {"ok"}
    paths = {e["path"] for e in manifest["outputs"]}
    assert "notebooks/promo_video.ipynb" in paths
    assert all(len(e["sha256"]) == 64 for e in manifest["outputs"])
    html = (out / "index.html").read_text(encoding="utf-8")
    assert 'lang="vi"' in html and "mini" in html


@pytest.mark.slow
def test_one_failing_job_does_not_stop_the_batch(assets, tmp_path):
    testing.make_campaign(assets, "mini-hai")
    # the second campaign's article loses its title: the publication notebook fails there, the rest runs
    art = next((assets / "campaigns" / "mini-hai" / "articles").glob("*.md"))
    art.write_text("---\nauthor: A\n---\nKhông có tiêu đề.\n", encoding="utf-8")
    out = tmp_path / "out"
    r = run_cli("run", "--assets", str(assets), "--output", str(out), "--notebook", "infographic")
    assert r.returncode == 1
    assert "mini-hai" in r.stderr
    assert (out / "mini" / "notebooks" / "infographic.ipynb").is_file()
    assert not (out / "mini-hai" / "notebooks" / "infographic.ipynb").exists()


def test_new_campaign_turns_on_two_platforms_and_lists_the_rest_commented(tmp_path):
    from promokit.platforms import PLATFORMS
    from promokit.scaffold import new_campaign
    from promokit.spec import load_campaign

    folder = new_campaign(tmp_path, "le-hoi-banh-dan-gian", title="Lễ hội bánh dân gian")
    c = load_campaign(folder)
    assert 1 <= len(c.video.platforms) <= 2
    text = (folder / "campaign.yml").read_text(encoding="utf-8")
    commented = [ln for ln in text.splitlines() if ln.strip().startswith("# platforms:")]
    assert commented and all(name in commented[0] for name in PLATFORMS.names())


@pytest.mark.parametrize(("args", "names"), [
    (["--notebook", "promo-vid"], ["promo_video", "infographic", "e_publication"]),
    (["--platform", "tik-tok"], ["tiktok", "có phải 'tiktok'", "did you mean 'tiktok'"]),
    (["--platform", "myspace"], ["youtube_shorts", "facebook_reels"]),
])
def test_run_unknown_notebook_or_platform_is_a_usage_error_naming_the_choices(assets, tmp_path, capsys, args, names):
    code = main(["run", "--assets", str(assets), "--output", str(tmp_path / "out"), "--quiet", *args])
    err = capsys.readouterr().err
    assert code == 2 and len(err.strip().splitlines()) == 1
    for name in names:
        assert name in err
    assert not (tmp_path / "out" / "promokit.sqlite").exists()  # refused before anything ran


def test_run_platform_no_campaign_lists_says_so(assets, tmp_path, capsys):
    # the mini campaign lists tiktok only; youtube is a real platform no campaign lists
    code = main(["run", "--assets", str(assets), "--output", str(tmp_path / "out"), "--quiet",
                 "--notebook", "promo_video", "--platform", "YouTube"])
    err = capsys.readouterr().err
    assert code == 2 and "youtube" in err and "video.platforms" in err
