"""Querying the engine: the query's terms and vector, the masks, the candidate pool.

``search`` prepares the query (stored analysis and vector of an indexed document, or a fresh
one), masks the searched kinds and the hidden documents, takes the best ``pool_depth``
candidates of each retriever, fuses and tiers them (ranking.py) and explains the first ``k``
(explain.py).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

import numpy as np

from .candidates import Visibility, span, top_visible
from .config import MODES
from .document import Document, Match
from .explain import build_matches
from .text import EMPTY_SCRIPT, is_bigram, is_synonym, normalize


@dataclass
class _Query:
    doc: Document | None
    text: str
    norm: str
    terms: list[tuple[int, float]] = field(default_factory=list)
    vector: np.ndarray | None = None
    self_slot: int | None = None


class QueryingMixin:
    """MatchingEngine's search."""

    def search(
        self,
        query: Document | str,
        kinds: Iterable[str] | None = ("solution",),
        k: int = 20,
        allowed_ids: set | frozenset | list | Callable[[str], bool] | None = None,
        apply_constraints: bool = True,
        mode: str | None = None,
        doc_filter: Callable[[Document], bool] | None = None,
        exclude_ids: Iterable[str] = (),
        visible_ids: Callable[[list[str]], Iterable[str]] | None = None,
        snippets: bool = True,
    ) -> list[Match]:
        """Rank indexed documents of ``kinds`` against ``query``.

        ``allowed_ids`` (a collection of ids, compared as strings, or a predicate called with
        the id string) and ``doc_filter`` (a predicate on the Document) are applied before
        truncation: a hidden document never appears nor takes a visible one's place.
        ``visible_ids`` is the batch form of the predicate: called with a list of candidate
        ids (best first, a few dozen at a time), it returns those the user may see, so a
        caller checks permissions in one query per batch instead of loading every visible id.
        ``snippets=False`` leaves ``Match.snippet`` empty (for lists that show no passage).
        (Corpus statistics such as idf and the z-score normalisation use the whole index.)
        ``mode`` is "hybrid" (default), "lexical" or "semantic"; without a semantic
        backend every mode falls back to lexical. Hard-constraint violators (environment,
        budget) come after all satisfiers and are flagged, never dropped.
        """
        mode = mode or "hybrid"
        if mode not in MODES:
            raise ValueError(f"mode must be one of {MODES}")
        if k <= 0:
            return []
        q = self._prepare_query(query, mode)
        with self._lock:
            return self._search_locked(
                q,
                kinds,
                k,
                allowed_ids,
                apply_constraints,
                mode,
                doc_filter,
                set(map(str, exclude_ids)),
                visible_ids,
                snippets,
            )

    def _prepare_query(self, query: Document | str, mode: str) -> _Query:
        if isinstance(query, Document):
            doc, lex_text, sem_text = query, query.lexical_text(), query.semantic_text()
        else:
            doc, lex_text, sem_text = None, str(query or ""), str(query or "")
        q = _Query(doc=doc, text=sem_text, norm=normalize(lex_text))
        stored_terms = self._stored_terms(doc, lex_text) if doc is not None else None
        if stored_terms is None:
            counts = self.analyzer.analyze(lex_text).counts()
        with self._lock:
            weighted = []
            if stored_terms is not None:  # an indexed document with this text: its analysis is kept
                pairs = [(self.lexical.terms[tid], tid, c) for tid, c in stored_terms]
            else:
                pairs = [(term, self.lexical.vocab.get(term), c) for term, c in counts.items()]
            for term, tid, c in pairs:
                if tid is None:
                    continue
                w = self._term_weight(term) * (1.0 + math.log(c))
                weighted.append((w * self.lexical.term_idf(tid), tid, w))
            weighted.sort(reverse=True)
            q.terms = [(tid, w) for _, tid, w in weighted[: self.config.max_query_terms]]
            if doc is not None:
                q.self_slot = self.ids.get(doc.id)
            want_vec = mode != "lexical" and self.semantic_active
            stored = None
            if want_vec and doc is not None:
                if self.config.query_prefix == "passage" and q.self_slot is not None:
                    stored = self.dense.row(q.self_slot)  # an indexed document searches with its own vector
                else:
                    stored = self.qvecs.get(doc.content_hash())
        if want_vec:
            q.vector = stored if stored is not None else self.embedder.embed_query(sem_text)
        return q

    def _stored_terms(self, doc: Document, lex_text: str) -> list[tuple[int, int]] | None:
        """(term id, count) of ``doc`` as indexed, if its indexed text is ``lex_text``.

        The same terms the analyser would produce (analysis depends on the text only), so a
        page about an indexed challenge skips re-tokenising it on every view.
        """
        with self._lock:
            slot = self.ids.get(doc.id)
            if slot is None or self.docs[slot] is None or self.docs[slot].lexical_text() != lex_text:
                return None
            ids, tfs = self.lexical.doc_terms(slot)
            return list(zip(np.asarray(ids).tolist(), np.rint(np.asarray(tfs)).astype(np.int64).tolist()))

    def _kind_mask(self, kinds, n: int) -> np.ndarray:
        """alive & kind, cached until the index changes (a few ms saved per query at 100k)."""
        key = (None if kinds is None else tuple(sorted(kinds)), n, self._version)
        hit = self._mask_cache.get(key)
        if hit is None:
            mask = self.alive[:n].copy()
            if kinds is not None:
                codes = [self.kinds[k] for k in kinds if k in self.kinds]
                mask &= np.isin(self.kind_codes[:n], np.asarray(codes, dtype=np.int16))
            if len(self._mask_cache) > 16:
                self._mask_cache.clear()
            self._mask_cache[key] = hit = mask
        return hit

    def _term_weight(self, term: str) -> float:
        if is_bigram(term):
            return self.config.bigram_weight
        if is_synonym(term):
            return self.config.synonym_weight
        return 1.0

    def _base_mask(self, kinds, allowed_ids, exclude: set[str], q: _Query) -> tuple[np.ndarray, Callable | None]:
        n = len(self.docs)
        mask = self._kind_mask(kinds, n).copy()
        for doc_id in exclude:
            slot = self.ids.get(doc_id)
            if slot is not None:
                mask[slot] = False
        if q.self_slot is not None:
            mask[q.self_slot] = False
        predicate = None
        if allowed_ids is not None:
            if callable(allowed_ids):
                predicate = allowed_ids
            else:
                allowed = {str(i) for i in allowed_ids}  # ids are strings (database keys may be ints)
                if len(allowed) <= max(1_000, n // 8):
                    sub = np.zeros(n, bool)
                    slots = [self.ids[i] for i in allowed if i in self.ids]
                    sub[np.asarray(slots, dtype=np.int64)] = True
                    mask &= sub
                else:
                    predicate = allowed.__contains__
        return mask, predicate

    def _search_locked(
        self,
        q: _Query,
        kinds,
        k,
        allowed_ids,
        apply_constraints,
        mode,
        doc_filter,
        exclude,
        visible_ids=None,
        snippets=True,
    ):
        n = len(self.docs)
        if n == 0:
            return []
        mask, id_pred = self._base_mask(kinds, allowed_ids, exclude, q)
        if not mask.any():
            return []
        visible = Visibility(self.docs, id_pred, doc_filter, visible_ids)
        filtered = visible.active
        use_sem = mode != "lexical" and q.vector is not None
        use_lex = mode != "semantic" or not use_sem
        depth = max(k, self.config.pool_depth)
        lex = self.lexical.score(q.terms, n, *span(mask)) if q.terms else np.zeros(n)
        sem = sem_rank = None
        sem_mask = sem_ref = mask
        pool: set[int] = set()
        if use_lex:
            pool.update(top_visible(lex, mask & (lex > 0), depth, visible if filtered else None))
        if use_sem:
            sem_mask = mask & (self.script_codes[:n] != EMPTY_SCRIPT)  # nothing to embed: no evidence
            if self.pending:
                sem_mask[np.fromiter(self.pending, dtype=np.int64, count=len(self.pending))] = False
            ann = self._ann if (self._ann is not None and self._ann.segment == self.main_segment) else None
            if ann is None:  # exact: one scan of every vector
                sem = self.dense.scores(q.vector).astype(np.float64)
                sem_ref = sem_mask
                sem_rank = self._centre(sem, sem_mask) if self.config.language_centering else sem
                pool.update(top_visible(sem_rank, sem_mask, depth, visible if filtered else None))
            else:
                sem, sem_ref, top = self._ann_pool(
                    ann, q.vector, kinds, sem_mask, n, depth, visible if filtered else None
                )
                pool.update(top)
        if not pool:
            return []
        slots = np.fromiter(sorted(pool), dtype=np.int64, count=len(pool))
        if use_sem and sem_ref is not sem_mask:  # partitioned search: exact scores of the whole pool
            sem[slots] = self.dense.score_rows(slots, q.vector)
            sem_rank = self._centre(sem, sem_ref) if self.config.language_centering else sem
        lex_p = lex[slots]
        sem_p = sem[slots] if use_sem else None
        fused = self._fuse(lex, sem_rank, mask, sem_mask, slots, use_lex, use_sem, q, sem_ref=sem_ref)

        rows, floor, threshold = self._tiered(slots, fused, int(mask.sum()), q.doc if apply_constraints else None)
        return build_matches(
            rows[:k],
            self.docs,
            self.lexical,
            q.terms,
            q.norm,
            fused,
            lex_p,
            sem_p,
            threshold,
            floor is not None,
            snippets,
        )
