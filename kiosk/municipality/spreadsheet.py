"""CSV files that open right in Excel: UTF-8 with a BOM (å, ä, ö and Arabic survive),
semicolons by default (Swedish Excel's list separator), and no cell run as a formula."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence

from flask import Response


def csv_safe(text: str) -> str:
    """Keep spreadsheet programs from running a name as a formula."""
    return "'" + text if text[:1] in ("=", "+", "-", "@") else text


def excel_csv(
    header: Sequence[object], rows: Iterable[Sequence[object]], filename: str, delimiter: str = ";"
) -> Response:
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out, delimiter=delimiter)
    writer.writerow(header)
    for row in rows:
        writer.writerow([csv_safe(v) if isinstance(v, str) else v for v in row])
    response = Response(out.getvalue(), mimetype="text/csv")
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.headers["Cache-Control"] = "no-store"
    return response
