"""REST: /api/v1/contests/... (contest, entries, judges, rounds, ballots, likes, state, results)."""

from __future__ import annotations

from flask import request
from flask.views import MethodView
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from ...api import Blueprint, paged, paginate
from ...db import commit
from ...errors import InvalidInput, NotFound, PermissionDenied, Unauthorized
from ...extensions import db
from ...policies import authorize, can
from ..models import Event
from . import ballots, broadcast, guest_ballots, likes, rounds, score_sheets, services, tally
from . import results as ranking
from .identity import current_voter, guest_token, signed_pass
from .models import Contest, Entry, VotingRound
from .schemas import (
    BallotCreateSchema,
    ContestCreateSchema,
    ContestQuerySchema,
    ContestSchema,
    ContestUpdateSchema,
    DeclarationOutSchema,
    DeclarationSchema,
    EntryCreateSchema,
    EntrySchema,
    FinalizeSchema,
    ImportSchema,
    JudgeCreateSchema,
    JudgeSchema,
    LikeOutSchema,
    OrderSchema,
    PitchSchema,
    ReceiptSchema,
    ResultsSchema,
    RoundCreateSchema,
    RoundSchema,
    RoundUpdateSchema,
    ScoreOutSchema,
    ScoreSchema,
    ScoreSheetsSchema,
    VerifySchema,
)

blp = Blueprint("contests_api", __name__, url_prefix="/api/v1", description="Pitch contests and live voting")


def load_contest(contest_id: int, action: str = "contest.view") -> Contest:
    contest = services.get_contest(contest_id)
    if action == "contest.view" and current_voter(contest.id) is not None and not current_user.is_authenticated:
        return contest  # a guest holding this contest's join pass
    authorize(action, contest)
    return contest


def _of_contest(model, contest: Contest, row_id: int):
    """A row (entry, round) of this contest, or 404: the id of another contest's row is not found."""
    row = db.session.get(model, row_id)
    if row is None or row.contest_id != contest.id:
        raise NotFound()
    return row


def load_entry(contest: Contest, entry_id: int) -> Entry:
    return _of_contest(Entry, contest, entry_id)


def load_round(contest: Contest, round_id: int) -> VotingRound:
    return _of_contest(VotingRound, contest, round_id)


@blp.route("/contests")
class Contests(MethodView):
    @blp.arguments(ContestQuerySchema, location="query")
    @blp.response(200, paged(ContestSchema))
    def get(self, args):
        """Contests on public, published events (and those the caller organises)."""
        stmt = select(Contest).join(Event, Event.id == Contest.event_id)
        if args.get("event_id"):
            stmt = stmt.where(Contest.event_id == args["event_id"])
        public = (Event.status == "published") & (Event.visibility == "public")
        if current_user.is_authenticated and current_user.is_platform_admin:
            pass
        elif current_user.is_authenticated and current_user.org_ids():
            stmt = stmt.where(public | Event.host_org_id.in_(current_user.org_ids()))
        else:
            stmt = stmt.where(public)
        page = paginate(stmt.order_by(Contest.id.desc()), args["page"], args["per_page"])
        return {"items": page.items, "meta": page.meta}

    @blp.arguments(ContestCreateSchema)
    @blp.response(201, ContestSchema)
    def post(self, data):
        if not current_user.is_authenticated:
            raise Unauthorized()
        event = db.session.get(Event, data["event_id"])
        if event is None:
            raise InvalidInput({"event_id": [_("Unknown event.")]})
        if not can(current_user, "contest.create", event):
            raise PermissionDenied() if current_user.is_authenticated else Unauthorized()
        contest = services.create_contest(event, current_user, data)
        commit()
        return contest


@blp.route("/contests/<int:contest_id>")
class ContestItem(MethodView):
    @blp.response(200, ContestSchema)
    def get(self, contest_id):
        return load_contest(contest_id)

    @blp.arguments(ContestUpdateSchema)
    @blp.response(200, ContestSchema)
    def patch(self, data, contest_id):
        contest = load_contest(contest_id, "contest.manage")
        services.update_contest(contest, data)
        commit()
        return contest


@blp.route("/contests/<int:contest_id>/entries")
class Entries(MethodView):
    @blp.response(200, EntrySchema(many=True))
    def get(self, contest_id):
        return load_contest(contest_id).entries

    @blp.arguments(EntryCreateSchema)
    @blp.response(201, EntrySchema)
    def post(self, data, contest_id):
        """Add a startup by invitation of the organiser."""
        contest = load_contest(contest_id, "contest.manage")
        entry = services.add_entry(contest, data)
        commit()
        return entry


@blp.route("/contests/<int:contest_id>/entries/import", methods=["POST"])
@blp.arguments(ImportSchema)
@blp.response(201, EntrySchema(many=True))
def import_entries(data, contest_id):
    """Import the SHORTLISTED applications of a challenge owned by the host."""
    contest = load_contest(contest_id, "contest.manage")
    added = services.import_shortlisted(contest, data.get("challenge_id"))
    commit()
    return added


@blp.route("/contests/<int:contest_id>/entries/order", methods=["PUT"])
@blp.arguments(OrderSchema)
@blp.response(200, EntrySchema(many=True))
def reorder(data, contest_id):
    contest = load_contest(contest_id, "contest.manage")
    services.reorder(contest, data["entry_ids"])
    commit()
    db.session.expire(contest, ["entries"])
    return contest.entries


@blp.route("/contests/<int:contest_id>/pitch", methods=["POST"])
@blp.arguments(PitchSchema)
@blp.response(200)
def pitch(data, contest_id):
    """Start the pitch timer for an entry (or stop it with null)."""
    contest = load_contest(contest_id, "contest.manage")
    services.start_pitch(contest, data["entry_id"])
    commit()
    return services.pitch_payload(contest)


@blp.route("/contests/<int:contest_id>/judges", methods=["POST"])
@blp.arguments(JudgeCreateSchema)
@blp.response(201, JudgeSchema)
def add_judge(data, contest_id):
    contest = load_contest(contest_id, "contest.manage")
    judge = services.add_judge(contest, data["user_id"])
    commit()
    return judge


@blp.route("/contests/<int:contest_id>/entries/<int:entry_id>/declaration", methods=["POST"])
@blp.arguments(DeclarationSchema)
@blp.response(201, DeclarationOutSchema)
def declare(data, contest_id, entry_id):
    """A judge declares a conflict of interest (recused) or none, for one entry."""
    contest = load_contest(contest_id, "contest.judge")
    entry = load_entry(contest, entry_id)
    declaration = score_sheets.declare(entry, current_user, data["has_conflict"], data["reason"])
    commit()
    return declaration


@blp.route("/contests/<int:contest_id>/entries/<int:entry_id>/score", methods=["PUT"])
@blp.arguments(ScoreSchema)
@blp.response(200, ScoreOutSchema)
def score(data, contest_id, entry_id):
    contest = load_contest(contest_id, "contest.judge")
    entry = load_entry(contest, entry_id)
    row = score_sheets.score(entry, current_user, data["scores"])
    commit()
    return row


@blp.route("/contests/<int:contest_id>/rounds")
class Rounds(MethodView):
    @blp.response(200, RoundSchema(many=True))
    def get(self, contest_id):
        return load_contest(contest_id).rounds

    @blp.arguments(RoundCreateSchema)
    @blp.response(201, RoundSchema)
    def post(self, data, contest_id):
        contest = load_contest(contest_id, "contest.manage")
        rnd = rounds.create_round(contest, data)
        commit()
        return rnd


@blp.route("/contests/<int:contest_id>/rounds/<int:round_id>", methods=["PATCH"])
@blp.arguments(RoundUpdateSchema)
@blp.response(200, RoundSchema)
def update_round(data, contest_id, round_id):
    """Method, choices, eligibility and change rules are frozen once the round opens (409)."""
    contest = load_contest(contest_id, "contest.manage")
    rnd = rounds.update_round(load_round(contest, round_id), data)
    commit()
    return rnd


@blp.route("/contests/<int:contest_id>/rounds/<int:round_id>/open", methods=["POST"])
@blp.response(200, RoundSchema)
def open_round(contest_id, round_id):
    contest = load_contest(contest_id, "contest.manage")
    rnd = rounds.open_round(load_round(contest, round_id))
    commit()
    return rnd


@blp.route("/contests/<int:contest_id>/rounds/<int:round_id>/close", methods=["POST"])
@blp.response(200, RoundSchema)
def close_round(contest_id, round_id):
    """Close the round and snapshot its tally (sha256 of counts + ballot ids)."""
    contest = load_contest(contest_id, "contest.manage")
    rnd = rounds.close_round(load_round(contest, round_id))
    commit()
    return rnd


@blp.route("/contests/<int:contest_id>/rounds/<int:round_id>/verify", methods=["GET"])
@blp.response(200, VerifySchema)
def verify_round(contest_id, round_id):
    """Recount from the ballot rows and compare with the snapshot."""
    contest = load_contest(contest_id, "contest.manage")
    return tally.verify(load_round(contest, round_id))


@blp.route("/contests/<int:contest_id>/rounds/<int:round_id>/ballots", methods=["POST"])
@blp.arguments(BallotCreateSchema)
@blp.response(201, ReceiptSchema)
def cast_ballot(data, contest_id, round_id):
    """Cast (or change) a ballot. Send an `Idempotency-Key` header; a retry returns the same receipt (200)."""
    key = request.headers.get("Idempotency-Key", "")
    pass_id = None if current_user.is_authenticated else signed_pass(guest_token(), contest_id)
    if pass_id is not None:  # a guest (the voter page's fallback): the socket's lean path
        result = guest_ballots.cast(pass_id, contest_id, round_id, data["choices"], key, via="http")
        return receipt_body(result), (201 if result.created else 200)
    contest = load_contest(contest_id)
    rnd = load_round(contest, round_id)
    voter = current_voter(contest.id)
    if voter is None:
        raise Unauthorized()
    result = ballots.cast(rnd.id, voter, data["choices"], key)
    commit()  # durable before it is acknowledged
    body = receipt_body(result)
    return body, (201 if result.created else 200)


def receipt_body(result) -> dict:
    b = result.ballot
    return {
        "receipt": b.receipt,
        "round_id": b.round_id,
        "choices": b.choices,
        "created_at": b.created_at,
        "replayed": not result.created,
    }


@blp.route("/contests/<int:contest_id>/entries/<int:entry_id>/like")
class LikeItem(MethodView):
    @blp.response(200, LikeOutSchema)
    def post(self, contest_id, entry_id):
        contest = load_contest(contest_id)
        entry = load_entry(contest, entry_id)
        voter = _voter_or_401(contest)
        likes.like(entry, voter)
        commit()
        return {"entry_id": entry.id, "liked": True, "likes": likes.like_counts(contest).get(entry.id, 0)}

    @blp.response(200, LikeOutSchema)
    def delete(self, contest_id, entry_id):
        contest = load_contest(contest_id)
        entry = load_entry(contest, entry_id)
        voter = _voter_or_401(contest)
        likes.unlike(entry, voter)
        commit()
        return {"entry_id": entry.id, "liked": False, "likes": likes.like_counts(contest).get(entry.id, 0)}


def _voter_or_401(contest):
    voter = current_voter(contest.id)
    if voter is None:
        raise Unauthorized()
    return voter


@blp.route("/contests/<int:contest_id>/state", methods=["GET"])
@blp.response(200)
def state(contest_id):
    """Everything a (re)connecting screen needs: current round, tally with version, your own ballot."""
    contest = load_contest(contest_id)
    from . import live_state  # imported when first used, as before: its session listeners come with it

    return live_state.state(contest, current_voter(contest.id))


@blp.route("/contests/<int:contest_id>/results", methods=["GET"])
@blp.response(200, ResultsSchema)
def results(contest_id):
    """The stored ranking once finalised; organisers also see a provisional ranking before."""
    contest = load_contest(contest_id, "contest.view_results")
    if contest.status == "finalized":
        rows, final = ranking.stored_results(contest), True
    else:
        rows, final = ranking.compute_results(contest), False
    return _results_body(contest, rows, final)


def _results_body(contest: Contest, rows, final: bool) -> dict:
    return {
        "contest_id": contest.id,
        "formula": contest.formula,
        "final": final,
        "score_sheets": score_sheets.summary(contest),
        "results": rows,
    }


@blp.route("/contests/<int:contest_id>/score-sheets", methods=["GET"])
@blp.response(200, ScoreSheetsSchema)
def sheets(contest_id):
    """The judges' score sheets: how many exist of how many expected, and who has not scored which entry."""
    contest = load_contest(contest_id, "contest.manage")
    return score_sheets.status(contest)


@blp.route("/contests/<int:contest_id>/finalize", methods=["POST"])
@blp.arguments(FinalizeSchema)
@blp.response(200, ResultsSchema)
def finalize(data, contest_id):
    """Store the ranking. With judges' score sheets missing: 409 unless `confirm_incomplete_scores` is true."""
    contest = load_contest(contest_id, "contest.manage")
    rows = ranking.finalize(contest, current_user, data["confirm_incomplete_scores"])
    broadcast.announce_round(contest.id)  # big screens and phones: voting has closed, results to come
    commit()
    return _results_body(contest, rows, True)


@blp.route("/contests/<int:contest_id>/reveal", methods=["POST"])
@blp.response(200, ContestSchema)
def reveal(contest_id):
    contest = load_contest(contest_id, "contest.manage")
    ranking.reveal(contest)
    commit()
    return contest
