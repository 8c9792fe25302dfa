"""`read_calendar` on every .ics file shipped with icalendar and recurring-ical-events.

Those packages carry calendars from the wild (Google, Outlook, Thunderbird, Apple, khal,
holiday feeds, fuzzing finds, RFC examples). A feed must either import or be refused with
`IcsError`; any other exception is a crash of `kiosk.ical.read`. Known crashes are xfail (with
the exception) until `kiosk/ical/read.py` handles them. The per-file counts go to
`bench/results/real_world_ics.json` and a short summary is printed at the end of the run.
"""

from __future__ import annotations

import contextlib
import importlib.metadata
import importlib.util
import json
import re
import traceback
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from kiosk.ical.common import IcsError
from kiosk.ical.read import IcsImport, read_calendar
from tests.conftest import REPO

pytestmark = [  # what the libraries say about odd files is not our concern here
    pytest.mark.filterwarnings("ignore::icalendar.error.GloballyUniqueTZIDGuessed"),
    pytest.mark.filterwarnings("ignore:Using both 'count' and 'until':DeprecationWarning"),
]

PACKAGES = ("icalendar", "recurring_ical_events")
RESULTS_FILE = REPO / "bench" / "results" / "real_world_ics.json"
# What must import: at least this share of the whole calendars (BEGIN:VCALENDAR first)
# that hold a VEVENT with a DTSTART.
MIN_IMPORTED_SHARE = 0.75  # 148 of 166 (89 %) with icalendar 7.3.2, r-i-e 3.8.2

# Files on which read_calendar raises something other than IcsError (a bug in
# kiosk/ical/read.py, to be fixed there): file -> (exception type, what goes wrong).
# Files that crashed the reader once (a VEVENT with two DTSTART lines: icalendar returns a
# list). Fixed by keeping the first; none are known now, and any new one fails the suite.
KNOWN_CRASHES: dict[str, tuple[type[BaseException], str]] = {}


def _calendar_files() -> list[tuple[str, Path]]:
    """(package/relative/path, path) of every .ics in the installed packages, sorted."""
    found = []
    for package in PACKAGES:
        spec = importlib.util.find_spec(package)
        if spec is None or spec.origin is None:
            continue  # recurring_ical_events is a dev dependency
        root = Path(spec.origin).parent
        for path in sorted(root.rglob("*.ics")):
            found.append((f"{package}/{path.relative_to(root).as_posix()}", path))
    return found


FILES = _calendar_files()
RESULTS: dict[str, dict[str, Any]] = {}  # label -> outcome, filled as files are read


def _has_dated_event(data: bytes) -> bool:
    """Whether the data holds a VEVENT with a DTSTART line (a rough, parser-free look)."""
    text = re.sub(r"\r?\n[ \t]", "", data.decode("utf-8", "replace"))
    blocks = re.findall(r"(?ims)^BEGIN:VEVENT\s*$(.*?)^END:VEVENT\s*$", text)
    return any(re.search(r"(?im)^DTSTART[;:]", block) for block in blocks)


def _is_calendar(data: bytes) -> bool:
    return (
        data.decode("utf-8", "replace")
        .lstrip("\ufeff \t\r\n")
        .upper()
        .startswith("BEGIN:VCALENDAR")
    )


def _outcome(label: str, path: Path) -> dict[str, Any]:
    """What read_calendar makes of one file, never raising."""
    data = path.read_bytes()
    row: dict[str, Any] = {
        "file": label,
        "bytes": len(data),
        "is_vcalendar": _is_calendar(data),
        "has_vevent_with_dtstart": _has_dated_event(data),
    }
    try:
        result = read_calendar(data)
    except IcsError as exc:
        row.update(result="refused", activities=0, skipped=0, warnings=0, error=str(exc))
    except Exception as exc:
        last = "".join(traceback.format_exception(exc)[-4:]).strip()
        row.update(result="crashed", activities=0, skipped=0, warnings=0, error=last)
    else:
        row.update(
            result="imported",
            activities=len(result.activities),
            skipped=len(result.skipped),
            warnings=len(result.warnings),
            error=None,
        )
    return row


def _params() -> list[Any]:
    params = []
    for label, path in FILES:
        marks = []
        if label in KNOWN_CRASHES:
            kind, reason = KNOWN_CRASHES[label]
            marks.append(pytest.mark.xfail(raises=kind, reason=f"{kind.__name__}: {reason}"))
        params.append(pytest.param(label, path, id=label, marks=marks))
    return params


@pytest.mark.parametrize(("label", "path"), _params())
def test_imports_or_refuses_with_ics_error(label: str, path: Path) -> None:
    RESULTS[label] = _outcome(label, path)  # for the summary, whatever happens below
    try:
        result = read_calendar(path.read_bytes())
    except IcsError as exc:
        assert str(exc)  # a reason the admin can read
        return
    assert isinstance(result, IcsImport)
    for line in result.skipped + result.warnings:
        assert isinstance(line, str) and line


def test_there_are_calendars_to_read() -> None:
    assert len(FILES) >= 50, [label for label, _ in FILES]


class _Summary:
    """Prints the totals after the run (pytest_terminal_summary)."""

    def __init__(self, text: str) -> None:
        self.text = text

    def pytest_terminal_summary(self, terminalreporter: Any) -> None:
        terminalreporter.section("real-world ICS files")
        terminalreporter.write_line(self.text)


def _reason(message: str) -> str:
    """An IcsError message without the event's UID and the quoted details."""
    message = re.sub(r"^event '[^']*': ", "event: ", message)
    return re.split(r"[:'(]", message.removeprefix("event: "))[0].strip() + (
        " (one event)" if message.startswith("event: ") else ""
    )


def _summary_text(rows: list[dict[str, Any]], eligible: list[dict[str, Any]]) -> str:
    results = Counter(row["result"] for row in rows)
    imported = [row for row in rows if row["activities"]]
    lines = [
        f"{len(rows)} files: {results['imported']} imported "
        f"({len(imported)} with at least one activity, "
        f"{sum(row['activities'] for row in rows)} activities, "
        f"{sum(row['skipped'] for row in rows)} skipped events), "
        f"{results['refused']} refused with IcsError, {results['crashed']} crashed",
        f"whole calendars with a dated VEVENT: {len(eligible)}, of which "
        f"{sum(1 for row in eligible if row['activities'])} gave activities",
    ]
    reasons = Counter(_reason(row["error"]) for row in rows if row["result"] == "refused")
    lines += [f"  IcsError x{n}: {reason}" for reason, n in reasons.most_common()]
    lines += [
        f"  CRASH {row['file']}: {row['error'].splitlines()[-1]}"
        for row in rows
        if row["result"] == "crashed"
    ]
    lines.append(f"per file: {RESULTS_FILE.relative_to(REPO)}")
    return "\n".join(lines)


def test_most_real_calendars_import(request: pytest.FixtureRequest) -> None:
    rows = [RESULTS.get(label) or _outcome(label, path) for label, path in FILES]
    eligible = [row for row in rows if row["is_vcalendar"] and row["has_vevent_with_dtstart"]]
    with_events = [row for row in eligible if row["activities"]]
    versions = {}
    for dist in ("icalendar", "recurring-ical-events"):
        with contextlib.suppress(importlib.metadata.PackageNotFoundError):
            versions[dist] = importlib.metadata.version(dist)
    RESULTS_FILE.parent.mkdir(parents=True, exist_ok=True)
    RESULTS_FILE.write_text(
        json.dumps(
            {
                "packages": versions,
                "files": len(rows),
                "results": dict(Counter(row["result"] for row in rows)),
                "activities": sum(row["activities"] for row in rows),
                "eligible_calendars": len(eligible),
                "eligible_with_activities": len(with_events),
                "per_file": rows,
            },
            indent=2,
            ensure_ascii=False,
        )
        + "\n"
    )
    plugins = request.config.pluginmanager
    if not plugins.has_plugin("real-world-ics-summary"):
        plugins.register(_Summary(_summary_text(rows, eligible)), "real-world-ics-summary")
    assert eligible
    share = len(with_events) / len(eligible)
    refused = [f"{row['file']}: {row['error']}" for row in eligible if not row["activities"]]
    assert share >= MIN_IMPORTED_SHARE, refused
    crashed = {row["file"] for row in rows if row["result"] == "crashed"}
    assert crashed <= set(KNOWN_CRASHES), crashed - set(KNOWN_CRASHES)
