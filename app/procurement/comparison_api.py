"""REST: /api/v1/procurement-rounds/{id}/comparison — the tool comparison (機能比較) and vendor replies."""

from __future__ import annotations

from flask_login import current_user

from ..api import Blueprint

from ..db import commit
from . import comparison_services as comparison
from .comparison_schemas import CellSchema, ComparisonSchema, ReplyInputSchema, RowInputSchema, RowSchema
from .services import get_round

blp = Blueprint(
    "procurement_comparison_api",
    __name__,
    url_prefix="/api/v1",
    description="Tool comparisons of joint procurement rounds (機能比較)",
)
C = "/procurement-rounds/<int:round_id>/comparison"


@blp.route(C)
@blp.response(200, ComparisonSchema)
def get_comparison(round_id):
    """Members (coordinator, participating municipalities) see every row; a vendor only its own; others 404."""
    rnd = get_round(round_id)
    comparison.authorize_comparison("procurement_round.view_comparison", rnd, current_user)
    return comparison.comparison_for(rnd, current_user)


@blp.route(f"{C}/rows", methods=["PUT"])
@blp.arguments(RowInputSchema)
@blp.response(200, RowSchema)
def put_row(data, round_id):
    """Record (or update) one vendor solution's row: cells met / partial / not met with notes, quoted price,
    demo date (the coordinator)."""
    rnd = get_round(round_id)
    comparison.authorize_comparison("procurement_round.record_comparison", rnd, current_user)
    row = comparison.record_row(rnd, current_user, data)
    commit()
    return row


@blp.route(f"{C}/rows/<int:solution_id>/replies", methods=["POST"])
@blp.arguments(ReplyInputSchema)
@blp.response(200, CellSchema)
def post_reply(data, round_id, solution_id):
    """The vendor's reply to one cell of its own row, shown beside the coordinator's assessment."""
    rnd = get_round(round_id)
    comparison.authorize_comparison("procurement_round.reply_comparison", rnd, current_user)
    cell = comparison.reply(rnd, current_user, solution_id, data["requirement"], data["reply"])
    commit()
    return cell
