"""CSV downloads: UTF-8 with BOM (so that Excel opens Japanese text correctly), no formula injection."""

from __future__ import annotations

import csv
import io

from flask import Response


def csv_response(rows: list[list], filename: str) -> Response:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    for row in rows:
        writer.writerow(["" if v is None else safe_cell(v) for v in row])
    response = Response("\ufeff" + buffer.getvalue(), content_type="text/csv; charset=utf-8")
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def safe_cell(value):
    """A cell starting with = + - @ is prefixed with a quote (numbers excepted)."""
    if isinstance(value, (int, float)):
        return value
    text = str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text
