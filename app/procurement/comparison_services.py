"""Tool comparisons: the requirements compared, recording a vendor's row, the vendor's replies, and what
each viewer may see. Services validate fully, then change, then flush; never commit."""

from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import select

from ..db import utcnow
from ..errors import Conflict, InvalidInput, NotFound
from ..extensions import db
from ..policies import authorize, can
from .comparison_models import RESULTS, ComparisonCell, ComparisonRow
from .comparison_policies import sees_whole_comparison
from .services import consolidated


def authorize_comparison(action: str, rnd, user) -> None:
    """404 for whoever may not see the comparison at all, then the action's own rule (403)."""
    if not can(user, "procurement_round.view_comparison", rnd):
        raise NotFound()
    authorize(action, rnd)


def rows_of(rnd) -> list[ComparisonRow]:
    return (
        db.session.scalars(select(ComparisonRow).where(ComparisonRow.round_id == rnd.id).order_by(ComparisonRow.id))
        .unique()
        .all()
    )


def requirements_of(rnd) -> list[str]:
    """The round's requirements, must-haves first (as consolidated), else its feature catalogue."""
    result = consolidated(rnd)
    features = [f.feature for f in result.must_have] + [f.feature for f in result.nice_to_have]
    seen, ordered = set(), []
    for feature in features or list(rnd.feature_catalogue or []):
        if feature.casefold() not in seen:
            seen.add(feature.casefold())
            ordered.append(feature)
    return ordered


def comparison_for(rnd, user) -> dict:
    """What `user` may see: every row for members, only the vendor's own rows for a vendor."""
    rows = rows_of(rnd)
    whole = sees_whole_comparison(user, rnd)
    if not whole:
        mine = user.org_ids()
        rows = [r for r in rows if r.vendor_org_id in mine]
    must = {f.feature.casefold() for f in consolidated(rnd).must_have}
    return {
        "round_id": rnd.id,
        "whole": whole,
        "requirements": [{"requirement": r, "must": r.casefold() in must} for r in requirements_of(rnd)],
        "rows": rows,
    }


def record_row(rnd, user, data: dict) -> ComparisonRow:
    from ..solutions.models import Solution

    if rnd.status in ("draft", "cancelled"):
        raise Conflict(_("Open the round first; a cancelled round cannot change."))
    solution = db.session.get(Solution, data["solution_id"])
    if solution is None or solution.org_id not in rnd.vendor_org_ids():
        raise InvalidInput({"solution_id": [_("Choose a solution of one of the invited vendors.")]})
    requirements = {r.casefold(): r for r in requirements_of(rnd)}
    cells, errors = {}, {}
    for index, cell in enumerate(data.get("cells") or []):
        key = cell["requirement"].strip().casefold()
        if key not in requirements:
            errors[str(index)] = {"requirement": [_("Not a requirement of this round.")]}
        elif key in cells:
            errors[str(index)] = {"requirement": [_("Give each requirement once.")]}
        else:
            cells[key] = cell
    if errors:
        raise InvalidInput({"cells": errors})
    row = db.session.scalar(
        select(ComparisonRow).where(ComparisonRow.round_id == rnd.id, ComparisonRow.solution_id == solution.id)
    )
    if row is None:
        row = ComparisonRow(round_id=rnd.id, solution_id=solution.id, vendor_org_id=solution.org_id)
        db.session.add(row)
    row.quoted_price_jpy, row.demo_date = data.get("quoted_price_jpy"), data.get("demo_date")
    row.note, row.recorded_by_id = (data.get("note") or "").strip(), user.id
    for key, cell in cells.items():
        existing = row.cell(requirements[key])
        if existing is None:
            existing = ComparisonCell(requirement=requirements[key])
            row.cells.append(existing)
        if (existing.result, existing.note) != (cell["result"], cell.get("note") or ""):
            existing.result, existing.note = cell["result"], (cell.get("note") or "").strip()
    db.session.flush()
    return row


def reply(rnd, user, solution_id: int, requirement: str, text: str) -> ComparisonCell:
    row = db.session.scalar(
        select(ComparisonRow).where(ComparisonRow.round_id == rnd.id, ComparisonRow.solution_id == solution_id)
    )
    if row is None or not user.is_member(row.vendor_org_id):
        raise NotFound()
    cell = next((c for c in row.cells if c.requirement.casefold() == requirement.strip().casefold()), None)
    if cell is None:
        raise InvalidInput({"requirement": [_("This requirement has not been assessed yet.")]})
    cell.vendor_reply, cell.replied_at, cell.replied_by_id = text.strip(), utcnow(), user.id
    db.session.flush()
    return cell


def comparisons_of_solution(solution, user) -> list[dict]:
    """For a solution page: the rounds whose comparison lists it and that `user` sees whole."""
    from .models import ProcurementRound

    rows = db.session.scalars(select(ComparisonRow).where(ComparisonRow.solution_id == solution.id)).unique().all()
    out = []
    for row in rows:
        rnd = db.session.get(ProcurementRound, row.round_id)
        if rnd is not None and sees_whole_comparison(user, rnd):
            counts = {r: sum(1 for c in row.cells if c.result == r) for r in RESULTS}
            out.append({"round": rnd, "row": row, "counts": counts})
    return out
