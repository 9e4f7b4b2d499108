"""Notebooks are committed clean, declare their parameters, and stay thin."""

from __future__ import annotations

import json
import re
from pathlib import Path

import papermill as pm
import pytest

NB_DIR = Path(__file__).resolve().parents[1] / "notebooks"
NAMES = ["promo_video", "infographic", "e_publication", "radio_bulletin"]
USES = {"promo_video": {"platforms"}, "infographic": {"infographic_ids", "sizes"}, "e_publication": {"formats", "page"},
        "radio_bulletin": {"bulletin_names", "presets"}}


@pytest.mark.parametrize("name", NAMES)
def test_committed_clean_with_parameters(name):
    nb = json.loads((NB_DIR / f"{name}.ipynb").read_text(encoding="utf-8"))
    code = [c for c in nb["cells"] if c["cell_type"] == "code"]
    for c in code:
        assert not c.get("outputs"), f"{name}: a cell has stored outputs"
        assert c.get("execution_count") is None, f"{name}: a cell has an execution count"
    tagged = [c for c in nb["cells"] if "parameters" in c.get("metadata", {}).get("tags", [])]
    assert len(tagged) == 1 and tagged[0] is code[0], "the first code cell must be the one tagged 'parameters'"
    params = pm.inspect_notebook(str(NB_DIR / f"{name}.ipynb"))
    assert set(params) == {"campaign", "assets_dir", "output_dir", "draft"} | USES[name]
    # every parameter is used after the parameters cell; the parameters cell lists what is valid
    later = "\n".join("".join(c["source"]) for c in code[1:])
    assert all(p in later for p in params), f"{name}: a parameter no cell uses"
    first = "".join(code[0]["source"])
    assert "gio-to-hung-vuong-2024" in first and "ocop-gia-tri-xanh" in first
    if "platforms" in params:
        assert "youtube_shorts" in first and "instagram_reels" in first
    # the first cell after the parameters checks each of them before any work
    check = "".join(code[1]["source"])
    assert all(f"{p} = " in check for p in params if p not in {"assets_dir", "output_dir"}), check
    assert "open_campaign" not in check
    # thin: each code cell after the parameters is short (one promokit call and a display)
    for c in code[1:]:
        src = "".join(c["source"])
        assert len([ln for ln in src.splitlines() if ln.strip() and not ln.startswith(("#", "from", "import"))]) <= 6
    md = "".join("".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "markdown")
    assert "Cách dùng" in md and "English" in md


def test_make_notebooks_reproduces_the_committed_files(tmp_path, monkeypatch):
    import importlib.util

    spec = importlib.util.spec_from_file_location("mk", NB_DIR.parent / "scripts" / "make_notebooks.py")
    mk = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mk)
    for name in NAMES:
        committed_params = json.loads((NB_DIR / f"{name}.ipynb").read_text(encoding="utf-8"))["cells"][1]["source"]
        listed = re.search(r"# có / present:(.*?)\nassets_dir", "".join(committed_params), re.S).group(1)
        nb = mk.build(name, campaigns=[i.strip() for i in listed.replace("#", "").split(",")])
        committed = json.loads((NB_DIR / f"{name}.ipynb").read_text(encoding="utf-8"))
        assert [c["source"] if isinstance(c["source"], str) else "".join(c["source"]) for c in committed["cells"]] == \
            [c.source for c in nb.cells]


@pytest.mark.slow
def test_a_promokit_error_in_a_kernel_is_one_line_and_fails_the_cell(tmp_path):
    import nbformat
    from nbformat.v4 import new_code_cell, new_notebook

    nb = new_notebook(cells=[
        new_code_cell("import promokit.notebook\nfrom promokit.errors import SpecError"),
        new_code_cell("raise SpecError.fail('thiếu tiêu đề', 'title missing', file='campaign.yml', line=3, "
                      "field='title', fix_vi='thêm title', fix_en='add title')"),
    ])
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    src, out = tmp_path / "e.ipynb", tmp_path / "out.ipynb"
    nbformat.write(nb, str(src))
    with pytest.raises(pm.PapermillExecutionError) as e:
        pm.execute_notebook(str(src), str(out), cwd=str(tmp_path), progress_bar=False, kernel_name="python3")
    assert e.value.ename == "SpecError" and "title missing" in e.value.evalue
    cell = next(c for c in nbformat.read(str(out), as_version=4).cells if "raise SpecError" in c.source)
    errors = [o for o in cell.outputs if o.output_type == "error"]
    assert len(errors) == 1 and len(errors[0].traceback) == 1
    assert errors[0].traceback[0].startswith("campaign.yml:3 [title]: thiếu tiêu đề — Cách sửa: thêm title / title missing")
    assert "Traceback" not in errors[0].traceback[0]
    html = [o for o in cell.outputs if o.output_type == "display_data"]
    assert html and 'href="/lab/tree/campaign.yml"' in html[0].data["text/html"]
    assert "title missing" not in html[0].data["text/html"]  # the message is shown once, as the error
