"""What `promokit publish` does: build packages (dry run), publish them live, publish what is due, report states."""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..catalog import Catalog
from ..errors import PromokitError, UsageError
from ..manifest import update_manifest
from ..platforms import PLATFORMS
from ..project import campaign_ids, open_campaign, select_ids
from ..review import approvals
from .credentials import TokenSource
from .http import Http
from .ledger import PublishLedger
from .package import (
    FILES,
    PublishError,
    check_package,
    failure_line,
    package_digest,
    plan_package,
    platforms_of,
    read_package,
    scan_campaign_file,
    write_package,
)
from .publishers import PUBLISHERS, Job, StillProcessing, when_to_send
from .secrets import mask

#: Who holds a scheduled post until its time, as the command lines say it.
HELD = {"platform": "nền tảng giữ lịch / held by the platform", "promokit": "promokit publish --due"}


@dataclass(frozen=True)
class Line:
    """One line of a command's report: ok (exit 0) or not, and the text (Vietnamese / English)."""

    ok: bool
    text: str


def _known_platforms(platforms: list[str] | None) -> None:
    for p in platforms or []:
        if p not in PLATFORMS or p not in PUBLISHERS:
            known = ", ".join(PUBLISHERS.names())
            raise UsageError.fail(f"nền tảng '{p}' không tồn tại", f"unknown platform '{p}'", field="--platform",
                                  fix_vi=f"dùng một trong: {known}", fix_en=f"use one of: {known}")


def build_packages(assets: Path, output: Path, ids: list[str] | None = None, platforms: list[str] | None = None,
                   *, draft: bool = False, no_approval: bool = False) -> list[Line]:
    """Write the post packages of the campaigns (dry run) and say, per package, its checks and review state."""
    _known_platforms(platforms)
    lines: list[Line] = []
    ledger = Catalog(output).ledger
    for cid in select_ids(assets, ids):
        try:
            scan_campaign_file(assets, cid)
            ctx = open_campaign(cid, assets, output, check_files=False)
        except PromokitError as e:
            lines += [Line(False, str(p)) for p in e.problems]
            continue
        for platform in platforms_of(ctx, platforms):
            try:
                res = write_package(plan_package(ctx, platform, draft=draft), Catalog(ctx.output).campaign(cid))
            except PromokitError as e:
                lines += [Line(False, str(p)) for p in e.problems]
                continue
            rel = res.folder
            if not res.checks.ok and not (draft and all(c.name == "final_render" for c in res.checks.failed)):
                lines.append(Line(False, failure_line(cid, platform, res.checks) + f" → {rel}"))
                continue
            if draft:
                state = "bản nháp, không đăng được / draft preview, never published"
            elif no_approval:
                state = "không cần duyệt / approval skipped"
            else:
                state = approvals.state(ledger, cid, platform, res.digest)
                state = {"pending": "chờ duyệt / awaiting approval", "approved": "đã duyệt / approved",
                         "changed": "đã đổi sau khi duyệt: cần duyệt lại / changed since approval: approve again",
                         "changes_requested": "cần sửa / changes requested"}[state]
            warn = f" · ⚠ {len(res.checks.warnings)}" if res.checks.warnings else ""
            sch, at = res.post.scheduling, res.post.schedule
            when = "" if sch is None or at is None else \
                f" · hẹn giờ / scheduled {at.isoformat()} ({HELD[sch.held_by]})" if at > dt.datetime.now(dt.UTC) else \
                f" · đến hạn từ / due since {at.isoformat()}"
            lines.append(Line(True, f"✓ {cid}/{platform}: {state}{when}{warn} → {rel}"))
        outs = Catalog(output).campaign(cid)
        if outs.dir.is_dir():  # the manifest lists the packages too (the gallery reads it); job records kept
            update_manifest(outs)
    return lines


def _token_source(platform: str) -> TokenSource:
    from .auth import refresher_for

    pub = PUBLISHERS.get(platform)
    return TokenSource(platform, pub.service, refresher=refresher_for(pub.service))


def publish_one(output: Path, campaign: str, platform: str, *, no_approval: bool = False, direct: bool = False,
                poll_every: float | None = None, poll_for: float | None = None, now: dt.datetime | None = None,
                progress: Callable[[int, int], None] = lambda s, t: None) -> Line:
    """Publish one final package live, resuming whatever a previous run left; a finished post is not sent again.

    Never before its schedule: a scheduled post is handed over early only to a platform that holds it until
    its time (`Publisher.native`, within the window it accepts); otherwise it waits for `publish --due`."""
    outputs = Catalog(output).campaign(campaign)
    ledger = PublishLedger(Catalog(output).ledger)
    rec = ledger.get(campaign, platform)
    if rec is not None and rec.state == "published":
        if rec.held_by == "platform":
            return Line(True, f"✓ {campaign}/{platform}: đã hẹn giờ trên nền tảng / already scheduled on the platform "
                              f"for {rec.publish_at}: {rec.url or rec.remote_id}")
        return Line(True, f"✓ {campaign}/{platform}: đã đăng rồi, không đăng lại / already published: {rec.url or rec.remote_id}")
    if not outputs.post_file(platform, FILES["post"]).is_file() and \
            outputs.post_file(platform, FILES["post"], draft=True).is_file():
        raise PublishError.fail("gói của bản nháp không được đăng", "a draft's package is never published",
                                file=outputs.post_dir(platform, draft=True),
                                fix_vi=f"dựng bản chính thức (promokit run {campaign}) rồi promokit publish {campaign}",
                                fix_en=f"render the final (promokit run {campaign}), then promokit publish {campaign}")
    post = read_package(outputs, platform)
    checks = check_package(outputs, post)
    if not checks.ok:
        raise PublishError.fail("gói không đạt kiểm tra", "the package fails its checks", file=outputs.post_dir(platform),
                                field=", ".join(c.name for c in checks.failed),
                                fix_vi=failure_line(campaign, platform, checks), fix_en="fix it and rebuild the package")
    digest = package_digest(outputs, platform)
    if not no_approval:
        state = approvals.state(Catalog(output).ledger, campaign, platform, digest)
        if state != "approved":
            vi = {"changed": "gói đã đổi sau khi duyệt", "changes_requested": "người duyệt yêu cầu sửa"}.get(state, "gói chưa được duyệt")
            en = {"changed": "the package changed after approval", "changes_requested": "the reviewer asked for changes"}.get(
                state, "the package is not approved")
            raise PublishError.fail(vi, en, file=outputs.post_dir(platform), field="approval",
                                    fix_vi="duyệt gói trong promokit serve (hoặc --no-approval)",
                                    fix_en="approve it in promokit serve (or --no-approval)")
    pub = PUBLISHERS.get(platform)
    mode, at = when_to_send(pub, post, now or dt.datetime.now(dt.UTC))
    if mode == "wait" and at is not None and post.schedule is not None:
        return Line(True, f"⏸ {campaign}/{platform}: hẹn giờ / scheduled {post.schedule.isoformat()}; promokit publish "
                          f"--due gửi từ / sends it from {at.isoformat(timespec='minutes')}")
    rec = ledger.open(campaign, platform, digest, post.video.bytes)
    if rec.digest != digest:
        begun = [s for s in ledger.steps(rec.id) if s.endswith(".begun")]
        if begun:
            raise PublishError.fail("gói đã đổi giữa lúc đang đăng", "the package changed while being published",
                                    file=outputs.post_dir(platform), field="digest",
                                    fix_vi="kiểm tra trên nền tảng; khôi phục gói cũ rồi chạy lại",
                                    fix_en="check the platform; restore the previous package and run again")
        ledger.forget(rec.id, *ledger.steps(rec.id))
        ledger.update(rec.id, digest=digest, sent=0, total=post.video.bytes)
    ledger.update(rec.id, state="uploading", error="")
    tokens = _token_source(platform)
    http = Http(tokens.who, authorize=lambda: pub.auth_headers(tokens.current()), refresh=tokens.refresh,
                auth_failed=pub.auth_failed, secrets=tokens.secrets)
    poll_every = float(os.environ.get("PROMOKIT_POLL_EVERY", 5.0)) if poll_every is None else poll_every
    poll_for = float(os.environ.get("PROMOKIT_POLL_FOR", 600.0)) if poll_for is None else poll_for
    held = mode == "platform"
    job = Job(post, outputs.post_dir(platform), http, tokens.account, ledger, rec.id, pub.api_base(), direct=direct,
              held=held, poll_every=poll_every, poll_for=poll_for, progress=progress)
    try:
        with http:
            tokens.current()
            out = pub.publish(job)
    except StillProcessing as e:
        ledger.update(rec.id, state="processing")
        return Line(True, f"… {campaign}/{platform}: {e}")
    except PromokitError as e:
        ledger.update(rec.id, state="failed", error=mask(str(e).splitlines()[0], tokens.secrets())[:500])
        raise
    ledger.update(rec.id, state="published", remote_id=out.remote_id, url=out.url, note=out.note, sent=post.video.bytes,
                  held_by="platform" if held else "", publish_at=at.isoformat() if held and at else "")
    done = f"hẹn giờ trên nền tảng / scheduled on the platform for {at.isoformat()}:" if held and at else \
        "đã đăng / published"
    return Line(True, f"✓ {campaign}/{platform}: {done} {out.url or out.remote_id}" + (f" ({out.note})" if out.note else ""))


def _final_packages(output: Path, ids: list[str], platforms: list[str] | None) -> list[tuple[str, str]]:
    out = []
    for cid in ids:
        outputs = Catalog(output).campaign(cid)
        folder = outputs.folder("post")
        if not folder.is_dir():
            continue
        for p in sorted(d.name for d in folder.iterdir() if d.is_dir() and d.name in PUBLISHERS):
            if (not platforms or p in platforms) and outputs.post_file(p, FILES["post"]).is_file():
                out.append((cid, p))
    return out


def publish_live(assets: Path, output: Path, ids: list[str] | None = None, platforms: list[str] | None = None, *,
                 no_approval: bool = False, direct: bool = False, due: bool = False,
                 now: dt.datetime | None = None, **kw: Any) -> list[Line]:
    """Publish the final packages of the campaigns (with `due`: only those whose schedule has come)."""
    _known_platforms(platforms)
    ids = select_ids(assets, ids) if Path(assets).is_dir() else list(ids or [])
    now = now or dt.datetime.now(dt.UTC)
    lines: list[Line] = []
    pairs = _final_packages(output, ids, platforms)
    if not due:
        for cid in ids:
            for p in platforms or []:
                if (cid, p) not in pairs:
                    pairs.append((cid, p))  # read_package names what is missing
    for cid, platform in pairs:
        try:
            if due:
                rec = PublishLedger(Catalog(output).ledger).get(cid, platform)
                if rec is not None and rec.state == "published":
                    continue
                post = read_package(Catalog(output).campaign(cid), platform)
                if post.schedule is None or when_to_send(PUBLISHERS.get(platform), post, now)[0] == "wait":
                    continue
            lines.append(publish_one(output, cid, platform, no_approval=no_approval, direct=direct, now=now, **kw))
        except UsageError:
            raise
        except PromokitError as e:
            lines += [Line(False, f"✗ {cid}/{platform}: {p}") for p in e.problems]
    if due and not lines:
        lines.append(Line(True, "Không có gì đến hạn / nothing is due"))
    return lines


# -- states ------------------------------------------------------------------------------------------

def publish_state(output: Path, campaign: str, platform: str) -> dict[str, Any]:
    """The publish state of one package, for the gallery and the review server:
    {"state": none|draft|pending|changed|changes_requested|approved|scheduled|uploading|processing|published|failed,
     "percent": 0–100, "url": str, "error": str, "schedule": ISO time or "", "held_by": platform|promokit|""}.

    `scheduled` with held_by "platform": handed over, the platform publishes it at `schedule`; with
    "promokit": approved and waiting for `publish --due`."""
    out: dict[str, Any] = {"state": "none", "percent": 0.0, "url": "", "error": "", "schedule": "", "held_by": ""}
    outputs = Catalog(output).campaign(campaign)
    rec = PublishLedger(Catalog(output).ledger).get(campaign, platform)
    now = dt.datetime.now(dt.UTC)
    if rec is not None:
        out.update(state=rec.state, percent=round(rec.percent if rec.state != "published" else 100.0, 1), url=rec.url,
                   error=rec.error)
        if rec.held_by == "platform" and rec.publish_at:
            out.update(held_by="platform", schedule=rec.publish_at)
            if rec.state == "published" and dt.datetime.fromisoformat(rec.publish_at) > now:
                out["state"] = "scheduled"
        return out
    if not outputs.post_file(platform, FILES["post"]).is_file():
        if outputs.post_file(platform, FILES["post"], draft=True).is_file():
            out["state"] = "draft"
        return out
    try:
        post = read_package(outputs, platform)
    except PromokitError as e:
        out.update(state="failed", error=str(e.problems[0]))
        return out
    state = approvals.state(Catalog(output).ledger, campaign, platform, package_digest(outputs, platform))
    out["schedule"] = post.schedule.isoformat() if post.schedule else ""
    if state == "approved" and post.schedule and post.schedule > now:
        state = "scheduled"
        out["held_by"] = post.scheduling.held_by if post.scheduling is not None else "promokit"
    out["state"] = state
    return out


_LABEL = {"none": "chưa có gói / no package", "draft": "bản nháp / draft", "pending": "chờ duyệt / awaiting approval",
          "changed": "đổi sau khi duyệt / changed since approval", "changes_requested": "cần sửa / changes requested",
          "approved": "đã duyệt / approved", "scheduled": "hẹn giờ / scheduled", "uploading": "đang tải lên / uploading",
          "processing": "nền tảng đang xử lý / processing", "published": "đã đăng / published",
          "failed": "lỗi / failed"}


_UNSENT = ("pending", "changed", "changes_requested", "approved", "scheduled")


def changed_since_packaged(ctx: Any, platform: str) -> list[str]:
    """What a package would hold now that it does not: the roles ("video", "cover", "text") whose source
    changed since it was written (a video rendered again, a caption edited in campaign.yml); [] when it has no
    final package or its sources cannot be read (the package's own checks say why)."""
    from ..review.package import file_sha256

    outputs = Catalog(ctx.output).campaign(ctx.id)
    try:
        post = read_package(outputs, platform)
        plan = plan_package(ctx, platform)
    except PromokitError:
        return []
    changed = []
    if file_sha256(plan.video) != post.video.sha256:
        changed.append("video")
    if plan.cover.is_file() and post.cover.file and file_sha256(plan.cover) != post.cover.sha256:
        changed.append("cover")
    if (plan.title, plan.caption, plan.description) != (post.title, post.caption, post.description):
        changed.append("text")
    return changed


def status_lines(assets: Path, output: Path, ids: list[str] | None = None,
                 platforms: list[str] | None = None) -> list[Line]:
    """One line per campaign and platform: its state, with the percent, schedule, URL or error."""
    _known_platforms(platforms)
    lines = []
    for cid in select_ids(assets, ids) if ids else campaign_ids(assets):
        ctx = None
        try:
            ctx = open_campaign(cid, assets, output, check_files=False)
            names = platforms_of(ctx, platforms)
        except PromokitError:
            names = [p for p in PUBLISHERS.names() if not platforms or p in platforms]
        for p in names:
            s = publish_state(output, cid, p)
            held = f" ({HELD[s['held_by']]})" if s["held_by"] else ""
            extra = {"uploading": f" {s['percent']:.0f} %", "published": f" {s['url']}", "failed": f": {s['error']}",
                     "scheduled": f" {s['schedule']}{held}" + (f" {s['url']}" if s["url"] else "")}.get(s["state"], "")
            changed = changed_since_packaged(ctx, p) if ctx is not None and s["state"] in _UNSENT else []
            if changed:  # the package still holds what was made before: it is what would be sent
                extra += (f" · gói cũ hơn nguồn ({', '.join(changed)}): chạy lại promokit publish {cid} / package "
                          f"older than its sources ({', '.join(changed)}): run promokit publish {cid} again")
            lines.append(Line(s["state"] != "failed", f"{cid:<26} {p:<16} {_LABEL[s['state']]}{extra}"))
    return lines
