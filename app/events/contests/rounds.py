"""Voting rounds: create and edit (rules frozen once a round opens), open, close (with the tally
snapshot in the same transaction), and which round a screen shows. Flush, never commit."""

from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import select

from ...db import utcnow
from ...errors import Conflict, InvalidInput, NotFound
from ...extensions import db
from . import broadcast, tally
from .models import Contest, VotingRound
from .services import not_finalized

RULE_FIELDS = ("method", "max_choices", "eligibility", "allow_change")


def lock_round(round_id: int) -> VotingRound:
    rnd = db.session.execute(
        select(VotingRound)
        .where(VotingRound.id == round_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    ).scalar_one_or_none()
    if rnd is None:
        raise NotFound()
    return rnd


def _check_rules(values: dict) -> None:
    fields = {}
    if values["method"] == "single" and values.get("max_choices", 1) != 1:
        values["max_choices"] = 1
    if values["method"] == "approval" and not 1 <= values.get("max_choices", 1) <= 20:
        fields["max_choices"] = [_("Between 1 and 20.")]
    if not values.get("eligibility"):
        fields["eligibility"] = [_("Choose who may vote.")]
    if fields:
        raise InvalidInput(fields)


def create_round(contest: Contest, data: dict) -> VotingRound:
    not_finalized(contest)
    values = {"method": "single", "max_choices": 1, "eligibility": ["staff"], "allow_change": True, **data}
    values["eligibility"] = sorted(set(values["eligibility"]))
    _check_rules(values)
    rnd = VotingRound(contest_id=contest.id, **values)
    db.session.add(rnd)
    db.session.flush()
    return rnd


def update_round(rnd: VotingRound, data: dict) -> VotingRound:
    """Rules (method, choices, eligibility, changes allowed) are frozen once the round opens."""
    rnd = lock_round(rnd.id)
    if rnd.status != "draft":
        changed = {k for k in data if k in RULE_FIELDS and _norm(k, data[k]) != getattr(rnd, k)}
        if changed or (rnd.status == "closed" and data):
            raise Conflict(
                _("The rules of a round are frozen once it opens."), fields={k: [_("Frozen.")] for k in sorted(changed)}
            )
    if "eligibility" in data:
        data = {**data, "eligibility": sorted(set(data["eligibility"]))}
    values = {k: data.get(k, getattr(rnd, k)) for k in RULE_FIELDS}
    _check_rules(values)
    data = {**data, "max_choices": values["max_choices"]} if "method" in data or "max_choices" in data else data
    for key, value in data.items():
        setattr(rnd, key, value)
    db.session.flush()
    return rnd


def _norm(key, value):
    return sorted(set(value)) if key == "eligibility" else value


def open_round(rnd: VotingRound) -> VotingRound:
    contest = rnd.contest
    not_finalized(contest)
    rnd = lock_round(rnd.id)
    if rnd.status != "draft":
        raise Conflict(_("This round has already been opened."))
    if not contest.entries:
        raise Conflict(_("Add entries before opening a round."))
    if any(r.status == "open" for r in contest.rounds if r.id != rnd.id):
        raise Conflict(_("Another round is open. Close it first."))
    rnd.status, rnd.opened_at = "open", utcnow()
    if contest.status == "draft":
        contest.status = "live"
    db.session.flush()
    broadcast.announce_round(contest.id)
    return rnd


def close_round(rnd: VotingRound) -> VotingRound:
    """Lock the round, close it and snapshot the tally in the same transaction."""
    rnd = lock_round(rnd.id)
    if rnd.status != "open":
        raise Conflict(_("Only an open round can be closed."))
    rnd.status, rnd.closed_at = "closed", utcnow()
    db.session.flush()
    tally.take_snapshot(rnd)
    db.session.refresh(rnd)
    broadcast.announce_round(rnd.contest_id)
    broadcast.announce("tally", tally.tally_payload(rnd), rnd.contest_id)
    return rnd


def round_payload(rnd: VotingRound) -> dict:
    return {
        "id": rnd.id,
        "title": rnd.title,
        "status": rnd.status,
        "method": rnd.method,
        "max_choices": rnd.max_choices,
        "allow_change": rnd.allow_change,
        "eligibility": list(rnd.eligibility),
    }


def current_round(contest: Contest) -> VotingRound | None:
    rounds = contest.rounds
    open_ = [r for r in rounds if r.status == "open"]
    if open_:
        return open_[0]
    closed = [r for r in rounds if r.status == "closed"]
    return closed[-1] if closed else None
