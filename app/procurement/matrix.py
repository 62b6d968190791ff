"""The consolidated requirements matrix: pure functions over participants' requirement sheets.

No database, no Flask: `consolidate(sheets)` takes plain `Sheet`s and returns a `Matrix` holding
the common minimum (environments acceptable to all, the highest security level, must-haves with
their counts, budgets) and the conflicts, each naming the participants involved.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

ENVIRONMENT_ORDER = ("lgwan", "internet", "onprem")
BUDGET_SPREAD_LIMIT = 3.0  # budget per seat: highest / lowest beyond this is a conflict


@dataclass(frozen=True)
class Sheet:
    org_id: int
    name: str
    environments: tuple[str, ...] = ()
    seats: int | None = None
    security_level: int | None = None
    budget_max_jpy: int | None = None
    must_have: tuple[str, ...] = ()
    nice_to_have: tuple[str, ...] = ()
    submitted: bool = True

    @property
    def budget_per_seat(self) -> float | None:
        if not self.submitted or not self.seats or self.budget_max_jpy is None:
            return None
        return self.budget_max_jpy / self.seats


@dataclass
class FeatureCount:
    feature: str
    count: int
    participants: list[str]


@dataclass
class EnvironmentGroup:
    environments: list[str]
    participants: list[str]


@dataclass
class Conflict:
    kind: str  # "environment" | "budget_spread" | "security_level"
    groups: list[dict] = field(default_factory=list)
    ratio: float | None = None


@dataclass
class Matrix:
    participants: list[dict]
    submitted_count: int
    missing: list[str]
    common_environments: list[str]
    environment_groups: list[EnvironmentGroup]
    security_level: int | None
    must_have: list[FeatureCount]
    nice_to_have: list[FeatureCount]
    seats_total: int
    budget_total_jpy: int
    lowest_budget_per_seat: float | None
    lowest_budget_per_seat_participant: str | None
    conflicts: list[Conflict]

    def to_dict(self) -> dict:
        return asdict(self)


def normalise_features(values) -> list[str]:
    """Trim, collapse whitespace and drop duplicates (case-insensitively), keeping the first spelling."""
    seen, result = set(), []
    for raw in values or ():
        text = " ".join(str(raw).split())
        key = text.casefold()
        if text and key not in seen:
            seen.add(key)
            result.append(text)
    return result


def common_environments(sheets) -> list[str]:
    submitted = [s for s in sheets if s.submitted]
    if not submitted:
        return []
    common = set(ENVIRONMENT_ORDER)
    for sheet in submitted:
        common &= set(sheet.environments)
    return [e for e in ENVIRONMENT_ORDER if e in common]


def environment_groups(sheets) -> list[EnvironmentGroup]:
    """Participants grouped by the exact set of environments they accept: single-environment groups
    first (largest first), then the flexible ones."""
    groups: dict[tuple[str, ...], list[str]] = {}
    for sheet in sheets:
        if sheet.submitted:
            key = tuple(e for e in ENVIRONMENT_ORDER if e in sheet.environments)
            groups.setdefault(key, []).append(sheet.name)
    ordered = sorted(
        groups.items(), key=lambda kv: (len(kv[0]) > 1, -len(kv[1]), [ENVIRONMENT_ORDER.index(e) for e in kv[0]])
    )
    return [EnvironmentGroup(list(envs), names) for envs, names in ordered]


def count_features(sheets, attribute: str) -> list[FeatureCount]:
    counts: dict[str, FeatureCount] = {}
    for sheet in sheets:
        if not sheet.submitted:
            continue
        for feature in normalise_features(getattr(sheet, attribute)):
            key = feature.casefold()
            entry = counts.setdefault(key, FeatureCount(feature, 0, []))
            entry.count += 1
            entry.participants.append(sheet.name)
    return sorted(counts.values(), key=lambda f: (-f.count, f.feature))


def _security_conflict(submitted) -> Conflict | None:
    levels: dict[int, list[str]] = {}
    for sheet in submitted:
        if sheet.security_level is not None:
            levels.setdefault(sheet.security_level, []).append(sheet.name)
    if len(levels) < 2:
        return None
    return Conflict(
        "security_level", [{"level": lvl, "participants": names} for lvl, names in sorted(levels.items(), reverse=True)]
    )


def _budget_conflict(submitted, limit: float) -> Conflict | None:
    per_seat = [(s.budget_per_seat, s.name) for s in submitted if s.budget_per_seat is not None]
    if len(per_seat) < 2:
        return None
    low, high = min(per_seat), max(per_seat)
    if low[0] <= 0:
        ratio = float("inf") if high[0] > 0 else 1.0
    else:
        ratio = high[0] / low[0]
    if ratio <= limit:
        return None
    return Conflict(
        "budget_spread",
        [{"participant": low[1], "budget_per_seat": low[0]}, {"participant": high[1], "budget_per_seat": high[0]}],
        ratio=None if ratio == float("inf") else round(ratio, 1),
    )


def consolidate(sheets, budget_spread_limit: float = BUDGET_SPREAD_LIMIT) -> Matrix:
    sheets = list(sheets)
    submitted = [s for s in sheets if s.submitted]
    common = common_environments(sheets)
    groups = environment_groups(sheets)
    conflicts: list[Conflict] = []
    if submitted and not common:
        conflicts.append(Conflict("environment", [asdict(g) for g in groups]))
    security = _security_conflict(submitted)
    if security:
        conflicts.append(security)
    budget = _budget_conflict(submitted, budget_spread_limit)
    if budget:
        conflicts.insert(1 if conflicts and conflicts[0].kind == "environment" else 0, budget)
    per_seat = [(s.budget_per_seat, s.name) for s in submitted if s.budget_per_seat is not None]
    lowest = min(per_seat) if per_seat else (None, None)
    levels = [s.security_level for s in submitted if s.security_level is not None]
    rows = [
        {
            "org_id": s.org_id,
            "name": s.name,
            "submitted": s.submitted,
            "environments": [e for e in ENVIRONMENT_ORDER if e in s.environments] if s.submitted else [],
            "seats": s.seats if s.submitted else None,
            "security_level": s.security_level if s.submitted else None,
            "budget_max_jpy": s.budget_max_jpy if s.submitted else None,
            "budget_per_seat": s.budget_per_seat,
            "must_have": normalise_features(s.must_have) if s.submitted else [],
            "nice_to_have": normalise_features(s.nice_to_have) if s.submitted else [],
        }
        for s in sheets
    ]
    return Matrix(
        participants=rows,
        submitted_count=len(submitted),
        missing=[s.name for s in sheets if not s.submitted],
        common_environments=common,
        environment_groups=groups,
        security_level=max(levels) if levels else None,
        must_have=count_features(sheets, "must_have"),
        nice_to_have=count_features(sheets, "nice_to_have"),
        seats_total=sum(s.seats or 0 for s in submitted),
        budget_total_jpy=sum(s.budget_max_jpy or 0 for s in submitted),
        lowest_budget_per_seat=lowest[0],
        lowest_budget_per_seat_participant=lowest[1],
        conflicts=conflicts,
    )
