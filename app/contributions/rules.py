"""Pure rules about money and what replaces it (no Flask, no database)."""

from __future__ import annotations

from datetime import date

from .constants import DAYS_PER_MONTH


def pilot_months(start: date | None, end: date | None) -> int | None:
    """The pilot's length in months (of 30.44 days, rounded; at least 1); None when a date is missing."""
    if start is None or end is None or end < start:
        return None
    return max(1, round(((end - start).days + 1) / DAYS_PER_MONTH))


def free_pilot_fits(free_months: int | None, needed_months: int | None) -> bool:
    """A free pilot offer covers the pilot: some free months, and at least as many as the pilot lasts
    (when the challenge gives its dates)."""
    if not free_months:
        return False
    return needed_months is None or free_months >= needed_months


def budget_fields_set_on_co_development(data: dict) -> list[str]:
    """A co-development challenge has no budget: the budget fields that say otherwise."""
    if not data.get("co_development"):
        return []
    return [key for key in ("budget_min_jpy", "budget_max_jpy") if data.get(key)]
