"""What changed between two versions of a specification: pure functions over plain dicts."""

from __future__ import annotations

LISTS = ("must_have", "nice_to_have", "environments")
SCALARS = ("security_level", "price_min_jpy", "price_max_jpy", "summary")


def band_label(band: dict) -> str:
    low, high = band.get("min_seats"), band.get("max_seats")
    return f"{low}–{high}" if high is not None else f"{low}–"


def diff_versions(old: dict, new: dict) -> dict:
    """{"lists": {name: {"added": [...], "removed": [...], "kept": [...]}}, "changed": {name: (old, new)},
    "seat_bands": {"added", "removed"}}: what a reader needs to see what v2 changed from v1."""
    lists = {}
    for name in LISTS:
        before, after = list(old.get(name) or []), list(new.get(name) or [])
        lists[name] = {
            "added": [x for x in after if x not in before],
            "removed": [x for x in before if x not in after],
            "kept": [x for x in after if x in before],
        }
    changed = {name: (old.get(name), new.get(name)) for name in SCALARS if old.get(name) != new.get(name)}
    old_bands = [band_label(b) for b in old.get("seat_bands") or []]
    new_bands = [band_label(b) for b in new.get("seat_bands") or []]
    bands = {
        "added": [b for b in new_bands if b not in old_bands],
        "removed": [b for b in old_bands if b not in new_bands],
    }
    return {
        "lists": lists,
        "changed": changed,
        "seat_bands": bands,
        "empty": not changed
        and not bands["added"]
        and not bands["removed"]
        and not any(v["added"] or v["removed"] for v in lists.values()),
    }


def seat_bands_for(seats: list[int], edges=(100, 500, 2000)) -> list[dict]:
    """The standard seat bands (1–100, 101–500, 501–2000, 2001–) that hold at least one participant."""
    bounds, low = [], 1
    for edge in edges:
        bounds.append((low, edge))
        low = edge + 1
    bounds.append((low, None))
    return [
        {"min_seats": lo, "max_seats": hi}
        for lo, hi in bounds
        if any(s >= lo and (hi is None or s <= hi) for s in seats if s)
    ]
