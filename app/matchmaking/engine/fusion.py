"""Score normalisation and fusion of lexical and semantic scores over a candidate pool."""

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


def zscore(scores: np.ndarray, mask: np.ndarray, slots: np.ndarray) -> np.ndarray:
    """Standardise ``scores[slots]`` with the mean and deviation over ``mask``.

    The statistics come from every searchable document, not the candidate pool, so a score
    means "this many standard deviations above a typical document for this query" whatever
    the corpus size or pool depth (CombSUM with z-score normalisation).
    """
    ref = scores[mask]
    if len(ref) == 0:
        return np.zeros(len(slots))
    mu, sd = float(ref.mean()), float(ref.std())
    if sd <= 1e-12:
        return np.zeros(len(slots))
    return (scores[slots] - mu) / sd


def comparable(mask: np.ndarray, same: np.ndarray, min_docs: int) -> np.ndarray:
    """The reference population for a lexical z-score: searched documents in the query's script.

    A Japanese document and an English one share (almost) no terms, so their BM25 score
    against each other is 0 by construction, not by merit. Standardising over every document
    would let those forced zeros pull the mean and deviation down, and an English query's
    one-word overlap with an English document would then look several deviations "above
    typical" merely because most of the corpus is Japanese. Falls back to ``mask`` when fewer
    than ``min_docs`` documents share the script (too few for a stable deviation).
    """
    ref = mask & same
    return ref if int(ref.sum()) >= min_docs else mask
