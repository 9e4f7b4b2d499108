"""Cảnh moviepy mẫu: con số đếm lên tới tỉ lệ hồ sơ nộp trực tuyến toàn trình, đọc từ data/.

Sample moviepy shot: a figure counting up to the share of applications filed fully online, read from
data/chi-so-chuyen-doi-so.csv. promokit calls make_clip(ctx) with the frame size (px), the frame rate,
the shot's length (s), the brand's colours and fonts and the campaign's texts; the clip must last at
least ctx.duration seconds. Try it in a notebook first: `make_clip(ctx)` then `clip.get_frame(1.0)`.
"""

import numpy as np
from moviepy import VideoClip
from PIL import Image, ImageDraw, ImageFont

from promokit.text import format_number

ROW = "Hồ sơ nộp trực tuyến toàn trình (%)"  # the row of the table to count up to
LABEL = "hồ sơ nộp trực tuyến toàn trình"


def make_clip(ctx):
    table = ctx.table("data/chi-so-chuyen-doi-so.csv", decimal=",")
    row = next(r for r in table.rows if r["chi_so"] == ROW)
    target = float(row["gia_tri"].replace(".", "").replace(",", "."))
    w, h = ctx.size
    big = ImageFont.truetype(ctx.fonts["heading_bold"] or ctx.fonts["heading"], int(h * 0.16 if h > w else h * 0.22))
    small = ImageFont.truetype(ctx.fonts["body"], int(min(w, h) * 0.055))
    ground, ink, accent = ctx.rgb("primary"), ctx.rgb("background"), ctx.rgb("accent")
    rise = ctx.duration * 0.7  # counts up during the first 70 % of the shot, then holds

    def frame(t):
        x = min(1.0, t / rise)
        value = target * (1 - (1 - x) ** 3)  # ease-out
        im = Image.new("RGB", (w, h), ground)
        d = ImageDraw.Draw(im)
        d.text((w / 2, h * 0.42), format_number(value, 1) + " %", font=big, fill=ink, anchor="mm")
        bar_w, bar_y = w * 0.7, h * 0.58
        d.rounded_rectangle((w * 0.15, bar_y, w * 0.15 + bar_w, bar_y + h * 0.02), radius=h * 0.01, outline=ink,
                            width=max(1, h // 300))
        d.rounded_rectangle((w * 0.15, bar_y, w * 0.15 + max(h * 0.02, bar_w * value / 100), bar_y + h * 0.02),
                            radius=h * 0.01, fill=accent)
        d.text((w / 2, h * 0.66), LABEL, font=small, fill=ink, anchor="mm")
        return np.asarray(im)

    return VideoClip(frame_function=frame, duration=ctx.duration)
