"""A small campaign with one infographic of every chart kind (illustrative data), for tests and the bench."""

from __future__ import annotations

from pathlib import Path

TABLES: dict[str, str] = {
    "ocop.csv": """xa,so_san_pham
Tân Khánh Trung,12
Mỹ An Hưng A,9
Mỹ An Hưng B,7
Tân Mỹ,6
Định Yên,5
Bình Thạnh Trung,4
Long Hưng A,3
Vĩnh Thạnh,2
""",
    "khach.csv": """nam;Khách nội địa;Khách quốc tế
2019;120,5;3,2
2020;80,1;0,4
2021;65,3;0,1
2022;140,2;2,5
2023;185,6;4,8
""",
    "methane.csv": """chi_tieu,gia_tri
Giảm phát thải khí mê-tan so với năm 2020,12
""",
    "par.csv": """Chỉ số,Điểm,Hạng,Hạng năm trước
PAR Index,89.5,5,9
PAPI,43.2,12,10
SIPAS,85.1,8,8
PCI,68.7,3,6
""",
    "ntm.csv": """nhom,so_xa
Đạt chuẩn nông thôn mới,7
Chưa đạt,3
""",
    "moc.csv": """ngay,su_kien
2024-04-18,Lễ Giỗ Tổ Hùng Vương tại đình Tân Mỹ
2024-03-01,Khởi động chương trình OCOP năm 2024
2024-06-15,Hội chợ nông sản Lấp Vò với hơn 120 gian hàng
2024-09-02,Xã Định Yên đạt chuẩn nông thôn mới nâng cao
""",
    "cds.csv": """chi_tieu,nam_nay,nam_truoc
Hồ sơ trực tuyến,"78,5","61,2"
Thanh toán không dùng tiền mặt,"64,0","52,3"
Người dân có tài khoản định danh,"91,2","85,0"
""",
    "sao.csv": """hang_sao,so_sp
3 sao,28
4 sao,11
5 sao,2
""",
    "nganh.csv": """Xã,Nông nghiệp,Công nghiệp,Dịch vụ
Tân Khánh Trung,120,80,45
Mỹ An Hưng A,90,60,70
Định Yên,70,95,50
Vĩnh Thạnh,60,40,30
""",
}

CAMPAIGN = """id: {id}
title: Số liệu kinh tế – xã hội huyện Lấp Vò
theme: kinh-te-xa-hoi
slogan: Lấp Vò – vùng đất hồng, sản vật ngon
sample_data: true
infographics:
  - id: ocop-theo-xa
    kind: bar
    data: data/ocop.csv
    x: xa
    y: so_san_pham
    title: Sản phẩm OCOP theo xã năm 2024
    subtitle: 48 sản phẩm đạt từ 3 sao trở lên
    takeaway: Tân Khánh Trung dẫn đầu huyện với 12 sản phẩm OCOP.
    source: "Nguồn: Phòng Nông nghiệp và PTNT huyện Lấp Vò, 2024"
    unit: sản phẩm
    sizes: {sizes}
  - id: khach-du-lich
    kind: line
    data: data/khach.csv
    x: nam
    y: [Khách nội địa, Khách quốc tế]
    decimal: ","
    title: Lượng khách du lịch đến Lấp Vò
    takeaway: Năm 2023 đón 185,6 nghìn lượt khách nội địa, cao nhất từ trước tới nay.
    source: "Nguồn: Phòng Văn hóa và Thông tin"
    unit: nghìn lượt
    target: 150
    sizes: {sizes}
  - id: giam-metan
    kind: progress
    data: data/methane.csv
    x: chi_tieu
    y: gia_tri
    title: Giảm phát thải khí mê-tan
    subtitle: Mục tiêu giảm 30 % vào năm 2030 so với năm 2020
    unit: "%"
    target: 30
    source: "Nguồn: Phòng Tài nguyên và Môi trường"
    sizes: {sizes}
  - id: xep-hang-cchc
    kind: ranking
    data: data/par.csv
    x: Chỉ số
    y: [Hạng, Hạng năm trước, Điểm]
    title: Xếp hạng các chỉ số cải cách hành chính của tỉnh
    highlight: PAR Index
    source: "Nguồn: Bộ Nội vụ; VCCI; UNDP"
    sizes: {sizes}
  - id: nong-thon-moi
    kind: pictogram
    data: data/ntm.csv
    x: nhom
    y: so_xa
    unit: xã
    title: Xây dựng nông thôn mới
    takeaway: 7 trên 10 xã đã đạt chuẩn nông thôn mới.
    sizes: {sizes}
  - id: moc-su-kien
    kind: timeline
    data: data/moc.csv
    x: ngay
    y: su_kien
    title: Những mốc chính năm 2024
    sizes: {sizes}
  - id: chuyen-doi-so
    kind: kpi
    data: data/cds.csv
    x: chi_tieu
    y: [nam_nay, nam_truoc]
    decimal: ","
    unit: "%"
    title: Chuyển đổi số năm 2024
    source: "Nguồn: Phòng Văn hóa và Thông tin"
    sizes: {sizes}
  - id: ocop-theo-sao
    kind: donut
    data: data/sao.csv
    x: hang_sao
    y: so_sp
    unit: sản phẩm
    title: Sản phẩm OCOP theo số sao
    sizes: {sizes}
  - id: co-cau-nganh
    kind: stacked_bar
    data: data/nganh.csv
    x: Xã
    y: [Nông nghiệp, Công nghiệp, Dịch vụ]
    unit: tỷ đồng
    title: Cơ cấu giá trị sản xuất theo xã
    sizes: {sizes}
  - id: gia-tri-nganh
    kind: grouped_bar
    data: data/nganh.csv
    x: Xã
    y: [Nông nghiệp, Công nghiệp, Dịch vụ]
    unit: tỷ đồng
    title: Giá trị sản xuất theo ngành và xã
    sizes: {sizes}
  - id: bang-cchc
    kind: table
    data: data/par.csv
    x: Chỉ số
    y: [Điểm, Hạng, Hạng năm trước]
    title: Các chỉ số cải cách hành chính
    source: "Nguồn: Bộ Nội vụ; VCCI; UNDP"
    sizes: {sizes}
"""

RASTER_SIZES = ["square", "portrait", "story", "landscape"]


def write_demo_campaign(root: Path, id: str = "so-lieu-demo", sizes: list[str] | None = None) -> Path:
    """Write `root/<id>/` (campaign.yml + data/*.csv, one infographic per chart kind); return the folder."""
    folder = Path(root) / id
    (folder / "data").mkdir(parents=True, exist_ok=True)
    for name, text in TABLES.items():
        (folder / "data" / name).write_text(text, encoding="utf-8")
    size_list = "[" + ", ".join(sizes or RASTER_SIZES) + "]"
    (folder / "campaign.yml").write_text(CAMPAIGN.format(id=id, sizes=size_list), encoding="utf-8")
    return folder
