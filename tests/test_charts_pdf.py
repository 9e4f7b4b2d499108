"""Print posters without OCR: page size with bleed and trim boxes, embedded TrueType fonts, and text that
extracts as the NFC words of the spec (a small PDF reader below: zlib streams + ToUnicode CMaps)."""

from __future__ import annotations

import re
import unicodedata
import zlib
from pathlib import Path

import pytest

from promokit import testing
from promokit.charts.render import render_infographics, set_page_boxes

MM = 72 / 25.4


# -- a minimal reader for matplotlib's PDFs -------------------------------------------------------

def objects(pdf: bytes) -> dict[int, tuple[bytes, bytes | None]]:
    """obj number -> (dictionary text, decoded stream or None)."""
    out = {}
    for m in re.finditer(rb"(\d+) 0 obj\s*(.*?)endobj", pdf, re.S):
        body = m.group(2)
        s = re.search(rb"stream\r?\n(.*)\r?\nendstream", body, re.S)
        head, stream = (body[:s.start()], s.group(1)) if s else (body, None)
        if stream is not None and b"/FlateDecode" in head:
            stream = zlib.decompress(stream)
        out[int(m.group(1))] = (head, stream)
    return out


def _cmap(text: bytes) -> dict[int, str]:
    m: dict[int, str] = {}
    for block in re.findall(rb"beginbfrange(.*?)endbfrange", text, re.S):
        for a, b, rest in re.findall(rb"<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]+)>\s*(\[[^\]]*\]|<[0-9a-fA-F]+>)", block):
            lo, hi = int(a, 16), int(b, 16)
            if rest.startswith(b"["):
                for i, dst in enumerate(re.findall(rb"<([0-9a-fA-F]+)>", rest)):
                    m[lo + i] = bytes.fromhex(dst.decode()).decode("utf-16-be")
            else:
                base = int(rest[1:-1], 16)
                for i in range(hi - lo + 1):
                    m[lo + i] = chr(base + i)
    for block in re.findall(rb"beginbfchar(.*?)endbfchar", text, re.S):
        for a, dst in re.findall(rb"<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]+)>", block):
            m[int(a, 16)] = bytes.fromhex(dst.decode()).decode("utf-16-be")
    return m


def _literal(s: bytes) -> bytes:
    out, i = bytearray(), 0
    esc = {ord("n"): 10, ord("r"): 13, ord("t"): 9, ord("b"): 8, ord("f"): 12}
    while i < len(s):
        c = s[i]
        if c == 0x5C:  # backslash
            n = s[i + 1]
            if n in esc:
                out.append(esc[n])
                i += 2
            elif 0x30 <= n <= 0x37:
                j = i + 1
                while j < min(i + 4, len(s)) and 0x30 <= s[j] <= 0x37:
                    j += 1
                out.append(int(s[i + 1:j], 8) & 0xFF)
                i = j
            else:
                out.append(n)
                i += 2
        else:
            out.append(c)
            i += 1
    return bytes(out)


def extract_text(pdf: bytes) -> list[str]:
    """The text of each BT…ET block, decoded through the fonts' ToUnicode CMaps."""
    objs = objects(pdf)
    fonts: dict[bytes, dict[int, str]] = {}
    res = next(h for h, _ in objs.values() if b"/Font" in h and b"/ProcSet" in h)
    font_dict = objs[int(re.search(rb"/Font (\d+) 0 R", res).group(1))][0]
    for name, num in re.findall(rb"/(F\d+) (\d+) 0 R", font_dict):
        head = objs[int(num)][0]
        tu = re.search(rb"/ToUnicode (\d+) 0 R", head)
        assert tu, f"font {name!r} has no ToUnicode map: its text would not extract"
        fonts[name] = _cmap(objs[int(tu.group(1))][1] or b"")
    page = next(h for h, _ in objs.values() if b"/Type /Page " in h or b"/Type /Page\n" in h)
    content = objs[int(re.search(rb"/Contents (\d+) 0 R", page).group(1))][1] or b""
    blocks = []
    for bt in re.findall(rb"\bBT\b(.*?)\bET\b", content, re.S):
        text, font = [], None
        for tok in re.finditer(rb"/(F\d+) [\d.]+ Tf|\((?:\\.|[^\\)])*\)", bt, re.S):
            if tok.group(1):
                font = tok.group(1)
                continue
            raw = _literal(tok.group(0)[1:-1])
            cmap = fonts[font]
            text += [cmap.get(int.from_bytes(raw[k:k + 2], "big"), "\ufffd") for k in range(0, len(raw), 2)]
        blocks.append("".join(text))
    return blocks


def box(pdf: bytes, name: str) -> list[float]:
    m = re.search(rb"/" + name.encode() + rb" \[([^\]]*)\]", pdf)
    assert m, f"no /{name}"
    return [float(v) for v in m.group(1).split()]


# -- the tests ------------------------------------------------------------------------------------

TITLE = "Sản phẩm OCOP: giá $5–$10 mỗi hộp – Mỹ An Hưng, Kỹ thuật số"


def print_campaign(tmp: Path, **extra) -> Path:
    g = {"id": "ocop", "kind": "bar", "data": "data/ocop.csv", "x": "xa", "y": "gia",
         "title": unicodedata.normalize("NFD", TITLE), "source": "Nguồn: $1 = 25.000 đồng",
         "takeaway": "Giá ổn định.", "unit": "$", "sizes": ["a3_print", "banner"], **extra}
    folder = testing.make_campaign(tmp, "c", images=0, clips=0, music=False, article=False, csv=False,
                                   extra_yaml={"infographics": [g]})
    testing.make_csv(folder / "data" / "ocop.csv", ["xa", "gia"],
                     [[unicodedata.normalize("NFD", "Mỹ An Hưng A"), 10], ["Hộp $A$", 5], ["Định Yên", 7]])
    return folder


@pytest.fixture(scope="module")
def pdfs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, bytes]:
    tmp = tmp_path_factory.mktemp("print")
    folder = print_campaign(tmp, banner_mm=[6000, 2000])
    results = render_infographics(testing.opened(folder))
    assert [r.path.name for r in results] == ["ocop-a3_print.pdf", "ocop-banner.pdf"]
    assert results[0].unit == "mm" and (results[0].width, results[0].height) == (297, 420)
    assert (results[1].width, results[1].height) == (6000, 2000)
    return {r.size: r.path.read_bytes() for r in results}


def test_a3_page_has_bleed_and_trim_boxes(pdfs: dict[str, bytes]) -> None:
    pdf = pdfs["a3_print"]
    w, h = 303 * MM, 426 * MM  # 297 x 420 mm + 3 mm bleed each side
    assert box(pdf, "MediaBox") == pytest.approx([0, 0, w, h], abs=0.01)
    assert box(pdf, "BleedBox") == pytest.approx([0, 0, w, h], abs=0.01)
    assert box(pdf, "TrimBox") == pytest.approx([3 * MM, 3 * MM, w - 3 * MM, h - 3 * MM], abs=0.01)
    assert pdf.rstrip().endswith(b"%%EOF")


def test_banner_size_comes_from_the_spec(pdfs: dict[str, bytes]) -> None:
    pdf = pdfs["banner"]
    # 6 m is over the 200 in page limit of PDF viewers: drawn at 1/2 scale with /UserUnit 2
    assert re.search(rb"/UserUnit 2\b", pdf)
    w, h = box(pdf, "MediaBox")[2:]
    assert (w * 2 / MM, h * 2 / MM) == pytest.approx((6006, 2006), abs=0.05)
    assert box(pdf, "TrimBox")[2] * 2 / MM == pytest.approx(6003, abs=0.05)


def test_xref_offsets_point_at_objects_after_the_boxes_are_added(pdfs: dict[str, bytes]) -> None:
    for pdf in pdfs.values():
        start = int(re.search(rb"startxref\s+(\d+)", pdf).group(1))
        assert pdf[start:start + 4] == b"xref"
        n = int(re.match(rb"xref\s+0 (\d+)\s+", pdf[start:]).group(1))
        table = re.match(rb"xref\s+0 \d+\s+", pdf[start:]).end() + start
        for i in range(1, n):
            off = int(pdf[table + 20 * i:table + 20 * i + 10])
            assert re.match(rb"%d 0 obj" % i, pdf[off:off + 12]), i


def test_fonts_are_embedded_truetype_subsets(pdfs: dict[str, bytes]) -> None:
    for pdf in pdfs.values():
        objs = objects(pdf)
        fonts = [h for h, _ in objs.values() if b"/Type /Font" in h]
        assert fonts
        for h in fonts:
            assert b"/Subtype /Type3" not in h and b"/Subtype /Type1" not in h
        descriptors = [h for h, _ in objs.values() if b"/Type /FontDescriptor" in h]
        assert descriptors and all(b"/FontFile2" in h for h in descriptors)
        assert all(re.search(rb"/FontName /[A-Z]{6}\+NotoSans", h) for h in descriptors)


def test_text_extracts_as_nfc_with_dollars(pdfs: dict[str, bytes]) -> None:
    for pdf in pdfs.values():
        blocks = extract_text(pdf)
        joined = " ".join(blocks)
        assert all(unicodedata.is_normalized("NFC", b) for b in blocks)
        assert "\ufffd" not in joined
        assert TITLE in joined  # wrapped lines join back with spaces; "$" stayed a dollar
        assert "Mỹ An Hưng A" in blocks  # NFD in the CSV, NFC on the page
        assert "Hộp $A$" in blocks and "Nguồn: $1 = 25.000 đồng" in blocks
        assert "Số liệu minh họa" in blocks
        assert "Đơn vị: $" in blocks
        assert pdf.count(b"/Subject") == 1 and b"promokit" in pdf


def test_set_page_boxes_refuses_a_pdf_without_a_page() -> None:
    with pytest.raises(RuntimeError):
        set_page_boxes(b"%PDF-1.4\n%%EOF", trim=(0, 0, 1, 1), bleed=(0, 0, 1, 1))
