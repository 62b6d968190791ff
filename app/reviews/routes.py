"""Committee pages: rubric and committee set-up, the judge's review page, closing, the ranking."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from marshmallow import ValidationError

from ..applications.api import load_application
from ..db import get_or_404
from ..applications.services import EARLY_LABELS, STATUS_LABELS, applications_for_challenge
from ..challenges.models import Challenge
from ..db import commit
from ..errors import Conflict, InvalidInput, NotFound, PermissionDenied
from ..extensions import db
from ..forms import load_form
from ..policies import authorize, can
from . import judging, services
from .ranking import ranking as challenge_ranking
from .schemas import AssignmentInSchema, CommitteeInSchema, ConflictInSchema, RubricInSchema

bp = Blueprint("reviews", __name__, template_folder="templates")
CRITERION_FIELDS = ("key", "name_ja", "name_en", "description", "weight", "scale_min", "scale_max")


def _errors_of(exc) -> dict:
    return getattr(exc, "fields", None) or {"_schema": [exc.description]}


def _challenge(challenge_id):
    challenge = get_or_404(Challenge, challenge_id)
    authorize("challenge.view", challenge)
    return challenge


def _committee_page(challenge, errors=None, rubric_rows=None, code=200):
    view = services.rubric_view(challenge)
    rows = (
        rubric_rows
        or [{k: getattr(c, k) for k in CRITERION_FIELDS} for c in view["criteria"]]
        or services.DEFAULT_CRITERIA
    )
    applications = db.session.scalars(applications_for_challenge(challenge.id)).all()
    committee = services.committee_view(challenge)
    assigned = {(a.application_id, a.judge_id) for a in committee["assignments"]}
    return render_template(
        "reviews/committee.html",
        challenge=challenge,
        rubric=view,
        rows=rows,
        uses_defaults=not view["criteria"],
        committee=committee,
        assigned=assigned,
        applications=[a for a in applications if a.status in services.SCORABLE],
        errors=errors or {},
        labels=STATUS_LABELS,
    ), code


@bp.route("/challenges/<int:challenge_id>/committee")
@login_required
def committee(challenge_id):
    challenge = _challenge(challenge_id)
    authorize("challenge.manage_committee", challenge)
    return _committee_page(challenge)


def _rubric_from_form(form) -> dict:
    columns = {k: form.getlist(k) for k in CRITERION_FIELDS}
    rows = []
    for i in range(len(columns["key"])):
        row = {k: (columns[k][i].strip() if i < len(columns[k]) else "") for k in CRITERION_FIELDS}
        if not any(row.values()):
            continue
        rows.append(row)
    return rows


def _clean_row(row: dict) -> dict:
    out = {k: v for k, v in row.items() if v != ""}
    for k in ("weight", "scale_min", "scale_max"):
        if k in out:
            try:
                out[k] = int(out[k])
            except ValueError:
                pass  # the schema reports it as not a valid integer
    return out


@bp.route("/challenges/<int:challenge_id>/committee/rubric", methods=["POST"])
@login_required
def save_rubric(challenge_id):
    challenge = _challenge(challenge_id)
    authorize("challenge.manage_committee", challenge)
    rows = _rubric_from_form(request.form)
    try:
        data = RubricInSchema().load(
            {"title": request.form.get("title", "").strip(), "criteria": [_clean_row(r) for r in rows]}
        )
        services.set_rubric(challenge, data)
    except ValidationError as exc:
        db.session.rollback()
        return _committee_page(challenge, _flatten(exc.normalized_messages()), rows, 422)
    except (InvalidInput, Conflict) as exc:
        db.session.rollback()
        return _committee_page(challenge, _errors_of(exc), rows, exc.code)
    commit()
    flash(_("The evaluation criteria were saved."), "success")
    return redirect(url_for("reviews.committee", challenge_id=challenge.id))


def _flatten(messages: dict) -> dict:
    """Nested criterion errors ({"criteria": {0: {"weight": [...]}}}) as "criteria.1.weight" fields."""
    flat = {}
    for key, value in messages.items():
        if key == "criteria" and isinstance(value, dict):
            for index, fields in value.items():
                for name, msgs in fields.items() if isinstance(fields, dict) else [("_", fields)]:
                    flat[f"criteria.{int(index) + 1}.{name}"] = msgs
        else:
            flat[key] = value if isinstance(value, list) else [value]
    return flat


@bp.route("/challenges/<int:challenge_id>/committee/members", methods=["POST"])
@login_required
def save_members(challenge_id):
    challenge = _challenge(challenge_id)
    authorize("challenge.manage_committee", challenge)
    try:
        data = load_form(CommitteeInSchema(), request.form)
        services.set_committee(challenge, data.get("judges") or [], data.get("chair"))
    except (InvalidInput, Conflict) as exc:
        db.session.rollback()
        return _committee_page(challenge, _errors_of(exc), code=exc.code)
    commit()
    flash(_("The committee was saved."), "success")
    return redirect(url_for("reviews.committee", challenge_id=challenge.id))


@bp.route("/challenges/<int:challenge_id>/committee/assign", methods=["POST"])
@login_required
def save_assignment(challenge_id):
    challenge = _challenge(challenge_id)
    authorize("challenge.manage_committee", challenge)
    try:
        data = load_form(AssignmentInSchema(), _with_judges(request.form))
        services.assign(challenge, data["application_id"], data["judge_ids"])
    except (InvalidInput, Conflict) as exc:
        db.session.rollback()
        return _committee_page(challenge, _errors_of(exc), code=exc.code)
    commit()
    flash(_("The assignment was saved."), "success")
    return redirect(url_for("reviews.committee", challenge_id=challenge.id) + "#assignments")


def _with_judges(form):
    """Unticking every judge sends no judge_ids at all: that means "nobody"."""
    from werkzeug.datastructures import MultiDict

    data = MultiDict(form)
    data.setlist("judge_ids", form.getlist("judge_ids"))
    return data


@bp.route("/challenges/<int:challenge_id>/committee/close", methods=["POST"])
@login_required
def close(challenge_id):
    challenge = _challenge(challenge_id)
    committee_row = services.committee_for_challenge(challenge.id)
    if committee_row is None:
        raise NotFound()
    authorize("committee.close", committee_row)
    try:
        services.close(committee_row)
    except Conflict as exc:
        db.session.rollback()
        flash(exc.description, "error")
        if not can(current_user, "ranking.view", challenge):  # the chair does not see the ranking before
            return redirect(url_for("challenges.detail", challenge_id=challenge.id))
        return redirect(url_for("reviews.ranking", challenge_id=challenge.id))
    commit()
    flash(_("Scoring is closed. The ranking is final."), "success")
    return redirect(url_for("reviews.ranking", challenge_id=challenge.id))


@bp.route("/challenges/<int:challenge_id>/ranking")
@login_required
def ranking(challenge_id):
    challenge = _challenge(challenge_id)
    authorize("ranking.view", challenge)
    committee_row = services.committee_for_challenge(challenge.id)
    from ..accounts.models import User
    from ..applications.models import Application

    recusals = services.recusals(challenge.id)
    people = {r.judge_id: db.session.get(User, r.judge_id) for r in recusals}
    applicants = {r.application_id: db.session.get(Application, r.application_id) for r in recusals}
    return render_template(
        "reviews/ranking.html",
        challenge=challenge,
        committee=committee_row,
        people=people,
        applicants=applicants,
        items=challenge_ranking(challenge),
        labels=STATUS_LABELS,
        early_labels=EARLY_LABELS,
        recusals=services.recusals(challenge.id),
    )


def _review_page(application, errors=None, values=None, code=200):
    criteria = judging.criteria_of(application.challenge)
    own = judging.my_review(application, current_user)
    return render_template(
        "reviews/review.html",
        application=application,
        challenge=application.challenge,
        criteria=criteria,
        declaration=judging.declaration(application, current_user),
        own=own,
        own_scores=judging.review_dict(own, criteria)["scores"] if own else {},
        others=[r for r in judging.visible_reviews(application, current_user) if r["judge"].id != current_user.id],
        committee=services.committee_for_challenge(application.challenge_id),
        assigned=judging.assignment(application, current_user) is not None,
        errors=errors or {},
        values=values or {},
        labels=STATUS_LABELS,
    ), code


@bp.route("/applications/<int:application_id>/review")
@login_required
def review(application_id):
    application = load_application(application_id)
    authorize("application.review", application)
    return _review_page(application)


@bp.route("/applications/<int:application_id>/review/conflict", methods=["POST"])
@login_required
def declare_conflict(application_id):
    application = load_application(application_id)
    authorize("application.review", application)
    try:
        data = load_form(ConflictInSchema(), request.form)
        judging.declare_conflict(application, current_user, data["has_conflict"], data.get("reason") or "")
    except (InvalidInput, Conflict, PermissionDenied) as exc:
        db.session.rollback()
        return _review_page(load_application(application_id), _errors_of(exc), request.form, exc.code)
    commit()
    flash(_("Your declaration was recorded."), "success")
    return redirect(url_for("reviews.review", application_id=application.id))


@bp.route("/applications/<int:application_id>/review", methods=["POST"])
@login_required
def save_review(application_id):
    application = load_application(application_id)
    authorize("application.review", application)
    scores, bad = {}, {}
    for c in judging.criteria_of(application.challenge):
        raw = request.form.get(f"score_{c.key}", "").strip()
        if raw:
            try:
                scores[c.key] = int(raw)
            except ValueError:
                bad[c.key] = [_("The score must be a whole number.")]
    submit = request.form.get("action") == "submit"
    try:
        if bad:
            raise InvalidInput(bad)
        judging.save_review(application, current_user, scores, request.form.get("comment", "")[:5000], submit)
    except (InvalidInput, Conflict, PermissionDenied) as exc:
        db.session.rollback()
        return _review_page(load_application(application_id), _errors_of(exc), request.form, exc.code)
    commit()
    flash(_("Your scores were submitted.") if submit else _("Your draft scores were saved."), "success")
    return redirect(url_for("reviews.review", application_id=application.id))
