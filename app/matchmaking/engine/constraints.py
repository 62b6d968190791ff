"""Structured fit between two documents, symmetric in who is buyer and who is seller.

Each check answers True (fits), False (does not) or None (unknown: a side left it empty).
Environment and budget are hard: a False there makes the match a hard violation, ranked
below every satisfier that is a match, but still returned and marked. Region and category
only nudge the score.

What "a match" means: a candidate whose relevance reaches ``match_floor`` (on the z scale of
the fused score: standard deviations above a typical document for this query). Tiers are

  0  match, satisfies the hard constraints
  1  match, violates one (the right product that cannot be deployed or paid for as is)
  2  not a match, satisfies        3  not a match, violates

so a well-fitting solution that fails the budget still comes before solutions that merely
satisfy the constraints without addressing the need. Ranking every violator after every
satisfier would push a near-perfect fit that is 10% over budget below unrelated products,
which is neither what a buyer wants to see nor what "partial fit" means in the grading of
the evaluation set (a fit failing environment or budget is grade 1; an unrelated product 0).

The floor needs a population: among n documents no z-score can exceed sqrt(n - 1), so in a
small index (a new platform, a test fixture) "2 deviations above typical" cannot tell a
match from a non-match. The floor is therefore only used when it is at most half of that
bound (n >= 17 for a floor of 2); below that, every violator ranks after every satisfier.

Whether a candidate is worth telling someone about (a match alert, a 出島 pass-on suggestion)
is the same question, asked of a single candidate: ``is_match``. It needs an answer at every
index size, so there the floor is capped at half the bound instead of dropped: a candidate is
a match if its score reaches min(match_floor, sqrt(n - 1) / 2). With two documents that is
0.5 (the better of a relevant and an unrelated one is at +1); with a single document nothing
stands out from anything, so nothing is a match.
"""

from __future__ import annotations

import math

from .document import NATIONWIDE, Document

HARD = ("environment", "budget")


def environment_fit(a: Document, b: Document) -> bool | None:
    """Allowed environments of one side must intersect the deployable ones of the other."""
    if not a.environments or not b.environments:
        return None
    return bool(set(a.environments) & set(b.environments))


def free_pilot_covers(buyer: Document, seller: Document) -> bool:
    """A zero-budget co-development buyer (meta co_development, pilot_months) and a seller whose free
    pilot (meta free_pilot_months) lasts at least as long as the pilot: not over budget (app/contributions)."""
    if not buyer.meta.get("co_development"):
        return False
    months, needed = seller.meta.get("free_pilot_months") or 0, buyer.meta.get("pilot_months")
    return months > 0 and (needed is None or months >= needed)


def budget_fit(a: Document, b: Document) -> bool | None:
    """price_jpy_per_year of the seller <= budget_max_jpy of the buyer (either direction), or a free
    pilot that covers a co-development buyer's pilot."""
    for buyer, seller in ((a, b), (b, a)):
        if buyer.budget_max_jpy is not None and seller.price_jpy_per_year is not None:
            return seller.price_jpy_per_year <= buyer.budget_max_jpy or free_pilot_covers(buyer, seller)
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


_UNKNOWN = {"environment": None, "budget": None, "region": None, "category": None}


def fitter(query: Document | None):
    """``fit`` with the query fixed: its sets built once, not once per candidate (a search
    checks a pool of ~100 candidates). ``fitter(q)(c) == fit(q, c)`` for every candidate."""
    if query is None:
        return lambda candidate: dict(_UNKNOWN)
    q_env = set(query.environments)
    q_budget, q_price = query.budget_max_jpy, query.price_jpy_per_year
    q_pref, q_served = query.prefecture, set(query.prefectures_served)
    q_cat = query.category

    def _fit(c: Document) -> dict[str, bool | None]:
        env = bool(q_env.intersection(c.environments)) if (q_env and c.environments) else None
        if q_budget is not None and c.price_jpy_per_year is not None:
            budget = c.price_jpy_per_year <= q_budget or free_pilot_covers(query, c)
        elif c.budget_max_jpy is not None and q_price is not None:
            budget = q_price <= c.budget_max_jpy or free_pilot_covers(c, query)
        else:
            budget = None
        if q_pref and c.prefectures_served:
            served = c.prefectures_served
            region = NATIONWIDE in served or q_pref in served
        elif c.prefecture and q_served:
            region = NATIONWIDE in q_served or c.prefecture in q_served
        else:
            region = None
        category = (q_cat == c.category) if (q_cat and c.category) else None
        return {"environment": env, "budget": budget, "region": region, "category": category}

    return _fit


def is_hard_violation(fit_result: dict[str, bool | None]) -> bool:
    return any(fit_result.get(k) is False for k in HARD)


def tier(hard: bool, score: float, match_floor: float | None) -> int:
    """Ranking tier (lower first), see the module docstring; ``None`` disables the floor."""
    if match_floor is None or score >= match_floor:
        return 1 if hard else 0
    return 3 if hard else 2


def effective_floor(match_floor: float | None, population: int) -> float | None:
    """``match_floor`` if ``population`` documents make it meaningful, else None (strict tiers)."""
    if match_floor is None or population < 2 or match_floor > math.sqrt(population - 1) / 2:
        return None
    return match_floor


def match_threshold(match_floor: float | None, population: int) -> float | None:
    """The score a candidate needs to count as a match among ``population`` searched documents.

    ``match_floor`` capped at half the largest z-score ``population`` documents allow (see the
    module docstring); None when there is no floor (non-z fusion or ``match_floor=None``).
    """
    if match_floor is None:
        return None
    if population < 2:
        return math.inf
    return min(match_floor, math.sqrt(population - 1) / 2)


def is_match(score: float, threshold: float | None) -> bool:
    """Relevant enough to be proposed to someone. Without a threshold (a fusion with no
    population scale), anything better than a typical document (score > 0) counts."""
    return score > 0 if threshold is None else score >= threshold
