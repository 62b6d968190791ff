"""Fusion of lexical and semantic scores over a candidate pool.

Both functions take per-candidate score arrays (NaN = "not retrieved by this backend")
and return one fused score per candidate, higher is better.
"""
from __future__ import annotations

import numpy as np


def _ranks(scores: np.ndarray) -> np.ndarray:
    """1-based rank of each candidate (ties broken by position); NaN -> inf."""
    ranks = np.full(len(scores), np.inf)
    valid = ~np.isnan(scores)
    idx = np.flatnonzero(valid)
    order = idx[np.argsort(-scores[idx], kind="stable")]
    ranks[order] = np.arange(1, len(order) + 1)
    return ranks


def rrf(score_lists: list[np.ndarray], weights: list[float] | None = None, k: float = 60.0) -> np.ndarray:
    """Reciprocal rank fusion: sum_w w / (k + rank)."""
    weights = weights or [1.0] * len(score_lists)
    out = np.zeros(len(score_lists[0]))
    for scores, w in zip(score_lists, weights):
        out += w / (k + _ranks(scores))
    return out


def minmax(scores: np.ndarray, floor: float | None = None) -> np.ndarray:
    """Scale to [0, 1] over the pool; NaN -> 0. ``floor`` fixes the minimum (e.g. 0 for BM25)."""
    out = np.zeros(len(scores))
    valid = ~np.isnan(scores)
    if not valid.any():
        return out
    vals = scores[valid]
    lo = vals.min() if floor is None else floor
    hi = vals.max()
    if hi - lo <= 1e-12:
        out[valid] = 1.0 if hi > 0 else 0.0
        return out
    out[valid] = np.clip((vals - lo) / (hi - lo), 0.0, 1.0)
    return out


def max_scale(scores: np.ndarray) -> np.ndarray:
    """Divide by the best score: the zero point stays where it is (no pool-dependent min)."""
    top = float(np.max(scores)) if len(scores) else 0.0
    return scores / top if top > 1e-12 else np.zeros(len(scores))


def convex(lexical: np.ndarray, semantic: np.ndarray, alpha: float) -> np.ndarray:
    """alpha * semantic + (1 - alpha) * lexical, each divided by its best score.

    Both inputs have a natural zero: BM25 0 = no shared term; the centred cosine 0 = an
    average document for this query. Scaling by the maximum (not min-max over the pool)
    keeps the result independent of how deep the candidate pool is.
    """
    return alpha * max_scale(semantic) + (1.0 - alpha) * max_scale(lexical)
