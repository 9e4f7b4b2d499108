"""Jobs: which notebooks apply, and parameters that are plain and never secrets."""

from __future__ import annotations

from pathlib import Path

import pytest

from promokit.batch.jobs import check_parameters, plan_jobs
from promokit.errors import SpecError, UsageError
from promokit.spec import Campaign


def campaign(**kw) -> Campaign:
    return Campaign.model_validate({"id": "a", "title": "Tiêu đề", "theme": "le-hoi", **kw})


def test_only_applicable_notebooks():
    cs = {"a": campaign(video={"duration": 10}), "b": campaign(id="b", publication={"articles": ["articles/x.md"]})}
    jobs = plan_jobs(cs, None, assets=Path("/a"), output=Path("/o"), platforms=["tiktok"], draft=True)
    assert [(j.campaign, j.notebook) for j in jobs] == [("a", "promo_video"), ("b", "e_publication")]
    assert jobs[0].parameters == {"campaign": "a", "assets_dir": "/a", "output_dir": "/o", "draft": True,
                                  "platforms": ["tiktok"]}
    assert "platforms" not in jobs[1].parameters
    assert jobs[1].after == () and jobs[0].inputs == ("images/", "clips/")


def test_unknown_notebook_is_named():
    with pytest.raises(SpecError, match="promo_video"):
        plan_jobs({"a": campaign()}, ["video"], assets=Path("."), output=Path("."))


@pytest.mark.parametrize("params", [{"api_token": "x"}, {"password": "x"}, {"fb_key": "x"}, {"x-y": 1},
                                    {"class": 1}, {"code": object()}, {"cmd": [1, {"a": 2}]}])
def test_refused_parameters(params):
    with pytest.raises(UsageError):
        check_parameters(params)


def test_plain_parameters_pass():
    p = {"campaign": "a", "draft": False, "n": 3, "ratio": 0.5, "platforms": ["tiktok", "zalo"]}
    assert check_parameters(p) == p


def test_the_one_list_of_files_serves_check_and_the_inputs_hash(tmp_path):
    """`Campaign.inputs(section)` is what a job hashes; every file `check` validates (`paths`) is in one."""
    from promokit import testing
    from promokit.spec import load_campaign

    folder = testing.make_campaign(tmp_path, "mot", images=2, clips=0, music=True)
    c = load_campaign(folder)
    assert c.inputs("video") == ["images/", "clips/", "music/nhac-nen.wav"]  # default shots: the folders
    assert c.inputs("publication") == ["articles/01-gioi-thieu.md", "images/"]  # any picture may be shown
    assert c.inputs("radio") == []  # a section the campaign lacks reads nothing
    sections = ("video", "infographics", "publication", "radio")
    assert {p for _, p in c.paths()} <= {p for s in sections for p in c.inputs(s)}
