"""The audit log page and its CSV export: sentences people read, filtered by person, organisation,
kind of object and date range."""

from flask import Blueprint, render_template, request
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ..api import paginate
from ..csv_export import csv_response
from ..extensions import db
from ..forms import load_query
from ..policies import authorize
from .kinds import KINDS
from .present import describe
from .queries import AuditQuerySchema, audit_query, filter_choices

bp = Blueprint("audit", __name__, template_folder="templates")
CSV_LIMIT = 10000


def load_filters(args) -> tuple[dict, dict]:
    return load_query(AuditQuerySchema(), args)


@bp.route("/audit")
@login_required
def index():
    authorize("audit.view")
    filters, errors = load_filters(request.args)
    page = paginate(audit_query(current_user, filters), filters["page"], 50)
    kinds = sorted(((t, str(k.label)) for t, k in KINDS.items()), key=lambda item: item[1])
    return render_template(
        "audit/index.html",
        page=page,
        entries=describe(page.items),
        filters=filters,
        errors=errors,
        kinds=kinds,
        **filter_choices(current_user),
    ), 422 if errors else 200


@bp.route("/audit.csv")
@login_required
def export_csv():
    authorize("audit.view")
    filters, errors = load_filters(request.args)
    events = db.session.scalars(audit_query(current_user, filters).limit(CSV_LIMIT)).unique().all()
    rows = [
        [_("When (JST)"), _("Who"), _("Organisation"), _("Kind"), _("ID"), _("Title"), _("What happened"), _("Changes")]
    ]
    for e in describe(events):
        changes = "; ".join(f"{c.label}: {c.before} → {c.after}" for c in e.changes)
        rows.append([e.when, e.actor, e.org, e.kind, e.event.object_id, e.title, e.text, changes])
    return csv_response(rows, "audit-log.csv")
