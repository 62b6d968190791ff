"""Pilot lineage: who replicated whom (ancestors, the tree from a root down, direct replications) and the
rule that a pilot may not descend from itself or from its own municipality."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from ..errors import InvalidInput
from ..extensions import db
from . import kpis as kpi_math
from .models import Pilot


def ancestors(pilot: Pilot) -> list[Pilot]:
    chain, seen, node = [], {pilot.id}, pilot.origin
    while node is not None and node.id not in seen:
        chain.append(node)
        seen.add(node.id)
        node = node.origin
    return chain


def check_lineage(pilot: Pilot, origin: Pilot) -> None:
    """`origin` may become `pilot`'s origin: another municipality, and no cycle."""
    if origin.municipality_id == pilot.municipality_id:
        raise InvalidInput({"origin_id": [_l("A pilot cannot replicate one from its own municipality.")]})
    if origin.id == pilot.id or pilot.id in {a.id for a in ancestors(origin)}:
        raise InvalidInput({"origin_id": [_l("A pilot cannot descend from itself.")]})


def root_of(pilot: Pilot) -> Pilot:
    chain = ancestors(pilot)
    return chain[-1] if chain else pilot


def lineage_tree(root: Pilot, visible=lambda p: True) -> dict:
    """{id, title, municipality, status, improvement, children: [...]} from the root down."""

    def node(p, seen):
        children = db.session.scalars(select(Pilot).where(Pilot.origin_id == p.id).order_by(Pilot.id)).all()
        shown = visible(p)  # a pilot the reader may not see is drawn as an anonymous node
        return {
            "id": p.id,
            "title": p.title if shown else "",
            "municipality": p.municipality.name_ja if shown else "—",
            "status": p.status if shown else "hidden",
            "visible": shown,
            "improvement": kpi_math.best_improvement(p) if shown else None,
            "children": [node(c, seen | {c.id}) for c in children if c.id not in seen],
        }

    return node(root, {root.id})


def lineage_roots_for_solution(solution_id: int) -> list[Pilot]:
    return db.session.scalars(
        select(Pilot).where(Pilot.solution_id == solution_id, Pilot.origin_id.is_(None)).order_by(Pilot.id)
    ).all()


def replications(pilot: Pilot) -> list[Pilot]:
    return db.session.scalars(select(Pilot).where(Pilot.origin_id == pilot.id).order_by(Pilot.id)).all()
