"""Building the engine: full builds, upserts and removals, deferred embeddings, compaction.

A full build analyses and embeds every document once (vectors of unchanged texts are reused
from the previous build or a caller's cache) and swaps the new state in under the lock.
Upserts append to the delta segment; ``compact`` folds it into a new main segment.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Iterable

import numpy as np

from .config import Progress
from .document import Document, text_hash
from .semantic import DIM, DenseMatrix
from .text import script_code


class BuildingMixin:
    """MatchingEngine's writes (every one takes the engine's lock before changing state)."""

    def _analyze(self, doc: Document):
        an = self.analyzer.analyze(doc.lexical_text())
        return an.counts(), an.surfaces

    def build(
        self,
        documents: Iterable[Document],
        progress: Progress | None = None,
        vector_cache: dict[str, np.ndarray] | None = None,
    ) -> None:
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

        fresh = type(self)(self.config, self.embedder, self.analyzer)
        fresh.lexical.build(((fresh._analyze(d)) for d in docs), progress=tick)
        texts = [d.semantic_text() for d in docs]  # once per document: hash, script and embedding
        fresh.docs = list(docs)
        fresh.hashes = [text_hash(t) for t in texts]
        fresh.ids = {d.id: i for i, d in enumerate(docs)}
        fresh.alive = np.ones(n, bool)
        fresh.kind_codes = np.array([fresh._kind_code(d.kind) for d in docs], np.int16)
        fresh.script_codes = np.array([script_code(t) for t in texts], np.int8)
        fresh._main_docs, fresh._main_hashes = list(docs), list(fresh.hashes)
        if use_sem:
            known = dict(vector_cache or {})
            with self._lock:
                if self.dense is not None and len(self.dense) == len(self.hashes):
                    for slot in self.ids.values():
                        known.setdefault(self.hashes[slot], self.dense.row(slot))
            todo: dict[str, str] = {}  # hash -> text of each distinct text without a known vector
            for h, t in zip(fresh.hashes, texts):
                if h not in known:
                    todo.setdefault(h, t)
            tick(n - len(todo))  # a text shared by several documents is embedded once
            if todo:
                new = self.embedder.embed_passages(
                    list(todo.values()), batch_size=self.config.embed_batch_size, progress=tick
                )
                for h, v in zip(todo, new):
                    known[h] = v
                    if vector_cache is not None:
                        vector_cache[h] = v
            vecs = np.zeros((n, DIM), np.float32)
            for i, h in enumerate(fresh.hashes):
                vecs[i] = known[h]
            fresh.dense = DenseMatrix(vecs)
            fresh.qvecs = self._query_vectors([(fresh.hashes[i], texts[i]) for i in q_idx], vector_cache, tick)
            fresh.build_ann()
        with self._lock:
            version = self._version + 1
            self.__dict__.update(
                {
                    k: v
                    for k, v in fresh.__dict__.items()
                    if k not in ("config", "embedder", "analyzer", "_lock", "generation")
                }
            )
            self._version, self._mask_cache = version, {}

    def _query_vectors(self, hashed_texts: list[tuple[str, str]], vector_cache, tick) -> dict[str, np.ndarray]:
        """Stored query vectors of (content hash, semantic text) pairs, reusing known ones by hash."""
        out: dict[str, np.ndarray] = {}
        todo: dict[str, str] = {}
        for h, t in hashed_texts:
            v = self.qvecs.get(h)
            if v is None and vector_cache is not None:
                v = vector_cache.get("q:" + h)
            if v is None:
                todo.setdefault(h, t)
            else:
                out[h] = v
        tick(len(hashed_texts) - len(todo))
        if todo:
            new = self.embedder.embed_queries(
                list(todo.values()), batch_size=self.config.embed_batch_size, progress=tick
            )
            for h, v in zip(todo, new):
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
                if old is not None and self.hashes[old] == h and self.docs[old].lexical_text() == doc.lexical_text():
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
                self.script_codes = _append(self.script_codes, script_code(doc.semantic_text()))
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
        vecs = self.embedder.embed_passages([d.semantic_text() for d in docs], batch_size=self.config.embed_batch_size)
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


def _append(arr: np.ndarray, value) -> np.ndarray:
    """Append to a 1-d array (copy; arrays are small: 1-2 bytes per document)."""
    out = np.empty(len(arr) + 1, dtype=arr.dtype)
    out[:-1] = arr
    out[-1] = value
    return out
