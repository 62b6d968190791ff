"""Ranking a candidate pool: the two retrievers' scores fused on one scale, then the tiers.

Fusion (EngineConfig.fusion) standardises the lexical and semantic scores over the searched
documents and mixes them; the tiers (constraints.tier) put the matches meeting the hard
requirements first, then the matches failing one, then the weaker candidates.
"""

from __future__ import annotations

import numpy as np

from . import constraints as C
from .fusion import comparable, convex, max_scale, rrf, zscore
from .text import SCRIPTS, detect_script


class RankingMixin:
    """MatchingEngine's fusion and tiers (pure functions of the pool and the engine's state)."""

    def _fuse(self, lex, sem, mask, sem_mask, slots, use_lex: bool, use_sem: bool, q, sem_ref=None) -> np.ndarray:
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

    def _tiered(self, slots: np.ndarray, fused: np.ndarray, population: int, query_doc):
        """(rows sorted by tier then score, floor, match threshold) of the pool.

        A row is (tier, -score, slot, pool index, fit, score, hard violation); ``query_doc``
        None skips the constraint checks (every fit unknown).
        """
        z_floor = self.config.match_floor if self.config.fusion == "z" else None
        floor = C.effective_floor(z_floor, population)
        threshold = C.match_threshold(z_floor, population)
        rows = []
        fit_of = C.fitter(query_doc)
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
        return rows, floor, threshold
