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
from markupsafe import Markup

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
        svc.now(),
    )


def month_label(month: date) -> str:
    return format_date(month, "LLL yy", locale=str(get_locale()))


def month_labels(report: reports.Report) -> dict[str, str]:
    """Each month's name; the one still going on says so ("dec 26 (t.o.m. 2 dec)")."""
    labels = {}
    for m in report.months:
        month = date.fromisoformat(m.key + "-01")
        labels[m.key] = month_label(month)
        if month == report.partial and report.through is not None:
            through = format_date(report.through, "d MMM", locale=str(get_locale()))
            labels[m.key] += " " + _("(pågår, t.o.m. %(day)s)", day=through)
    return labels


def visits_chart(report: reports.Report, mark_partial: bool) -> Markup:
    """Visits per month (adults and children) as SVG; the partial month's label starred."""
    bars = []
    for row in report.months:
        month = date.fromisoformat(row.key + "-01")
        star = "*" if mark_partial and month == report.partial else ""
        bars.append(charts.Bar(month_label(month) + star, (row.adults, row.children)))
    return charts.bar_chart(bars, _("Besök per månad"), (_("Vuxna"), _("Barn")))


def columns() -> list[tuple[str, str]]:
    """(metric, heading) in the order of the tables and the CSV: each says what it counts."""
    return [
        ("held", _("Tillfällen som hölls")),
        ("recorded", _("Tillfällen med närvaro förd")),
        ("signed_up", _("Anmälda med plats (personer)")),
        ("visits", _("Besök (inte personer)")),
        ("adults", _("Vuxna")),
        ("children", _("Barn")),
        ("walk_ins", _("Räknade vid dörren utan anmälan")),
        ("women", _("Kvinnor")),
        ("men", _("Män")),
        ("other", _("Annat eller vill inte säga")),
    ]


@bp.get("/reports")
@admin_required
def report():  # type: ignore[no-untyped-def]
    first, last = _period()
    report = _report(first, last)
    labels = month_labels(report)
    chart = visits_chart(report, mark_partial=True)
    return render_template(
        "municipality/reports.html",
        report=report,
        chart=chart,
        first=first,
        last=last,
        months=labels,
        columns=columns(),
    )


@bp.get("/reports.csv")
@admin_required
def reports_csv() -> Response:
    """The tables for a funder: numbers under 5 in any audience row or gender column are
    written "<5" (small-number suppression), so nobody can be picked out."""
    first, last = _period()
    report = _report(first, last)
    metrics = columns()
    header = [_("Del"), _("Namn"), *(heading for _metric, heading in metrics)]
    labels = month_labels(report)
    sections = (
        (_("Månad"), report.months, False),
        (_("Aktivitet"), report.activities, False),
        (_("Arrangör"), report.organisers, False),
        (_("Målgrupp"), report.audiences, True),
        (_("Totalt"), [report.total], False),
    )
    rows = []
    for section, section_rows, audience in sections:
        for row in section_rows:
            cells = []
            for metric, _heading in metrics:
                value = getattr(row, metric)
                small = audience or metric in reports.GENDER
                cells.append(reports.suppressed(value) if small else value)
            rows.append([section, row.label, *cells])
    delimiter = "," if request.args.get("sep") == "comma" else ";"  # Swedish Excel wants ;
    notes = [[_("Anmärkning"), _("Tal under 5 i målgrupper och kön visas som <5.")]]
    if report.partial:
        notes.append([_("Anmärkning"), labels[f"{report.partial:%Y-%m}"]])
    filename = f"deltagande-{first:%Y-%m}-{last:%Y-%m}.csv"
    return excel_csv(header, [*rows, *notes], filename, delimiter)


@bp.get("/reports/summary")
@admin_required
def summary():  # type: ignore[no-untyped-def]
    """One printable A4 page for the funder: name and logo, the period, the key figures,
    the chart, the months and the audiences (numbers under 5 in audience cells as "<5")."""
    first, last = _period()
    report = _report(first, last)
    labels = month_labels(report)
    locale = str(get_locale())
    period = " – ".join(format_date(m, "LLLL y", locale=locale) for m in (first, last))
    chart = visits_chart(report, mark_partial=False)
    everything = dict(columns())
    month_metrics = ("held", "recorded", "visits", "adults", "children", "signed_up")
    audience_metrics = ("held", "visits", "adults", "children", "women", "men", "other")
    return render_template(
        "municipality/summary.html",
        report=report,
        chart=chart,
        months=labels,
        period=period,
        period_args={"from": f"{first:%Y-%m}", "to": f"{last:%Y-%m}"},
        month_columns=[(m, everything[m]) for m in month_metrics],
        audience_columns=[(m, everything[m]) for m in audience_metrics],
        small=reports.suppressed,
        today=services.get().now().date(),
    )
