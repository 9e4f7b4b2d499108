"""Post packages: what they hold, the platforms' rules counted their way, and every bad input of issue #13."""

from __future__ import annotations

import json
import os
import shutil
import unicodedata
from pathlib import Path

import pytest

from promokit.catalog import Catalog, read_checks
from promokit.cli import main
from promokit.errors import PromokitError
from promokit.publish import build_packages, count, package_digest, publish_one, publish_state, read_package
from promokit.publish.media import sha256_file
from promokit.review import approvals
from publish_helpers import SIZES, campaign, render

ALL = list(SIZES)


@pytest.fixture(scope="module")
def made(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """One campaign with tiny finished renders for every platform (made once: media take seconds)."""
    root = tmp_path_factory.mktemp("pub")
    campaign(root / "assets", root / "output", ALL)
    return root / "assets", root / "output"


@pytest.fixture
def site(made: tuple[Path, Path], tmp_path: Path) -> tuple[Path, Path]:
    """A private copy of the made campaign (tests edit it)."""
    assets, output = tmp_path / "assets", tmp_path / "output"
    shutil.copytree(made[0], assets)
    shutil.copytree(made[1], output)
    return assets, output


def _cli(*args: str) -> int:
    return main(list(args))


def test_every_platform_gets_a_complete_checked_package(site):
    assets, output = site
    lines = build_packages(assets, output)
    assert all(line.ok for line in lines), [line.text for line in lines]
    co = Catalog(output).campaign("mini")
    for p in ALL:
        post = read_package(co, p)
        folder = co.post_dir(p)
        assert sorted(f.name for f in folder.iterdir()) == ["caption.txt", "cover.jpg", "post.json",
                                                            "post.json.checks.json", "video.mp4"]
        assert sha256_file(folder / "video.mp4") == sha256_file(co.video(p)) == post.video.sha256
        assert os.stat(folder / "video.mp4").st_ino == os.stat(co.video(p)).st_ino  # hard link, no copy
        caption = (folder / "caption.txt").read_text(encoding="utf-8")
        assert unicodedata.is_normalized("NFC", caption)
        checks = read_checks(folder / "post.json")
        assert checks is not None and checks.ok and checks.kind == "post"
        assert {"duration", "video_codec", "container"} <= {c.name for c in checks.checks}
        text = json.dumps(json.loads((folder / "post.json").read_text()))
        assert "token" not in text.lower()
    # Zalo takes the caption without hashtags as its article description; TikTok the caption with them
    assert "#GioTo" not in read_package(co, "zalo").description
    assert read_package(co, "tiktok").caption.endswith("#GioTo #LapVo #DongThap")
    assert read_package(co, "youtube").request["status"]["privacyStatus"] == "private"


def test_rebuilding_keeps_the_digest_so_an_approval_stands(site):
    assets, output = site
    build_packages(assets, output, platforms=["tiktok"])
    co = Catalog(output).campaign("mini")
    digest = package_digest(co, "tiktok")
    approvals.record(Catalog(output).ledger, "mini", "tiktok", digest, "approved", "chị Lan")
    lines = build_packages(assets, output, platforms=["tiktok"])
    assert package_digest(co, "tiktok") == digest
    assert "approved" in lines[0].text and publish_state(output, "mini", "tiktok")["state"] == "approved"


def test_counts_are_the_platforms_own():
    assert count("😀", "utf16") == 2 and count("😀", "chars") == 1
    nfd = unicodedata.normalize("NFD", "ệ")
    assert len(nfd) == 3 and count(nfd, "chars") == 1 and count(nfd, "bytes") == 3


def _caption(assets: Path, text: str, hashtags: list[str] | None = None) -> None:
    f = assets / "campaigns" / "mini" / "campaign.yml"
    import yaml

    spec = yaml.safe_load(f.read_text(encoding="utf-8"))
    spec["posts"] = {"caption": text, "hashtags": hashtags or []}
    f.write_text(yaml.safe_dump(spec, allow_unicode=True), encoding="utf-8")


def test_caption_over_limit_counted_the_platforms_way(site, capsys):
    assets, output = site
    _caption(assets, "😀" * 1150)  # 1,150 characters but 2,300 UTF-16 units
    assert _cli("publish", "mini", "--platform", "tiktok", "--platform", "instagram_reels",
                "--assets", str(assets), "--output", str(output)) == 1
    err = capsys.readouterr().err
    assert "mini/tiktok: caption_length" in err and "UTF-16" in err
    assert "instagram_reels" not in err  # 1,150 characters (+ tags) is within Instagram's 2,200


def test_youtube_description_counts_bytes_and_nfd_is_normalised(site, capsys):
    assets, output = site
    _caption(assets, unicodedata.normalize("NFD", "ệ" * 1800))  # 1,800 characters, 5,400 bytes in NFC
    assert _cli("publish", "mini", "--platform", "youtube", "--platform", "instagram_reels",
                "--assets", str(assets), "--output", str(output)) == 1
    err = capsys.readouterr().err
    assert "mini/youtube: description_length" in err and "byte" in err
    assert "instagram_reels" not in err  # NFC: 1,800 characters, not the 5,400 code points of NFD


def test_31_hashtags_for_instagram(site, capsys):
    assets, output = site
    _caption(assets, "Lễ hội", [f"Tag{i}" for i in range(29)])  # + the default brand's 2 = 31
    assert _cli("publish", "mini", "--platform", "instagram_reels", "--assets", str(assets), "--output", str(output)) == 1
    err = capsys.readouterr().err
    assert "hashtags: 31 hashtag > 30" in err


def test_95_second_clip_for_facebook_reels(site, capsys):
    assets, output = site
    render(output, "mini", "facebook_reels", seconds=95, size=(180, 320), fps=24)
    assert _cli("publish", "mini", "--platform", "facebook_reels", "--assets", str(assets), "--output", str(output)) == 1
    err = capsys.readouterr().err
    assert "facebook_reels: duration" in err and "3–90 s" in err


def test_60_mb_file_for_zalo(site, capsys):
    assets, output = site
    video = Catalog(output).campaign("mini").video("zalo")
    os.truncate(video, 60 * 1024 * 1024)  # sparse: the moov box is first, ffprobe still reads it
    assert _cli("publish", "mini", "--platform", "zalo", "--assets", str(assets), "--output", str(output)) == 1
    assert "zalo: file_size" in capsys.readouterr().err


def test_missing_cover(site, capsys):
    assets, output = site
    Catalog(output).campaign("mini").cover("youtube").unlink()
    assert _cli("publish", "mini", "--platform", "youtube", "--assets", str(assets), "--output", str(output)) == 1
    assert "youtube: cover: thiếu ảnh bìa / cover missing" in capsys.readouterr().err


@pytest.mark.parametrize("posts", [{"caption": "ok", "access_token": "x"},
                                   {"caption": "mã EAABsbCS1iHgBAKZCZCq2ZAjZCKLZBZAlZBZCdZBxZCZC1ZBZA7"}])
def test_token_in_campaign_yml(site, capsys, posts):
    assets, output = site
    import yaml

    f = assets / "campaigns" / "mini" / "campaign.yml"
    spec = yaml.safe_load(f.read_text(encoding="utf-8"))
    spec["posts"] = posts
    f.write_text(yaml.safe_dump(spec, allow_unicode=True), encoding="utf-8")
    assert _cli("publish", "mini", "--assets", str(assets), "--output", str(output)) == 1
    err = capsys.readouterr().err
    assert "campaign.yml [posts." in err and "token" in err
    assert "EAAB" not in err and not Catalog(output).campaign("mini").post_dir("tiktok").exists()


def test_unknown_platform_is_a_usage_error(site, capsys):
    assets, output = site
    assert _cli("publish", "mini", "--platform", "myspace", "--assets", str(assets), "--output", str(output)) == 2
    assert "myspace" in capsys.readouterr().err


def test_package_changed_after_approval_is_refused(site):
    assets, output = site
    build_packages(assets, output, platforms=["zalo"])
    co = Catalog(output).campaign("mini")
    approvals.record(Catalog(output).ledger, "mini", "zalo", package_digest(co, "zalo"), "approved", "anh Tâm")
    _caption(assets, "Chú thích mới sau khi duyệt")
    build_packages(assets, output, platforms=["zalo"])
    assert publish_state(output, "mini", "zalo")["state"] == "changed"
    with pytest.raises(PromokitError, match="changed after approval"):
        publish_one(output, "mini", "zalo")


@pytest.mark.parametrize("edit, field", [(lambda d: d.update(privacy="everyone"), "privacy"),
                                         (lambda d: d.pop("video"), "video"),
                                         (lambda d: d["video"].update(sha256="0" * 64), "video")])
def test_hand_edited_invalid_post_json(site, edit, field):
    assets, output = site
    build_packages(assets, output, platforms=["tiktok"])
    co = Catalog(output).campaign("mini")
    path = co.post_file("tiktok", "post.json")
    data = json.loads(path.read_text())
    edit(data)
    path.write_text(json.dumps(data))
    with pytest.raises(PromokitError, match=rf"\[{field}") as e:
        publish_one(output, "mini", "tiktok", no_approval=True)
    assert "post.json" in str(e.value)


def test_hand_edited_caption_over_limit_is_caught_before_sending(site):
    assets, output = site
    build_packages(assets, output, platforms=["tiktok"])
    path = Catalog(output).campaign("mini").post_file("tiktok", "post.json")
    data = json.loads(path.read_text())
    data["caption"] = "😀" * 1200
    path.write_text(json.dumps(data, ensure_ascii=False))
    with pytest.raises(PromokitError, match="caption.txt differs from post.json"):
        publish_one(output, "mini", "tiktok", no_approval=True)
    path.with_name("caption.txt").write_text(data["caption"] + "\n", encoding="utf-8")  # edited both, consistently
    with pytest.raises(PromokitError, match="caption_length"):
        publish_one(output, "mini", "tiktok", no_approval=True)


def test_draft_packages_are_labelled_and_never_published(tmp_path, capsys):
    assets, output = tmp_path / "assets", tmp_path / "output"
    campaign(assets, output, ["tiktok"], draft=True, size=(270, 480))
    assert _cli("publish", "mini", "--assets", str(assets), "--output", str(output)) == 1
    assert "--draft" in capsys.readouterr().err  # no final render: says a draft exists
    assert _cli("publish", "mini", "--draft", "--no-approval", "--assets", str(assets), "--output", str(output)) == 0
    co = Catalog(output).campaign("mini")
    post = read_package(co, "tiktok", draft=True)
    assert post.draft and co.post_dir("tiktok", draft=True).parent.name == "draft"
    checks = read_checks(co.post_file("tiktok", "post.json", draft=True))
    assert checks.get("final_render").ok is False and any("min_size" in w for w in checks.warnings)
    assert publish_state(output, "mini", "tiktok")["state"] == "draft"
    with pytest.raises(PromokitError, match="never published"):
        publish_one(output, "mini", "tiktok", no_approval=True)
    assert _cli("publish", "mini", "--draft", "--live", "--assets", str(assets), "--output", str(output)) == 2


def test_a_video_made_elsewhere_is_posted_instead_of_the_render(site):
    from promokit import testing

    assets, output = site
    folder = assets / "campaigns" / "mini"
    own = testing.make_clip(folder / "clips" / "phong-su.mp4", 4.0, size=(360, 640), fps=25, faststart=True)
    import yaml

    f = folder / "campaign.yml"
    spec = yaml.safe_load(f.read_text(encoding="utf-8"))
    spec["posts"]["videos"] = {"tiktok": "clips/phong-su.mp4"}
    f.write_text(yaml.safe_dump(spec, allow_unicode=True), encoding="utf-8")
    assert all(line.ok for line in build_packages(assets, output, platforms=["tiktok", "zalo"]))
    co = Catalog(output).campaign("mini")
    assert sha256_file(co.post_file("tiktok", "video.mp4")) == sha256_file(own)
    assert read_package(co, "tiktok").facts["duration"] == pytest.approx(4.0, abs=0.1)
    assert sha256_file(co.post_file("zalo", "video.mp4")) == sha256_file(co.video("zalo"))  # the others: the render
    spec["posts"]["videos"] = {"tiktok": "../../escape.mp4"}
    f.write_text(yaml.safe_dump(spec, allow_unicode=True), encoding="utf-8")
    lines = build_packages(assets, output, platforms=["tiktok"])
    assert not lines[0].ok and "posts.videos.tiktok" in lines[0].text


def test_status_says_when_a_package_is_older_than_what_it_was_made_from(site):
    from promokit.publish import status_lines
    from publish_helpers import render

    assets, output = site
    build_packages(assets, output, platforms=["tiktok", "zalo"])
    fresh = {line.text.split()[1]: line.text for line in status_lines(assets, output, platforms=["tiktok", "zalo"])}
    assert not any("older than its sources" in t for t in fresh.values()), fresh
    co = Catalog(output).campaign("mini")
    for old in (co.video("tiktok"), co.cover("tiktok")):  # rendered again: a render replaces its files (rename),
        old.unlink()  # so the package's hard links keep what was packaged
    render(output, "mini", "tiktok", seconds=2.0)
    f = assets / "campaigns" / "mini" / "campaign.yml"
    f.write_text(f.read_text(encoding="utf-8").replace("Mời bà con", "Kính mời bà con"), encoding="utf-8")
    now = {line.text.split()[1]: line.text for line in status_lines(assets, output, platforms=["tiktok", "zalo"])}
    assert "older than its sources (video, text)" in now["tiktok"], now["tiktok"]  # the same cover is not news
    assert "older than its sources (text)" in now["zalo"] and "promokit publish mini again" in now["zalo"], now["zalo"]
    build_packages(assets, output, platforms=["tiktok", "zalo"])  # made again: nothing older
    again = [line.text for line in status_lines(assets, output, platforms=["tiktok", "zalo"])]
    assert not any("older than" in t for t in again), again
