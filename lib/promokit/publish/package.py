"""Post packages: `output/<id>/posts/<platform>/` with the video, the cover, caption.txt and post.json.

`plan_package` computes what a package holds (pure apart from probing the rendered files); `write_package`
writes it (hard-linked or copied video, atomic files, its checks record); `read_package` reads one back and
validates post.json, and `check_package` checks the files on disk against the platform's rules. post.json is
everything a live publish sends, and never a secret.

A package of a draft render lives in `posts/draft/<platform>/` (the catalog's draft folder): it shows how the
post will look, is checked as a preview (its media checks only warn: a draft is small by design) and is never
published.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal
from urllib.parse import quote, urlsplit

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from ..atomic import atomic_path, write_atomic
from ..catalog import CampaignOutputs, Catalog, CatalogError, Check, Checks, read_checks, write_checks
from ..errors import PromokitError, SpecError
from ..platforms import PLATFORMS
from ..project import CampaignContext, campaign_dir
from ..review import approvals
from ..review.package import package_hashes
from ..spec import check_relpath, read_yaml
from ..style import load_style
from ..text import nfc
from .media import cover_frame_ms, image_facts, sha256_file, video_facts
from .publishers import PUBLISHERS
from .rules import RULES, compose_caption, cover_checks, media_checks, text_checks
from .secrets import find_secrets

VERSION = 1
FILES = {"video": "video.mp4", "cover": "cover.jpg", "caption": "caption.txt", "post": "post.json"}
#: Media checks that only warn on a draft package (a draft is a small, quick render by design).
DRAFT_LENIENT = {"min_size", "max_size", "cover_width", "frame_rate", "render"}


class PublishError(PromokitError):
    """A post package cannot be built or published."""


# -- post.json ---------------------------------------------------------------------------------------

class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class FileRef(_Strict):
    file: str = Field(pattern=r"^[\w.-]+$")
    bytes: int = Field(ge=0)
    sha256: str = Field(pattern=r"^[0-9a-f]{64}$")
    content_type: str
    url: str = ""  # where the file is public (the cover, with publish.yml's cover_base_url), for a platform to fetch


class Scheduling(_Strict):
    """Who holds a scheduled post until its time: the platform (its own scheduling; `request` is what is sent
    instead of post.json's `request` when it is handed over, `window` how soon and how far ahead of the time,
    in s, the platform takes it) or promokit's queue (`promokit publish --due` sends it when due)."""

    held_by: Literal["platform", "promokit"]
    how: str
    window: tuple[float, float] | None = None
    request: dict[str, Any] | None = None


class PostJson(_Strict):
    """The schema of post.json (version 1)."""

    version: Literal[1]
    campaign: str = Field(min_length=1)
    platform: str
    draft: bool
    title: str
    caption: str
    description: str
    hashtags: list[str]
    privacy: Literal["private", "unlisted", "public"]
    schedule: dt.datetime | None
    video: FileRef
    cover: FileRef
    facts: dict[str, Any] = Field(default_factory=dict)
    request: dict[str, Any]
    scheduling: Scheduling | None = None


# -- planning ----------------------------------------------------------------------------------------

@dataclass(frozen=True)
class PackagePlan:
    """What one platform's package will hold: sources and the post's texts (NFC)."""

    campaign: str
    platform: str
    draft: bool
    video: Path
    cover: Path
    title: str
    caption: str  # the post text as sent (caption + hashtags, unless the platform takes none)
    description: str  # the text going to a "description" field (YouTube, Zalo, Facebook video)
    hashtags: tuple[str, ...]
    privacy: str
    schedule: dt.datetime | None
    facts: Mapping[str, Any] = field(default_factory=dict)
    cover_url: str = ""  # the package cover's public URL ("" without publish.yml's cover_base_url)


def _tags(ctx: CampaignContext) -> list[str]:
    seen: dict[str, str] = {}
    for h in [*ctx.campaign.posts.hashtags, *ctx.brand.hashtags]:
        h = nfc(h).lstrip("#")
        seen.setdefault(h.casefold(), h)
    return list(seen.values())


def platforms_of(ctx: CampaignContext, asked: list[str] | None) -> list[str]:
    """The campaign's video platforms, narrowed to `asked` (unknown names: UsageError-like SpecError)."""
    listed = list(ctx.campaign.video.platforms) if ctx.campaign.video else []
    if not asked:
        return listed
    for p in asked:
        PLATFORMS.get(p, field="--platform")
    return [p for p in asked if p in listed]


def plan_package(ctx: CampaignContext, platform: str, *, draft: bool = False) -> PackagePlan:
    """The package of `platform` for a loaded campaign, from its rendered video and cover."""
    PLATFORMS.get(platform, field="--platform")
    rules = RULES.get(platform)
    outputs = Catalog(ctx.output).campaign(ctx.id)
    video, cover = outputs.video(platform, draft=draft), outputs.cover(platform, draft=draft)
    made_elsewhere = ctx.campaign.posts.videos.get(platform)
    if made_elsewhere:  # posts.videos: a video made elsewhere (checked with promokit conform) instead of the render
        file = ctx.folder / "campaign.yml"
        video = check_relpath(made_elsewhere, ctx.folder, file, f"posts.videos.{platform}", None)
        if not video.is_file():
            raise PublishError.fail(f"không thấy video {made_elsewhere}", f"video {made_elsewhere} not found",
                                    file=file, field=f"posts.videos.{platform}",
                                    fix_vi="sửa đường dẫn (tính từ thư mục chiến dịch)",
                                    fix_en="fix the path (relative to the campaign folder)")
    if not video.is_file():
        other = outputs.video(platform, draft=not draft).is_file()
        hint_vi = " (đã có bản nháp: thêm --draft để xem trước gói)" if other and not draft else ""
        hint_en = " (a draft exists: add --draft for a preview package)" if other and not draft else ""
        raise PublishError.fail(
            f"chưa có video {'nháp ' if draft else ''}cho {platform}{hint_vi}",
            f"no {'draft ' if draft else ''}video rendered for {platform}{hint_en}", file=video,
            fix_vi=f"dựng video: promokit run {ctx.id} --notebook promo_video" + (" --draft" if draft else ""),
            fix_en=f"render it: promokit run {ctx.id} --notebook promo_video" + (" --draft" if draft else ""))
    posts = ctx.campaign.posts
    tags = _tags(ctx)
    title = nfc(posts.title or ctx.campaign.title).strip()
    text = compose_caption(posts.caption, tags, with_hashtags=rules.hashtags_in_caption)
    return PackagePlan(ctx.id, platform, draft, video, cover, title, text if rules.caption else "",
                       text if rules.description else "", tuple(tags), posts.privacy,
                       posts.schedule_for(platform), cover_url="" if draft else public_cover(ctx, platform))


def public_cover(ctx: CampaignContext, platform: str) -> str:
    """The public URL of a package's cover: publish.yml's `cover_base_url` (where output/ is served) and the
    cover's path under output/; "" when the office serves none."""
    base = load_style("publish", ctx.brand_dir).get("cover_base_url")
    if not base:
        return ""
    url = urlsplit(str(base))
    if url.scheme not in ("http", "https") or not url.netloc or url.query or url.fragment:
        raise SpecError.fail(f"cover_base_url không phải địa chỉ web: {base}", f"cover_base_url is not a web address: {base}",
                             file=ctx.brand_dir / "publish.yml", field="cover_base_url",
                             fix_vi="ghi địa chỉ https:// nơi thư mục output/ được phục vụ, hoặc bỏ trống",
                             fix_en="write the https:// address where output/ is served, or leave it empty")
    cover = Catalog(ctx.output).campaign(ctx.id).post_file(platform, FILES["cover"])
    return str(base).rstrip("/") + "/" + quote(cover.relative_to(ctx.output).as_posix())


def _content_type(path: Path) -> str:
    return {".mp4": "video/mp4", ".mov": "video/quicktime", ".webm": "video/webm", ".jpg": "image/jpeg",
            ".png": "image/png"}.get(path.suffix.lower(), "application/octet-stream")


def check_files(platform: str, texts: Mapping[str, str], video: Path, cover: Path, *, draft: bool,
                render: Checks | None | Exception = None) -> Checks:
    """The package's checks: the platform's media, cover and text rules, plus the render's own verdicts."""
    rules = RULES.get(platform)
    facts = video_facts(video)
    cov = image_facts(cover)
    verdicts = media_checks(rules, facts, suffix=video.suffix)
    verdicts += cover_checks(rules, cov)
    verdicts += text_checks(rules, caption=texts.get("caption", ""), title=texts.get("title", ""),
                            description=texts.get("description", ""))
    warnings: list[str] = []
    if isinstance(render, Exception):
        warnings.append(f"không đọc được hồ sơ kiểm tra của bản dựng / render checks record unreadable: {render}")
    elif render is None:
        warnings.append("bản dựng không có hồ sơ kiểm tra / the render has no checks record")
    elif not render.ok:
        bad = ", ".join(c.name for c in render.failed)
        verdicts.append(Check("render", False, bad, "all render checks pass",
                              f"bản dựng không đạt / the render failed its checks: {bad}", "render checks"))
    else:
        verdicts.append(Check("render", True, len(render.checks), "all render checks pass", source="render checks"))
    if draft:
        soft = [c for c in verdicts if not c.ok and c.name in DRAFT_LENIENT]
        warnings += [f"bản nháp / draft: {c.name}: {c.reason}" for c in soft]
        verdicts = [Check(c.name, True, c.value, c.expected, "bản nháp / draft: " + c.reason, c.source)
                    if c in soft else c for c in verdicts]
        verdicts.append(Check("final_render", False, "draft", "final",
                              "gói của bản nháp, không được đăng / a draft's package is never published"))
    return Checks("post", tuple(verdicts), {"platform": platform, "draft": draft, "video": facts, "cover": cov or {}},
                  tuple(warnings))


def _render_record(video: Path) -> Checks | None | Exception:
    try:
        return read_checks(video)
    except CatalogError as e:
        return e


# -- writing -----------------------------------------------------------------------------------------

def _place(src: Path, dst: Path) -> None:
    """`dst` gets `src`'s bytes: a hard link when possible (no copy), else a streamed copy; atomic."""
    if dst.is_file() and dst.stat().st_size == src.stat().st_size and \
            (os.path.samefile(src, dst) or sha256_file(src) == sha256_file(dst)):
        return
    with atomic_path(dst) as tmp:
        tmp.unlink()
        try:
            os.link(src, tmp)
        except OSError:
            shutil.copyfile(src, tmp)


@dataclass(frozen=True)
class PackageResult:
    campaign: str
    platform: str
    folder: Path
    post: PostJson
    checks: Checks
    digest: str


def write_package(plan: PackagePlan, outputs: CampaignOutputs) -> PackageResult:
    """Write the package folder (video, cover, caption.txt, post.json) and its checks record."""
    d = plan.draft
    video_dst = outputs.post_file(plan.platform, FILES["video"], draft=d)
    cover_dst = outputs.post_file(plan.platform, FILES["cover"], draft=d)
    texts = {"caption": plan.caption, "title": plan.title, "description": plan.description}
    checks = check_files(plan.platform, texts, plan.video, plan.cover, draft=d, render=_render_record(plan.video))
    _place(plan.video, video_dst)
    if plan.cover.is_file():
        _place(plan.cover, cover_dst)
    else:
        cover_dst.unlink(missing_ok=True)
    vfacts = dict(checks.facts["video"])
    caption_text = (plan.caption or plan.description) + "\n"
    write_atomic(outputs.post_file(plan.platform, FILES["caption"], draft=d), caption_text)
    publisher = PUBLISHERS.get(plan.platform)
    has_cover = cover_dst.is_file()
    refs = {"video": FileRef(file=FILES["video"], bytes=video_dst.stat().st_size, sha256=sha256_file(video_dst),
                             content_type=_content_type(video_dst)),
            "cover": FileRef(file=FILES["cover"], bytes=cover_dst.stat().st_size if has_cover else 0,
                             sha256=sha256_file(cover_dst) if has_cover else "0" * 64,
                             content_type=_content_type(cover_dst),
                             url=plan.cover_url if has_cover and "url" in publisher.covers else "")}
    facts = {k: vfacts.get(k) for k in ("duration", "width", "height", "fps", "bytes")}
    if has_cover and "frame" in publisher.covers:  # the platform takes the cover as a time in the video
        facts["cover_ms"] = cover_frame_ms(video_dst, cover_dst, (int(vfacts.get("width") or 0),
                                                                  int(vfacts.get("height") or 0)))
    post = PostJson(version=VERSION, campaign=plan.campaign, platform=plan.platform, draft=d, title=plan.title,
                    caption=plan.caption, description=plan.description, hashtags=list(plan.hashtags),
                    privacy=plan.privacy, schedule=plan.schedule, video=refs["video"], cover=refs["cover"],
                    facts=facts, request={})
    post = post.model_copy(update={"request": publisher.request(post)})
    held = publisher.scheduling(post)
    post = post.model_copy(update={"scheduling": Scheduling.model_validate(held) if held is not None else None})
    post_path = outputs.post_file(plan.platform, FILES["post"], draft=d)
    write_atomic(post_path, post.model_dump_json(indent=2) + "\n")
    digest = package_digest(outputs, plan.platform, draft=d)
    checks = checks.with_facts(digest=digest)
    write_checks(post_path, checks)
    return PackageResult(plan.campaign, plan.platform, post_path.parent, post, checks, digest)


# -- reading -----------------------------------------------------------------------------------------

def package_files(outputs: CampaignOutputs, platform: str, *, draft: bool = False) -> dict[str, str]:
    """{role: sha256} of a package as the review step names it ("video", "cover", "caption": the caption
    text as sent): what an approval is recorded against (`promokit.review.package.package_hashes`)."""
    video = outputs.post_file(platform, FILES["video"], draft=draft)
    if not video.is_file():
        return {}
    return package_hashes(video, outputs.post_file(platform, FILES["cover"], draft=draft),
                          caption_of(outputs, platform, draft=draft))


def caption_of(outputs: CampaignOutputs, platform: str, *, draft: bool = False) -> str:
    """The text of caption.txt (NFC, trimmed); "" when there is none."""
    try:
        return nfc(outputs.post_file(platform, FILES["caption"], draft=draft).read_text(encoding="utf-8")).strip()
    except (OSError, UnicodeDecodeError):
        return ""


def package_digest(outputs: CampaignOutputs, platform: str, *, draft: bool = False) -> str:
    """The approval digest of a package's files (`promokit.review.approvals.package_digest`)."""
    return approvals.package_digest(package_files(outputs, platform, draft=draft))


def read_package(outputs: CampaignOutputs, platform: str, *, draft: bool = False) -> PostJson:
    """post.json of a package, validated, with its files checked against the sizes and checksums it names."""
    path = outputs.post_file(platform, FILES["post"], draft=draft)
    if not path.is_file():
        raise PublishError.fail(f"chưa có gói bài đăng {platform}", f"no {platform} post package", file=path,
                                fix_vi=f"tạo gói: promokit publish {outputs.campaign} --platform {platform}",
                                fix_en=f"build it: promokit publish {outputs.campaign} --platform {platform}")
    try:
        post = PostJson.model_validate_json(path.read_bytes())
    except ValidationError as e:
        err = e.errors()[0]
        where = ".".join(str(x) for x in err["loc"]) or None
        raise PublishError.fail(f"post.json không hợp lệ: {err['msg']}", f"invalid post.json: {err['msg']}",
                                file=path, field=where,
                                fix_vi=f"tạo lại gói: promokit publish {outputs.campaign} --platform {platform}",
                                fix_en=f"rebuild it: promokit publish {outputs.campaign} --platform {platform}") from None
    if post.platform != platform or post.campaign != outputs.campaign or post.draft != draft:
        raise PublishError.fail("post.json thuộc gói khác", "post.json belongs to another package", file=path,
                                field="platform", fix_vi="tạo lại gói", fix_en="rebuild the package")
    if caption_of(outputs, platform, draft=draft) != (post.caption or post.description).strip():
        raise PublishError.fail("caption.txt khác với post.json", "caption.txt differs from post.json",
                                file=path.with_name(FILES["caption"]), field="caption",
                                fix_vi="tạo lại gói rồi duyệt lại", fix_en="rebuild the package and have it approved again")
    for name in ("video", "cover"):
        ref: FileRef = getattr(post, name)
        f = path.parent / ref.file
        if ref.file != FILES[name] or not f.is_file() or f.stat().st_size != ref.bytes or sha256_file(f) != ref.sha256:
            raise PublishError.fail(f"tệp {ref.file} khác với post.json", f"{ref.file} differs from post.json",
                                    file=f, field=name, fix_vi="tạo lại gói rồi duyệt lại",
                                    fix_en="rebuild the package and have it approved again")
    return post


def check_package(outputs: CampaignOutputs, post: PostJson) -> Checks:
    """Check a package's files and texts as they are on disk (what a live publish will send)."""
    folder = outputs.post_dir(post.platform, draft=post.draft)
    return check_files(post.platform, {"caption": post.caption, "title": post.title, "description": post.description},
                       folder / post.video.file, folder / post.cover.file, draft=post.draft,
                       render=Checks("post", (Check("render", True),)))


def failure_line(campaign: str, platform: str, checks: Checks) -> str:
    """One line naming every failed rule of a package."""
    bad = "; ".join(f"{c.name}: {c.reason or c.value}" for c in checks.failed if c.name != "final_render")
    return f"✗ {campaign}/{platform}: {bad}"


def scan_campaign_file(assets: Path, campaign_id: str) -> None:
    """SpecError when campaign.yml holds a token (checked before it is validated)."""
    file = campaign_dir(assets, campaign_id) / "campaign.yml"
    find_secrets(read_yaml(file, "campaign.yml").data, file)


def dumps(data: Any) -> str:
    return json.dumps(data, ensure_ascii=False, indent=2)
