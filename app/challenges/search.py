"""Text search shared by challenges and solutions.

Strategy: each searchable model keeps a `search_text` column holding its title, summary and
tags normalised with NFKC + casefold (full-width and half-width forms, upper and lower case
compare equal). A query is normalised the same way, split on whitespace, and every term must
occur as a substring, wildcards escaped. Indexes on PostgreSQL:

- terms of 3+ characters: `search_text LIKE '%term%'`, served by a GIN trigram index (pg_trgm,
  works for Japanese under a UTF-8 ctype);
- terms of 1-2 characters (観光, 防災, AI …), which give pg_trgm no trigram to look up: the model
  also keeps `search_grams`, a tsvector whose lexemes are the character bigrams of every word of
  search_text plus each word's last character (see `grams()`), with a GIN index. A 2-character
  term occurs in the text exactly when it is one of those lexemes (`search_grams @@ 'ab'`), a
  1-character term exactly when a lexeme starts with it (`@@ 'a':*`), so no LIKE recheck is needed.

SQLite (the embedded default) has no such index: every term is a LIKE (a scan), and search_grams
stays NULL.
"""

from __future__ import annotations

import unicodedata
from typing import Iterable

from sqlalchemy import DDL, Boolean, Text, and_, bindparam, cast, event
from sqlalchemy.dialects.postgresql import TSQUERY
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.expression import ColumnElement
from sqlalchemy.sql.visitors import InternalTraversal

from ..extensions import db

MAX_TERMS = 5
SHORT_TERM = 2  # terms up to this length use search_grams on PostgreSQL


def normalise(text: str | None) -> str:
    return unicodedata.normalize("NFKC", text or "").casefold()


def build_search_text(*parts: str | None, lists: Iterable[Iterable[str]] = ()) -> str:
    words = [p for p in parts if p]
    for values in lists:
        words.extend(str(v) for v in (values or ()))
    return normalise(" ".join(words))


def grams(search_text: str) -> list[str]:
    """The lexemes of search_grams: for every whitespace-separated word its character bigrams and
    its last character. Every character of a word starts a bigram or is the last one, so a term of
    one or two characters (never containing whitespace) occurs in the text iff it is a lexeme or,
    for one character, a prefix of one."""
    out: set[str] = set()
    for word in search_text.split():
        out.update(word[i : i + 2] for i in range(len(word) - 1))
        out.add(word[-1])
    return sorted(out)


def terms(q: str | None) -> list[str]:
    return [t for t in normalise(q).split() if t][:MAX_TERMS]


def _escape(term: str) -> str:
    return term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _like(column, term: str):
    # The pattern is rendered into the SQL (literal_execute), so PostgreSQL plans each query for its
    # actual pattern (a cached generic plan cannot tell a rare term from a common one).
    return column.like(bindparam(None, f"%{_escape(term)}%", literal_execute=True), escape="\\")


class ShortTermMatch(ColumnElement):
    """`term` (1-2 characters) occurs in `text_column`: an index lookup in `grams_column` on
    PostgreSQL, a LIKE elsewhere."""

    inherit_cache = True
    type = Boolean()
    _traverse_internals = [
        ("text_column", InternalTraversal.dp_clauseelement),
        ("grams_column", InternalTraversal.dp_clauseelement),
        ("term", InternalTraversal.dp_string),
    ]

    def __init__(self, text_column, grams_column, term: str):
        self.text_column, self.grams_column, self.term = text_column, grams_column, term


@compiles(ShortTermMatch)
def _short_term_like(element, compiler, **kw):
    return compiler.process(_like(element.text_column, element.term), **kw)


@compiles(ShortTermMatch, "postgresql")
def _short_term_grams(element, compiler, **kw):
    # tsquery input syntax: the lexeme quoted verbatim (no parsing or stemming), `:*` for a prefix.
    quoted = "'" + element.term.replace("\\", "\\\\").replace("'", "''") + "'"
    query = quoted + (":*" if len(element.term) == 1 else "")
    clause = element.grams_column.op("@@", return_type=Boolean)(
        cast(bindparam(None, query, type_=Text, literal_execute=True), TSQUERY)
    )
    return compiler.process(clause, **kw)


def text_clause(column, q: str | None, grams_column=None):
    """A WHERE clause requiring every term of `q` in `column` (its search_grams column serving
    the short terms on PostgreSQL); None when q has no terms."""
    parts = [
        ShortTermMatch(column, grams_column, t)
        if grams_column is not None and len(t) <= SHORT_TERM
        else _like(column, t)
        for t in terms(q)
    ]
    return and_(*parts) if parts else None


# pg_trgm provides the GIN operator class used by the search_text indexes.
event.listen(
    db.metadata, "before_create", DDL("CREATE EXTENSION IF NOT EXISTS pg_trgm").execute_if(dialect="postgresql")
)
