"""Site search for challenges and solutions: the lists' keyword filter, ranked by the engine.

One search: the site search box finds exactly what the challenge and solution lists' keyword
box and the API's ``q`` find (``app/challenges/queries.search`` / ``app/solutions/queries.search``:
every word of the query occurs in the title, summary, tags or body, with the lists' default
statuses and the viewer's visibility), so what one finds the others find. That filter is the
relevance floor of search: a text that does not contain the words is not shown, however close
its meaning (nonsense such as ``zzzxxyy`` finds nothing). The engine only orders the hits (the
same hybrid relevance as the matches; hits it has not indexed yet come after, newest first).

Registered as "challenge:engine" / "solution:engine" with order 10, before the plain text
providers of app/challenges and app/solutions, which answer only if this one fails (None).
"""

from __future__ import annotations

import logging

from ..extensions import db
from ..templating import localized_name
from ..web.registry import SearchHit
from . import documents, index

log = logging.getLogger(__name__)
ORDER = 10
MAX_RANKED = 200  # keyword hits ordered by relevance; beyond that, the list pages page through them


def _keyword_select(kind: str, q: str, user):
    if kind == "challenge":
        from ..challenges import queries
    else:
        from ..solutions import queries
    return queries.search({"q": q}, user)


def _meta(obj) -> str:
    org = getattr(obj, "owner", None) or getattr(obj, "organization", None)
    return localized_name(org) if org is not None else ""


def ranked(kind: str, q: str, user, limit: int) -> tuple[list, int]:
    """(the first ``limit`` keyword hits by relevance, the number of keyword hits)."""
    spec = documents.KINDS[kind]
    stmt = _keyword_select(kind, q, user)
    total = db.session.scalar(db.select(db.func.count()).select_from(stmt.order_by(None).subquery())) or 0
    if not total:
        return [], 0
    ids = [row.id for row in db.session.scalars(stmt.limit(MAX_RANKED)).unique()]
    allowed = {documents.doc_id(kind, i) for i in ids}
    matches = index.engine().search(q, kinds=(kind,), k=len(ids), allowed_ids=allowed, snippets=False)
    order = [documents.split_id(m.id)[1] for m in matches]
    seen = set(order)
    order += [i for i in ids if i not in seen]
    top = order[:limit]
    objects = {o.id: o for o in db.session.scalars(db.select(spec.model).where(spec.model.id.in_(top))).unique()}
    return [objects[i] for i in top if i in objects], total


def _provider(kind: str):
    def search(q, user, limit):
        user = user if user is not None and getattr(user, "is_authenticated", False) else None
        try:
            objects, total = ranked(kind, q, user, limit)
        except Exception:  # the plain text search takes over
            log.exception("Matchmaking search failed")
            return None
        spec = documents.KINDS[kind]
        hits = [
            SearchHit(kind=kind, title=o.title, url=spec.url(o.id), summary=(o.summary or "")[:160], meta=_meta(o))
            for o in objects
        ]
        from flask import url_for

        return SearchHits(hits, total, url_for(f"{kind}s.index", q=q))

    return search


class SearchHits(list):
    """The hits shown, how many the list page finds for the same words, and its address."""

    def __init__(self, hits, total: int, list_url: str):
        super().__init__(hits)
        self.total, self.list_url = total, list_url


def register() -> None:
    from flask_babel import lazy_gettext as _l
    from ..web.registry import register_search

    register_search("challenge:engine", _l("Challenges"), _provider("challenge"), order=ORDER)
    register_search("solution:engine", _l("Solutions"), _provider("solution"), order=ORDER + 1)
