"""Application pages: apply, view (by role), edit, life-cycle actions, the owners' list."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select

from ..api import paginate
from ..attachments.services import attachments_of
from ..challenges.models import Challenge
from ..db import commit
from ..errors import Conflict, InvalidInput
from ..extensions import db
from ..forms import load_form
from ..policies import authorize, can
from ..solutions.models import Solution
from . import services
from ..db import get_or_404
from .api import load_application
from .models import APPLICATION_STATUSES, Application
from .schemas import (
    ApplicationCreateSchema,
    ApplicationInputSchema,
    StatusChangeSchema,
    load_application_form,
    partner_rows,
)

bp = Blueprint("applications", __name__, template_folder="templates")


def _my_solutions():
    return db.session.scalars(
        select(Solution)
        .where(Solution.org_id.in_(current_user.org_ids(kind="startup") or {-1}))
        .order_by(Solution.title)
    ).all()


def _form_values(application: Application | None = None) -> dict:
    if application is None:
        return {}
    values = {k: getattr(application, k) for k in services.EDITABLE}
    values["solution_id"] = application.solution_id
    values["partner_rows"] = [{"org_id": str(p.org_id), "role": p.role or ""} for p in application.partners]
    return values


def _submitted_values(form) -> dict:
    return {**form.to_dict(), "partner_rows": partner_rows(form)}


def _render_form(challenge, application, errors, values, code):
    return render_template(
        "applications/form.html",
        challenge=challenge,
        application=application,
        errors=errors,
        values=values,
        solutions=_my_solutions(),
        deadline_passed=services.deadline_passed(challenge),
        partner_choices=services.partner_choices(
            current_user.org_ids(kind="startup"), application.partners if application else ()
        ),
    ), code


def _errors_of(exc) -> dict:
    return getattr(exc, "fields", None) or {"_schema": [exc.description]}


@bp.route("/challenges/<int:challenge_id>/apply", methods=["GET", "POST"])
@login_required
def apply(challenge_id):
    challenge = get_or_404(Challenge, challenge_id)
    authorize("challenge.apply", challenge)
    existing = services.application_of(current_user.org_ids(kind="startup"), challenge.id)
    if existing is not None:
        return redirect(url_for("applications.detail", application_id=existing.id))
    errors, values = {}, {}
    if request.method == "POST":
        values = _submitted_values(request.form)
        try:
            data = load_application_form(ApplicationCreateSchema(), request.form)
            application = services.create_application(challenge, current_user, data)
        except (InvalidInput, Conflict) as exc:
            db.session.rollback()
            errors = _errors_of(exc)
        else:
            commit()
            flash(_("Your draft was saved. Check it and submit it before the deadline."), "success")
            return redirect(url_for("applications.detail", application_id=application.id))
    return _render_form(challenge, None, errors, values, 422 if errors else 200)


@bp.route("/applications/<int:application_id>")
@login_required
def detail(application_id):
    application = load_application(application_id)
    return _render_detail(application)


def _render_detail(application, errors=None, code=200):
    from .reviewing import assignment, criteria_of, visible_reviews

    reviews = []
    if can(current_user, "application.view_scores", application) and not current_user.is_member(
        application.applicant_org_id
    ):
        reviews = visible_reviews(application, current_user)  # never for the applicant
    return render_template(
        "applications/detail.html",
        application=application,
        challenge=application.challenge,
        history=services.history(application),
        attachments=attachments_of("application", application.id),
        transitions=services.OWNER_TRANSITIONS.get(application.status, ()),
        labels=services.STATUS_LABELS,
        missing=services.missing_fields(application) if application.status == "draft" else {},
        early=services.early_reasons(application) if can(current_user, "application.decide", application) else [],
        early_labels=services.EARLY_LABELS,
        deadline_passed=services.deadline_passed(application.challenge),
        errors=errors or {},
        is_judge=assignment(application, current_user) is not None,
        reviews=reviews,
        criteria=criteria_of(application.challenge) if reviews else [],
    ), code


@bp.route("/applications/<int:application_id>/edit", methods=["GET", "POST"])
@login_required
def edit(application_id):
    application = load_application(application_id)
    authorize("application.edit", application)
    errors, values, code = {}, _form_values(application), 200
    if request.method == "POST":
        values = _submitted_values(request.form)
        try:
            data = load_application_form(ApplicationInputSchema(), request.form, partial=True)
            services.update_application(application, current_user, data)
        except (InvalidInput, Conflict) as exc:
            db.session.rollback()
            errors, code = _errors_of(exc), exc.code
        else:
            commit()
            flash(_("Your changes were saved."), "success")
            return redirect(url_for("applications.detail", application_id=application.id))
    elif application.status != "draft":
        flash(_("A submitted application cannot be edited. Recall it to draft first."), "warning")
        return redirect(url_for("applications.detail", application_id=application.id))
    return _render_form(application.challenge, application, errors, values, code)


_DONE = {
    "submit": "Your application was submitted.",
    "recall": "Your application is a draft again.",
    "withdraw": "Your application was withdrawn.",
}


def _action(name):
    @login_required
    def view(application_id):
        application = load_application(application_id)
        authorize("application.edit", application)
        try:
            getattr(services, name)(application, current_user)
        except (InvalidInput, Conflict) as exc:
            db.session.rollback()
            application = load_application(application_id)
            if name == "submit" and isinstance(exc, InvalidInput):  # what is missing, next to each field
                return _render_form(
                    application.challenge,
                    application,
                    {"_schema": [exc.description], **exc.fields},
                    _form_values(application),
                    exc.code,
                )
            return _render_detail(application, _errors_of(exc), exc.code)
        commit()
        flash(_(_DONE[name]), "success")
        return redirect(url_for("applications.detail", application_id=application.id))

    view.__name__ = name
    return view


for _name in _DONE:
    bp.route(f"/applications/<int:application_id>/{_name}", methods=["POST"], endpoint=_name)(_action(_name))


@bp.route("/applications/<int:application_id>/status", methods=["POST"])
@login_required
def change_status(application_id):
    application = load_application(application_id)
    authorize("application.decide", application)
    try:
        data = load_form(StatusChangeSchema(), request.form)
        services.change_status(application, current_user, data["status"], data["reason"], data["confirm_early"])
    except (InvalidInput, Conflict) as exc:
        db.session.rollback()
        return _render_detail(load_application(application_id), _errors_of(exc), exc.code)
    commit()
    flash(_("The status was changed and the applicant was notified."), "success")
    return redirect(url_for("applications.detail", application_id=application.id))


@bp.route("/challenges/<int:challenge_id>/applications")
@login_required
def for_challenge(challenge_id):
    challenge = get_or_404(Challenge, challenge_id)
    authorize("challenge.view_applications", challenge)
    status = request.args.get("status") if request.args.get("status") in APPLICATION_STATUSES else None
    page = paginate(
        services.applications_for_challenge(challenge.id, status), max(1, request.args.get("page", 1, type=int)), 20
    )
    ranks = {}
    if can(current_user, "ranking.view", challenge):
        from .reviewing import ranking

        ranks = {r["application_id"]: r for r in ranking(challenge) if r["mean"] is not None}
    return render_template(
        "applications/for_challenge.html",
        challenge=challenge,
        page=page,
        status=status,
        statuses=[s for s in APPLICATION_STATUSES if s != "draft"],
        labels=services.STATUS_LABELS,
        ranks=ranks,
    )
