"""Notebooks are committed clean, declare their parameters, and stay thin."""

from __future__ import annotations

import json
from pathlib import Path

import papermill as pm
import pytest

NB_DIR = Path(__file__).resolve().parents[1] / "notebooks"
NAMES = ["promo_video", "infographic", "e_publication"]


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
    assert {"campaign", "assets_dir", "output_dir", "platforms", "draft"} <= set(params)
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
        nb = mk.build(name)
        committed = json.loads((NB_DIR / f"{name}.ipynb").read_text(encoding="utf-8"))
        assert [c["source"] if isinstance(c["source"], str) else "".join(c["source"]) for c in committed["cells"]] == \
            [c.source for c in nb.cells]
