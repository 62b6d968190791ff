"""Vector search at scale: per-(kind, script) partitions of the main segment's vectors.

From ``EngineConfig.ann_min_docs`` documents the vectors are searched per partition (faiss
IVF for large ones, see semantic.Partition) and the semantic statistics come from a uniform,
deterministic sample; below that the engine scans every vector (querying.py).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from .candidates import top_visible
from .semantic import Partition
from .text import EMPTY_SCRIPT


@dataclass
class VectorPartitions:
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


class PartitionsMixin:
    """MatchingEngine's partitions: built with the main segment, searched by ``_ann_pool``."""

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
            if script == EMPTY_SCRIPT:
                continue
            slots = np.flatnonzero(live & (keys == key))
            parts[(kind_code, script)] = Partition(slots, base[slots], ivf_min=cfg.ann_ivf_min, nprobe=cfg.ann_nprobe)
        rate = min(1.0, cfg.ann_sample / max(main_n, 1))
        sample = np.flatnonzero(_sampled(main_n, rate))
        self._ann = VectorPartitions(
            segment=self.main_segment,
            parts=parts,
            rate=rate,
            sample=sample,
            sample_vecs=np.ascontiguousarray(base[sample], dtype=np.float32),
            stale={s for s in self.pending if s < main_n},
        )

    def _ann_pool(
        self, ann: VectorPartitions, qv: np.ndarray, kinds, sem_mask: np.ndarray, n: int, depth: int, visible
    ):
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
            top = top_visible(rank, cmask, depth, visible)
            complete = all(want >= len(p) for p in parts)
            if len(top) >= depth or complete:
                return sem, ref, top
            want *= 4
