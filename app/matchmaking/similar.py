"""Similar past challenges (and pilots, once registered) next to a challenge, precomputed.

A list is computed when the index changes, not on every page view: the full rebuild
(``refresh_all``) and the update job of a document (``refresh_around``: its own list and
the lists of its nearest neighbours) write one ``SimilarList`` row per challenge. A page
reads that row and checks, for the viewer, which entries it may see (one ``IN`` query per
kind), so the index is not searched on the view. Visibility is never stored: a challenge
unpublished a second ago is gone from every list at once. The live search is the fallback
when a list is missing (no build yet) or when too many of its entries are hidden from the
viewer to fill the section.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from sqlalchemy import delete, insert, select

from ..db import utcnow
from ..extensions import db
from . import documents
from .handle import shared_engine
from .models import SimilarList

DEPTH = 20  # entries kept per list (a page shows 5; the rest stand in for hidden ones)
SOURCE_KINDS = ("challenge",)  # pages that show a similar section
BATCH = 500  # rows written per flush by a full refresh


def target_kinds() -> list[str]:
    return [name for name in documents.KINDS if name != "solution"]


def _compute(engine, doc) -> list[dict]:
    matches = engine.search(doc, kinds=target_kinds(), k=DEPTH, exclude_ids=[doc.id], snippets=False)
    return [
        {"id": m.id, "title": m.title, "terms": list(m.matched_terms[:5]), "score": round(float(m.score), 4)}
        for m in matches
    ]


def _store(rows: dict[str, list[dict]], generation: str | None) -> None:
    if not rows:
        return
    db.session.execute(delete(SimilarList).where(SimilarList.source_id.in_(list(rows))))
    _insert([{"source_id": sid, "items": items, "generation": generation} for sid, items in rows.items()])


def _insert(rows: list[dict]) -> None:
    # Core executemany: no ORM objects kept in the caller's session (a full refresh writes thousands)
    now = utcnow()
    db.session.execute(insert(SimilarList), [{**r, "updated_at": now} for r in rows])


def refresh(source_ids: Iterable[str]) -> int:
    """Recompute the lists of these documents (engine ids) from the current index; a document
    that is no longer indexed loses its list. Flushes; the job or command commits."""
    handle = shared_engine()
    engine, generation = handle.engine(), handle.store.current()
    rows, gone = {}, []
    for sid in dict.fromkeys(source_ids):
        if documents.split_id(sid)[0] not in SOURCE_KINDS:
            continue
        doc = engine.get(sid)
        if doc is None:
            gone.append(sid)
        else:
            rows[sid] = _compute(engine, doc)
    if gone:
        db.session.execute(delete(SimilarList).where(SimilarList.source_id.in_(gone)))
    _store(rows, generation)
    return len(rows)


def refresh_around(doc_id: str) -> int:
    """A document changed: its own list, and the lists of the challenges it is most similar
    to (similarity is close to symmetric, so those are the lists it belongs in or left)."""
    engine = shared_engine().engine()
    ids = [doc_id]
    doc = engine.get(doc_id)
    if doc is not None:
        ids += [m.id for m in engine.search(doc, kinds=SOURCE_KINDS, k=DEPTH, exclude_ids=[doc_id], snippets=False)]
    else:  # removed: refresh the lists that still name it
        ids += [row.source_id for row in _lists_naming(doc_id)]
    return refresh(ids)


def _lists_naming(doc_id: str, limit: int = 200) -> list[SimilarList]:
    # JSON containment differs per backend; the lists of a removed document's neighbours are
    # few, so scan the candidates whose text mentions the id.
    needle = f'"{doc_id}"'
    stmt = select(SimilarList).where(db.cast(SimilarList.items, db.Text).contains(needle)).limit(limit)
    return list(db.session.scalars(stmt))


def refresh_all(progress: Callable[[int, int], None] | None = None) -> int:
    """Every challenge's list, from the current index (after a full rebuild)."""
    handle = shared_engine()
    engine, generation = handle.engine(), handle.store.current()
    sources = [d.id for d in engine.documents() if d.kind in SOURCE_KINDS]
    db.session.execute(delete(SimilarList))
    done = 0
    for start in range(0, len(sources), BATCH):
        chunk = sources[start : start + BATCH]
        _insert(
            [{"source_id": sid, "items": _compute(engine, engine.get(sid)), "generation": generation} for sid in chunk]
        )
        done += len(chunk)
        if progress:
            progress(done, len(sources))
    return done


def for_challenge(challenge, user, k: int = 5) -> list[dict] | None:
    """The first ``k`` entries of the challenge's list that ``user`` may see now, as the
    section shows them; None when there is no list or it cannot fill ``k`` (use the live search)."""
    row = db.session.get(SimilarList, documents.doc_id("challenge", challenge.id))
    if row is None:
        return None
    items = row.items or []
    visible = documents.allowed_for(user, target_kinds(), [it["id"] for it in items])
    shown = [it for it in items if it["id"] in visible][:k]
    if len(shown) < k and len(items) >= DEPTH:
        return None  # too many hidden from this viewer: search live
    out = []
    for rank, it in enumerate(shown, start=1):
        kind, object_id = documents.split_id(it["id"])
        out.append(
            {
                "id": it["id"],
                "kind": kind,
                "object_id": object_id,
                "rank": rank,
                "title": it["title"],
                "url": documents.KINDS[kind].url(object_id),
                "matched_terms": it["terms"],
                "score": it["score"],
                "object": None,
            }
        )
    return out
