"""Matchmaking pages: a startup's matches, referral consent, invitations, the admin index page."""

from __future__ import annotations

from flask import Blueprint, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select

from ..db import commit, get_or_404
from ..errors import Conflict, DomainError, InvalidInput
from ..extensions import db
from ..forms import load_form
from ..jobs import enqueue
from ..policies import authorize, can
from . import index, services, similar, tiers
from .models import ReindexRun
from .schemas import MatchInvitationCreateSchema, ReferralConsentSchema, ReferralCreateSchema, ReferralInviteSchema

bp = Blueprint("matchmaking", __name__, template_folder="templates")
bp.add_app_template_filter(tiers.grouped, "match_groups")


@bp.route("/matchmaking/matches")
@login_required
def my_matches():
    """Open challenges matching each of the user's startups' solutions."""
    org_ids = list(current_user.org_ids(kind="startup"))
    groups = [
        (s, services.matches_for_solution(s, current_user, 10)) for s in services.published_solutions(org_ids, 10)
    ]
    referrals = services.referrals_for_org(org_ids)
    return render_template("matchmaking/my_matches.html", groups=groups, referrals=referrals)


@bp.route("/matchmaking/challenges/<int:challenge_id>/invitations", methods=["POST"])
@login_required
def invite(challenge_id):
    from ..challenges.models import Challenge

    challenge = get_or_404(Challenge, challenge_id)
    authorize("matchmaking.challenge_matches", challenge)
    data = load_form(MatchInvitationCreateSchema(), request.form)
    try:
        services.invite(challenge, data["solution_id"], current_user)
    except (DomainError, Conflict, InvalidInput) as exc:
        db.session.rollback()
        flash(exc.description, "error")
        return redirect(f"/challenges/{challenge.id}#matches")
    commit()
    flash(_("The startup was invited to apply."), "success")
    return redirect(f"/challenges/{challenge.id}#matches")


@bp.route("/matchmaking/applications/<int:application_id>/referrals", methods=["POST"])
@login_required
def propose_referral(application_id):
    from ..applications.models import Application

    application = get_or_404(Application, application_id)
    authorize("matchmaking.refer_application", application)
    try:
        data = load_form(ReferralCreateSchema(), request.form)
        referral = services.propose_referral(
            application, current_user, data.get("challenge_ids"), data.get("note") or ""
        )
    except (DomainError, Conflict, InvalidInput) as exc:
        db.session.rollback()
        fields = getattr(exc, "fields", None) or {}
        flash(" ".join([exc.description] + [m for msgs in fields.values() for m in msgs]), "error")
        return redirect(f"/applications/{application.id}#dejima")
    commit()
    flash(_("The startup was asked for its consent."), "success")
    return redirect(url_for("matchmaking.referral", referral_id=referral.id))


@bp.route("/matchmaking/referrals/<int:referral_id>")
@login_required
def referral(referral_id):
    ref = services.get_referral(referral_id)
    authorize("referral.view", ref)
    own_targets = [t for t in ref.targets if current_user.org_ids() & t.challenge.owning_org_ids()]
    return render_template("matchmaking/referral.html", referral=ref, own_targets=own_targets)


@bp.route("/matchmaking/referrals/<int:referral_id>/consent", methods=["POST"])
@login_required
def consent(referral_id):
    ref = services.get_referral(referral_id)
    authorize("referral.consent", ref)
    data = load_form(ReferralConsentSchema(), request.form)
    services.respond_referral(ref, current_user, data["accept"])
    commit()
    flash(_("Thank you: your answer was recorded."), "success")
    return redirect(url_for("matchmaking.referral", referral_id=ref.id))


@bp.route("/matchmaking/referrals/<int:referral_id>/invitations", methods=["POST"])
@login_required
def invite_referred(referral_id):
    ref = services.get_referral(referral_id)
    authorize("referral.invite", ref)
    data = load_form(ReferralInviteSchema(), request.form)
    services.invite_from_referral(ref, data["challenge_id"], current_user)
    commit()
    flash(_("The startup was invited to apply."), "success")
    return redirect(url_for("matchmaking.referral", referral_id=ref.id))


# ----------------------------------------------------------------------------- admin
@bp.route("/admin/matchmaking")
@login_required
def admin():
    authorize("matchmaking.admin")
    return render_template(
        "matchmaking/admin.html",
        status=index.status(),
        failures=index.open_failures(),
        runs=db.session.scalars(select(ReindexRun).order_by(ReindexRun.id.desc()).limit(10)).all(),
    )


@bp.route("/admin/matchmaking/reindex", methods=["POST"])
@login_required
def admin_reindex():
    """Start a full rebuild as a job on the "matchmaking" queue (inline without Redis)."""
    authorize("matchmaking.admin")
    run = ReindexRun(status="queued", started_by_id=current_user.id)
    db.session.add(run)
    db.session.flush()
    enqueue("matchmaking", "app.matchmaking.jobs:reindex_all", run.id)
    commit()
    flash(_("The index is being rebuilt."), "success")
    return redirect(url_for("matchmaking.admin"))


@bp.route("/admin/matchmaking/progress")
@login_required
def admin_progress():
    authorize("matchmaking.admin")
    db.session.expire_all()
    run = db.session.scalars(select(ReindexRun).order_by(ReindexRun.id.desc()).limit(1)).first()
    if run is None:
        return jsonify({"run": None})
    return jsonify(
        {
            "run": {
                "id": run.id,
                "status": run.status,
                "done": run.done,
                "total": run.total,
                "generation": run.generation,
                "error": run.error,
            }
        }
    )


@bp.route("/admin/matchmaking/failures/resolve", methods=["POST"])
@login_required
def admin_resolve_failures():
    authorize("matchmaking.admin")
    index.resolve_failures()
    commit()
    flash(_("Failures marked as resolved."), "success")
    return redirect(url_for("matchmaking.admin"))


# ----------------------------------------------------------------------------- registry contexts
def _user(user):
    return user if user is not None and getattr(user, "is_authenticated", False) else None


def challenge_matches_section(challenge, user):
    user = _user(user)
    if not can(user, "matchmaking.challenge_matches", challenge):
        return None
    matches = services.matches_for_challenge(challenge, user, 10)
    return {
        "challenge": challenge,
        "matches": matches,
        "building": not matches and index.building(),
        "invited": services.invited_org_ids(challenge),
        "can_invite": challenge.status == "published",
    }


def challenge_referrals_section(challenge, user):
    user = _user(user)
    if not can(user, "matchmaking.view_referrals", challenge):
        return None
    referrals = services.referrals_for_challenge(challenge)
    return {"challenge": challenge, "referrals": referrals} if referrals else None


def similar_section(challenge, user):
    user = _user(user)
    items = similar.for_challenge(challenge, user, 5)
    if items is None:  # no precomputed list yet, or too much of it hidden from this viewer
        items = services.similar_to_challenge(challenge, user, 5)
    return {"challenge": challenge, "items": items} if items else None


def solution_matches_section(solution, user):
    user = _user(user)
    if not can(user, "matchmaking.solution_matches", solution):
        return None
    return {"solution": solution, "matches": services.matches_for_solution(solution, user, 10)}


def application_referral_section(application, user):
    user = _user(user)
    if not can(user, "matchmaking.refer_application", application):
        return None
    from .models import Referral

    existing = db.session.scalar(select(Referral).where(Referral.application_id == application.id))
    candidates = [] if existing else services.referral_list(application, user)
    return {"application": application, "existing": existing, "candidates": candidates}


def dashboard_panel(user):
    user = _user(user)
    if user is None:
        return None
    org_ids = user.org_ids(kind="startup")
    if not org_ids:
        return None
    pending = [r for r in services.referrals_for_org(org_ids) if r.status == "pending_consent"]
    return {"pending_referrals": pending, "previews": services.match_previews(user, org_ids)}
