"""The organiser's setup of a pitch contest, in the browser: create it on a contest event, then
title and formula, the rubric, the entries (shortlisted applications or startups invited) and the
judges. Each form posts to its own URL and comes back to the setup page; a refused form
re-renders the page with its field errors (422) or the business rule's message (409)."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import func, select

from ...accounts.models import Organization
from ...applications.models import Application
from ...challenges.models import Challenge
from ...db import commit, get_or_404
from ...errors import Conflict, InvalidInput
from ...extensions import db
from ...forms import load_form
from ...policies import authorize
from ..models import Event
from . import services, setup_search
from .schemas_forms import ContestFormSchema, ImportFormSchema, InviteFormSchema, JudgeFormSchema, SettingsFormSchema

bp = Blueprint("contest_setup", __name__, template_folder="templates")

SETTINGS = ("title", "description", "pitch_seconds", "weight_judges", "weight_votes", "weight_likes", "named_export")


def _contest(contest_id: int):
    contest = services.get_contest(contest_id)
    authorize("contest.manage", contest)
    return contest


def _host_challenges(contest) -> list[tuple[Challenge, int]]:
    """The hosts' challenges with their number of shortlisted applications (most first)."""
    shortlisted = func.count(Application.id)
    rows = db.session.execute(
        select(Challenge, shortlisted)
        .outerjoin(Application, (Application.challenge_id == Challenge.id) & (Application.status == "shortlisted"))
        .where(Challenge.owner_org_id.in_(contest.host_org_ids()), Challenge.status != "draft")
        .group_by(Challenge.id)
        .order_by(shortlisted.desc(), Challenge.id.desc())
        .limit(100)
    ).all()
    return [(challenge, count) for challenge, count in rows]


def _startups() -> list[Organization]:
    return db.session.scalars(
        select(Organization).where(Organization.kind == "startup").order_by(Organization.name_ja)
    ).all()


def _page(contest, errors: dict | None = None, values: dict | None = None, form: str | None = None, code=200):
    defaults = {key: getattr(contest, key) for key in SETTINGS}
    errors = {form: errors} if form and errors else {}
    # The solution search (GET ?solution_q=): published solutions found by their or their startup's name.
    solution_q, search_errors = setup_search.check_query(request.args.get("solution_q"))
    if search_errors:
        errors["search"], code = search_errors, 422
    found = setup_search.find_solutions(solution_q) if solution_q and not search_errors else []
    return render_template(
        "contests/setup.html",
        contest=contest,
        challenges=_host_challenges(contest),
        startups=_startups(),
        errors=errors,
        values={form: values} if form and values else {},
        settings=values if form == "settings" and values else defaults,
        solution_q=solution_q,
        found=found,
        entered={e.org_id for e in contest.entries},
    ), code


def _apply(contest_id: int, form: str, change, message, anchor: str):
    """One setup form: authorise, ``change(contest)`` (a service call, loading the form), commit and
    come back to the form's section; a refusal re-renders the page with the form's errors.
    ``message`` is the flash text, or a function of what ``change`` returned."""
    contest = _contest(contest_id)
    try:
        result = change(contest)
    except (InvalidInput, Conflict) as exc:
        db.session.rollback()
        errors = getattr(exc, "fields", None) or {"_schema": [exc.description]}
        return _page(services.get_contest(contest_id), errors, request.form.to_dict(), form, exc.code)
    commit()
    flash(message(result) if callable(message) else message, "success")
    return redirect(url_for("contest_setup.setup", contest_id=contest_id, _anchor=anchor))


def _new_page(event, errors=None, values=None, code=200):
    return render_template("contests/new.html", event=event, errors=errors or {}, values=values or {}), code


@bp.route("/events/<int:event_id>/contests/new")
@login_required
def new(event_id):
    event = get_or_404(Event, event_id)
    authorize("contest.create", event)
    return _new_page(event, values={"title": event.title})


@bp.route("/events/<int:event_id>/contests", methods=["POST"])
@login_required
def create(event_id):
    event = get_or_404(Event, event_id)
    authorize("contest.create", event)
    try:
        contest = services.create_contest(event, current_user, load_form(ContestFormSchema(), request.form))
        services.use_standard_rubric(contest)
    except (InvalidInput, Conflict) as exc:
        db.session.rollback()
        event = get_or_404(Event, event_id)
        errors = getattr(exc, "fields", None) or {"_schema": [exc.description]}
        return _new_page(event, errors, request.form.to_dict(), exc.code)
    commit()
    flash(_("The contest was created. Add the entries and the judges."), "success")
    return redirect(url_for("contest_setup.setup", contest_id=contest.id))


@bp.route("/contests/<int:contest_id>/setup")
@login_required
def setup(contest_id):
    return _page(_contest(contest_id))


@bp.route("/contests/<int:contest_id>/setup/settings", methods=["POST"])
@login_required
def settings(contest_id):
    return _apply(
        contest_id,
        "settings",
        lambda c: services.update_contest(c, load_form(SettingsFormSchema(), request.form)),
        _("The contest settings were saved."),
        "settings",
    )


@bp.route("/contests/<int:contest_id>/setup/rubric", methods=["POST"])
@login_required
def rubric(contest_id):
    return _apply(contest_id, "rubric", services.use_standard_rubric, _("The standard rubric was set."), "rubric")


@bp.route("/contests/<int:contest_id>/setup/import", methods=["POST"])
@login_required
def import_entries(contest_id):
    return _apply(
        contest_id,
        "import",
        lambda c: services.import_shortlisted(c, load_form(ImportFormSchema(), request.form)["challenge_id"]),
        lambda added: _("%(n)s entries were imported.", n=len(added)),
        "entries",
    )


@bp.route("/contests/<int:contest_id>/setup/entries", methods=["POST"])
@login_required
def invite(contest_id):
    return _apply(
        contest_id,
        "invite",
        lambda c: services.add_entry(c, load_form(InviteFormSchema(), request.form)),
        _("The startup was added to the contest."),
        "entries",
    )


@bp.route("/contests/<int:contest_id>/setup/judges", methods=["POST"])
@login_required
def judges(contest_id):
    return _apply(
        contest_id,
        "judges",
        lambda c: services.add_judge_by_email(c, load_form(JudgeFormSchema(), request.form)["email"]),
        _("The judge was added."),
        "judges",
    )
