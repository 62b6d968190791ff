"""What the matcher needs to know about money and its substitutes (see engine.constraints.free_pilot_covers)."""

from __future__ import annotations

from .rules import pilot_months


def contribution_meta(obj) -> dict:
    """Document meta: a challenge's co-development flag and pilot length; a solution's free pilot months.
    Only set keys that mean something, so unchanged documents keep their content."""
    meta = {}
    if getattr(obj, "co_development", False):
        meta["co_development"] = True
        meta["pilot_months"] = pilot_months(getattr(obj, "pilot_start", None), getattr(obj, "pilot_end", None))
    if getattr(obj, "free_pilot_months", None):
        meta["free_pilot_months"] = obj.free_pilot_months
    return meta
