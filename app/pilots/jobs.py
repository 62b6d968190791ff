"""Scheduled: remind the municipality (and startup) of overdue progress reports, once per interval."""

from __future__ import annotations

from datetime import timedelta

from ..db import utcnow


def remind_overdue_reports() -> int:
    from flask import url_for
    from ..notifications.services import notify_org
    from .services import next_report_due, overdue_pilots

    sent = 0
    now = utcnow()
    for pilot in overdue_pilots():
        if pilot.last_reminded_at and now - pilot.last_reminded_at < timedelta(days=pilot.report_interval_days or 30):
            continue
        params = {"title": pilot.title, "due": next_report_due(pilot).isoformat()}
        try:
            link = url_for("pilots.detail", pilot_id=pilot.id)
        except RuntimeError:
            link = f"/pilots/{pilot.id}"
        notify_org(pilot.municipality_id, "pilots.report_overdue", params, link=link)
        if pilot.startup_id:
            notify_org(pilot.startup_id, "pilots.report_overdue", params, link=link)
        pilot.last_reminded_at = now
        sent += 1
    return sent
