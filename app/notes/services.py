"""Practice notes: write, edit, delete, list and find. Services validate fully, flush, never commit."""

from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import or_, select

from ..errors import InvalidInput
from ..extensions import db
from ..policies import can
from .models import LINKS, PracticeNote
from .policies import writer_orgs

DEFAULTS = {"tags": [], "visibility": "members", "language": "ja"}
LINK_MODELS = {
    "pilot_id": ("pilots.models", "Pilot", "pilot.view"),
    "round_id": ("procurement.models", "ProcurementRound", "procurement_round.view"),
    "specification_id": ("specifications.models", "StandardSpecification", "specification.view"),
    "challenge_id": ("challenges.models", "Challenge", "challenge.view"),
}


def _model(field: str):
    import importlib

    module, name, _rule = LINK_MODELS[field]
    return getattr(importlib.import_module(f"app.{module}"), name)


def _check_links(user, data: dict) -> None:
    """Each link must name something the author may see."""
    errors = {}
    for field in LINKS:
        value = data.get(field)
        if value is None:
            continue
        obj = db.session.get(_model(field), value)
        if obj is None or not can(user, LINK_MODELS[field][2], obj):
            errors[field] = [_("Choose something you can see.")]
    if errors:
        raise InvalidInput(errors)


def _clean(data: dict) -> dict:
    cleaned = {k: (DEFAULTS[k] if v is None and k in DEFAULTS else v) for k, v in data.items()}
    if "title" in cleaned:
        cleaned["title"] = cleaned["title"].strip()
    if cleaned.get("tags"):
        cleaned["tags"] = list(dict.fromkeys(t.strip() for t in cleaned["tags"] if t.strip()))
    return cleaned


def create(user, data: dict) -> PracticeNote:
    data = _clean({**DEFAULTS, **data})
    org_id = data.pop("org_id", None)
    orgs = {o.id: o for o in writer_orgs(user)}
    if org_id is None and orgs:
        org_id = min(orgs)
    if org_id not in orgs:
        raise InvalidInput({"org_id": [_("Choose a municipality or coordinator you belong to.")]})
    _check_links(user, data)
    note = PracticeNote(author_id=user.id, org_id=org_id, **data)
    db.session.add(note)
    db.session.flush()
    return note


def update(note: PracticeNote, user, data: dict) -> PracticeNote:
    data = _clean(data)
    if data.pop("org_id", None) not in (None, note.org_id):
        raise InvalidInput({"org_id": [_("The writing organisation cannot be changed.")]})
    _check_links(user, data)
    for key, value in data.items():
        setattr(note, key, value)
    db.session.flush()
    return note


def delete(note: PracticeNote) -> None:
    db.session.delete(note)
    db.session.flush()


def visible_clause(user):
    return None if user is not None else PracticeNote.visibility == "public"


def notes_query(user, filters: dict | None = None):
    filters = filters or {}
    stmt = select(PracticeNote).order_by(PracticeNote.updated_at.desc(), PracticeNote.id.desc())
    clause = visible_clause(user)
    if clause is not None:
        stmt = stmt.where(clause)
    for field in LINKS:
        if filters.get(field):
            stmt = stmt.where(getattr(PracticeNote, field) == filters[field])
    if filters.get("q"):
        pattern = f"%{filters['q']}%"
        stmt = stmt.where(or_(PracticeNote.title.ilike(pattern), PracticeNote.body.ilike(pattern)))
    return stmt


def linked_to(field: str, object_id: int, user, limit: int = 10) -> list[PracticeNote]:
    return db.session.scalars(notes_query(user, {field: object_id}).limit(limit)).unique().all()


def visible_links(note: PracticeNote, user) -> list[tuple[str, object]]:
    """(field, object) for the links the reader may see."""
    out = []
    for field, attr in (
        ("pilot_id", "pilot"),
        ("round_id", "round"),
        ("specification_id", "specification"),
        ("challenge_id", "challenge"),
    ):
        obj = getattr(note, attr)
        if obj is not None and can(user, LINK_MODELS[field][2], obj):
            out.append((field, obj))
    return out
