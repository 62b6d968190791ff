"""Tool comparison pages: the table (members whole, a vendor its own row), the coordinator's row form,
the vendor's reply form."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from marshmallow import ValidationError
from sqlalchemy import select

from ..db import commit
from ..errors import Conflict, InvalidInput
from ..extensions import db
from ..forms import form_to_dict
from . import comparison_services as comparison
from .comparison_schemas import ReplyInputSchema, RowInputSchema
from .services import get_round

bp = Blueprint("procurement_comparison", __name__, template_folder="templates")
R = "/procurement/<int:round_id>/comparison"


def _vendor_solutions(rnd):
    from ..solutions.models import Solution

    return db.session.scalars(
        select(Solution).where(Solution.org_id.in_(rnd.vendor_org_ids() or {0})).order_by(Solution.org_id, Solution.id)
    ).all()


@bp.route(R)
@login_required
def page(round_id):
    rnd = get_round(round_id)
    comparison.authorize_comparison("procurement_round.view_comparison", rnd, current_user)
    data = comparison.comparison_for(rnd, current_user)
    return render_template(
        "procurement/comparison.html", rnd=rnd, data=data, solutions=_vendor_solutions(rnd) if data["whole"] else []
    )


def row_form_data(form) -> dict:
    """The row form: solution, price, demo date, note, and per requirement i: requirement_i, result_i, note_i
    (a blank result means not assessed)."""
    data = {
        k: v
        for k, v in form_to_dict(form, RowInputSchema()).items()
        if k in ("solution_id", "quoted_price_jpy", "demo_date", "note")
    }
    cells = []
    for key in form:
        if key.startswith("requirement_"):
            index = key.removeprefix("requirement_")
            result = form.get(f"result_{index}", "").strip()
            if result:
                cells.append({"requirement": form[key], "result": result, "note": form.get(f"note_{index}", "")})
    data["cells"] = cells
    return data


@bp.route(f"{R}/rows", methods=["POST"])
@login_required
def save_row(round_id):
    rnd = get_round(round_id)
    comparison.authorize_comparison("procurement_round.record_comparison", rnd, current_user)
    try:
        try:
            data = RowInputSchema().load(row_form_data(request.form))
        except ValidationError as exc:
            raise InvalidInput(exc.normalized_messages()) from exc
        comparison.record_row(rnd, current_user, data)
    except (InvalidInput, Conflict) as exc:
        db.session.rollback()
        rnd = get_round(round_id)
        flash(" ".join(_messages(exc)), "error")
        data = comparison.comparison_for(rnd, current_user)
        return render_template(
            "procurement/comparison.html", rnd=rnd, data=data, solutions=_vendor_solutions(rnd), errors=exc.fields or {}
        ), 422
    commit()
    flash(_("The comparison was saved."), "success")
    return redirect(url_for("procurement_comparison.page", round_id=round_id))


def _messages(exc) -> list[str]:
    def flat(value):
        if isinstance(value, dict):
            return [m for v in value.values() for m in flat(v)]
        if isinstance(value, (list, tuple)):
            return [m for v in value for m in flat(v)]
        return [str(value)]

    return flat(exc.fields) if exc.fields else [exc.description]


@bp.route(f"{R}/rows/<int:solution_id>/reply", methods=["POST"])
@login_required
def reply(round_id, solution_id):
    rnd = get_round(round_id)
    comparison.authorize_comparison("procurement_round.reply_comparison", rnd, current_user)
    try:
        try:
            data = ReplyInputSchema().load(form_to_dict(request.form, ReplyInputSchema()))
        except ValidationError as exc:
            raise InvalidInput(exc.normalized_messages()) from exc
        comparison.reply(rnd, current_user, solution_id, data["requirement"], data["reply"] or "")
    except InvalidInput as exc:
        db.session.rollback()
        flash(" ".join(_messages(exc)), "error")
        return redirect(url_for("procurement_comparison.page", round_id=round_id))
    commit()
    flash(_("Your reply is shown beside the assessment."), "success")
    return redirect(url_for("procurement_comparison.page", round_id=round_id))
