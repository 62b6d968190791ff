"""From models to engine Documents, and the registry of document kinds.

Each kind registers how to turn an object into a Document, what may be indexed (published
only) and which ids a user may see at query time. Pilots, for example, in app/pilots/__init__.py:

    from app.matchmaking.documents import register_kind
    register_kind("pilot", model=Pilot, to_document=pilot_document,
                  load_visible=lambda: select(Pilot).where(Pilot.status == "published"),
                  visible_ids=lambda user, ids: {...},           # query-time check (default: load_visible)
                  url=lambda pilot_id: f"/pilots/{pilot_id}")

Registered kinds are indexed by `flask matchmaking reindex`, kept up to date by the
after_flush hook (hooks.py) and shown in "similar" sections of challenge pages.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Iterable

from sqlalchemy import or_, select

from ..db import id_in, utcnow
from ..extensions import db
from ..contributions.documents import contribution_meta
from .engine import Document


@dataclass
class Kind:
    name: str
    model: type
    to_document: Callable[[object], Document]
    indexable: Callable[[], object]  # -> select() of objects to index
    is_indexable: Callable[[object], bool]  # one object (for incremental updates)
    visible_ids: Callable[[object, Iterable[int]], set[int]]  # (user, candidate ids) -> ids the user may see
    url: Callable[[int], str]


KINDS: dict[str, Kind] = {}


def register_kind(
    name: str, *, model, to_document, load_visible=None, indexable=None, is_indexable=None, visible_ids=None, url=None
) -> None:
    """Add a document kind. `load_visible()` (alias `indexable`) returns a select() of the objects to
    index; `is_indexable(obj)` decides for one object (default: it is in load_visible());
    `visible_ids(user, ids)` the ids a user may see (default: those in load_visible())."""
    stmt = load_visible or indexable
    if stmt is None:
        raise ValueError("register_kind needs load_visible")

    def _in_stmt(obj) -> bool:
        return (
            db.session.scalar(
                select(model.id).where(model.id == obj.id, model.id.in_(stmt().with_only_columns(model.id)))
            )
            is not None
        )

    def _visible(user, ids) -> set[int]:
        q = stmt().with_only_columns(model.id).order_by(None)
        if ids is not None:
            ids = list(ids)
            if not ids:
                return set()
            q = q.where(id_in(model.id, ids))
        return set(db.session.scalars(q).all())

    KINDS[name] = Kind(
        name,
        model,
        to_document,
        stmt,
        is_indexable or _in_stmt,
        visible_ids or _visible,
        url or (lambda i: f"/{name}s/{i}"),
    )


def doc_id(kind: str, object_id: int) -> str:
    return f"{kind}:{object_id}"


def split_id(value: str) -> tuple[str, int]:
    kind, _, raw = str(value).partition(":")
    return kind, int(raw)


def _join(*parts) -> str:
    out = []
    for part in parts:
        if isinstance(part, (list, tuple)):
            part = "\n".join(str(p) for p in part if p)
        if part:
            out.append(str(part).strip())
    return "\n".join(p for p in out if p)


# --------------------------------------------------------------------------- challenges
def challenge_document(challenge) -> Document:
    return Document(
        id=doc_id("challenge", challenge.id),
        kind="challenge",
        title=challenge.title,
        text=_join(
            challenge.summary,
            challenge.background,
            challenge.current_workflow,
            challenge.desired_outcome,
            challenge.kpis,
        ),
        language=challenge.language,
        category=challenge.category,
        tags=list(challenge.tags or []),
        environments=challenge.environments,
        budget_max_jpy=challenge.budget_max_jpy,
        prefecture=challenge.owner.prefecture if challenge.owner else None,
        meta={
            "status": challenge.status,
            "visibility": challenge.visibility,
            "owner_org_id": challenge.owner_org_id,
            "deadline": challenge.application_deadline.isoformat() if challenge.application_deadline else None,
            **contribution_meta(challenge),
        },
    )


def _challenge_indexable_stmt():
    from ..challenges.models import Challenge
    from ..challenges.policies import VISIBLE_STATUSES

    return select(Challenge).where(Challenge.status.in_(VISIBLE_STATUSES)).order_by(Challenge.id)


def _challenge_is_indexable(challenge) -> bool:
    from ..challenges.policies import VISIBLE_STATUSES

    return challenge.status in VISIBLE_STATUSES


def visible_challenge_ids(
    user, ids: Iterable[int] | None = None, open_only: bool = False, not_owned_by: Iterable[int] = ()
) -> set[int]:
    """Challenges a match or search may show the user: published (never drafts, even to their
    owners) and, when members-only, only to logged-in users. ``not_owned_by``: leave out the
    challenges these organisations own or co-own (accepted)."""
    from ..challenges.models import Challenge
    from ..challenges.policies import VISIBLE_STATUSES
    from ..challenges.queries import owning_clause

    stmt = select(Challenge.id).where(Challenge.status.in_(VISIBLE_STATUSES))
    not_owned_by = set(not_owned_by)
    if not_owned_by:
        stmt = stmt.where(~owning_clause(not_owned_by))
    if ids is not None:
        ids = list(ids)
        if not ids:
            return set()
        stmt = stmt.where(id_in(Challenge.id, ids))
    if user is None:
        stmt = stmt.where(Challenge.visibility == "public")
    if open_only:
        stmt = stmt.where(
            Challenge.status == "published",
            or_(Challenge.application_deadline.is_(None), Challenge.application_deadline > utcnow()),
        )
    return set(db.session.scalars(stmt).all())


# --------------------------------------------------------------------------- solutions
def solution_document(solution) -> Document:
    track = [
        f"{t.get('municipality', '')} {t.get('outcome', '')}"
        for t in (solution.track_record or [])
        if isinstance(t, dict)
    ]
    return Document(
        id=doc_id("solution", solution.id),
        kind="solution",
        title=solution.title,
        text=_join(solution.summary, solution.features, track),
        language=solution.language,
        category=solution.category,
        tags=list(solution.tags or []),
        environments=solution.environments,
        price_jpy_per_year=solution.price_jpy_per_year,
        prefectures_served=list(solution.regions_served or []),
        meta={
            "status": solution.status,
            "org_id": solution.org_id,
            "certifications": list(solution.certifications or []),
            **contribution_meta(solution),
        },
    )


def _solution_indexable_stmt():
    from ..solutions.models import Solution

    return select(Solution).where(Solution.status == "published").order_by(Solution.id)


def visible_solution_ids(user, ids: Iterable[int] | None = None) -> set[int]:
    """Published solutions only (a draft is never matched or found)."""
    from ..solutions.models import Solution

    stmt = select(Solution.id).where(Solution.status == "published")
    if ids is not None:
        ids = list(ids)
        if not ids:
            return set()
        stmt = stmt.where(id_in(Solution.id, ids))
    return set(db.session.scalars(stmt).all())


def register_default_kinds() -> None:
    from ..challenges.models import Challenge
    from ..solutions.models import Solution

    register_kind(
        "challenge",
        model=Challenge,
        to_document=challenge_document,
        load_visible=_challenge_indexable_stmt,
        is_indexable=_challenge_is_indexable,
        visible_ids=lambda user, ids: visible_challenge_ids(user, ids),
        url=lambda i: f"/challenges/{i}",
    )
    register_kind(
        "solution",
        model=Solution,
        to_document=solution_document,
        load_visible=_solution_indexable_stmt,
        is_indexable=lambda s: s.status == "published",
        visible_ids=lambda user, ids: visible_solution_ids(user, ids),
        url=lambda i: f"/solutions/{i}",
    )


def all_documents() -> Iterable[Document]:
    """Every indexable document of every registered kind (streamed)."""
    for kind in KINDS.values():
        for obj in db.session.scalars(kind.indexable()):
            yield kind.to_document(obj)


def count_indexable() -> int:
    from sqlalchemy import func

    total = 0
    for kind in KINDS.values():
        total += db.session.scalar(select(func.count()).select_from(kind.indexable().order_by(None).subquery())) or 0
    return total


def allowed_for(user, kinds: Iterable[str], candidate_ids: Iterable[str] | None = None) -> set[str]:
    """Engine ids (kind:id) of the given kinds that the user may see right now."""
    by_kind: dict[str, list[int]] | None = None
    if candidate_ids is not None:
        by_kind = {}
        for value in candidate_ids:
            k, i = split_id(value)
            by_kind.setdefault(k, []).append(i)
    allowed = set()
    for name in kinds:
        kind = KINDS.get(name)
        if kind is None:
            continue
        ids = None if by_kind is None else by_kind.get(name, [])
        allowed |= {doc_id(name, i) for i in kind.visible_ids(user, ids)}
    return allowed
