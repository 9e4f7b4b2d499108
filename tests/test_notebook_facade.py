"""The notebooks' facade: parameters checked before any work, promokit errors shown as one line with a link."""

from __future__ import annotations

import warnings

import pytest

from promokit import notebook as nb
from promokit.errors import SpecError, UsageError
from promokit.testing import make_campaign


@pytest.fixture(scope="module")
def assets(tmp_path_factory):
    root = tmp_path_factory.mktemp("assets")
    make_campaign(root, "le-hoi", images=1, clips=0, music=False, csv=False, article=False,
                  extra_yaml={"video": {"platforms": ["tiktok", "youtube"]}})
    return root


def test_platforms_a_string_is_one_name_not_letters(assets):
    assert nb.check_platforms("tiktok", assets, "le-hoi") == ["tiktok"]
    assert nb.check_platforms("TikTok, YouTube", assets, "le-hoi") == ["tiktok", "youtube"]


def test_platforms_a_list_in_any_case(assets):
    assert nb.check_platforms(["TikTok"], assets, "le-hoi") == ["tiktok"]
    assert nb.check_platforms(["tik-tok", "YOUTUBE"], assets, "le-hoi") == ["tiktok", "youtube"]
    assert nb.check_platforms([], assets, "le-hoi") == []


def test_platform_typo_is_refused_with_a_suggestion_and_the_list(assets):
    with pytest.raises(UsageError) as e:
        nb.check_platforms(["tiktk"], assets, "le-hoi")
    msg = str(e.value)
    assert "did you mean 'tiktok'" in msg and "có phải 'tiktok'" in msg
    assert "Fix:" in msg and "youtube_shorts" in msg.split(" / ")[1]
    assert len(msg.splitlines()) == 1


def test_platform_the_campaign_does_not_list_warns_and_is_kept(assets):
    with warnings.catch_warnings(record=True) as w:
        warnings.simplefilter("always")
        assert nb.check_platforms("zalo", assets, "le-hoi") == ["zalo"]
    assert [str(x.message) for x in w if issubclass(x.category, nb.ParameterWarning)]
    assert "zalo" in str(w[0].message) and "tiktok, youtube" in str(w[0].message)
    with warnings.catch_warnings(record=True) as w:
        warnings.simplefilter("always")
        nb.check_platforms("tiktok", assets, "le-hoi")
    assert not w


def test_campaign_id_case_insensitive_and_suggested(assets):
    assert nb.check_campaign("Le-Hoi", assets) == "le-hoi"
    with pytest.raises(UsageError, match="did you mean 'le-hoi'"):
        nb.check_campaign("le-hoy", assets)


def test_other_parameters(assets):
    assert nb.check_sizes("Square") == ["square"]
    assert nb.check_sizes(["story", "A3_print"]) == ["story", "a3_print"]
    assert nb.check_formats("PDF") == ["pdf"]
    assert nb.check_page("A5") == "a5" and nb.check_page("") == ""
    assert nb.check_flag("false", "draft") is False and nb.check_flag(True, "draft") is True
    with pytest.raises(UsageError, match="did you mean 'portrait'"):
        nb.check_sizes("portait")
    with pytest.raises(UsageError):
        nb.check_flag("maybe", "draft")
    with pytest.raises(UsageError, match="string or a list"):
        nb.check_platforms(3, assets, "le-hoi")


def test_facade_exports_what_the_notebooks_import():
    import json
    import re
    from pathlib import Path

    root = Path(__file__).resolve().parents[1] / "notebooks"
    used = set()
    for f in root.glob("*.ipynb"):
        for cell in json.loads(f.read_text(encoding="utf-8"))["cells"]:
            src = "".join(cell["source"])
            assert "from promokit." not in src.replace("from promokit.notebook import", ""), f"{f.name}: {src}"
            for m in re.finditer(r"from promokit\.notebook import ([\w, ]+)", src):
                used |= {n.strip() for n in m.group(1).split(",")}
    assert used and used <= set(nb.__all__)
    for name in nb.__all__:
        assert getattr(nb, name) is not None


@pytest.fixture()
def shell(monkeypatch, tmp_path):
    from IPython.core.interactiveshell import InteractiveShell

    monkeypatch.setenv("PROMOKIT_LAB_ROOT", str(tmp_path))
    sh = InteractiveShell.instance()
    assert nb.install_error_display()
    yield sh
    InteractiveShell.clear_instance()


def test_a_promokit_error_in_a_cell_is_its_one_line_with_a_lab_link(shell, tmp_path, capsys):
    spec = tmp_path / "assets" / "campaigns" / "x" / "campaign.yml"
    shell.user_ns["err"] = SpecError.fail("số quá nhỏ (-5)", "Input should be greater than 0 (-5)", file=spec,
                                          line=7, field="video.duration", fix_vi="dùng số lớn hơn",
                                          fix_en="use a larger number")
    shell.run_cell("raise err")
    cap = capsys.readouterr()
    out = cap.out + cap.err
    lines = [ln for ln in out.splitlines() if ln.strip()]
    assert lines == ["assets/campaigns/x/campaign.yml:7 [video.duration]: số quá nhỏ (-5) — Cách sửa: dùng số lớn "
                     "hơn / Input should be greater than 0 (-5) — Fix: use a larger number"], out
    assert "Traceback" not in out
    html = nb.error_html(shell.user_ns["err"])
    assert 'href="/lab/tree/assets/campaigns/x/campaign.yml"' in html


def test_other_exceptions_keep_their_traceback(shell, capsys):
    shell.run_cell("1/0")
    cap = capsys.readouterr()
    assert "ZeroDivisionError" in cap.out + cap.err


def test_paths_in_a_notebook_error_are_all_relative_to_the_project_root(monkeypatch, tmp_path):
    monkeypatch.setenv("PROMOKIT_LAB_ROOT", str(tmp_path))
    music = tmp_path / "assets" / "campaigns" / "x" / "music" / "a.wav"
    err = SpecError.fail("không tìm thấy tệp", "file not found", file=tmp_path / "assets/campaigns/x/campaign.yml",
                         line=8, field="video.music", fix_vi=f"chép tệp vào {music}", fix_en=f"copy the file to {music}")
    (line,) = nb.error_lines(err)
    assert str(tmp_path) not in line and line.count("assets/campaigns/x/") == 3, line
