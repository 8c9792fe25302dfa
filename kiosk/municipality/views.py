"""`/admin/reports`: participation for the funders, as a chart, tables and a CSV for Excel.

Admins only. The period is chosen in whole months (`?from=YYYY-MM&to=YYYY-MM`, at most 36
months; default the last twelve). The numbers come from `kiosk.municipality.reports`.
"""

from __future__ import annotations

from datetime import date

from babel.dates import format_date
from flask import Blueprint, Response, render_template, request
from flask_babel import get_locale
from flask_babel import gettext as _

from kiosk import services
from kiosk.municipality import charts, reports
from kiosk.municipality.spreadsheet import excel_csv
from kiosk.volunteers.auth import admin_required
from kiosk.web.labels import AUDIENCE_LABELS

MOST_MONTHS = 36


# the strategist's pages sit beside the volunteers' under /admin (same login)
bp = Blueprint("municipality", __name__, url_prefix="/admin")


def _period() -> tuple[date, date]:
    today = services.get().now().date()
    return reports.chosen_period(
        request.args.get("from"), request.args.get("to"), today, MOST_MONTHS
    )


def _report(first: date, last: date) -> reports.Report:
    svc = services.get()
    return reports.participation(
        svc.catalogue.snapshot(),
        svc.signups.attendance_figures(),
        svc.door_counts.all(),
        first,
        last,
        svc.zone,
        {code: str(label) for code, label in AUDIENCE_LABELS.items()},
    )


def month_label(month: date) -> str:
    return format_date(month, "LLL yy", locale=str(get_locale()))


@bp.get("/reports")
@admin_required
def report():  # type: ignore[no-untyped-def]
    first, last = _period()
    report = _report(first, last)
    chart = charts.bar_chart(
        [
            charts.Bar(month_label(date.fromisoformat(m.key + "-01")), (m.adults, m.children))
            for m in report.months
        ],
        _("Deltagare per månad"),
        (_("Vuxna"), _("Barn")),
    )
    months = {m.key: month_label(date.fromisoformat(m.key + "-01")) for m in report.months}
    return render_template(
        "municipality/reports.html",
        report=report,
        chart=chart,
        first=first,
        last=last,
        months=months,
    )


@bp.get("/reports.csv")
@admin_required
def reports_csv() -> Response:
    first, last = _period()
    report = _report(first, last)
    header = [
        _("Del"),
        _("Namn"),
        _("Tillfällen"),
        _("Anmälda"),
        _("Deltog"),
        _("Vuxna"),
        _("Barn"),
        _("Kvinnor"),
        _("Män"),
        _("Annat eller vill inte säga"),
    ]
    sections = (
        (_("Månad"), report.months),
        (_("Aktivitet"), report.activities),
        (_("Arrangör"), report.organisers),
        (_("Målgrupp"), report.audiences),
        (_("Totalt"), [report.total]),
    )
    rows = [
        [section, row.label, *(getattr(row, name) for name in reports.METRICS)]
        for section, section_rows in sections
        for row in section_rows
    ]
    delimiter = "," if request.args.get("sep") == "comma" else ";"  # Swedish Excel wants ;
    return excel_csv(header, rows, f"deltagande-{first:%Y-%m}-{last:%Y-%m}.csv", delimiter)
