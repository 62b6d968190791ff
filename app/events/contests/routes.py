"""Contest pages: public page, presenter (big screen), voter (phone), guest join, moderator,
results, the join QR code (SVG, self-hosted) and the organiser's CSV export."""

from __future__ import annotations

import csv
import io

from flask import Blueprint, Response, current_app, make_response, redirect, render_template, request, url_for
from flask_login import current_user

from ...db import commit
from ...errors import Conflict, InvalidInput, NotFound
from ...extensions import db
from ...forms import load_form
from ...policies import authorize, can
from . import results as ranking
from . import score_sheets, services
from .identity import COOKIE, MAX_AGE, current_voter, sign_pass
from .qr import join_qr_svg
from .schemas_forms import JoinFormSchema

bp = Blueprint("contests", __name__, template_folder="templates")


def _load(contest_id: int, action: str = "contest.view"):
    contest = services.get_contest(contest_id)
    if action == "contest.view" and not current_user.is_authenticated and current_voter(contest.id) is not None:
        return contest
    authorize(action, contest)
    return contest


@bp.route("/contests/<int:contest_id>")
def show(contest_id):
    contest = _load(contest_id)
    results = (
        ranking.stored_results(contest)
        if can(current_user, "contest.view_results", contest) and contest.status == "finalized"
        else []
    )
    return render_template(
        "contests/show.html",
        contest=contest,
        results=results,
        sheets=score_sheets.summary(contest) if results else None,
        rounds=contest.rounds,
        manage=can(current_user, "contest.manage", contest),
    )


@bp.route("/contests/<int:contest_id>/present")
def present(contest_id):
    contest = _load(contest_id, "contest.manage")
    join_url = url_for("contests.join", code=contest.join_code, _external=True)
    return render_template("contests/present.html", contest=contest, join_url=join_url)


@bp.route("/contests/<int:contest_id>/vote")
def vote(contest_id):
    contest = services.get_contest(contest_id, light=True)
    voter = current_voter(contest.id)
    if voter is None and not current_user.is_authenticated:
        return redirect(url_for("accounts.login", next=request.path))
    if not (voter is not None and not current_user.is_authenticated):  # a guest may view its own contest
        authorize("contest.view", contest)
    return render_template("contests/vote.html", contest=contest, voter=voter)


@bp.route("/join/<code>", methods=["GET", "POST"])
def join(code):
    contest = services.find_by_code(code)
    if contest is None:
        raise NotFound()
    errors, values = {}, {}
    if request.method == "GET" and current_user.is_authenticated:  # one tap: join under the account's name
        values = {"display_name": current_user.display_name}
    if request.method == "POST":
        try:
            data = load_form(JoinFormSchema(), request.form)
            user = current_user._get_current_object() if current_user.is_authenticated else None
            join_pass = services.join(contest, data["display_name"], user)
            contest_id, token = contest.id, sign_pass(join_pass)  # read before the commit expires them
        except (InvalidInput, Conflict) as exc:
            db.session.rollback()
            errors = getattr(exc, "fields", None) or {"_schema": [exc.description]}
            values = request.form
        else:
            commit()
            response = make_response(redirect(url_for("contests.vote", contest_id=contest_id)))
            if user is None:
                response.set_cookie(
                    COOKIE,
                    token,
                    max_age=MAX_AGE,
                    httponly=True,
                    samesite="Lax",
                    secure=current_app.config.get("SESSION_COOKIE_SECURE", False),
                )
            return response
    return render_template(
        "contests/join.html", contest=contest, code=code, errors=errors, values=values
    ), 422 if errors else 200


@bp.route("/contests/<int:contest_id>/moderate")
def moderate(contest_id):
    contest = _load(contest_id, "contest.manage")
    sheets = score_sheets.status(contest)
    return render_template(
        "contests/moderate.html",
        contest=contest,
        rounds=contest.rounds,
        sheets=sheets,
        sheets_incomplete=score_sheets.incomplete(sheets, contest),
    )


@bp.route("/contests/<int:contest_id>/results")
def results(contest_id):
    contest = _load(contest_id, "contest.view_results")
    final = contest.status == "finalized"
    rows = ranking.stored_results(contest) if final else ranking.compute_results(contest)
    return render_template(
        "contests/results.html", contest=contest, rows=rows, final=final, sheets=score_sheets.summary(contest)
    )


@bp.route("/contests/<int:contest_id>/join-qr.svg")
def join_qr(contest_id):
    contest = _load(contest_id, "contest.manage")
    svg = join_qr_svg(url_for("contests.join", code=contest.join_code, _external=True))
    response = Response(svg, mimetype="image/svg+xml")
    response.headers["Cache-Control"] = "private, max-age=300"
    return response


@bp.route("/contests/<int:contest_id>/export.csv")
def export(contest_id):
    contest = _load(contest_id, "contest.export")
    out = io.StringIO()
    writer = csv.writer(out)
    for row in ranking.export_rows(contest):
        writer.writerow(row)
    response = Response("\ufeff" + out.getvalue(), mimetype="text/csv")
    response.headers["Content-Disposition"] = f"attachment; filename=contest-{contest.id}-ballots.csv"
    return response
