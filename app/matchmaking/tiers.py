"""What a ranked list means, for the people who read it: the engine's tiers as three groups.

The engine ranks in four tiers (engine/constraints.py): 0 a match that meets the hard
requirements (environment, budget), 1 a match that fails one, 2 and 3 weaker candidates
(below the match floor) that meet them or not. A list shows them, in that order, as

  "match"      tier 0: relevant, and meets every requirement
  "violation"  tier 1: relevant, but fails a requirement (each entry says which)
  "weaker"     tiers 2-3: less related; shown under their own heading

Without a floor (too few documents yet to tell a match from a weak candidate:
``floor_active`` false) the tiers are only "meets the requirements" (0) and "fails one" (1).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from flask_babel import gettext

from .engine.constraints import HARD

GROUPS = ("match", "violation", "weaker")


def group_of(tier: int) -> str:
    return GROUPS[min(int(tier), 2)]


def failed_requirements(fit: dict) -> list[str]:
    return [k for k in HARD if (fit or {}).get(k) is False]


def meaning(entry: dict) -> str | None:
    """One sentence on the meaning match (hybrid mode only: the model compared the texts)."""
    if entry.get("semantic_score") is None:
        return None
    passage = entry.get("passage") or entry.get("title") or ""
    if entry.get("tier", 0) < 2:
        return gettext("Close in content: %(passage)s", passage=passage)
    return gettext("Partly close in content: %(passage)s", passage=passage)


@dataclass
class Group:
    name: str  # one of GROUPS
    start: int  # rank of the first entry (an <ol start>)
    floor_active: bool = True
    entries: list = field(default_factory=list)


def grouped(entries: list[dict]) -> list[Group]:
    """Consecutive entries of one group together, in the list's order (the tiers are ranked)."""
    out: list[Group] = []
    for rank, e in enumerate(entries, start=1):
        name = group_of(e.get("tier", 0))
        if not out or out[-1].name != name:
            out.append(Group(name=name, start=rank, floor_active=e.get("floor_active", True)))
        out[-1].entries.append(e)
    return out
