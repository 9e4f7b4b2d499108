"""The house: every output path is built in the catalog alone; the checks suffix and output names are
defined once; no file in lib/ grows past 600 lines; products take the one campaign context; the README's tour
names every module."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

LIB = Path(__file__).resolve().parent.parent / "lib" / "promokit"
CATALOG = LIB / "catalog.py"
#: Names only the catalog may spell: sidecars, records and the output folder's own files.
OUTPUT_NAMES = (".checks.json", "-cover.jpg", "manifest.json", ".failed.ipynb", "promokit.sqlite", "index.html")
#: Folders of a campaign's output (DESIGN §3): joined with `/` they build an output path.
OUTPUT_DIRS = {"video", "infographics", "publication", "posts", "radio", "notebooks", "draft", "reports"}
#: How an output file name ends: an f-string ending so builds one.
OUTPUT_EXTS = (".mp4", ".srt", ".vtt", ".png", ".pdf", ".epub", ".html", ".mp3", ".ipynb", ".docx")
#: Input paths that share a name with an output folder: (file, line's text), each with why it is not an output.
INPUTS = {
    ("runner.py", "notebooks"): "the project's notebook sources",
    ("runner.py", ".ipynb"): "the notebook source a job executes",
    ("lab.py", "notebooks"): "JupyterLab's root is the folder holding notebooks/",
    ("api.py", "radio"): "a campaign's radio/ scripts (input)",
    ("testing.py", ".mp4"): "tiny input clips of a test campaign",
}


def _docstrings(tree: ast.AST) -> set[int]:
    ids = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef) and node.body:
            first = node.body[0]
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant):
                ids.add(id(first.value))
    return ids


def offences(path: Path) -> list[str]:
    """Places in `path` that spell an output name or build an output path (docstrings aside)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    docs = _docstrings(tree)
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docs:
            # a path-like string (a message that mentions a file name is fine)
            if " " not in node.value and any(node.value.endswith(name) for name in OUTPUT_NAMES):
                found.append(f"{path.name}:{node.lineno} spells {node.value!r}")
        elif isinstance(node, ast.BinOp) and isinstance(node.op, ast.Div) and isinstance(node.right, ast.Constant) \
                and node.right.value in OUTPUT_DIRS and (path.name, node.right.value) not in INPUTS:
            found.append(f"{path.name}:{node.lineno} joins / {node.right.value!r}")
        elif isinstance(node, ast.JoinedStr) and node.values and isinstance(node.values[-1], ast.Constant) \
                and str(node.values[-1].value).endswith(OUTPUT_EXTS):
            end = str(node.values[-1].value)
            if not any((path.name, e) in INPUTS for e in OUTPUT_EXTS if end.endswith(e)):
                found.append(f"{path.name}:{node.lineno} names a file ending {end!r}")
    return found


def test_the_guard_sees_what_it_guards(tmp_path: Path) -> None:
    bad = tmp_path / "bad.py"
    bad.write_text('"""x.checks.json in a docstring is fine."""\n'
                   'a = out / "video" / f"{p}.mp4"\nb = p.name + ".checks.json"\n', encoding="utf-8")
    assert len(offences(bad)) == 3


def test_every_output_path_is_built_in_the_catalog_alone() -> None:
    found = [o for p in sorted(LIB.rglob("*.py")) if p != CATALOG for o in offences(p)]
    assert not found, "build output paths with promokit.catalog:\n" + "\n".join(found)


@pytest.mark.parametrize("path", sorted(LIB.rglob("*.py")), ids=lambda p: str(p.relative_to(LIB)))
def test_no_file_in_lib_is_over_600_lines(path: Path) -> None:
    assert len(path.read_text(encoding="utf-8").splitlines()) <= 600



#: A campaign's folder and the models read from it: together they are an opened campaign (`CampaignContext`).
FOLDERS = {"campaign_dir", "campaign_folder", "folder"}
MODELS = {"campaign", "brand", "brand_dir"}
#: Where the context is made: the spec and its files are checked before there is one to pass.
MAKERS = {"project.py", "checks.py"}  # project.check_campaign, assets.checks.check_campaign_files


def loose_signatures(path: Path) -> list[str]:
    """Functions in `path` that take a campaign as loose pieces (its folder beside its spec or brand) rather
    than the one `CampaignContext`."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            names = {a.arg for a in node.args.posonlyargs + node.args.args + node.args.kwonlyargs}
            if names & FOLDERS and names & MODELS:
                found.append(f"{path.name}:{node.lineno} {node.name}({', '.join(sorted(names & (FOLDERS | MODELS)))})")
    return found


def test_the_loose_argument_guard_sees_them(tmp_path: Path) -> None:
    bad = tmp_path / "bad.py"
    bad.write_text("def a(campaign, brand, campaign_dir, brand_dir): ...\ndef b(folder, brand_dir=None): ...\n"
                   "def ok(ctx, name, brand_dir=None): ...\ndef pure(campaign, brand, preset): ...\n", encoding="utf-8")
    assert [o.split()[1].split("(")[0] for o in loose_signatures(bad)] == ["a", "b"]


def test_products_take_the_campaign_context_not_loose_pieces() -> None:
    found = [o for p in sorted(LIB.rglob("*.py")) if p.name not in MAKERS for o in loose_signatures(p)]
    assert not found, "take the one CampaignContext (ctx) instead:\n" + "\n".join(found)


def _tour() -> str:
    """The README's tour of lib/promokit/ (the code block after "Inside `lib/promokit/`")."""
    readme = (LIB.parent.parent / "README.md").read_text(encoding="utf-8")
    start = readme.index("```", readme.index("Inside `lib/promokit/`"))
    return readme[start + 3:readme.index("```", start + 3)]


def test_the_readme_tour_names_every_room_and_module() -> None:
    """Every module and package of lib/promokit, and every module of its packages, is named in the tour."""
    tour = _tour()
    words = set(re.findall(r"[\w.]+", tour.replace("/", " ")))
    missing = []
    for p in sorted(LIB.rglob("*.py")):
        rel = p.relative_to(LIB)
        if p.name == "__init__.py" or "__pycache__" in rel.parts or len(rel.parts) > 2:
            continue  # kinds/, publishers/, readers/: one module per entry, named by their package
        if p.stem.lstrip("_") not in words and p.name not in words:
            missing.append(str(rel))
    missing += [d.name + "/" for d in LIB.iterdir() if d.is_dir() and (d / "__init__.py").is_file()
                and d.name not in words]
    assert not missing, "name these in the README's tour:\n" + "\n".join(missing)
