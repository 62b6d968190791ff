"""BM25 over word + bigram terms: an immutable main segment plus a small delta segment.

The main segment is an eager, term-major (CSC) matrix of precomputed BM25 weights, the
layout used by bm25s, scored with ``np.bincount`` over the query terms' postings, so a
query costs O(postings of its terms). Term weights use bm25s' Lucene formulas
(``bm25s.scoring``); the matrix is built vectorised from a forward index (doc -> term
counts) instead of bm25s' per-document Python loop, which needs ~10x the memory at 100k
documents. A parity test checks the scores against ``bm25s.BM25(method="lucene")``.

Documents added after a build go to the delta segment and are scored at query time with
the main segment's statistics (idf, average length); removals are the caller's tombstones.
``compact`` folds everything back into a fresh main segment.
"""

from __future__ import annotations

from collections import Counter

import numpy as np

from .text import BIGRAM_PREFIX, SYNONYM_PREFIX

TERM_WORD, TERM_BIGRAM, TERM_SYNONYM = 0, 1, 2

try:  # the scoring formulas; tiny fallback keeps the engine importable without bm25s
    from bm25s.scoring import _score_tfc_lucene as _tfc
except Exception:  # noqa: BLE001  # pragma: no cover

    def _tfc(tf_array, l_d, l_avg, k1, b, delta=None):
        return tf_array / (k1 * ((1 - b) + b * l_d / l_avg) + tf_array)


def idf_lucene(df, n_docs):
    """Lucene idf, vectorised (bm25s.scoring._score_idf_lucene works on scalars)."""
    df = np.asarray(df, dtype=np.float64)
    return np.log1p((n_docs - df + 0.5) / (df + 0.5))


class _Forward:
    """Doc -> (sorted unique term ids, term counts); a CSR base plus appended rows."""

    def __init__(self, indptr=None, ids=None, tfs=None):
        self.indptr = np.zeros(1, np.int64) if indptr is None else indptr
        self.ids = np.zeros(0, np.int32) if ids is None else ids
        self.tfs = np.zeros(0, np.float32) if tfs is None else tfs
        self.extra: list[tuple[np.ndarray, np.ndarray]] = []

    def __len__(self):
        return len(self.indptr) - 1 + len(self.extra)

    def append(self, ids: np.ndarray, tfs: np.ndarray) -> None:
        self.extra.append((ids, tfs))

    def row(self, slot: int) -> tuple[np.ndarray, np.ndarray]:
        base = len(self.indptr) - 1
        if slot < base:
            a, b = self.indptr[slot], self.indptr[slot + 1]
            return self.ids[a:b], self.tfs[a:b]
        return self.extra[slot - base]

    def to_csr(self, rows=None):
        """(indptr, ids, tfs) for ``rows`` (default: all), concatenated."""
        rows = range(len(self)) if rows is None else rows
        parts = [self.row(int(r)) for r in rows]
        lens = np.fromiter((len(p[0]) for p in parts), dtype=np.int64, count=len(parts))
        indptr = np.zeros(len(parts) + 1, np.int64)
        np.cumsum(lens, out=indptr[1:])
        ids = np.concatenate([p[0] for p in parts]).astype(np.int32) if parts else np.zeros(0, np.int32)
        tfs = np.concatenate([p[1] for p in parts]).astype(np.float32) if parts else np.zeros(0, np.float32)
        return indptr, ids, tfs


class LexicalIndex:
    """Slots are dense integers assigned by the caller in append order."""

    def __init__(self, k1: float = 1.2, b: float = 0.75):
        self.k1, self.b = k1, b
        self.vocab: dict[str, int] = {}
        self.terms: list[str] = []
        self.display: list[str] = []
        self.fwd = _Forward()
        self.doc_len = np.zeros(0, np.float32)
        self._n = 0
        # main segment
        self.main_n = 0
        self.main_vocab = 0
        self.avgdl = 1.0
        self.data = np.zeros(0, np.float32)
        self.indices = np.zeros(0, np.int32)
        self.indptr = np.zeros(1, np.int64)
        self.idf = np.zeros(0, np.float32)
        # delta segment: term id -> [(slot, tf), ...]
        self._delta: dict[int, list[tuple[int, float]]] = {}
        self._delta_arrays: dict[int, tuple[np.ndarray, np.ndarray]] = {}
        self._kinds = np.zeros(0, np.uint8)  # see term_kinds

    # -- sizes ---------------------------------------------------------------
    def __len__(self) -> int:
        return self._n

    @property
    def delta_n(self) -> int:
        return self._n - self.main_n

    # -- building --------------------------------------------------------------
    def _term_ids(self, counts: Counter, surfaces: dict[str, str] | None) -> tuple[np.ndarray, np.ndarray]:
        ids, tfs = [], []
        vocab, terms, display = self.vocab, self.terms, self.display
        for term, c in counts.items():
            tid = vocab.get(term)
            if tid is None:
                tid = len(terms)
                vocab[term] = tid
                terms.append(term)
                display.append((surfaces or {}).get(term, term))
            ids.append(tid)
            tfs.append(c)
        ids_a = np.asarray(ids, dtype=np.int32)
        order = np.argsort(ids_a, kind="stable")
        return ids_a[order], np.asarray(tfs, dtype=np.float32)[order]

    def _grow_len(self, n: int) -> None:
        if n > len(self.doc_len):
            grown = np.zeros(max(n, 2 * len(self.doc_len), 1024), np.float32)
            grown[: self._n] = self.doc_len[: self._n]
            self.doc_len = grown

    def build(self, analyses, progress=None) -> None:
        """Full rebuild from an iterable of (Counter of terms, surfaces) in slot order."""
        self.__init__(self.k1, self.b)
        for counts, surfaces in analyses:
            self._append_forward(counts, surfaces)
            if progress:
                progress()
        self._rebuild_main(range(self._n))

    def _append_forward(self, counts: Counter, surfaces) -> int:
        ids, tfs = self._term_ids(counts, surfaces)
        slot = self._n
        self._grow_len(slot + 1)
        self.fwd.append(ids, tfs)
        self.doc_len[slot] = float(tfs.sum())
        self._n += 1
        return slot

    def add(self, counts: Counter, surfaces: dict[str, str] | None = None) -> int:
        """Append one document to the delta segment; returns its slot."""
        slot = self._append_forward(counts, surfaces)
        ids, tfs = self.fwd.row(slot)
        for tid, tf in zip(ids.tolist(), tfs.tolist()):
            self._delta.setdefault(tid, []).append((slot, tf))
            self._delta_arrays.pop(tid, None)
        return slot

    def compact(self, keep_slots) -> None:
        """Rebuild the main segment from ``keep_slots`` (renumbered 0..n-1 in that order)."""
        keep_slots = list(keep_slots)
        indptr, ids, tfs = self.fwd.to_csr(keep_slots)
        lens = self.doc_len[np.asarray(keep_slots, dtype=np.int64)] if keep_slots else np.zeros(0, np.float32)
        self.fwd = _Forward(indptr, ids, tfs)
        self._n = len(keep_slots)
        self.doc_len = np.array(lens, dtype=np.float32)
        self._rebuild_main(range(self._n))

    def _rebuild_main(self, _slots) -> None:
        n = self._n
        indptr, ids, tfs = self.fwd.to_csr()
        self.fwd = _Forward(indptr, ids, tfs)
        vocab_n = len(self.terms)
        self.main_n, self.main_vocab = n, vocab_n
        self._delta, self._delta_arrays = {}, {}
        lens = self.doc_len[:n].astype(np.float64)
        self.avgdl = float(lens.mean()) if n and lens.mean() > 0 else 1.0
        df = np.bincount(ids, minlength=vocab_n).astype(np.float64)
        self.idf = idf_lucene(df, max(n, 1)).astype(np.float32)
        rows = np.repeat(np.arange(n, dtype=np.int32), np.diff(indptr))
        l_d = lens[rows] if n else np.zeros(0)
        weights = (self.idf[ids] * _tfc(tfs.astype(np.float64), l_d, self.avgdl, self.k1, self.b)).astype(np.float32)
        # CSR (doc-major) -> CSC (term-major): stable sort by term keeps doc ids ascending.
        order = np.argsort(ids, kind="stable")
        self.data = weights[order]
        self.indices = rows[order]
        self.indptr = np.zeros(vocab_n + 1, np.int64)
        np.cumsum(np.bincount(ids, minlength=vocab_n), out=self.indptr[1:])

    # -- scoring ---------------------------------------------------------------
    def term_idf(self, tid: int) -> float:
        if tid < self.main_vocab and self.idf[tid] > 0 and self.indptr[tid + 1] > self.indptr[tid]:
            return float(self.idf[tid])
        df = len(self._delta.get(tid, ())) + (
            int(self.indptr[tid + 1] - self.indptr[tid]) if tid < self.main_vocab else 0
        )
        return float(idf_lucene(max(df, 1), max(self._n, 1)))

    def lookup(self, weights: dict[str, float]) -> list[tuple[int, float]]:
        return [(self.vocab[t], w) for t, w in weights.items() if t in self.vocab]

    def score(
        self, query: list[tuple[int, float]], n_slots: int | None = None, lo: int = 0, hi: int | None = None
    ) -> np.ndarray:
        """BM25 scores for every slot (float64 array), query = [(term id, weight)].

        Only slots in ``[lo, hi)`` are scored (the others stay 0): a query over one kind of
        document (challenges, say) whose slots form a narrow range skips the postings of every
        other kind. Main-segment postings are sorted by slot, so the range is two binary
        searches per term.
        """
        n = self._n if n_slots is None else n_slots
        hi = n if hi is None else min(hi, n)
        lo = max(0, lo)
        out = np.zeros(n, np.float64)
        if hi <= lo:
            return out
        ranged = lo > 0 or hi < self.main_n
        indices, data, indptr = self.indices, self.data, self.indptr
        main = [(tid, w) for tid, w in query if tid < self.main_vocab]
        tids = np.fromiter((t for t, _ in main), dtype=np.int64, count=len(main))
        starts, ends = indptr[tids].tolist(), indptr[tids + 1].tolist()
        idx_parts, val_parts = [], []
        for (_, w), a, b in zip(main, starts, ends):
            if b > a and ranged:
                post = indices[a:b]
                a, b = a + int(post.searchsorted(lo)), a + int(post.searchsorted(hi))
            if b > a:
                idx_parts.append(indices[a:b])
                val_parts.append(data[a:b] * np.float32(w))
        for tid, w in query if self._delta else ():
            if tid in self._delta:
                slots, vals = self._delta_scores(tid)
                if ranged:
                    keep = (slots >= lo) & (slots < hi)
                    slots, vals = slots[keep], vals[keep]
                idx_parts.append(slots)
                val_parts.append(vals * np.float32(w))
        if not idx_parts:
            return out
        idx = np.concatenate(idx_parts)
        if lo:
            idx = idx - lo
        out[lo:hi] = np.bincount(idx, weights=np.concatenate(val_parts), minlength=hi - lo)[: hi - lo]
        return out

    def _delta_scores(self, tid: int) -> tuple[np.ndarray, np.ndarray]:
        cached = self._delta_arrays.get(tid)
        if cached is None:
            post = self._delta[tid]
            slots = np.fromiter((p[0] for p in post), dtype=np.int32, count=len(post))
            tfs = np.fromiter((p[1] for p in post), dtype=np.float64, count=len(post))
            avgdl = self.avgdl if self.main_n else float(max(self.doc_len[: self._n].mean(), 1.0))
            vals = self.term_idf(tid) * _tfc(tfs, self.doc_len[slots].astype(np.float64), avgdl, self.k1, self.b)
            cached = (slots, vals.astype(np.float32))
            self._delta_arrays[tid] = cached
        return cached

    def term_kinds(self) -> np.ndarray:
        """Per term id: TERM_WORD, TERM_BIGRAM or TERM_SYNONYM (extended as the vocabulary grows)."""
        n = len(self.terms)
        if len(self._kinds) < n:
            tail = [
                TERM_BIGRAM
                if t.startswith(BIGRAM_PREFIX)
                else TERM_SYNONYM
                if t.startswith(SYNONYM_PREFIX)
                else TERM_WORD
                for t in self.terms[len(self._kinds) : n]
            ]
            self._kinds = np.concatenate((self._kinds, np.asarray(tail, np.uint8)))
        return self._kinds

    def doc_terms(self, slot: int) -> tuple[np.ndarray, np.ndarray]:
        return self.fwd.row(slot)

    # -- persistence -------------------------------------------------------------
    def main_state(self) -> tuple[dict, dict]:
        """(json-able metadata, numpy arrays) of the immutable main segment."""
        indptr = np.asarray(self.fwd.indptr)
        if len(indptr) - 1 != self.main_n:  # main rows are always the CSR base
            raise RuntimeError("forward index base does not match the main segment")
        meta = {
            "k1": self.k1,
            "b": self.b,
            "main_n": self.main_n,
            "main_vocab": self.main_vocab,
            "avgdl": self.avgdl,
            "terms": self.terms[: self.main_vocab],
            "display": self.display[: self.main_vocab],
        }
        arrays = {
            "fwd_indptr": indptr,
            "fwd_ids": self.fwd.ids,
            "fwd_tfs": self.fwd.tfs,
            "doc_len": self.doc_len[: self.main_n],
            "data": self.data,
            "indices": self.indices,
            "indptr": self.indptr,
            "idf": self.idf,
        }
        return meta, arrays

    def delta_state(self) -> dict:
        """JSON-able delta segment: new terms and the appended documents' term counts."""
        rows = [self.fwd.row(s) for s in range(self.main_n, self._n)]
        return {
            "terms": self.terms[self.main_vocab :],
            "display": self.display[self.main_vocab :],
            "rows": [[ids.tolist(), tfs.tolist()] for ids, tfs in rows],
        }

    @classmethod
    def from_state(cls, meta: dict, arrays: dict, delta: dict | None = None) -> LexicalIndex:
        self = cls(meta["k1"], meta["b"])
        self.terms = list(meta["terms"])
        self.display = list(meta["display"])
        self.main_n, self.main_vocab = int(meta["main_n"]), int(meta["main_vocab"])
        self.avgdl = float(meta["avgdl"])
        self.data, self.indices, self.indptr = arrays["data"], arrays["indices"], arrays["indptr"]
        self.idf = arrays["idf"]
        self.fwd = _Forward(arrays["fwd_indptr"], arrays["fwd_ids"], arrays["fwd_tfs"])
        self._n = self.main_n
        self.doc_len = np.array(arrays["doc_len"], dtype=np.float32)
        delta = delta or {}
        self.terms += delta.get("terms", [])
        self.display += delta.get("display", [])
        self.vocab = {t: i for i, t in enumerate(self.terms)}
        for ids, tfs in delta.get("rows", []):
            slot = self._n
            ids_a, tfs_a = np.asarray(ids, np.int32), np.asarray(tfs, np.float32)
            self._grow_len(slot + 1)
            self.fwd.append(ids_a, tfs_a)
            self.doc_len[slot] = float(tfs_a.sum())
            self._n += 1
            for tid, tf in zip(ids, tfs):
                self._delta.setdefault(tid, []).append((slot, tf))
        return self

    def copy_main_with_delta(self, delta: dict) -> LexicalIndex:
        """A new index sharing this one's main segment, with ``delta`` applied."""
        meta, arrays = self.main_state()
        return LexicalIndex.from_state(meta, arrays, delta)
