"""The requirements of a specification version as CSV (Excel-friendly UTF-8 with BOM) or JSON."""

from __future__ import annotations

import csv
import io

from .diff import band_label

CSV_HEADER = ("specification", "version", "priority", "requirement")


def requirement_rows(spec, version) -> list[dict]:
    rows = [{"priority": "must", "requirement": r} for r in version.must_have]
    rows += [{"priority": "nice", "requirement": r} for r in version.nice_to_have]
    return rows


def requirements_json(spec, version) -> dict:
    return {
        "specification_id": spec.id,
        "title": spec.title,
        "service_type": spec.service_type,
        "version": version.number,
        "requirements": requirement_rows(spec, version),
        "environments": list(version.environments),
        "security_level": version.security_level,
        "seat_bands": [dict(b, label=band_label(b)) for b in version.seat_bands or []],
        "price_min_jpy": version.price_min_jpy,
        "price_max_jpy": version.price_max_jpy,
    }


def requirements_csv(spec, version) -> str:
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out)
    writer.writerow(CSV_HEADER)
    for row in requirement_rows(spec, version):
        writer.writerow((spec.title, f"v{version.number}", row["priority"], _safe(row["requirement"])))
    return out.getvalue()


def _safe(text: str) -> str:
    """A cell starting with = + - @ would be a formula in a spreadsheet: quote it."""
    return "'" + text if text[:1] in ("=", "+", "-", "@") else text
