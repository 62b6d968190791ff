"""Weighted rubric arithmetic, shared by committee reviews and pitch contests. Pure functions.

A judge's weighted score is Σ(weight × score) / Σ(weight), in the rubric's own scale units.
A candidate's result is the mean of its judges' weighted scores, with the spread between
judges (min, max, range, population standard deviation) so a committee sees disagreement.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Iterable, Mapping, Protocol, Sequence


class CriterionLike(Protocol):
    id: int
    key: str
    weight: int
    scale_min: int
    scale_max: int


def validate_scores(criteria: Sequence[CriterionLike], scores: Mapping[str, object]) -> dict[str, list[str]]:
    """Field errors keyed by criterion key: every criterion scored, integers inside its scale, nothing extra."""
    errors: dict[str, list[str]] = {}
    keys = {c.key for c in criteria}
    for key in scores:
        if key not in keys:
            errors[key] = ["Unknown criterion."]
    for c in criteria:
        value = scores.get(c.key)
        if value is None:
            errors[c.key] = ["A score is required."]
        elif isinstance(value, bool) or not isinstance(value, int):
            errors[c.key] = ["The score must be a whole number."]
        elif not c.scale_min <= value <= c.scale_max:
            errors[c.key] = [f"The score must be between {c.scale_min} and {c.scale_max}."]
    return errors


def weighted_score(criteria: Sequence[CriterionLike], scores: Mapping[str, int]) -> float:
    total_weight = sum(c.weight for c in criteria)
    if total_weight <= 0:
        raise ValueError("A rubric needs positive weights")
    return sum(c.weight * scores[c.key] for c in criteria) / total_weight


def normalised(criteria: Sequence[CriterionLike], value: float) -> float:
    """A weighted score mapped to 0..1 (used to combine judges with votes in contests)."""
    low = sum(c.weight * c.scale_min for c in criteria) / sum(c.weight for c in criteria)
    high = sum(c.weight * c.scale_max for c in criteria) / sum(c.weight for c in criteria)
    return 0.0 if high == low else (value - low) / (high - low)


@dataclass(frozen=True)
class Result:
    candidate_id: int
    mean: float | None
    judges: int
    minimum: float | None
    maximum: float | None
    spread: float | None  # max - min
    stdev: float | None  # population standard deviation
    rank: int | None = None


def summarise(candidate_id: int, judge_scores: Iterable[float]) -> Result:
    values = list(judge_scores)
    if not values:
        return Result(candidate_id, None, 0, None, None, None, None)
    mean = sum(values) / len(values)
    stdev = math.sqrt(sum((v - mean) ** 2 for v in values) / len(values))
    return Result(candidate_id, mean, len(values), min(values), max(values), max(values) - min(values), stdev)


def rank(results: Iterable[Result]) -> list[Result]:
    """Highest mean first; candidates without scores last and unranked. Ties share a rank."""
    results = list(results)
    scored = sorted((r for r in results if r.mean is not None), key=lambda r: (-r.mean, r.candidate_id))
    unscored = sorted((r for r in results if r.mean is None), key=lambda r: r.candidate_id)
    ranked, previous, position = [], None, 0
    for index, r in enumerate(scored, start=1):
        if previous is None or not math.isclose(r.mean, previous, rel_tol=0, abs_tol=1e-9):
            position = index
        previous = r.mean
        ranked.append(Result(**{**r.__dict__, "rank": position}))
    return ranked + unscored
