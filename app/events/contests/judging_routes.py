"""The judge's pages of a pitch contest: the list of entries to score, and one entry's page with the
conflict-of-interest declaration and the rubric form. Only the contest's judges; forms re-render with
field errors (422), business-rule refusals with their message (409 / 403)."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ...db import commit
from ...errors import Conflict, InvalidInput, NotFound, PermissionDenied
from ...extensions import db
from ...forms import load_form
from ...policies import authorize, can
from ...reviews import scoring
from . import judging, score_sheets, services
from .models import Entry
from .schemas_forms import DeclarationFormSchema

bp = Blueprint("contest_judging", __name__, template_folder="templates")


def _contest(contest_id: int):
    contest = services.get_contest(contest_id)
    authorize("contest.judging", contest)
    return contest


def _entry(contest, entry_id: int) -> Entry:
    entry = db.session.get(Entry, entry_id)
    if entry is None or entry.contest_id != contest.id:
        raise NotFound()
    return entry


def _errors_of(exc) -> dict:
    return getattr(exc, "fields", None) or {"_schema": [exc.description]}


@bp.route("/contests/<int:contest_id>/judging")
@login_required
def index(contest_id):
    contest = _contest(contest_id)
    rows = judging.overview(contest, current_user)
    return render_template(
        "contests/judging.html", contest=contest, rows=rows, open=can(current_user, "contest.judge", contest)
    )


def _entry_page(contest, entry, errors=None, values=None, code=200):
    view = judging.entry_view(entry, current_user)
    criteria = list(contest.rubric.criteria) if contest.rubric is not None else []
    own = dict(view["score"].scores) if view["score"] is not None else {}
    weighted = None
    if own and criteria and not scoring.validate_scores(criteria, own):
        weighted = scoring.weighted_score(criteria, own)
    entries = list(contest.entries)
    index = entries.index(entry)
    return render_template(
        "contests/judge_entry.html",
        contest=contest,
        entry=entry,
        criteria=criteria,
        own=own,
        weighted=weighted,
        declaration=view["declaration"],
        state=view["state"],
        open=can(current_user, "contest.judge", contest),
        previous=entries[index - 1] if index > 0 else None,
        next=entries[index + 1] if index + 1 < len(entries) else None,
        errors=errors or {},
        values=values or {},
    ), code


@bp.route("/contests/<int:contest_id>/judging/<int:entry_id>")
@login_required
def entry(contest_id, entry_id):
    contest = _contest(contest_id)
    return _entry_page(contest, _entry(contest, entry_id))


@bp.route("/contests/<int:contest_id>/judging/<int:entry_id>/declaration", methods=["POST"])
@login_required
def declare(contest_id, entry_id):
    contest = _contest(contest_id)
    authorize("contest.judge", contest)
    entry_row = _entry(contest, entry_id)
    try:
        data = load_form(DeclarationFormSchema(), request.form)
        score_sheets.declare(entry_row, current_user, data["has_conflict"], data.get("reason") or "")
    except (InvalidInput, Conflict) as exc:
        db.session.rollback()
        contest = services.get_contest(contest_id)
        return _entry_page(contest, _entry(contest, entry_id), _errors_of(exc), request.form, exc.code)
    commit()
    flash(_("Your declaration was recorded."), "success")
    return redirect(url_for("contest_judging.entry", contest_id=contest_id, entry_id=entry_id))


@bp.route("/contests/<int:contest_id>/judging/<int:entry_id>/score", methods=["POST"])
@login_required
def score(contest_id, entry_id):
    contest = _contest(contest_id)
    authorize("contest.judge", contest)
    entry_row = _entry(contest, entry_id)
    try:
        judging.score_from_form(entry_row, current_user, request.form)
    except (InvalidInput, Conflict, PermissionDenied) as exc:
        db.session.rollback()
        contest = services.get_contest(contest_id)
        return _entry_page(contest, _entry(contest, entry_id), _errors_of(exc), request.form, exc.code)
    commit()
    flash(_("Your scores were saved."), "success")
    return redirect(url_for("contest_judging.index", contest_id=contest_id))
