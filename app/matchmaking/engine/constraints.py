"""Structured fit between two documents, symmetric in who is buyer and who is seller.

Each check answers True (fits), False (does not) or None (unknown: a side left it empty).
Environment and budget are hard: a False there makes the match a hard violation, ranked
below every satisfier but still returned. Region and category only nudge the score.
"""
from __future__ import annotations

from .document import NATIONWIDE, Document

HARD = ("environment", "budget")


def environment_fit(a: Document, b: Document) -> bool | None:
    """Allowed environments of one side must intersect the deployable ones of the other."""
    if not a.environments or not b.environments:
        return None
    return bool(set(a.environments) & set(b.environments))


def budget_fit(a: Document, b: Document) -> bool | None:
    """price_jpy_per_year of the seller <= budget_max_jpy of the buyer (either direction)."""
    for buyer, seller in ((a, b), (b, a)):
        if buyer.budget_max_jpy is not None and seller.price_jpy_per_year is not None:
            return seller.price_jpy_per_year <= buyer.budget_max_jpy
    return None


def region_fit(a: Document, b: Document) -> bool | None:
    """The buyer's prefecture is served (or the seller serves 全国)."""
    for place, server in ((a, b), (b, a)):
        if place.prefecture and server.prefectures_served:
            served = set(server.prefectures_served)
            return NATIONWIDE in served or place.prefecture in served
    return None


def category_fit(a: Document, b: Document) -> bool | None:
    if not a.category or not b.category:
        return None
    return a.category == b.category


def fit(query: Document | None, candidate: Document) -> dict[str, bool | None]:
    if query is None:
        return {"environment": None, "budget": None, "region": None, "category": None}
    return {
        "environment": environment_fit(query, candidate),
        "budget": budget_fit(query, candidate),
        "region": region_fit(query, candidate),
        "category": category_fit(query, candidate),
    }


def is_hard_violation(fit_result: dict[str, bool | None]) -> bool:
    return any(fit_result.get(k) is False for k in HARD)
