"""Drafts never replace finals: render every product final, then as a draft, and every final is byte-identical."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from promokit.catalog import DRAFT_DIR, is_record
from promokit.project import open_campaign
from promokit.testing import make_campaign


def _digests(root: Path) -> dict[str, str]:
    return {p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(root.rglob("*")) if p.is_file()}


@pytest.mark.slow
def test_final_then_draft_leaves_every_final_untouched(tmp_path):
    make_campaign(tmp_path / "assets", "mot", images=2, clips=0, music=True, csv=True, article=True,
                  extra_yaml={"video": {"duration": 2, "platforms": ["tiktok"]},
                              "publication": {"formats": ["html", "pdf", "epub"]}})
    ctx = open_campaign("mot", tmp_path / "assets", tmp_path / "output")
    from promokit.charts.render import render_infographics
    from promokit.publication import render_publication
    from promokit.video import VideoJob

    finals = {
        "posters": [p.path for p in render_infographics(ctx, draft=False)],
        "editions": [r.path for r in render_publication(ctx, draft=False)],
        "video": [r.video for r in VideoJob(ctx, ["tiktok"], draft=False).render()],
    }
    out = ctx.out_dir
    before = _digests(out)
    assert all(paths for paths in finals.values()), finals
    for paths in finals.values():
        assert all(DRAFT_DIR not in Path(p).relative_to(out).parts for p in paths)

    drafts = {
        "posters": [p.path for p in render_infographics(ctx, draft=True)],
        "editions": [r.path for r in render_publication(ctx, draft=True)],
        "video": [r.video for r in VideoJob(ctx, ["tiktok"], draft=True).render()],
    }
    after = _digests(out)
    # records about outputs (the manifest lists the drafts too) may change; no output may
    changed = [rel for rel, digest in before.items() if after.get(rel) != digest and not is_record(rel)]
    assert not changed, f"drafts replaced finals: {changed}"
    for kind, paths in drafts.items():
        assert paths, kind
        for p in paths:
            rel = Path(p).relative_to(out)
            assert rel.parts[1] == DRAFT_DIR, f"{kind}: draft written outside a draft/ folder: {rel}"
            assert rel.as_posix() not in before
    # the drafts are really drafts: smaller frames or a draft mark, and a final of each kind is still there
    assert len(after) > len(before)
