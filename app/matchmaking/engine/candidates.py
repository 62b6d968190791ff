"""Candidate pools: the searched slots' span, per-query visibility, the best visible slots."""

from __future__ import annotations

import numpy as np


class Visibility:
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
            hit = (
                (self.batch is None or self.checked[slot])
                and (self.id_pred is None or bool(self.id_pred(doc.id)))
                and (self.doc_filter is None or bool(self.doc_filter(doc)))
            )
            self.cache[slot] = hit
        return hit


def span(mask: np.ndarray) -> tuple[int, int]:
    """[first, last + 1) of the True slots of ``mask`` (documents are indexed kind by kind, so
    a query over one kind touches a narrow range of slots)."""
    n = len(mask)
    if n == 0 or not mask.any():
        return 0, 0
    return int(mask.argmax()), n - int(mask[::-1].argmax())


def top_visible(scores: np.ndarray, mask: np.ndarray, depth: int, visible) -> list[int]:
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
