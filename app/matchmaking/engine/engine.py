"""The matching engine: hybrid retrieval, fusion, structured constraints, explanations.

Pure Python + numpy (no Flask, no models) so the web app, RQ jobs, the CLI and the
benchmark share it. One engine instance is safe to use from several threads.
"""
from __future__ import annotations

import math
import threading
import time
import uuid
from dataclasses import asdict, dataclass, field
from typing import Callable, Iterable

import numpy as np

from . import constraints as C
from .document import Document, Match
from .explain import Explainer
from .fusion import comparable, convex, max_scale, rrf, zscore
from .lexical import LexicalIndex
from .semantic import ANN_AVAILABLE, DIM, DenseMatrix, Embedder, Partition
from .text import SCRIPTS, Analyzer, default_analyzer, detect_script, is_bigram, is_synonym, normalize

MODES = ("hybrid", "lexical", "semantic")
Progress = Callable[[int, int], None]


@dataclass
class EngineConfig:
    # "z": alpha * z(centred cosine) + (1 - alpha) * z(log1p BM25), z-scores over the searched
    # documents; "max": the same weights on scores divided by their maximum; "rrf": rank fusion
    fusion: str = "z"
    alpha: float = 0.8  # weight of the semantic score
    language_centering: bool = True  # remove the same-language bias of the multilingual model
    cross_script_imputation: bool = True  # cross-script pairs: lexical z := semantic z
    centering_prior: float = 3.0  # pseudo-count shrinking a small group's mean to the global mean
    rrf_k: float = 60.0
    bigram_weight: float = 0.5  # query weight of a character bigram relative to a word
    synonym_weight: float = 0.5  # query weight of a Sudachi synonym group relative to a word
    max_query_terms: int = 64  # long queries keep their most informative terms
    pool_depth: int = 50  # candidates taken from each backend (at least k)
    category_bonus: float = 0.5  # added when categories agree (in standard deviations for "z")
    region_penalty: float = 0.0  # subtracted when the buyer's region is not served
    # hard-constraint violators rank below the satisfiers that are matches, i.e. score at
    # least this many standard deviations above a typical document ("z" fusion only; None:
    # below every satisfier). See constraints.tier.
    match_floor: float | None = 2.0
    lexical_ref_min: int = 10  # same-script documents needed to standardise BM25 over them only
    # documents of these kinds also get a stored "query: " vector, so searching with them
    # (e.g. "solutions for this challenge") needs no embedding at query time
    query_vector_kinds: tuple = ("challenge",)
    # "query": a document used as a query is embedded with e5's "query: " prefix (a stored
    # vector for query_vector_kinds); "passage": an indexed document searches with its passage
    # vector (symmetric; no second embedding per challenge)
    query_prefix: str = "query"
    compact_min_delta: int = 2_000  # fold the delta segment into the main one beyond this ...
    compact_delta_ratio: float = 0.10  # ... or this fraction of the main segment
    embed_batch_size: int = 32
    # Vector search at scale: from ``ann_min_docs`` documents in the main segment, vectors are
    # searched per (kind, script) partition instead of with one full scan; partitions of at
    # least ``ann_ivf_min`` rows use a faiss IVF index (8-bit storage, ``ann_nprobe`` lists per
    # query, candidates re-scored exactly). The semantic mean/deviation used for centring and
    # z-scores then come from a uniform sample of ``ann_sample`` documents (exact below that).
    ann_min_docs: int = 20_000
    ann_ivf_min: int = 20_000
    ann_nprobe: int = 32
    ann_sample: int = 32_768

    @classmethod
    def from_dict(cls, data: dict) -> "EngineConfig":
        return cls(**{k: v for k, v in (data or {}).items() if k in cls.__dataclass_fields__})


@dataclass
class _Query:
    doc: Document | None
    text: str
    norm: str
    terms: list[tuple[int, float]] = field(default_factory=list)
    vector: np.ndarray | None = None
    self_slot: int | None = None


class MatchingEngine:
    """Index of Documents of any kind; ``search`` ranks one kind against a query."""

    def __init__(self, config: EngineConfig | None = None, semantic: bool | Embedder | None = None,
                 analyzer: Analyzer | None = None):
        self.config = config or EngineConfig()
        self.embedder = semantic if isinstance(semantic, Embedder) else Embedder(enabled=semantic)
        self.analyzer = analyzer or default_analyzer()
        self._lock = threading.RLock()
        self.generation: str | None = None
        self._reset()

    # ------------------------------------------------------------------ state
    def _reset(self) -> None:
        self.docs: list[Document | None] = []
        self.hashes: list[str] = []
        self.ids: dict[str, int] = {}
        self.alive = np.zeros(0, bool)
        self.kind_codes = np.zeros(0, np.int16)
        self.script_codes = np.zeros(0, np.int8)  # SCRIPTS index of each slot's text
        self.kinds: dict[str, int] = {}
        self.lexical = LexicalIndex()
        self.dense: DenseMatrix | None = None
        self.main_segment = uuid.uuid4().hex
        self.qvecs: dict[str, np.ndarray] = {}  # content hash -> "query: " vector
        self.pending: set[int] = set()  # slots whose vector is a placeholder (deferred embedding)
        self.overrides: dict[int, Document] = {}  # in-place metadata edits of main-segment docs
        # main-segment slots whose vector was written after the segment was saved (deferred
        # embeddings folded in by compaction): saved with the delta, since main files are shared
        self.patched: set[int] = set()
        self._main_docs: list[Document] = []  # the main segment as built (shared on reload)
        self._main_hashes: list[str] = []
        self.built_at = time.time()
        self._version = 0  # bumped on every change (invalidates cached masks)
        self._mask_cache: dict = {}
        self._ann: _Ann | None = None  # partitions of the main segment's vectors (large corpora)

    def __len__(self) -> int:
        return len(self.ids)

    def __contains__(self, doc_id) -> bool:
        return str(doc_id) in self.ids

    def get(self, doc_id: str) -> Document | None:
        slot = self.ids.get(str(doc_id))
        return None if slot is None else self.docs[slot]

    def documents(self) -> list[Document]:
        return [self.docs[s] for s in sorted(self.ids.values())]

    @property
    def semantic_active(self) -> bool:
        return (self.embedder.available and self.dense is not None
                and len(self.dense) == len(self.docs))

    def status(self) -> dict:
        """Which backends are active and why (for health checks and the admin UI)."""
        sem = self.embedder.status()
        if sem["active"] and self.dense is None:
            sem = {**sem, "active": False, "reason": "index built without vectors; rebuild to enable"}
        elif sem["active"] and len(self.dense) != len(self.docs):
            sem = {**sem, "active": False, "reason": "vectors out of sync with documents; rebuild"}
        return {
            "mode": "hybrid" if sem["active"] else "lexical",
            "documents": len(self.ids),
            "by_kind": {k: int(((self.kind_codes == c) & self.alive[: len(self.kind_codes)]).sum())
                        for k, c in self.kinds.items()},
            "generation": self.generation,
            "lexical": {"active": True,
                        "tokenizer": "sudachipy (sudachidict_core)" if self.analyzer.sudachi_available
                        else f"fallback: bigrams + Latin words ({self.analyzer.sudachi_error})",
                        "vocabulary": len(self.lexical.terms), "main_docs": self.lexical.main_n,
                        "delta_docs": self.lexical.delta_n},
            "semantic": {**sem, "vectors": 0 if self.dense is None else len(self.dense),
                         "pending_vectors": len(self.pending)},
            "config": asdict(self.config),
        }

    # --------------------------------------------------------------- building
    def _kind_code(self, kind: str) -> int:
        code = self.kinds.get(kind)
        if code is None:
            code = self.kinds[kind] = len(self.kinds)
        return code

    def _analyze(self, doc: Document):
        an = self.analyzer.analyze(doc.lexical_text())
        return an.counts(), an.surfaces

    def build(self, documents: Iterable[Document], progress: Progress | None = None,
              vector_cache: dict[str, np.ndarray] | None = None) -> None:
        """Full rebuild. Vectors of documents whose text is unchanged are reused.

        ``progress(done, total)`` counts analysed documents plus embedded documents.
        ``vector_cache`` maps content hashes to vectors (e.g. a benchmark's cache) and
        receives the newly computed ones.
        """
        unique: dict[str, Document] = {}
        for d in documents:
            unique[d.id] = d
        docs = list(unique.values())
        n = len(docs)
        use_sem = self.embedder.available
        qkinds = self._query_vector_kinds()
        q_idx = [i for i, d in enumerate(docs) if d.kind in qkinds] if use_sem else []
        total = n * (2 if use_sem else 1) + len(q_idx)
        done = [0]

        def tick(step=1):
            done[0] += step
            if progress:
                progress(done[0], total)

        fresh = MatchingEngine(self.config, self.embedder, self.analyzer)
        fresh.lexical.build(((fresh._analyze(d)) for d in docs), progress=tick)
        fresh.docs = list(docs)
        fresh.hashes = [d.content_hash() for d in docs]
        fresh.ids = {d.id: i for i, d in enumerate(docs)}
        fresh.alive = np.ones(n, bool)
        fresh.kind_codes = np.array([fresh._kind_code(d.kind) for d in docs], np.int16)
        fresh.script_codes = np.array([_script_code(d) for d in docs], np.int8)
        fresh._main_docs, fresh._main_hashes = list(docs), list(fresh.hashes)
        if use_sem:
            known = dict(vector_cache or {})
            with self._lock:
                if self.dense is not None and len(self.dense) == len(self.hashes):
                    for slot in self.ids.values():
                        known.setdefault(self.hashes[slot], self.dense.row(slot))
            vecs = np.zeros((n, DIM), np.float32)
            todo = []
            for i, h in enumerate(fresh.hashes):
                v = known.get(h)
                if v is None:
                    todo.append(i)
                else:
                    vecs[i] = v
            tick(n - len(todo))
            if todo:
                new = self.embedder.embed_passages([docs[i].semantic_text() for i in todo],
                                                   batch_size=self.config.embed_batch_size, progress=tick)
                vecs[todo] = new
                if vector_cache is not None:
                    for i, v in zip(todo, new):
                        vector_cache[fresh.hashes[i]] = v
            fresh.dense = DenseMatrix(vecs)
            fresh.qvecs = self._query_vectors([docs[i] for i in q_idx], vector_cache, tick)
            fresh.build_ann()
        with self._lock:
            version = self._version + 1
            self.__dict__.update({k: v for k, v in fresh.__dict__.items()
                                  if k not in ("config", "embedder", "analyzer", "_lock", "generation")})
            self._version, self._mask_cache = version, {}

    def _query_vectors(self, docs: list[Document], vector_cache, tick) -> dict[str, np.ndarray]:
        """Stored query vectors for ``docs``, reusing known ones by content hash."""
        out: dict[str, np.ndarray] = {}
        todo = []
        for d in docs:
            h = d.content_hash()
            v = self.qvecs.get(h)
            if v is None and vector_cache is not None:
                v = vector_cache.get("q:" + h)
            if v is None:
                todo.append((h, d))
            else:
                out[h] = v
        tick(len(docs) - len(todo))
        if todo:
            new = self.embedder.embed_queries([d.semantic_text() for _, d in todo],
                                              batch_size=self.config.embed_batch_size, progress=tick)
            for (h, _), v in zip(todo, new):
                out[h] = v
                if vector_cache is not None:
                    vector_cache["q:" + h] = v
        return out

    def upsert(self, doc: Document, vector: np.ndarray | None = None, defer_embedding: bool = False) -> None:
        """Add or replace one document; visible to the next search.

        The document's passage vector is computed here (the model dominates the cost)
        unless ``vector`` is given, or ``defer_embedding`` is set: then it is searchable
        lexically at once and semantically after ``embed_pending()``.
        """
        self.upsert_many([doc], vectors=None if vector is None else [vector], defer_embedding=defer_embedding)

    def upsert_many(self, docs: Iterable[Document], vectors=None, defer_embedding: bool = False) -> None:
        """Upsert several documents, embedding their texts in one batch (faster per document)."""
        docs = list(docs)
        todo = []
        for i, doc in enumerate(docs):
            h = doc.content_hash()
            with self._lock:
                old = self.ids.get(doc.id)
                if (old is not None and self.hashes[old] == h
                        and self.docs[old].lexical_text() == doc.lexical_text()):
                    self._replace_metadata(old, doc)  # text unchanged: no re-indexing needed
                    continue
            todo.append((i, doc, h, self._analyze(doc)))
        if not todo:
            return
        vecs: list = [None] * len(todo)
        qvecs: dict[str, np.ndarray] = {}
        want = self.dense is not None or (self.embedder.available and not self.docs)
        if vectors is not None:
            vecs = [np.asarray(vectors[i], np.float32) for i, *_ in todo]
        elif want and not defer_embedding and self.embedder.available:
            texts = [doc.semantic_text() for _, doc, _, _ in todo]
            vecs = list(self.embedder.embed_passages(texts, batch_size=self.config.embed_batch_size))
        if want and not defer_embedding and self.embedder.available:
            qkinds = self._query_vector_kinds()
            qdocs = [(h, doc) for _, doc, h, _ in todo if doc.kind in qkinds]
            if qdocs:
                new = self.embedder.embed_queries([d.semantic_text() for _, d in qdocs])
                qvecs = {h: v for (h, _), v in zip(qdocs, new)}
        with self._lock:
            for (_, doc, h, analysis), vec in zip(todo, vecs):
                old = self.ids.pop(doc.id, None)
                if old is not None:
                    self._tombstone(old)
                slot = self.lexical.add(*analysis)
                assert slot == len(self.docs), "slot bookkeeping out of sync"
                self.docs.append(doc)
                self.hashes.append(h)
                self.ids[doc.id] = slot
                self._version += 1
                self.alive = _append(self.alive, True)
                self.kind_codes = _append(self.kind_codes, self._kind_code(doc.kind))
                self.script_codes = _append(self.script_codes, _script_code(doc))
                if want:
                    if self.dense is None:
                        self.dense = DenseMatrix()
                    if vec is None:  # placeholder until embed_pending()
                        vec = np.zeros(DIM, np.float32)
                        self.pending.add(slot)
                    self.dense.append(vec)
            self.qvecs.update(qvecs)
            if self._needs_compaction():
                self.compact()

    def embed_pending(self) -> int:
        """Compute the vectors of documents upserted with deferred embedding; returns how many."""
        with self._lock:
            slots = sorted(s for s in self.pending if self.docs[s] is not None)
            docs = [self.docs[s] for s in slots]
        if not slots or not self.embedder.available:
            return 0
        vecs = self.embedder.embed_passages([d.semantic_text() for d in docs],
                                            batch_size=self.config.embed_batch_size)
        qkinds = self._query_vector_kinds()
        qdocs = [d for d in docs if d.kind in qkinds]
        qv = self.embedder.embed_queries([d.semantic_text() for d in qdocs]) if qdocs else []
        with self._lock:
            for slot, doc, vec in zip(slots, docs, vecs):
                if self.docs[slot] is doc:  # not replaced meanwhile
                    self.dense.set_row(slot, vec)
                    self.pending.discard(slot)
                    if slot < self.lexical.main_n:
                        self.patched.add(slot)
                        if self._ann is not None:
                            self._ann.stale.add(slot)  # its partition holds the placeholder
            for d, v in zip(qdocs, qv):
                self.qvecs[d.content_hash()] = v
            self._version += 1
        return len(slots)

    def _replace_metadata(self, slot: int, doc: Document) -> None:
        self._version += 1
        if self._ann is not None and slot < self.lexical.main_n and self.docs[slot].kind != doc.kind:
            self._ann.stale.add(slot)  # now in another kind's partition: scored exactly
        self.docs[slot] = doc
        self.kind_codes[slot] = self._kind_code(doc.kind)
        if slot < self.lexical.main_n:
            self.overrides[slot] = doc

    def _tombstone(self, slot: int) -> None:
        self._version += 1
        self.pending.discard(slot)
        self.patched.discard(slot)
        self.alive[slot] = False
        self.docs[slot] = None
        self.overrides.pop(slot, None)

    def remove(self, doc_id: str) -> bool:
        with self._lock:
            slot = self.ids.pop(str(doc_id), None)
            if slot is None:
                return False
            self._tombstone(slot)
            return True

    def _needs_compaction(self) -> bool:
        delta = self.lexical.delta_n
        dead = len(self.docs) - len(self.ids)
        limit = max(self.config.compact_min_delta, self.config.compact_delta_ratio * self.lexical.main_n)
        return delta + dead > limit

    def compact(self) -> None:
        """Fold the delta segment and tombstones into a fresh main segment."""
        with self._lock:
            keep = sorted(self.ids.values())
            self.lexical.compact(keep)
            if self.dense is not None:
                self.dense = self.dense.take(keep)
            self.docs = [self.docs[s] for s in keep]
            self.hashes = [self.hashes[s] for s in keep]
            keep_a = np.asarray(keep, dtype=np.int64)
            remap = {old: new for new, old in enumerate(keep)}
            self.pending = {remap[s] for s in self.pending if s in remap}
            self.patched = set()  # the new main segment is written with the current vectors
            self.kind_codes = self.kind_codes[keep_a] if keep else np.zeros(0, np.int16)
            self.script_codes = self.script_codes[keep_a] if keep else np.zeros(0, np.int8)
            self.alive = np.ones(len(keep), bool)
            self._version += 1
            self.ids = {d.id: i for i, d in enumerate(self.docs)}
            self.overrides = {}
            live = set(self.hashes)
            self.qvecs = {h: v for h, v in self.qvecs.items() if h in live}
            self._main_docs, self._main_hashes = list(self.docs), list(self.hashes)
            self.main_segment = uuid.uuid4().hex
            self.built_at = time.time()
            self.build_ann()

    def build_ann(self) -> None:
        """(Re)build the vector partitions of the main segment (no-op for small corpora)."""
        cfg = self.config
        main_n = self.lexical.main_n
        if self.dense is None or cfg.ann_min_docs <= 0 or main_n < cfg.ann_min_docs or len(self.dense.base) < main_n:
            self._ann = None
            return
        base = self.dense.base
        live = self.alive[:main_n].copy()
        if self.pending:
            pend = np.fromiter((s for s in self.pending if s < main_n), dtype=np.int64)
            live[pend] = False
        keys = self.kind_codes[:main_n].astype(np.int64) * 256 + self.script_codes[:main_n].astype(np.int64)
        parts: dict[tuple[int, int], Partition] = {}
        for key in np.unique(keys[live]).tolist():
            kind_code, script = divmod(int(key), 256)
            if script == _EMPTY:
                continue
            slots = np.flatnonzero(live & (keys == key))
            parts[(kind_code, script)] = Partition(slots, base[slots], ivf_min=cfg.ann_ivf_min, nprobe=cfg.ann_nprobe)
        rate = min(1.0, cfg.ann_sample / max(main_n, 1))
        sample = np.flatnonzero(_sampled(main_n, rate))
        self._ann = _Ann(segment=self.main_segment, parts=parts, rate=rate, sample=sample,
                         sample_vecs=np.ascontiguousarray(base[sample], dtype=np.float32),
                         stale={s for s in self.pending if s < main_n})

    # ----------------------------------------------------------------- search
    def search(self, query: Document | str, kinds: Iterable[str] | None = ("solution",), k: int = 20,
               allowed_ids: set | frozenset | list | Callable[[str], bool] | None = None,
               apply_constraints: bool = True, mode: str | None = None,
               doc_filter: Callable[[Document], bool] | None = None,
               exclude_ids: Iterable[str] = (),
               visible_ids: Callable[[list[str]], Iterable[str]] | None = None,
               snippets: bool = True) -> list[Match]:
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
            return self._search_locked(q, kinds, k, allowed_ids, apply_constraints, mode, doc_filter,
                                       set(map(str, exclude_ids)), visible_ids, snippets)

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

    def _query_vector_kinds(self) -> set:
        """Kinds that get a stored "query: " vector (none when documents search with their passage vector)."""
        return set(self.config.query_vector_kinds or ()) if self.config.query_prefix == "query" else set()

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

    def _search_locked(self, q: _Query, kinds, k, allowed_ids, apply_constraints, mode, doc_filter, exclude,
                       visible_ids=None, snippets=True):
        n = len(self.docs)
        if n == 0:
            return []
        mask, id_pred = self._base_mask(kinds, allowed_ids, exclude, q)
        if not mask.any():
            return []
        visible = _Visibility(self.docs, id_pred, doc_filter, visible_ids)
        filtered = visible.active
        use_sem = mode != "lexical" and q.vector is not None
        use_lex = mode != "semantic" or not use_sem
        depth = max(k, self.config.pool_depth)
        lex = self.lexical.score(q.terms, n, *_span(mask)) if q.terms else np.zeros(n)
        sem = sem_rank = None
        sem_mask = sem_ref = mask
        pool: set[int] = set()
        if use_lex:
            pool.update(_top_visible(lex, mask & (lex > 0), depth, visible if filtered else None))
        if use_sem:
            sem_mask = mask & (self.script_codes[:n] != _EMPTY)  # nothing to embed: no evidence
            if self.pending:
                sem_mask[np.fromiter(self.pending, dtype=np.int64, count=len(self.pending))] = False
            ann = self._ann if (self._ann is not None and self._ann.segment == self.main_segment) else None
            if ann is None:  # exact: one scan of every vector
                sem = self.dense.scores(q.vector).astype(np.float64)
                sem_ref = sem_mask
                sem_rank = self._centre(sem, sem_mask) if self.config.language_centering else sem
                pool.update(_top_visible(sem_rank, sem_mask, depth, visible if filtered else None))
            else:
                sem, sem_ref, top = self._ann_pool(ann, q.vector, kinds, sem_mask, n, depth,
                                                   visible if filtered else None)
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

        population = int(mask.sum())
        z_floor = self.config.match_floor if self.config.fusion == "z" else None
        floor = C.effective_floor(z_floor, population)
        threshold = C.match_threshold(z_floor, population)
        rows = []
        fit_of = C.fitter(q.doc if apply_constraints else None)
        docs, bonus, penalty, tier = self.docs, self.config.category_bonus, self.config.region_penalty, C.tier
        for i, (slot, score) in enumerate(zip(slots.tolist(), fused.tolist())):
            fit = fit_of(docs[slot])
            hard = fit["environment"] is False or fit["budget"] is False  # C.is_hard_violation
            if fit["category"] is True:
                score += bonus
            if fit["region"] is False:
                score -= penalty
            rows.append((tier(hard, score, floor), -score, slot, i, fit, score, hard))
        rows.sort(key=lambda r: (r[0], r[1], r[2]))
        explainer = Explainer(dict(q.terms), q.norm, self.lexical)
        out = []
        for rank, (tier_, _, slot, i, fit, score, hard) in enumerate(rows[:k], start=1):
            doc = self.docs[slot]
            ids, _ = self.lexical.doc_terms(slot)
            out.append(Match(
                id=doc.id, kind=doc.kind, title=doc.title, rank=rank, score=score,
                fused_score=float(fused[i]), lexical_score=float(lex_p[i]),
                semantic_score=None if sem_p is None else float(sem_p[i]),
                fit=fit, hard_violation=hard, is_match=C.is_match(score, threshold), tier=tier_,
                floor_active=floor is not None,
                matched_terms=explainer.whole_words(explainer.matched_terms(ids), doc.lexical_text()),
                snippet=explainer.snippet(doc.text, doc.title) if snippets else "",
                language=doc.language, category=doc.category))
        return out

    def _fuse(self, lex, sem, mask, sem_mask, slots, use_lex: bool, use_sem: bool, q: _Query,
              sem_ref=None) -> np.ndarray:
        """Relevance of the pool's candidates on one scale (see EngineConfig.fusion).

        ``sem_ref`` marks the documents whose semantic scores give the mean and deviation
        (default ``sem_mask``; a uniform sample of it when the vectors are partitioned).
        """
        cfg = self.config
        sem_ref = sem_mask if sem_ref is None else sem_ref
        if cfg.fusion == "z":
            q_script = SCRIPTS.index(detect_script(q.text))
            same = self.script_codes[: len(lex)] == q_script
            z_lex = zscore(np.log1p(lex), comparable(mask, same, cfg.lexical_ref_min), slots) if use_lex else None
            z_sem = zscore(sem, sem_ref, slots) if use_sem else None
            if z_sem is None:
                return z_lex
            if z_lex is None:
                return z_sem
            fused = cfg.alpha * z_sem + (1.0 - cfg.alpha) * z_lex
            no_vec = ~sem_mask[slots]  # vector pending: lexical evidence only
            fused[no_vec] = z_lex[no_vec]
            if cfg.cross_script_imputation:
                # a Japanese text and an English one share no terms: missing lexical evidence
                # is not negative evidence, so such pairs are ranked on semantics alone
                other = ~same[slots] & ~no_vec
                fused[other] = z_sem[other]
            return fused
        if use_lex and use_sem:
            if cfg.fusion == "rrf":
                return max_scale(rrf([lex[slots], sem[slots]], k=cfg.rrf_k))
            return convex(lex[slots], sem[slots], cfg.alpha)
        return max_scale(sem[slots] if use_sem else lex[slots])

    def _centre(self, sem: np.ndarray, mask: np.ndarray) -> np.ndarray:
        """Subtract, per script group (ja / latin / other), the query's mean similarity.

        Multilingual e5 scores same-language pairs higher across the board; centring each
        group (over the searched kinds, shrunk towards the global mean for small groups)
        lets a Japanese challenge reach an English solution on merit.
        """
        codes = self.script_codes[: len(sem)]
        m = sem[mask]
        if len(m) == 0:
            return sem
        c = codes[mask]
        counts = np.bincount(c, minlength=len(SCRIPTS)).astype(np.float64)
        sums = np.bincount(c, weights=m, minlength=len(SCRIPTS))
        prior = self.config.centering_prior
        denom = counts + prior
        means = np.where(denom > 0, (sums + prior * m.mean()) / np.maximum(denom, 1e-12), 0.0)
        return sem - means[codes]

    def _ann_pool(self, ann: "_Ann", qv: np.ndarray, kinds, sem_mask: np.ndarray, n: int, depth: int, visible):
        """Semantic candidates through the partitions: (scores, reference mask, top slots).

        ``scores`` (length n) is filled for the sample, the candidates and the delta segment;
        the reference mask is the sample. Centring subtracts one mean per script, so each
        script's partition is searched on its own and the best ``depth`` visible candidates
        by centred score are taken; too few visible ones (a strict filter) widen the search.
        """
        main_n = self.lexical.main_n
        sem = np.zeros(n)
        ref = np.zeros(n, bool)
        # uniform sample (main and delta alike) for the mean and deviation
        smp = ann.sample
        ok = sem_mask[smp]
        sem[smp[ok]] = (ann.sample_vecs @ qv)[ok]
        ref[smp[ok]] = True
        exact = []  # delta rows and main rows whose partition entry is out of date
        if n > main_n:
            tail = np.arange(main_n, n)
            tail = tail[sem_mask[main_n:n]]
            if len(tail):
                exact.append(tail)
                ref[tail[_sampled_at(tail, ann.rate)]] = True
        if ann.stale:
            st = np.fromiter(ann.stale, dtype=np.int64, count=len(ann.stale))
            exact.append(st[sem_mask[st]])
        exact_slots = np.concatenate(exact) if exact else np.zeros(0, np.int64)
        if len(exact_slots):
            sem[exact_slots] = self.dense.score_rows(exact_slots, qv)
        codes = [self.kinds[k] for k in kinds if k in self.kinds] if kinds is not None else list(self.kinds.values())
        parts = [p for (kc, _), p in ann.parts.items() if kc in codes]
        want = 2 * depth
        while True:
            found = [p.search(qv, want) for p in parts]
            cand = np.concatenate(found + [exact_slots]) if found else exact_slots
            cand = np.unique(cand)
            cand = cand[sem_mask[cand]]
            approx = cand[~np.isin(cand, exact_slots)] if len(exact_slots) else cand
            if len(approx):
                sem[approx] = self.dense.score_rows(approx, qv)
            rank = self._centre(sem, ref) if self.config.language_centering else sem
            cmask = np.zeros(n, bool)
            cmask[cand] = True
            top = _top_visible(rank, cmask, depth, visible)
            complete = all(want >= len(p) for p in parts)
            if len(top) >= depth or complete:
                return sem, ref, top
            want *= 4

    # ------------------------------------------------------------ persistence
    def save(self, path, link_from=None) -> None:
        from .store import save_engine
        save_engine(self, path, link_from=link_from)

    @classmethod
    def load(cls, path, config: EngineConfig | None = None, semantic: bool | Embedder | None = None,
             mmap: bool = True, reuse: "MatchingEngine | None" = None) -> "MatchingEngine":
        from .store import load_engine
        return load_engine(cls, path, config=config, semantic=semantic, mmap=mmap, reuse=reuse)


_EMPTY = SCRIPTS.index("empty")


@dataclass
class _Ann:
    segment: str  # the main segment the partitions were built from
    parts: dict
    rate: float  # sampling rate of the statistics sample
    sample: np.ndarray  # sampled main-segment slots
    sample_vecs: np.ndarray
    stale: set = field(default_factory=set)


_HASH = np.uint64(0x9E3779B97F4A7C15)


def _sampled_at(slots: np.ndarray, rate: float) -> np.ndarray:
    """Deterministic Bernoulli(rate) membership of each slot (a multiplicative hash)."""
    if rate >= 1.0:
        return np.ones(len(slots), bool)
    h = (np.asarray(slots, dtype=np.uint64) * _HASH) >> np.uint64(40)  # top 24 bits
    return h < np.uint64(int(rate * (1 << 24)))


def _sampled(n: int, rate: float) -> np.ndarray:
    return _sampled_at(np.arange(n, dtype=np.uint64), rate)


class _Visibility:
    """Per-query visibility of slots (id predicate, document filter, batch id check), cached."""

    def __init__(self, docs, id_pred, doc_filter, batch):
        self.docs, self.id_pred, self.doc_filter, self.batch = docs, id_pred, doc_filter, batch
        self.cache: dict[int, bool] = {}
        self.checked: dict[int, bool] = {}  # answers of the batch check
        self.active = id_pred is not None or doc_filter is not None or batch is not None

    def prefetch(self, slots) -> None:
        """Ask the batch check about every slot of ``slots`` not asked yet, in one call."""
        if self.batch is None:
            return
        todo = [s for s in slots if s not in self.checked]
        if not todo:
            return
        ids = [self.docs[s].id for s in todo]
        ok = {str(i) for i in self.batch(ids)}
        for s, doc_id in zip(todo, ids):
            self.checked[s] = doc_id in ok

    def __call__(self, slot: int) -> bool:
        hit = self.cache.get(slot)
        if hit is None:
            if self.batch is not None and slot not in self.checked:
                self.prefetch([slot])
            doc = self.docs[slot]
            hit = ((self.batch is None or self.checked[slot])
                   and (self.id_pred is None or bool(self.id_pred(doc.id)))
                   and (self.doc_filter is None or bool(self.doc_filter(doc))))
            self.cache[slot] = hit
        return hit


def _script_code(doc: Document) -> int:
    return SCRIPTS.index(detect_script(doc.semantic_text()))


def _append(arr: np.ndarray, value) -> np.ndarray:
    """Append to a 1-d array (copy; arrays are small: 1-2 bytes per document)."""
    out = np.empty(len(arr) + 1, dtype=arr.dtype)
    out[:-1] = arr
    out[-1] = value
    return out


def _span(mask: np.ndarray) -> tuple[int, int]:
    """[first, last + 1) of the True slots of ``mask`` (documents are indexed kind by kind, so
    a query over one kind touches a narrow range of slots)."""
    n = len(mask)
    if n == 0 or not mask.any():
        return 0, 0
    return int(mask.argmax()), n - int(mask[::-1].argmax())


def _top_visible(scores: np.ndarray, mask: np.ndarray, depth: int, visible) -> list[int]:
    """Slots of the ``depth`` best-scoring masked slots that pass ``visible``."""
    cand = np.flatnonzero(mask)
    if len(cand) == 0:
        return []
    # with a visibility check, ask about twice the depth at once: one batch usually suffices
    # (a third of the candidates hidden would otherwise cost a second round trip)
    want = depth if visible is None else 2 * depth
    while True:
        take = min(len(cand), want)
        sub = scores[cand]
        if take < len(cand):
            part = np.argpartition(-sub, take - 1)[:take]
        else:
            part = np.arange(len(cand))
        order = cand[part[np.argsort(-sub[part], kind="stable")]]
        if visible is None:
            return order[:depth].tolist()
        order = order.tolist()
        if hasattr(visible, "prefetch"):
            visible.prefetch(order)
        kept = [s for s in order if visible(s)]
        if len(kept) >= depth or take == len(cand):
            return kept[:depth]
        want *= 4
