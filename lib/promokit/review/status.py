"""`promokit review --status` and `--link`: every post package's state; a review link for one campaign."""

from __future__ import annotations

from pathlib import Path

from ..catalog import Catalog
from ..errors import UsageError
from . import links
from .load import load_review
from .model import STATE_LABELS, Review, when


def status_rows(review: Review) -> list[tuple[str, str, str, str, str]]:
    """(campaign, platform, state, reviewer, when) per package (pure)."""
    rows = []
    for p in review.packages():
        d = p.decision
        rows.append((p.campaign, p.platform, p.state, d.reviewer if d else "", when(d.decided) if d else ""))
    return rows


def status_lines(output: Path, assets: Path | None = None) -> list[str]:
    """The lines `promokit review --status` prints: a table of packages, then unreadable manifests."""
    review = load_review(output, assets=assets)
    rows = status_rows(review)
    lines = []
    if rows:
        head = ("Chiến dịch / campaign", "Nền tảng / platform", "Trạng thái / state", "Người duyệt / reviewer",
                "Lúc / at")
        shown = [head] + [(c, p, STATE_LABELS[s], r, t) for c, p, s, r, t in rows]
        widths = [max(len(r[i]) for r in shown) for i in range(len(head))]
        lines = ["  ".join(v.ljust(w) for v, w in zip(r, widths, strict=True)).rstrip() for r in shown]
        counts = {s: sum(1 for r in rows if r[2] == s) for s in STATE_LABELS if any(r[2] == s for r in rows)}
        lines.append(" · ".join(f"{n} {STATE_LABELS[s]}" for s, n in counts.items()))
    else:
        lines.append("Chưa có gói bài đăng nào (chưa có video bản chính) / no post packages yet (no final videos)")
    lines += [f"⚠ {b.file}: {b.reason}" for b in review.broken]
    return lines


def review_link(output: Path, campaign: str, url: str = "http://127.0.0.1:8765") -> str:
    """A new review link for `campaign` (its outputs must exist): `<url>/r/<token>/`."""
    out = Catalog(Path(output)).campaign(campaign)
    if not out.dir.is_dir():
        known = ", ".join(sorted(p.parent.name for p in Catalog(Path(output)).manifests())) or "(chưa có / none)"
        raise UsageError.fail(f"chưa có kết quả của chiến dịch '{campaign}' trong {output}",
                              f"no outputs of campaign '{campaign}' in {output}", field="--link",
                              fix_vi=f"dùng một trong: {known}, hoặc chạy promokit run {campaign}",
                              fix_en=f"use one of: {known}, or run promokit run {campaign}")
    token = links.create_link(Catalog(Path(output)).ledger, campaign)
    return f"{url.rstrip('/')}/r/{token}/"
