"""Practice notes in the site search: a document kind of the matchmaking engine (the same engine as
challenges and solutions), with a plain text search while the index catches up."""

from __future__ import annotations

import logging

from flask import url_for
from sqlalchemy import select

from ..db import id_in
from ..extensions import db
from ..templating import localized_name
from ..web.registry import SearchHit
from .models import PracticeNote

log = logging.getLogger(__name__)


def note_document(note):
    from ..matchmaking.engine import Document

    return Document(
        id=f"note:{note.id}",
        kind="note",
        title=note.title,
        text=note.body or "",
        language=note.language,
        tags=list(note.tags or []),
        meta={"visibility": note.visibility, "org_id": note.org_id},
    )


def visible_note_ids(user, ids) -> set[int]:
    stmt = select(PracticeNote.id)
    if ids is not None:
        ids = list(ids)
        if not ids:
            return set()
        stmt = stmt.where(id_in(PracticeNote.id, ids))
    if user is None:
        stmt = stmt.where(PracticeNote.visibility == "public")
    return set(db.session.scalars(stmt))


def register_kind() -> None:
    from ..matchmaking.documents import register_kind as register

    register(
        "note",
        model=PracticeNote,
        to_document=note_document,
        load_visible=lambda: select(PracticeNote).order_by(PracticeNote.id),
        is_indexable=lambda note: True,
        visible_ids=visible_note_ids,
        url=lambda i: f"/notes/{i}",
    )


def _hit(note, score=0.0, passage=None) -> SearchHit:
    return SearchHit(
        kind="note",
        title=note.title,
        url=url_for("notes.detail", note_id=note.id),
        summary=passage or (note.body or "")[:160],
        meta=localized_name(note.organization) if note.organization else "",
        score=score,
    )


MAX_RANKED = 200  # keyword hits ordered by relevance


def engine_search(q: str, user, limit: int):
    """The notes list's keyword filter is the relevance floor (what /notes?q= finds, nothing
    else: nonsense finds nothing); the engine orders those hits, unindexed ones come after."""
    from ..matchmaking import services
    from .services import notes_query

    user = user if user is not None and getattr(user, "is_authenticated", False) else None
    keyword = db.session.scalars(notes_query(user, {"q": q}).limit(MAX_RANKED)).unique().all()
    if not keyword:
        return []
    try:
        matches = services.search_kind("note", q, user, limit, within={n.id for n in keyword})
    except Exception:  # the text search takes over
        log.exception("Practice note search failed")
        return None
    hits = [_hit(m["object"], m["score"], m.get("passage")) for m in matches]
    shown = {m["object_id"] for m in matches}
    hits += [_hit(n) for n in keyword if n.id not in shown]
    return hits[:limit]


def text_search(q: str, user, limit: int):
    from .services import notes_query

    return [_hit(n) for n in db.session.scalars(notes_query(user, {"q": q}).limit(limit)).unique()]
