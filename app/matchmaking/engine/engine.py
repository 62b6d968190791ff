"""The matching engine: hybrid retrieval, fusion, structured constraints, explanations.

Pure Python + numpy (no Flask, no models) so the web app, RQ jobs, the CLI and the
benchmark share it. One engine instance is safe to use from several threads.

``MatchingEngine`` holds the index state and answers status questions; its behaviour lives
with the responsibility it belongs to:

- building.py: ``build``, ``upsert``/``upsert_many``, ``remove``, ``embed_pending``, ``compact``;
- querying.py: ``search`` (query preparation, masks, candidate pools; candidates.py);
- ranking.py: fusion of the two retrievers' scores and the tiers;
- explain.py: key terms, snippets and the Match objects;
- partitions.py: vector partitions for large corpora (``build_ann``);
- persist.py: ``save``/``load`` of one directory; store.py: generations shared by processes.
"""

from __future__ import annotations

import threading
import time
import uuid
from dataclasses import asdict

import numpy as np

from .building import BuildingMixin
from .config import MODES, EngineConfig
from .document import Document
from .lexical import LexicalIndex
from .partitions import PartitionsMixin, VectorPartitions
from .persist import load_engine, save_engine
from .querying import QueryingMixin
from .ranking import RankingMixin
from .semantic import DenseMatrix, Embedder
from .text import Analyzer, default_analyzer

__all__ = ["MODES", "EngineConfig", "MatchingEngine"]


class MatchingEngine(BuildingMixin, QueryingMixin, RankingMixin, PartitionsMixin):
    """Index of Documents of any kind; ``search`` ranks one kind against a query."""

    def __init__(
        self,
        config: EngineConfig | None = None,
        semantic: bool | Embedder | None = None,
        analyzer: Analyzer | None = None,
    ):
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
        self._ann: VectorPartitions | None = None  # partitions of the main segment's vectors (large corpora)

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
        return self.embedder.available and self.dense is not None and len(self.dense) == len(self.docs)

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
            "by_kind": {
                k: int(((self.kind_codes == c) & self.alive[: len(self.kind_codes)]).sum())
                for k, c in self.kinds.items()
            },
            "generation": self.generation,
            "lexical": {
                "active": True,
                "tokenizer": "sudachipy (sudachidict_core)"
                if self.analyzer.sudachi_available
                else f"fallback: bigrams + Latin words ({self.analyzer.sudachi_error})",
                "vocabulary": len(self.lexical.terms),
                "main_docs": self.lexical.main_n,
                "delta_docs": self.lexical.delta_n,
            },
            "semantic": {
                **sem,
                "vectors": 0 if self.dense is None else len(self.dense),
                "pending_vectors": len(self.pending),
            },
            "config": asdict(self.config),
        }

    def _kind_code(self, kind: str) -> int:
        code = self.kinds.get(kind)
        if code is None:
            code = self.kinds[kind] = len(self.kinds)
        return code

    def _query_vector_kinds(self) -> set:
        """Kinds that get a stored "query: " vector (none when documents search with their passage vector)."""
        return set(self.config.query_vector_kinds or ()) if self.config.query_prefix == "query" else set()

    # ------------------------------------------------------------ persistence
    def save(self, path, link_from=None) -> None:
        save_engine(self, path, link_from=link_from)

    @classmethod
    def load(
        cls,
        path,
        config: EngineConfig | None = None,
        semantic: bool | Embedder | None = None,
        mmap: bool = True,
        reuse: MatchingEngine | None = None,
    ) -> MatchingEngine:
        return load_engine(cls, path, config=config, semantic=semantic, mmap=mmap, reuse=reuse)
