"""Jinja filters and globals shared by every page."""

from __future__ import annotations

from datetime import date, datetime

from flask import Flask, request
from flask_babel import format_date, format_time, get_locale
from flask_login import current_user
from markupsafe import Markup, escape

from .constants import (
    CATEGORIES,
    ENVIRONMENT_LABELS,
    KPI_UNIT_LABELS,
    KPI_UNIT_SUGGESTIONS,
    POPULATION_BAND_LABELS,
    PREFECTURE_LABELS,
    SECURITY_LEVELS,
)
from .policies import can
from .validation_messages import error_list


def nl2p(text: str | None) -> Markup:
    """Plain user text as paragraphs, escaped. User text is never trusted as HTML."""
    if not text:
        return Markup("")
    paragraphs = [p for p in str(text).replace("\r\n", "\n").split("\n\n") if p.strip()]
    return Markup("".join(f"<p>{'<br>'.join(escape(line) for line in p.splitlines())}</p>" for p in paragraphs))


def yen(value) -> str:
    if value is None or value == "":
        return "—"
    return f"¥{int(value):,}"


def when(value, fmt: str = "medium") -> str:
    if value is None:
        return "—"
    if isinstance(value, datetime):  # to the minute: babel's medium time carries seconds ("13:00:00")
        return f"{format_date(value, fmt)} {format_time(value, 'short')}"
    if isinstance(value, date):
        return format_date(value, fmt)
    return str(value)


def localized_name(obj) -> str:
    locale = str(get_locale() or "ja")
    name = getattr(obj, "name", None)
    return name(locale) if callable(name) else str(obj)


def prefecture(code: str | None) -> str:
    """A prefecture (or 「全国」) in the page's language; unknown values are shown as stored."""
    if not code:
        return ""
    return str(PREFECTURE_LABELS.get(code, code))


def org_prefecture(org) -> str:
    """The organisation's prefecture, or "" when its name in this language already says it
    ("Matsumoto City, Nagano" needs no "(Nagano)")."""
    label = prefecture(getattr(org, "prefecture", None))
    return "" if not label or label in localized_name(org) else label


def kpi_unit(unit: str | None) -> str:
    return str(KPI_UNIT_LABELS.get(unit, unit)) if unit else ""


def register_template_helpers(app: Flask) -> None:
    app.jinja_env.filters.update(
        nl2p=nl2p,
        yen=yen,
        when=when,
        lname=localized_name,
        errlist=error_list,
        pref=prefecture,
        org_pref=org_prefecture,
        unit=kpi_unit,
    )
    app.jinja_env.add_extension("jinja2.ext.do")
    # Globals (not context) so that imported macros see them too.
    app.jinja_env.globals.update(
        can=lambda action, obj=None: can(current_user, action, obj),
        CATEGORIES=CATEGORIES,
        ENVIRONMENT_LABELS=ENVIRONMENT_LABELS,
        SECURITY_LEVELS=SECURITY_LEVELS,
        POPULATION_BANDS=POPULATION_BAND_LABELS,
        PREFECTURE_LABELS=PREFECTURE_LABELS,
        KPI_UNIT_SUGGESTIONS=KPI_UNIT_SUGGESTIONS,
        url_with=_url_with,
        sections_for=_sections_for,
    )

    @app.context_processor
    def globals_():
        # unread_notifications (the header's inbox count) comes from app/notifications/__init__.py
        return {"current_locale": str(get_locale() or "ja")}


def _url_with(**params) -> str:
    """The current URL with some query parameters replaced (pagination, sort links)."""
    from urllib.parse import urlencode

    args = request.args.to_dict(flat=False)
    for key, value in params.items():
        if value is None:
            args.pop(key, None)
        else:
            args[key] = [str(value)]
    query = urlencode(args, doseq=True)
    return f"{request.path}?{query}" if query else request.path


def _sections_for(page: str, obj):
    from .web.registry import sections_for

    return sections_for(page, obj, current_user if current_user.is_authenticated else None)
