"""The command line (DESIGN §4). Thin: parse, call one function, print. Exit codes 0 / 1 / 2."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from . import __version__
from .errors import PromokitError, UsageError

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2


def _common() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(add_help=False)
    p.add_argument("--assets", type=Path, default=Path(os.environ.get("PROMOKIT_ASSETS", "assets")),
                   help="thư mục assets / assets folder (default ./assets)")
    p.add_argument("--output", type=Path, default=Path(os.environ.get("PROMOKIT_OUTPUT", "output")),
                   help="thư mục kết quả / output folder (default ./output)")
    p.add_argument("--quiet", "-q", action="store_true", help="chỉ in lỗi / print errors only")
    p.add_argument("--debug", action="store_true", help=argparse.SUPPRESS)
    return p


ALLOW_CODE = ("cho chạy mã Python của chiến dịch (cảnh moviepy) / run the campaigns' own Python code "
              "(moviepy shots); also `allow_code: true` in brand.yml")


def build_parser() -> argparse.ArgumentParser:
    common = _common()
    parser = argparse.ArgumentParser(prog="promokit", description="promokit — chiến dịch thành video, "
                                     "đồ họa thông tin, ấn phẩm điện tử / campaigns to videos, infographics, e-publications")
    parser.add_argument("--version", action="version", version=f"promokit {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    p = sub.add_parser("new", parents=[common], help="tạo chiến dịch mới / scaffold a campaign")
    p.add_argument("id")
    p.add_argument("--title", default="")
    p.add_argument("--theme", default="kinh-te-xa-hoi")

    p = sub.add_parser("check", parents=[common], help="kiểm tra chiến dịch / validate campaigns")
    p.add_argument("ids", nargs="*", metavar="ID")
    p.add_argument("--allow-code", action="store_true", help=ALLOW_CODE)

    p = sub.add_parser("run", parents=[common], help="chạy sổ tay cho chiến dịch / execute the notebooks")
    p.add_argument("ids", nargs="*", metavar="ID")
    p.add_argument("--notebook", action="append", dest="notebooks", metavar="NAME")
    p.add_argument("--platform", action="append", dest="platforms", metavar="P")
    p.add_argument("--draft", action="store_true", help="bản nháp nhanh / quick low-resolution draft")
    p.add_argument("--timeout", type=float, default=1800, help="giây tối đa mỗi ô / max seconds per cell")
    p.add_argument("--workers", type=int, default=None, help="số tiến trình song song / parallel jobs (default: cores)")
    p.add_argument("--scheduler", default=None, metavar="tcp://HOST:PORT", help="cụm Dask / a Dask scheduler")
    p.add_argument("--force", action="store_true", help="chạy lại cả việc không đổi / re-run unchanged jobs")
    p.add_argument("--allow-code", action="store_true", help=ALLOW_CODE)

    sub.add_parser("gallery", parents=[common], help="dựng lại output/index.html / rebuild the gallery")
    p = sub.add_parser("serve", parents=[common], help="trang duyệt có phê duyệt / the review server")
    p.add_argument("--host", default="127.0.0.1", help="địa chỉ nghe / address to listen on (default 127.0.0.1)")
    p.add_argument("--port", type=int, default=8765, help="cổng / port (default 8765)")

    p = sub.add_parser("review", parents=[common], help="trạng thái duyệt, liên kết duyệt / review state, links")
    g = p.add_mutually_exclusive_group(required=True)
    g.add_argument("--status", action="store_true", help="trạng thái mọi gói bài đăng / every package's state")
    g.add_argument("--link", metavar="ID", help="tạo liên kết duyệt cho một chiến dịch / a review link for a campaign")
    p.add_argument("--url", default="http://127.0.0.1:8765",
                   help="địa chỉ máy chủ trong liên kết / the server's address in the link")

    p = sub.add_parser("publish", parents=[common], help="gói bài đăng và đăng lên mạng xã hội / post packages, publishing")
    p.add_argument("ids", nargs="*", metavar="ID")
    p.add_argument("--platform", action="append", dest="platforms", metavar="P")
    p.add_argument("--live", action="store_true", help="đăng thật / publish for real")
    p.add_argument("--due", action="store_true", help="đăng các gói đã đến giờ hẹn / publish what is due")
    p.add_argument("--status", action="store_true", help="trạng thái từng gói / every package's state")
    p.add_argument("--draft", action="store_true", help="gói xem trước từ bản nháp / preview packages of draft renders")
    p.add_argument("--no-approval", action="store_true", help="không cần duyệt / skip the approval check")
    p.add_argument("--direct", action="store_true", help="TikTok: đăng thẳng (ứng dụng đã kiểm duyệt) / direct post")

    p = sub.add_parser("auth", parents=[common], help="cấp quyền đăng bài (OAuth) / authorize a platform")
    p.add_argument("platform", help="youtube | tiktok | zalo | facebook | instagram (or a platform id)")
    p.add_argument("--account", default="", help="kênh, OA / channel or OA id")
    p.add_argument("--page", default="", help="Facebook, Instagram: mã hoặc tên Trang / the Page's id or name")
    p.add_argument("--port", type=int, default=0, help="cổng nhận chuyển hướng / loopback redirect port")
    p.add_argument("--no-browser", action="store_true", help="chỉ in liên kết / only print the link")

    p = sub.add_parser("conform", parents=[common],
                       help="kiểm tra (và sửa) một video theo nền tảng / check (and fix) a video for a platform")
    p.add_argument("files", nargs="+", type=Path, metavar="FILE")
    p.add_argument("--platform", required=True, metavar="P", help="tiktok, facebook_reels, instagram_reels, …")
    p.add_argument("--fix", action="store_true",
                   help="ghi bản đạt chuẩn bên cạnh (<tên>.<nền tảng>.mp4) / write a conforming copy beside it")
    p.add_argument("--fps", type=float, default=None, help="tốc độ khung bắt buộc / an exact frame rate asked")

    p = sub.add_parser("schema", parents=[common], help="in JSON Schema của campaign.yml / print the JSON Schema")
    p = sub.add_parser("report", parents=[common], help="báo cáo kết quả (HTML, PDF, DOCX) / results report")
    when = p.add_mutually_exclusive_group()
    when.add_argument("--week", nargs="?", const="", metavar="2024-W16", help="tuần (mặc định: tuần trước) / ISO week")
    when.add_argument("--month", nargs="?", const="", metavar="2024-04", help="tháng (mặc định: tháng trước) / month")
    when.add_argument("--year", nargs="?", const="", metavar="2024", help="năm kế hoạch / the plan year")
    when.add_argument("--from", dest="date_from", metavar="1/4/2024", help="từ ngày / first day (with --to)")
    p.add_argument("--to", dest="date_to", metavar="30/4/2024", help="đến ngày / last day")
    p.add_argument("--format", default="html,pdf,docx", help="html,pdf,docx (mặc định cả ba / default all three)")
    p = sub.add_parser("insights", parents=[common], help="nhập số liệu khán giả / import audience counts")
    src = p.add_mutually_exclusive_group(required=True)
    src.add_argument("--import", dest="file", type=Path, help="tệp CSV xuất từ nền tảng / exported CSV")
    src.add_argument("--fetch", action="store_true", help="lấy số liệu qua API / fetch through the platforms' APIs")
    p.add_argument("--platform", default=None,
                   help="--import: facebook, youtube, tiktok; --fetch: all (mặc định / default), facebook, instagram, "
                        "youtube, tiktok, zalo or a publisher (facebook_reels, …)")
    p.add_argument("--date", default=None, help="ngày số liệu khi tệp không có cột ngày / day of a file without dates")
    p.add_argument("--every", type=int, default=1, metavar="DAYS",
                   help="--fetch: bỏ qua bài có số liệu mới hơn DAYS ngày / skip posts with a snapshot younger than DAYS")
    p.add_argument("--force", action="store_true", help="--fetch: lấy cả bài vừa có số liệu / fetch every post")
    return parser


def _say(args: argparse.Namespace, line: str) -> None:
    if not args.quiet:
        print(line, flush=True)


def cmd_new(args: argparse.Namespace) -> int:
    from .scaffold import new_campaign

    folder = new_campaign(args.assets, args.id, title=args.title, theme=args.theme)
    _say(args, f"Đã tạo / created {folder}/campaign.yml — sửa rồi chạy / edit it, then run: promokit check {args.id}")
    return EXIT_OK


def cmd_check(args: argparse.Namespace) -> int:
    from .checks import check_campaigns

    report = check_campaigns(args.assets, args.ids, args.output, allow_code=args.allow_code)
    for line in report.lines():
        print(line, file=sys.stderr)
    for line in report.warning_lines():
        print(line, file=sys.stderr)
    for cid, problems in report.campaigns.items():
        if not problems:
            n = len(report.warnings.get(cid, []))
            _say(args, f"✓ {cid}" + (f" ({n} cảnh báo / warnings)" if n else ""))
    if not report.campaigns:
        _say(args, f"Chưa có chiến dịch nào trong {args.assets}/campaigns / no campaigns yet")
    return EXIT_OK if report.ok else EXIT_FAILED


def cmd_run(args: argparse.Namespace) -> int:
    from .batch.runner import RunOptions, run_batch, summary_table
    from .review.gallery import write_gallery

    if args.workers is not None and args.workers < 1:
        raise UsageError.fail("--workers phải ≥ 1", "--workers must be ≥ 1", field="--workers",
                              fix_vi="vd. --workers 2", fix_en="e.g. --workers 2")
    opts = RunOptions(ids=args.ids, notebooks=args.notebooks, platforms=args.platforms, draft=args.draft,
                      force=args.force, workers=args.workers, scheduler=args.scheduler, timeout=args.timeout,
                      quiet=args.quiet, allow_code=args.allow_code)
    result = run_batch(args.assets, args.output, opts)
    try:
        write_gallery(args.output, args.assets)
    except OSError as e:  # a full or read-only output: the run's own summary still matters more
        from .resources import named

        result.problems.append(str(named(e, args.output) or e))
    for lines in result.invalid.values():
        for line in lines:
            print(line, file=sys.stderr)
    if not args.quiet:
        print(summary_table(result))
    for r in result.results:
        if r.status in {"failed", "blocked"}:
            where = f" (ô/cell {r.cell})" if r.cell is not None else ""
            print(f"✗ {r.job.label}{where}: {r.error}" + (f"\n  → {r.output}" if r.output else ""), file=sys.stderr)
    for line in result.problems:
        print(line, file=sys.stderr)
    if args.quiet and result.warnings:
        print(f"⚠ {len(result.warnings)} cảnh báo / warnings (bỏ --quiet để xem / drop --quiet to see them)",
              file=sys.stderr)
    if result.interrupted:
        print("Đã dừng; chạy lại để hoàn tất phần còn thiếu / interrupted; run again to finish what is missing",
              file=sys.stderr)
    return EXIT_OK if result.ok else EXIT_FAILED


def cmd_gallery(args: argparse.Namespace) -> int:
    from .review.gallery import write_gallery

    _say(args, str(write_gallery(args.output, args.assets)))
    return EXIT_OK


def cmd_serve(args: argparse.Namespace) -> int:
    from .review.server import serve

    if not 0 < args.port < 65536:
        raise UsageError.fail("--port phải trong 1–65535", "--port must be 1–65535", field="--port",
                              fix_vi="vd. --port 8765", fix_en="e.g. --port 8765")
    serve(args.output, args.host, args.port, assets=args.assets)
    return EXIT_OK


def cmd_review(args: argparse.Namespace) -> int:
    from .review.status import review_link, status_lines

    if args.link:
        print(review_link(args.output, args.link, args.url))
        return EXIT_OK
    for line in status_lines(args.output, args.assets):
        print(line)
    return EXIT_OK


def cmd_publish(args: argparse.Namespace) -> int:
    from .publish import build_packages, publish_live, status_lines

    if sum((args.live, args.due, args.status)) > 1:
        raise UsageError.fail("chỉ dùng một trong --live, --due, --status", "use only one of --live, --due, --status",
                              field="--live", fix_vi="bỏ bớt", fix_en="drop the others")
    if args.draft and (args.live or args.due):
        raise UsageError.fail("bản nháp không được đăng", "drafts are never published", field="--draft",
                              fix_vi="bỏ --draft; dựng bản chính thức trước", fix_en="drop --draft; render the finals first")
    if args.status:
        lines = status_lines(args.assets, args.output, args.ids, args.platforms)
    elif args.live or args.due:
        lines = publish_live(args.assets, args.output, args.ids, args.platforms, no_approval=args.no_approval,
                             direct=args.direct, due=args.due)
    else:
        from .review.gallery import write_gallery

        lines = build_packages(args.assets, args.output, args.ids, args.platforms, draft=args.draft,
                               no_approval=args.no_approval)
        if args.output.is_dir():
            write_gallery(args.output, args.assets)
    for line in lines:
        if line.ok:
            _say(args, line.text)
        else:
            print(line.text, file=sys.stderr)
    return EXIT_OK if all(line.ok for line in lines) else EXIT_FAILED


def cmd_auth(args: argparse.Namespace) -> int:
    from .publish.auth import authorize

    path = authorize(args.platform, account=args.account, page=args.page, port=args.port,
                     open_browser=not args.no_browser, say=lambda s: _say(args, s))
    _say(args, f"✓ Đã lưu quyền / authorized; tokens kept in {path} (0600)")
    return EXIT_OK


def cmd_conform(args: argparse.Namespace) -> int:
    from .conform.report import conform_files

    def say(line) -> None:
        if not line.ok:
            print(line.text, flush=True)
        else:
            _say(args, line.text)

    ok = conform_files(args.files, args.platform, fix=args.fix, fps=args.fps, say=say)
    return EXIT_OK if ok else EXIT_FAILED


def cmd_schema(args: argparse.Namespace) -> int:
    from .spec import json_schema

    print(json_schema())
    return EXIT_OK


def cmd_report(args: argparse.Namespace) -> int:
    from .catalog import Catalog
    from .report import FORMATS, make_report, pick_period

    formats = tuple(f.strip().lower() for f in args.format.split(",") if f.strip())
    bad = [f for f in formats if f not in FORMATS]
    if bad or not formats:
        raise UsageError.fail(f"định dạng '{', '.join(bad)}' không có", f"unknown format '{', '.join(bad)}'",
                              field="--format", fix_vi="dùng html, pdf, docx", fix_en="use html, pdf, docx")
    period = pick_period(week_=args.week, month_=args.month, year_=args.year, date_from=args.date_from,
                         date_to=args.date_to)
    result = make_report(args.output, period, assets=args.assets, formats=formats)
    if "html" in formats and Catalog(args.output).gallery.is_file():  # the gallery links the latest report
        from .review.gallery import write_gallery

        write_gallery(args.output, args.assets)
    if result.report.empty:
        _say(args, f"Kỳ {period.label}: không có dữ liệu / no data for this period")
    for path in result.paths.values():
        _say(args, str(path))
    return EXIT_OK


def cmd_insights(args: argparse.Namespace) -> int:
    from .catalog import Catalog
    from .report import import_export
    from .text import parse_date

    taken = None
    if args.date:
        try:
            taken = parse_date(args.date)
        except ValueError:
            raise UsageError.fail(f"--date '{args.date}' không hợp lệ", f"invalid --date '{args.date}'",
                                  field="--date", fix_vi="vd. --date 18/4/2024", fix_en="e.g. --date 18/4/2024") from None
    if args.fetch:
        from .report.fetch import fetch_counts

        got = fetch_counts(Catalog(args.output).ledger, args.platform or "all", taken=taken, every_days=args.every,
                           force=args.force)
        _say(args, f"✓ {len(got.snapshots)} bài / posts, {got.added} số liệu mới / new snapshots, {got.skipped} bỏ qua "
                   f"(vừa lấy) / skipped (fetched recently)")
        for platform, rid in got.missing:
            print(f"⚠ {platform} {rid}: không còn trên nền tảng (đã xóa?) / no longer on the platform (deleted?)",
                  file=sys.stderr)
        for platform, rid, why in got.failed:
            print(f"✗ {platform} {rid}: {why}".replace("  ", " "), file=sys.stderr)
        if got.postponed:
            print(f"⏸ {len(got.postponed)} bài để lần sau (giới hạn tốc độ) / posts postponed (rate limit): "
                  + ", ".join(f"{p} {r}" for p, r in got.postponed[:10]), file=sys.stderr)
        return EXIT_FAILED if got.failed else EXIT_OK
    if not args.platform:
        raise UsageError.fail("--import cần --platform", "--import needs --platform", field="--platform",
                              fix_vi="vd. --platform facebook", fix_en="e.g. --platform facebook")
    read, added = import_export(Catalog(args.output).ledger, args.file, args.platform, taken=taken)
    _say(args, f"✓ {args.file.name}: {read} dòng / rows, {added} số liệu mới / new snapshots "
               f"({read - added} đã có / already there)")
    return EXIT_OK


COMMANDS = {"new": cmd_new, "check": cmd_check, "run": cmd_run, "gallery": cmd_gallery, "serve": cmd_serve,
            "review": cmd_review, "schema": cmd_schema, "publish": cmd_publish, "auth": cmd_auth,
            "conform": cmd_conform, "report": cmd_report, "insights": cmd_insights}


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return COMMANDS[args.command](args)
    except UsageError as e:
        print(e, file=sys.stderr)
        return EXIT_USAGE
    except PromokitError as e:
        print(e, file=sys.stderr)
        return EXIT_FAILED
    except KeyboardInterrupt:
        print("Đã dừng / interrupted", file=sys.stderr)
        return 130
    except Exception as e:
        if args.debug:
            raise
        from .resources import named

        known = named(e, getattr(args, "output", Path(".")))  # a full disk, a read-only folder, no memory
        if known is not None:
            print(known, file=sys.stderr)
            return EXIT_FAILED
        print(f"Lỗi nội bộ / internal error: {type(e).__name__}: {e} (chạy lại với --debug / rerun with --debug)",
              file=sys.stderr)
        return EXIT_FAILED


if __name__ == "__main__":
    sys.exit(main())
