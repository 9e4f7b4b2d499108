"""Write the product notebooks clean (no outputs). Run after editing the cell lists below.

Each notebook: a tagged `parameters` cell, then a few cells that each call one promokit function.
"""

from __future__ import annotations

import sys
from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

ROOT = Path(__file__).resolve().parents[1]

EXTRA_PARAMS = {
    "promo_video": "",
    "infographic": ('\ninfographic_ids = []  # để trống: mọi đồ họa / empty: every infographic'
                    '\nsizes = []  # để trống: kích thước trong campaign.yml / empty: the sizes the spec lists'),
    "e_publication": ('\nformats = []  # để trống: theo campaign.yml / empty: the formats the spec lists'
                      '\npage = ""  # a4 | a5; để trống: theo campaign.yml / empty: the spec\'s page size'),
    "radio_bulletin": ('\nbulletin_names = []  # để trống: mọi bản tin / empty: every bulletin'
                       '\npresets = []  # loudspeaker | online; để trống: theo campaign.yml / empty: the spec\'s'),
}

PARAMS = '''# Tham số — Papermill thay các giá trị này khi chạy hàng loạt / Papermill replaces these in batch runs
campaign = "gio-to-hung-vuong-2024"  # id chiến dịch: tên thư mục trong assets/campaigns/
assets_dir = "../assets"
output_dir = "../output"
platforms = []  # để trống: mọi nền tảng trong campaign.yml / empty: all the campaign lists
draft = True  # True: bản nháp nhanh / quick draft'''

LOAD = '''from IPython.display import display

from promokit.overview import (article_list, checks_table, contact_sheet, data_tables, files_table, show_outputs,
                               show_videos, summary)
from promokit.project import open_campaign

ctx = open_campaign(campaign, assets_dir, output_dir)  # kiểm tra campaign.yml và mọi tệp / validates everything
summary(ctx)'''

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
         "from promokit.video import VideoJob\n\n"
         "job = VideoJob(ctx, platforms, draft=draft)  # đọc tệp một lần / reads the files once\n"
         "job.storyboard()"),
        ("## Xem trước một khung hình / Preview one frame\n\nKhung hình đầy đủ độ phân giải tại giây thứ 2 (đổi số "
         "giây để xem chỗ khác).\n\n*A full-resolution frame at 2 s; change the time to look elsewhere.*",
         "job.preview(2.0)"),
        ("## Dựng video / Render\n\n`draft = True`: bản nháp nhỏ, nhanh (trong `video/draft/`); `draft = False`: "
         "bản hoàn chỉnh cho từng nền tảng, kèm phụ đề SRT/VTT và ảnh bìa.\n\n"
         "*Draft: small and fast; final: every platform, with SRT/VTT sidecars and a cover.*",
         "results = job.render()\n"
         "show_videos([(r.video, r.cover, r.platform) for r in results])"),
        ("## Kiểm tra theo nền tảng / Conformance\n\nMỗi tệp được đo lại (mã hóa, kích thước, khung hình/giây, "
         "âm thanh, dung lượng) và so với yêu cầu của nền tảng. Dòng đỏ là chưa đạt.\n\n"
         "*Each file is probed and checked against its platform's preset; red rows failed.*",
         "checks_table([(r.video.name, r.checks) for r in results])"),
        ("## Tệp đã ghi / Files written",
         "files_table([f for r in results for f in (r.video, r.srt, r.vtt, r.cover)], ctx.output)"),
    ],
    "infographic": [
        ("## Bảng số liệu / Data tables\n\nSố liệu đọc từ CSV, đã kiểm tra cột `x`, `y` và dấu thập phân.\n\n"
         "*The tables as read, with the declared columns and decimal separator checked.*",
         "data_tables(ctx)"),
        ("## Áp phích / Posters\n\nMỗi đồ họa ở mọi kích thước khai báo; chữ dưới ảnh là mô tả thay thế (alt) "
         "dùng cho web và EPUB. Bản nháp (`draft = True`) ghi chữ NHÁP trên đầu.\n\n"
         "*Each infographic at every declared size; the text under each is its generated alt text.*",
         "from promokit.charts.render import render_campaign_infographics\n\n"
         "posters = render_campaign_infographics(ctx, ids=infographic_ids, sizes=sizes, draft=draft)\n"
         "show_outputs([(p.path, p.alt) for p in posters])"),
        ("## Tệp đã ghi / Files written", "files_table([p.path for p in posters], ctx.output)"),
    ],
    "e_publication": [
        ("## Danh sách bài viết / Articles\n\nCác bài theo thứ tự trong ấn phẩm, kèm số từ và số ảnh.\n\n"
         "*The articles in order, with word and picture counts.*",
         "from promokit.publication import article_table, files_written, html_preview, pdf_pages, "
         "render_publication\n\narticle_table(ctx)"),
        ("## Dựng ấn phẩm / Render the editions\n\nHTML (một tệp), PDF (WeasyPrint) và EPUB 3; EPUB được kiểm "
         "bằng EPUBCheck. Ảnh trong bài: `![mô tả](../images/anh.jpg \"Chú thích\")`; đồ họa đã dựng: "
         "`![](infographic:<id>)`; ảnh bìa video: `![mô tả](video-cover:youtube)`.\n\n"
         "*HTML, PDF and EPUB 3 from the same articles; the EPUB is validated with EPUBCheck.*",
         "editions = {r.format: r for r in render_publication(ctx, formats=formats or None, page=page or None, "
         "draft=draft)}\nfiles_written(list(editions.values()))"),
        ("## Xem trước HTML / HTML preview", "html_preview(editions[\"html\"]) if \"html\" in editions else None"),
        ("## Trang PDF đầu / First PDF pages",
         "for im in pdf_pages(editions[\"pdf\"], n=2) if \"pdf\" in editions else []:\n    display(im)"),
        ("## Kiểm tra EPUB / EPUBCheck verdict", "editions[\"epub\"].verdict if \"epub\" in editions else None"),
    ],
    "radio_bulletin": [
        ("## Kịch bản và lời đọc / Script and text for the ear\n\nMỗi mục: lời viết, và bên cạnh là lời đọc (số, "
         "ngày, giờ, số điện thoại, chữ viết tắt được đọc thành chữ). Dòng đỏ là chỗ chưa đọc được — để nguyên; "
         "thêm chữ viết tắt vào `assets/brand/radio-abbreviations.yml`.\n\n"
         "*Each segment's written text with its spoken form beside it; red lines are forms left as written.*",
         "from promokit.radio import api, show\n\n"
         "bulletins = api.load_bulletins(ctx, bulletin_names)\n"
         "show.script_table(bulletins)"),
        ("## Thời lượng đọc / Reading times\n\nƯớc tính ở tốc độ đọc đã khai báo (âm tiết/phút), so với khung giờ.\n\n"
         "*At the stated speaking rate (syllables/min), against the slot.*",
         "show.reading_times(bulletins)"),
        ("## Trộn bản tin / Mix\n\nLọc dải 200 Hz – 5 kHz và nén cho loa nén (`loudspeaker`), hoặc −16 LUFS cho "
         "mạng (`online`); nhạc nền tự nhỏ xuống khi có lời; đỉnh thật ≤ −1 dBTP.\n\n"
         "*Band-passed and compressed for horns, or −16 LUFS online; the bed ducks under speech.*",
         "results = api.render_bulletins(ctx, bulletins, presets, draft=draft)\n"
         "show.players([r.mp3 for r in results])"),
        ("## Kiểm tra / Checks\n\nĐộ dài so với kịch bản và khung giờ, độ lớn, đỉnh thật, dải tần; cảnh báo.\n\n"
         "*Length against the script and slot, loudness, true peak, band limits; warnings.*",
         "show.checks_table(results)"),
        ("## Lịch phát / Run sheets\n\nMột trang PDF cho mỗi ngày phát (không ghi với bản nháp).\n\n"
         "*One PDF per broadcast day (not for drafts).*",
         "sheets = api.write_run_sheets(ctx, bulletins, results, draft=draft)\n"
         "files_table([f for r in results for f in (r.wav, r.mp3)] + sheets, ctx.output)"),
    ],
}


def build(name: str) -> nbformat.NotebookNode:
    params = new_code_cell(PARAMS + EXTRA_PARAMS[name], metadata={"tags": ["parameters"]})
    cells = [new_markdown_cell(INTRO[name]), params,
             new_markdown_cell("## Kiểm tra chiến dịch / Load and validate\n\nLỗi (nếu có) ghi rõ tệp, trường và "
                               "cách sửa. / *Errors name the file, the field and the fix.*"),
             new_code_cell(LOAD)]
    for md, code in FIRST_LOOK[name]:
        cells += [new_markdown_cell(md), new_code_cell(code)]
    nb = new_notebook(cells=cells)
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3 (ipykernel)", "language": "python"}
    nb.metadata["language_info"] = {"name": "python"}
    return nb


def main() -> int:
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
