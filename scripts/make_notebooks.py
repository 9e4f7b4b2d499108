"""Write the product notebooks clean (no outputs). Run after editing the cell lists below.

Each notebook: a tagged `parameters` cell, then a few cells that each call one promokit function.
"""

from __future__ import annotations

import sys
from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

ROOT = Path(__file__).resolve().parents[1]

PLATFORM_NAMES = ["tiktok", "facebook_reels", "instagram_reels", "youtube_shorts", "youtube", "facebook_feed", "zalo"]
SIZE_NAMES = ["square", "portrait", "story", "landscape", "a3_print", "banner"]


def sample_ids() -> list[str]:
    """The campaign folders present when the notebooks are written (listed in the parameters cell)."""
    root = ROOT / "assets" / "campaigns"
    return sorted(p.name for p in root.iterdir() if (p / "campaign.yml").is_file()) if root.is_dir() else []


def _listing(label: str, names: list[str], width: int = 100) -> str:
    """`# label: a, b, c` wrapped into comment lines of at most `width` characters."""
    lines, line = [], f"# {label}:"
    for n in names:
        piece = f" {n},"
        if len(line) + len(piece) > width:
            lines.append(line)
            line = "#  "
        line += piece
    lines.append(line.rstrip(","))
    return "\n".join(lines)


def params_cell(name: str, campaigns: list[str]) -> str:
    head = [
        "# Tham số — sửa ở đây rồi Run All; Papermill thay các giá trị này khi chạy hàng loạt",
        "# Parameters — edit here, then Run All; Papermill replaces these in batch runs",
        'campaign = "gio-to-hung-vuong-2024"  # id chiến dịch: tên thư mục trong assets/campaigns/ / campaign id',
        _listing("có / present", campaigns),
        'assets_dir = "../assets"',
        'output_dir = "../output"',
    ]
    extra = {
        "promo_video": [
            'platforms = []  # trống / empty: mọi nền tảng trong campaign.yml / all it lists',
            '#   vd. / e.g. "tiktok" hoặc / or ["tiktok", "youtube"]',
            _listing("nền tảng / platforms", PLATFORM_NAMES),
        ],
        "infographic": [
            "infographic_ids = []  # trống / empty: mọi đồ họa / every infographic; vd. / e.g. [\"ocop-theo-xa\"]",
            "sizes = []  # trống / empty: kích thước trong campaign.yml / the sizes the spec lists",
            _listing("kích thước / sizes", SIZE_NAMES),
        ],
        "e_publication": [
            "formats = []  # trống / empty: theo campaign.yml / the spec's formats; html, pdf, epub",
            'page = ""  # trống / empty: theo campaign.yml / the spec\'s page size; a4, a5',
        ],
        "radio_bulletin": [
            "bulletin_names = []  # trống / empty: mọi bản tin trong radio/ / every bulletin; vd. / e.g. [\"sang-thu-hai\"]",
            "presets = []  # trống / empty: theo campaign.yml / the spec's; loudspeaker (loa nén), online (mạng)",
        ],
    }[name]
    draft = ["draft = True  # True: bản nháp nhanh, ghi vào …/draft/, không thay bản hoàn chỉnh / quick draft, "
             "never replaces a final",
             "#              False: bản hoàn chỉnh / the final files"]
    return "\n".join(head + extra + draft)


VALIDATE = {
    "radio_bulletin": ("from promokit.notebook import check_bulletins, check_campaign, check_flag, check_radio_presets\n\n"
                       "campaign = check_campaign(campaign, assets_dir)  # không phân biệt hoa thường / case-insensitive\n"
                       "bulletin_names = check_bulletins(bulletin_names)  # \"ten\" hoặc / or [\"ten\"]\n"
                       "presets = check_radio_presets(presets)\n"
                       "draft = check_flag(draft, \"draft\")"),
    "promo_video": ("from promokit.notebook import check_campaign, check_flag, check_platforms\n\n"
                    "campaign = check_campaign(campaign, assets_dir)  # không phân biệt hoa thường / case-insensitive\n"
                    "platforms = check_platforms(platforms, assets_dir, campaign)  # \"tiktok\" hoặc / or [\"TikTok\"]\n"
                    "draft = check_flag(draft, \"draft\")"),
    "infographic": ("from promokit.notebook import check_campaign, check_flag, check_infographics, check_sizes\n\n"
                    "campaign = check_campaign(campaign, assets_dir)  # không phân biệt hoa thường / case-insensitive\n"
                    "infographic_ids = check_infographics(infographic_ids, assets_dir, campaign)\n"
                    "sizes = check_sizes(sizes)\n"
                    "draft = check_flag(draft, \"draft\")"),
    "e_publication": ("from promokit.notebook import check_campaign, check_flag, check_formats, check_page\n\n"
                      "campaign = check_campaign(campaign, assets_dir)  # không phân biệt hoa thường / case-insensitive\n"
                      "formats = check_formats(formats)\n"
                      "page = check_page(page)\n"
                      "draft = check_flag(draft, \"draft\")"),
}

LOAD = {
    "promo_video": "from promokit.notebook import contact_sheet, open_campaign, summary\n\n",
    "infographic": "from promokit.notebook import data_tables, open_campaign, summary\n\n",
    "e_publication": "from promokit.notebook import article_table, open_campaign, summary\n\n",
    "radio_bulletin": "from promokit.notebook import open_campaign, summary\n\n",
}
DEEP = {"e_publication": ', deep=("publication",)', "radio_bulletin": ', deep=("radio",)'}


def load_call(name: str) -> str:
    return (f"ctx = open_campaign(campaign, assets_dir, output_dir{DEEP.get(name, '')})  # kiểm tra campaign.yml "
            "và mọi tệp / validates everything\nsummary(ctx)")

INTRO = {
    "promo_video": (
        "# Video quảng bá / Promo video\n\n"
        "Sổ tay này dựng video ngắn cho từng nền tảng từ thư mục chiến dịch.\n\n"
        "**Cách dùng:** sửa ô *Tham số* bên dưới (id chiến dịch, nền tảng, bản nháp), rồi chọn "
        "*Run → Run All Cells*. Ảnh, đoạn phim, nhạc và chữ được sửa trong `assets/campaigns/<id>/` "
        "và `campaign.yml` — không sửa trong sổ tay.\n\n"
        "*English:* edit the Parameters cell (campaign id, platforms, draft) and run all cells. "
        "Change pictures, clips, music and texts in the campaign folder and its `campaign.yml`, not here."
    ),
    "infographic": (
        "# Đồ họa thông tin / Infographics\n\n"
        "Sổ tay này biến bảng số liệu (CSV trong `data/`) thành áp phích theo nhận diện thương hiệu.\n\n"
        "**Cách dùng:** sửa ô *Tham số*, rồi *Run All*. Tiêu đề, nguồn, cột dữ liệu và kích thước khai báo "
        "ở mục `infographics:` của `campaign.yml`.\n\n"
        "*English:* edit Parameters and run all. Titles, sources, columns and sizes are declared under "
        "`infographics:` in `campaign.yml`."
    ),
    "e_publication": (
        "# Ấn phẩm điện tử / E-publication\n\n"
        "Sổ tay này ghép các bài viết (Markdown trong `articles/`) thành ấn phẩm HTML, PDF và EPUB.\n\n"
        "**Cách dùng:** sửa ô *Tham số*, rồi *Run All*. Danh sách bài, khổ giấy và định dạng khai báo ở mục "
        "`publication:` của `campaign.yml`.\n\n"
        "*English:* edit Parameters and run all. Articles, page size and formats are declared under "
        "`publication:` in `campaign.yml`."
    ),
    "radio_bulletin": (
        "# Bản tin phát thanh / Radio bulletin\n\n"
        "Sổ tay này biến kịch bản bản tin (`radio/<tên>.md`) và các tệp giọng đọc đã thu (`voice/`) thành bản tin "
        "cho hệ thống loa truyền thanh xã: MP3 và WAV, kèm lịch phát (PDF) để đọc trực tiếp.\n\n"
        "**Cách dùng:** sửa ô *Tham số*, rồi *Run All*. Lời đọc, tệp giọng, nhạc nền và nhạc hiệu sửa trong kịch bản; "
        "khung giờ và các xã ở mục `radio:` của `campaign.yml`. Mục nào chưa có tệp giọng đọc sẽ dùng giọng máy "
        "đọc thử (tên tệp có `-guide`): hãy thu âm trước khi phát.\n\n"
        "*English:* edit Parameters and run all. Texts, voice files, bed and jingles live in the script; slots and "
        "communes under `radio:` in `campaign.yml`. A segment without a recording gets a synthetic guide voice "
        "(file name ends in `-guide`): record it before broadcast."
    ),
}

FIRST_LOOK = {
    "promo_video": [
        ("## Ảnh và đoạn phim / Pictures and clips\n\nMọi ảnh và đoạn phim theo thứ tự dựng, kèm kích thước, "
         "thời lượng, tốc độ khung hình, góc xoay. Ảnh dọc/ngang đều dùng được.\n\n"
         "*Every picture and clip in cut order with its size, length, frame rate and rotation.*",
         "contact_sheet(ctx)"),
        ("## Kịch bản dựng / Storyboard\n\nTừng cảnh với thời điểm bắt đầu–kết thúc (giây) trên khung của nền tảng "
         "đầu tiên (vẽ nhỏ cho nhanh). Thứ tự cảnh sửa ở `video.shots`, thời lượng ở `video.duration`.\n\n"
         "*Each shot with its start–end times; change the order in `video.shots`, the length in `video.duration`.*",
         "from promokit.notebook import VideoJob\n\n"
         "job = VideoJob(ctx, platforms, draft=draft)  # đọc tệp một lần / reads the files once\n"
         "job.storyboard()"),
        ("## Xem trước một khung hình / Preview one frame\n\nKhung hình đầy đủ độ phân giải tại giây thứ 2 (đổi số "
         "giây để xem chỗ khác).\n\n*A full-resolution frame at 2 s; change the time to look elsewhere.*",
         "job.preview(2.0)"),
        ("## Dựng video / Render\n\n`draft = True`: bản nháp nhỏ, nhanh (trong `video/draft/`); `draft = False`: "
         "bản hoàn chỉnh cho từng nền tảng, kèm phụ đề SRT/VTT và ảnh bìa.\n\n"
         "*Draft: small and fast; final: every platform, with SRT/VTT sidecars and a cover.*",
         "from promokit.notebook import show_videos\n\n"
         "results = job.render()\n"
         "show_videos([(r.video, r.cover, r.platform) for r in results])"),
        ("## Kiểm tra theo nền tảng / Conformance\n\nMỗi tệp được đo lại (mã hóa, kích thước, khung hình/giây, "
         "âm thanh, dung lượng) và so với yêu cầu của nền tảng. Dòng đỏ là chưa đạt.\n\n"
         "*Each file is probed and checked against its platform's preset; red rows failed.*",
         "from promokit.notebook import checks_table\n\n"
         "checks_table([(r.video.name, r.checks) for r in results])"),
        ("## Tệp đã ghi / Files written\n\nBấm tên tệp để mở. / *Click a name to open the file.*",
         "from promokit.notebook import files_table\n\n"
         "files_table([f for r in results for f in (r.video, r.srt, r.vtt, r.cover) if f is not None], ctx.output)"),
    ],
    "infographic": [
        ("## Bảng số liệu / Data tables\n\nSố liệu đọc từ CSV, đã kiểm tra cột `x`, `y` và dấu thập phân.\n\n"
         "*The tables as read, with the declared columns and decimal separator checked.*",
         "data_tables(ctx)"),
        ("## Áp phích / Posters\n\nMỗi đồ họa ở mọi kích thước khai báo; chữ dưới ảnh là mô tả thay thế (alt) "
         "dùng cho web và EPUB. Bản nháp (`draft = True`) ghi chữ NHÁP trên đầu.\n\n"
         "*Each infographic at every declared size; the text under each is its generated alt text.*",
         "from promokit.notebook import render_infographics, show_posters\n\n"
         "posters = render_infographics(ctx, ids=infographic_ids, sizes=sizes, draft=draft)\n"
         "show_posters(posters)"),
        ("## Tệp đã ghi / Files written\n\nBấm tên tệp để mở. / *Click a name to open the file.*",
         "from promokit.notebook import files_table\n\nfiles_table([p.path for p in posters], ctx.output)"),
    ],
    "e_publication": [
        ("## Danh sách bài viết / Articles\n\nCác bài theo thứ tự trong ấn phẩm, kèm số từ và số ảnh.\n\n"
         "*The articles in order, with word and picture counts.*",
         "article_table(ctx)"),
        ("## Dựng ấn phẩm / Render the editions\n\nHTML (một tệp), PDF (WeasyPrint) và EPUB 3; EPUB được kiểm "
         "bằng EPUBCheck. Ảnh trong bài: `![mô tả](../images/anh.jpg \"Chú thích\")`; đồ họa đã dựng: "
         "`![](infographic:<id>)`; ảnh bìa video: `![mô tả](video-cover:youtube)`.\n\n"
         "*HTML, PDF and EPUB 3 from the same articles; the EPUB is validated with EPUBCheck.*",
         "from promokit.notebook import files_written, render_publication\n\n"
         "editions = {r.format: r for r in render_publication(ctx, formats=formats or None, page=page or None, "
         "draft=draft)}\nfiles_written(list(editions.values()))"),
        ("## Xem trước HTML / HTML preview",
         "from promokit.notebook import html_preview\n\n"
         "html_preview(editions[\"html\"]) if \"html\" in editions else None"),
        ("## Trang PDF đầu / First PDF pages\n\nBấm tên tệp để mở cả bản PDF. / *Click the name to open the PDF.*",
         "from promokit.notebook import show_pdf_pages\n\n"
         "show_pdf_pages(editions[\"pdf\"], n=2) if \"pdf\" in editions else None"),
        ("## Kiểm tra EPUB / EPUBCheck verdict", "editions[\"epub\"].verdict if \"epub\" in editions else None"),
    ],
    "radio_bulletin": [
        ("## Kịch bản và lời đọc / Script and text for the ear\n\nMỗi mục: lời viết, và bên cạnh là lời đọc (số, "
         "ngày, giờ, số điện thoại, chữ viết tắt được đọc thành chữ). Dòng đỏ là chỗ chưa đọc được — để nguyên; "
         "thêm chữ viết tắt vào `assets/brand/radio-abbreviations.yml`.\n\n"
         "*Each segment's written text with its spoken form beside it; red lines are forms left as written.*",
         "from promokit.notebook import load_bulletins, script_table\n\n"
         "bulletins = load_bulletins(ctx, bulletin_names)\n"
         "script_table(bulletins)"),
        ("## Thời lượng đọc / Reading times\n\nƯớc tính ở tốc độ đọc đã khai báo (âm tiết/phút), so với khung giờ.\n\n"
         "*At the stated speaking rate (syllables/min), against the slot.*",
         "from promokit.notebook import reading_times\n\nreading_times(bulletins)"),
        ("## Trộn bản tin / Mix\n\nLọc dải 200 Hz – 5 kHz và nén cho loa nén (`loudspeaker`), hoặc −16 LUFS cho "
         "mạng (`online`); nhạc nền tự nhỏ xuống khi có lời; đỉnh thật ≤ −1 dBTP.\n\n"
         "*Band-passed and compressed for horns, or −16 LUFS online; the bed ducks under speech.*",
         "from promokit.notebook import players, render_bulletins\n\n"
         "results = render_bulletins(ctx, bulletins, presets or None, draft=draft)\n"
         "players([r.mp3 for r in results])"),
        ("## Kiểm tra / Checks\n\nĐộ dài so với kịch bản và khung giờ, độ lớn, đỉnh thật, dải tần; cảnh báo.\n\n"
         "*Length against the script and slot, loudness, true peak, band limits; warnings.*",
         "from promokit.notebook import bulletin_checks\n\nbulletin_checks(results)"),
        ("## Lịch phát / Run sheets\n\nMột trang PDF cho mỗi ngày phát (không ghi với bản nháp).\n\n"
         "*One PDF per broadcast day (not for drafts).*",
         "from promokit.notebook import files_table, write_run_sheets\n\n"
         "sheets = write_run_sheets(ctx, bulletins, results, draft=draft)\n"
         "files_table([f for r in results for f in (r.wav, r.mp3)] + sheets, ctx.output)"),
    ],
}


def build(name: str, campaigns: list[str] | None = None) -> nbformat.NotebookNode:
    ids = sample_ids() if campaigns is None else campaigns
    params = new_code_cell(params_cell(name, ids), metadata={"tags": ["parameters"]})
    cells = [new_markdown_cell(INTRO[name]), params,
             new_markdown_cell("## Kiểm tra tham số / Check the parameters\n\nTên không phân biệt hoa thường; "
                               "tên sai được gợi ý tên đúng. / *Names are case-insensitive; a misspelt name gets "
                               "a suggestion.*"),
             new_code_cell(VALIDATE[name]),
             new_markdown_cell("## Kiểm tra chiến dịch / Load and validate\n\nMọi lỗi được báo cùng lúc, mỗi lỗi "
                               "một dòng ghi rõ tệp (bấm để mở), trường và cách sửa. / *Every problem at once, one "
                               "line each, naming the file (click to open), the field and the fix.*"),
             new_code_cell(LOAD[name] + load_call(name))]
    for md, code in FIRST_LOOK[name]:
        cells += [new_markdown_cell(md), new_code_cell(code)]
    nb = new_notebook(cells=cells)
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3 (ipykernel)", "language": "python"}
    nb.metadata["language_info"] = {"name": "python"}
    return nb


REPORT_INTRO = (
    "# Báo cáo kết quả / Results report\n\n"
    "Báo cáo theo kỳ (tuần, tháng, năm, hoặc từ ngày đến ngày) theo nội dung tập trung truyền thông (mục II Kế hoạch) "
    "và theo kênh; ghi ra `output/reports/` dạng HTML, PDF và DOCX (thể thức Nghị định 30/2020/NĐ-CP).\n\n"
    "**Cách dùng:** điền một loại kỳ ở ô tham số rồi Run All. Một báo cáo là theo kỳ, không theo chiến dịch, nên sổ "
    "tay này không chạy trong lô `promokit run`; dòng lệnh tương đương: `promokit report --week`.\n\n"
    "*English: fill in one kind of period in the parameters cell, then Run All. A report is per period, not per "
    "campaign, so this notebook is not part of the `promokit run` batch; the same from the command line: "
    "`promokit report --week`.*")
REPORT_PARAMS = "\n".join([
    "# Tham số — điền MỘT loại kỳ; để trống cả năm: tuần trước / Parameters — fill in ONE kind; none: last week",
    'week = None  # vd. / e.g. "2024-W16"; "" = tuần trước / last week',
    'month = None  # vd. / e.g. "2024-04"; "" = tháng trước / last month',
    'year = None  # vd. / e.g. 2024 (năm kế hoạch / the plan year)',
    'date_from = None  # vd. / e.g. "1/4/2024" (cùng / with date_to)',
    'date_to = None  # vd. / e.g. "30/4/2024"',
    'formats = ["html", "pdf", "docx"]',
    'assets_dir = "../assets"',
    'output_dir = "../output"'])
REPORT_CELLS = [
    ("## Dựng báo cáo / Build the report\n\nSố liệu lấy từ sổ cái `output/promokit.sqlite`, các manifest và "
     "`campaign.yml`. / *Figures come from the ledger, the manifests and each campaign.yml.*",
     "from pathlib import Path\n\nfrom promokit.notebook import make_report, pick_period, show_report\n\n"
     "period = pick_period(week_=week, month_=month, year_=year, date_from=date_from, date_to=date_to)\n"
     "result = make_report(Path(output_dir), period, assets=Path(assets_dir), formats=tuple(formats))\n"
     "show_report(result)"),
]


def build_report_notebook() -> nbformat.NotebookNode:
    """notebooks/campaign_report.ipynb: per period, outside the per-campaign batch."""
    cells = [new_markdown_cell(REPORT_INTRO), new_code_cell(REPORT_PARAMS, metadata={"tags": ["parameters"]})]
    for md, code in REPORT_CELLS:
        cells += [new_markdown_cell(md), new_code_cell(code)]
    nb = new_notebook(cells=cells)
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3 (ipykernel)", "language": "python"}
    nb.metadata["language_info"] = {"name": "python"}
    return nb


def main() -> int:
    report = build_report_notebook()
    for i, cell in enumerate(report.cells):
        cell["id"] = f"report-{i}"
    nbformat.write(report, str(ROOT / "notebooks" / "campaign_report.ipynb"))
    for name in INTRO:
        path = ROOT / "notebooks" / f"{name}.ipynb"
        nb = build(name)
        for i, cell in enumerate(nb.cells):
            cell["id"] = f"{name[:8]}-{i}"
        nbformat.write(nb, str(path))
        print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
