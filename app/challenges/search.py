"""Text search shared by challenges and solutions.

Strategy: each searchable model keeps a `search_text` column holding its title, summary and
tags normalised with NFKC + casefold (full-width and half-width forms, upper and lower case
compare equal). A query is normalised the same way, split on whitespace, and every term must
occur as a substring (`LIKE '%term%'`, wildcards escaped). On PostgreSQL a GIN trigram index
(pg_trgm, works for Japanese under a UTF-8 ctype) serves those LIKEs; on SQLite it is a scan.
"""
from __future__ import annotations

import unicodedata
from typing import Iterable

from sqlalchemy import DDL, and_, bindparam, event

from ..extensions import db

MAX_TERMS = 5


def normalise(text: str | None) -> str:
    return unicodedata.normalize("NFKC", text or "").casefold()


def build_search_text(*parts: str | None, lists: Iterable[Iterable[str]] = ()) -> str:
    words = [p for p in parts if p]
    for values in lists:
        words.extend(str(v) for v in (values or ()))
    return normalise(" ".join(words))


def terms(q: str | None) -> list[str]:
    return [t for t in normalise(q).split() if t][:MAX_TERMS]


def _escape(term: str) -> str:
    return term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def text_clause(column, q: str | None):
    """A WHERE clause requiring every term of `q` in `column`; None when q has no terms."""
    # The pattern is rendered into the SQL (literal_execute), so PostgreSQL plans each query for its
    # actual pattern: a cached generic plan would use the trigram index even for two-character terms,
    # which trigrams cannot narrow down (then a scan in id order with LIMIT is far faster).
    parts = [column.like(bindparam(None, f"%{_escape(t)}%", literal_execute=True), escape="\\")
             for t in terms(q)]
    return and_(*parts) if parts else None


# pg_trgm provides the GIN operator class used by the search_text indexes.
event.listen(db.metadata, "before_create",
             DDL("CREATE EXTENSION IF NOT EXISTS pg_trgm").execute_if(dialect="postgresql"))
