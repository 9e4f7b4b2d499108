"""Results reports (issue #16): what was produced, published and seen, per content area of the plan and per
channel, in the district's administrative format.

- `period`    report periods (`--week`, `--month`, `--year`, `--from/--to`)
- `model`     `build_report(inputs, style, period) -> Report` (pure)
- `gather`    reads the ledger, manifests and campaign folders into the model's inputs
- `insights`  audience snapshots (`insights` table) and the platforms' CSV exports
- `document`  the report as Vietnamese text and tables (pure), shared by every edition
- `figures`   the charts, drawn by the charts room's kinds
- `docx`      the Word edition (Decree 30/2020/NĐ-CP)
- `api`       `make_report`: the editions at the catalog's paths
"""

from .api import FORMATS, ReportResult, load_style, make_report, show
from .insights import EXPORTS, import_export, read_export
from .model import Report, ReportInputs, build_report
from .period import Period, between, month, pick_period, week, year

__all__ = ["EXPORTS", "FORMATS", "Period", "Report", "ReportInputs", "ReportResult", "between", "build_report",
           "import_export", "load_style", "make_report", "month", "pick_period", "read_export", "show", "week", "year"]
