"""The sample campaigns in assets/: valid specs, honest data, and media generated as promised.

Fast tests read the committed files (campaign.yml, captions, CSV, articles, brand.yml).
Slow tests run scripts/make_samples.py once into a temporary copy of assets/ and check every
generated file (images, clips, music, logo), then run it again to prove it is idempotent.
"""

from __future__ import annotations

import csv
import json
import os
import re
import shutil
import subprocess
import sys
import time
import unicodedata
from pathlib import Path

import numpy as np
import pytest
import yaml
from PIL import Image

from promokit.charts.kinds import KINDS
from promokit.charts.sizes import SIZES
from promokit.platforms import PLATFORMS
from promokit.spec import Caption, load_brand, load_campaign
from promokit.text import parse_number, wrap

ROOT = Path(__file__).resolve().parent.parent
ASSETS = ROOT / "assets"
GENERATED = ("images", "clips", "music", "voice")
FFPROBE = shutil.which("ffprobe")


sys.path.insert(0, str(ROOT / "scripts"))  # the generator's package, scripts/samples/
from samples import base, driver, scenes_country, writers  # noqa: E402
from samples.media import MEDIA_FILE, load_media  # noqa: E402

CAMPAIGN_DIRS = sorted(p.parent for p in (ASSETS / "campaigns").glob("*/campaign.yml"))
IDS = [p.name for p in CAMPAIGN_DIRS]
MEDIA = {d.name: m for d in CAMPAIGN_DIRS if (m := load_media(d)) is not None}  # each campaign's samples.yml


def campaigns() -> dict[str, object]:
    return {d.name: load_campaign(d) for d in CAMPAIGN_DIRS}


def read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def front_matter(path: Path) -> tuple[dict, str]:
    text = path.read_text(encoding="utf-8")
    m = re.match(r"^---\n(.*?)\n---\n(.*)$", text, re.S)
    assert m, f"{path}: no YAML front matter"
    return yaml.safe_load(m.group(1)), m.group(2)


def srt_cues(path: Path) -> list[tuple[float, float, list[str]]]:
    def sec(t: str) -> float:
        h, m, rest = t.split(":")
        s, ms_ = rest.split(",")
        return int(h) * 3600 + int(m) * 60 + int(s) + int(ms_) / 1000

    blocks = path.read_text(encoding="utf-8").strip().split("\n\n")
    cues = []
    for i, block in enumerate(blocks, start=1):
        lines = block.split("\n")
        assert lines[0] == str(i), f"{path}: cue {i} numbered {lines[0]!r}"
        m = re.fullmatch(r"(\d\d:\d\d:\d\d,\d\d\d) --> (\d\d:\d\d:\d\d,\d\d\d)", lines[1])
        assert m, f"{path}: cue {i} bad timing line {lines[1]!r}"
        cues.append((sec(m.group(1)), sec(m.group(2)), lines[2:]))
    return cues


def probe(path: Path) -> dict:
    out = subprocess.run([FFPROBE, "-v", "error", "-show_streams", "-show_format", "-of", "json", str(path)],
                         capture_output=True, text=True, check=True).stdout
    return json.loads(out)


# ---------------------------------------------------------------------------------------------
# Fast: the committed files
# ---------------------------------------------------------------------------------------------


def test_at_least_seven_campaigns_all_in_the_media_table():
    assert len(IDS) >= 7
    assert set(IDS) == set(MEDIA), f"every sample campaign has its {MEDIA_FILE} (media drawn by make_samples.py)"


@pytest.mark.parametrize("cid", IDS)
def test_campaign_validates_and_says_sample_data(cid):
    c = load_campaign(ASSETS / "campaigns" / cid)
    assert c.id == cid
    assert c.sample_data is True, "illustrative data must be flagged (outputs say 'Số liệu minh họa')"
    assert c.video is not None and 20 <= c.video.duration <= 30
    assert 1 <= len(c.infographics) <= 3
    assert c.video.end_card is not None and c.video.end_card.text
    assert c.posts.caption and c.posts.hashtags and all("#" not in t for t in c.posts.hashtags)
    assert c.posts.schedule is not None and c.posts.schedule.utcoffset().total_seconds() == 7 * 3600
    for g in c.infographics:
        assert "minh họa" in g.source, f"{g.id}: the source line should say the data is illustrative"


def test_brand_validates():
    brand, brand_dir = load_brand(ASSETS)
    assert brand.organisation == "Trung tâm Văn hóa – Thể thao và Truyền thanh huyện Lấp Vò"
    assert brand.logo == "logo.png"
    assert brand.contacts.web == "https://lapvo.dongthap.gov.vn"
    assert brand.contacts.phone and brand.contacts.email and brand.contacts.facebook and brand.contacts.address
    assert brand.hashtags and len(brand.colors.series) >= 3


def test_samples_cover_platforms_kinds_sizes_and_forms():
    cs = campaigns().values()
    assert {p for c in cs for p in c.video.platforms} == set(PLATFORMS.names())
    kinds = {g.kind for c in cs for g in c.infographics}
    assert set(KINDS.names()) <= kinds
    assert any(g.kind == "line" and g.target is not None for c in cs for g in c.infographics)
    assert {s for c in cs for g in c.infographics for s in g.sizes} == set(SIZES.names())
    assert sum(g.decimal == "," for c in cs for g in c.infographics) >= 2
    pubs = [c.publication for c in cs if c.publication]
    assert len(pubs) >= 5 and all(2 <= len(p.articles) <= 3 for p in pubs)
    assert {p.page for p in pubs} == {"a4", "a5"}
    assert any(isinstance(c.video.captions, str) for c in cs) and any(isinstance(c.video.captions, list) for c in cs)
    assert any(c.video.shots for c in cs) and any(c.video.shots is None for c in cs)
    music = {Path(c.video.music).suffix for c in cs}
    assert {".mp3", ".m4a", ".wav"} <= music


@pytest.mark.parametrize("cid", IDS)
def test_csvs_parse_with_their_declared_decimal(cid):
    folder = ASSETS / "campaigns" / cid
    for g in load_campaign(folder).infographics:
        rows = read_csv(folder / g.data)
        assert rows, f"{g.data}: no rows"
        cols = set(rows[0])
        assert g.x in cols and set(g.y_columns) <= cols, f"{g.data}: missing x/y columns"
        if not KINDS.get(g.kind).numeric_y:
            continue
        values = [parse_number(r[y], g.decimal) for r in rows for y in g.y_columns]
        assert all(np.isfinite(values))
        if g.decimal == ",":
            assert any("," in r[y] for r in rows for y in g.y_columns), f"{g.data}: declared ',' but uses none"


def test_every_committed_text_file_is_nfc_utf8():
    files = [p for p in ASSETS.rglob("*") if p.suffix in {".yml", ".srt", ".csv", ".md"}]
    assert len(files) > 30
    for p in files:
        text = p.read_bytes().decode("utf-8")
        assert unicodedata.is_normalized("NFC", text), f"{p} is not NFC"
        assert "\r" not in text, f"{p} has CR line ends"


@pytest.mark.parametrize("cid", IDS)
def test_captions_fit_the_video_and_a_phone(cid):
    folder = ASSETS / "campaigns" / cid
    v = load_campaign(folder).video
    if isinstance(v.captions, str):
        cues = srt_cues(folder / v.captions)
    else:  # inline text: the renderer breaks it between words; it must fit in two lines
        assert all(isinstance(c, Caption) for c in v.captions)
        cues = [(c.start, c.end, wrap(c.text, 36)) for c in v.captions]
    assert len(cues) >= 3
    last, card = 0.0, v.duration - (v.end_card.duration if v.end_card else 0)
    for start, end, lines in cues:
        assert last <= start < end <= card, f"{cid}: cue {start}-{end} overlaps another or the end card ({card} s)"
        assert 1 <= len(lines) <= 2 and all(0 < len(line) <= 42 for line in lines), f"{cid}: cue too long {lines}"
        assert sum(len(line) for line in lines) <= 70
        last = end


@pytest.mark.parametrize("cid", [c for c in IDS if load_campaign(ASSETS / "campaigns" / c).publication])
def test_articles_have_front_matter_and_real_text(cid):
    folder = ASSETS / "campaigns" / cid
    names = {s.name for s in MEDIA[cid].images}
    for rel in load_campaign(folder).publication.articles:
        meta, body = front_matter(folder / rel)
        assert {"title", "author", "date", "summary"} <= set(meta), f"{rel}: front matter"
        words = len(re.findall(r"\w+", body))
        assert 150 <= words <= 400, f"{rel}: {words} words"
        assert re.search(r"^## ", body, re.M), f"{rel}: no heading"
        refs = re.findall(r"!\[[^\]]+\]\(\.\./images/([^ )]+)", body)
        if "cover" in meta:
            refs.append(meta["cover"].removeprefix("../images/"))
        assert set(refs) <= names, f"{rel}: image(s) the generator does not make: {set(refs) - names}"


@pytest.mark.parametrize("cid", IDS)
def test_every_media_path_named_is_in_the_generator_table(cid):
    media = MEDIA[cid]
    made = {f"images/{s.name}" for s in media.images} | {f"clips/{media.clip.name}", f"music/{media.music.name}"}
    c = load_campaign(ASSETS / "campaigns" / cid)
    for field, path in c.paths():
        if path.split("/")[0] in GENERATED:
            assert path in made, f"{cid}: {field} = {path} is not generated by make_samples.py"
    assert media.clip.source in {s.name for s in media.images}


def test_atomic_write_leaves_nothing_on_failure(tmp_path):
    target = tmp_path / "x" / "file.jpg"

    def boom(tmp: Path) -> None:
        tmp.write_bytes(b"partial")
        raise RuntimeError("killed")

    with pytest.raises(RuntimeError):
        writers.atomic(target, boom)
    assert not target.exists() and list(target.parent.iterdir()) == []


def test_rendering_is_deterministic():
    a = writers.render_scene(scenes_country.scene_river, (240, 160), 7, (("mood", "sunset"),))
    b = writers.render_scene(scenes_country.scene_river, (240, 160), 7, (("mood", "sunset"),))
    assert a.tobytes() == b.tobytes()


# ---------------------------------------------------------------------------------------------
# Slow: generate everything once into a copy of assets/
# ---------------------------------------------------------------------------------------------

slow = pytest.mark.slow
needs_ffmpeg = pytest.mark.skipif(FFPROBE is None or not Path(base.FFMPEG).exists(), reason="needs ffmpeg/ffprobe")


@pytest.fixture(scope="module")
def generated(tmp_path_factory) -> Path:
    """assets/ copied without its media, then make_samples.py run on it — once per test run.

    Under pytest-xdist the workers share one copy: the first makes it, the others wait for it.
    """
    root = tmp_path_factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER"):
        root = root.parent  # the run's folder, shared by its workers
    work = root / "make-samples"
    work.mkdir(parents=True, exist_ok=True)
    assets, done = work / "assets", work / "done"
    try:
        (work / "lock").mkdir()
    except FileExistsError:
        deadline = time.monotonic() + 600
        while not done.exists():
            assert time.monotonic() < deadline, "the worker generating the samples did not finish"
            time.sleep(0.5)
        assert done.read_text() == "ok", "generating the samples failed in another worker"
        return assets
    rc = None
    try:
        shutil.copytree(ASSETS, assets, ignore=shutil.ignore_patterns(*GENERATED, "logo.png"))
        rc = driver.main(["--assets", str(assets)])
    finally:
        done.write_text("ok" if rc == 0 else f"failed: {rc}")
    assert rc == 0
    return assets


@slow
@needs_ffmpeg
def test_generated_paths_exist_and_validate(generated):
    brand, brand_dir = load_brand(generated)
    logo = Image.open(brand_dir / brand.logo)
    assert logo.size == (512, 512) and logo.mode == "RGBA"
    assert logo.getchannel("A").getextrema() == (0, 255)
    for cid in IDS:
        folder = generated / "campaigns" / cid
        c = load_campaign(folder)
        for field, path in c.paths():
            assert (folder / path).is_file(), f"{cid}: {field} = {path} missing after generation"
        for rel in c.publication.articles if c.publication else []:
            meta, body = front_matter(folder / rel)
            for ref in re.findall(r"!\[[^\]]+\]\((\.\./images/[^ )]+)", body):
                assert (folder / rel).parent.joinpath(ref).resolve().is_file()
        size = sum(p.stat().st_size for d in GENERATED for p in (folder / d).glob("*") if p.is_file())
        assert size < 10 * 1024**2, f"{cid}: {size / 1024**2:.1f} MB of media is too much for a sample"


@slow
@needs_ffmpeg
@pytest.mark.parametrize("cid", IDS)
def test_images_are_photo_like_jpegs(generated, cid):
    specs = MEDIA[cid].images
    assert 4 <= len(specs) <= 6 and sum(s.portrait for s in specs) >= 2 and any(not s.portrait for s in specs)
    for s in specs:
        im = Image.open(generated / "campaigns" / cid / "images" / s.name)
        assert im.format == "JPEG" and im.mode == "RGB"
        assert im.size == s.size and (im.height > im.width) == s.portrait
        assert im.getexif().get(0x0112) == 1, "EXIF orientation is normal (1)"
        grey = np.asarray(im.convert("L"), dtype=np.float32)
        assert grey.std() > 20, f"{s.name} looks flat (std {grey.std():.1f})"
        small = np.asarray(im.convert("L").resize((64, 64)), dtype=np.float32)
        assert np.abs(np.diff(small, axis=1)).mean() > 1.5, f"{s.name} has no structure"
        assert (generated / "campaigns" / cid / "images" / s.name).stat().st_size < 1024**2


@slow
@needs_ffmpeg
@pytest.mark.parametrize("cid", IDS)
def test_clip_and_music_probe_as_promised(generated, cid):
    media = MEDIA[cid]
    folder = generated / "campaigns" / cid
    info = probe(folder / "clips" / media.clip.name)
    v = next(s for s in info["streams"] if s["codec_type"] == "video")
    a = next(s for s in info["streams"] if s["codec_type"] == "audio")
    assert v["codec_name"] == "h264" and v["pix_fmt"] == "yuv420p"
    assert a["codec_name"] == "aac" and a["sample_rate"] == "48000" and a["channels"] == 2
    assert abs(float(info["format"]["duration"]) - media.clip.seconds) <= 0.2
    rotation = next((sd.get("rotation") for sd in v.get("side_data_list", []) if "rotation" in sd), 0)
    if media.clip.layout == "rotated":
        assert (v["width"], v["height"]) == (1280, 720) and abs(rotation) == 90
    else:
        assert (v["width"], v["height"]) == media.clip.display_size and not rotation
    if media.clip.layout == "vfr":
        assert int(v["nb_frames"]) < media.clip.seconds * 30 - 5, "frames were dropped: variable frame rate"
    music = probe(folder / "music" / media.music.name)
    ma = next(s for s in music["streams"] if s["codec_type"] == "audio")
    assert int(ma["sample_rate"]) == 48000 and ma["channels"] == 2
    assert float(music["format"]["duration"]) >= load_campaign(folder).video.duration


@slow
@needs_ffmpeg
def test_second_run_writes_nothing(generated, capsys):
    files = {p: p.stat().st_mtime_ns for p in generated.rglob("*") if p.is_file()}
    assert driver.main(["--assets", str(generated)]) == 0
    after = {p: p.stat().st_mtime_ns for p in generated.rglob("*") if p.is_file()}
    assert after == files, "a second run must not rewrite or add files"
    out = capsys.readouterr().out
    assert all(f"{cid}: 0 written" in out for cid in IDS)
    assert not [p for p in generated.rglob("*") if ".tmp" in p.name]
