"""The consolidated requirements matrix (pure): intersection, conflicts, seat totals, budgets."""

import pytest

from app.procurement.matrix import Sheet, common_environments, consolidate, normalise_features


def sheet(name, envs=("lgwan",), seats=100, level=2, budget=1_000_000, must=(), nice=(), org_id=None, submitted=True):
    return Sheet(
        org_id=org_id or hash(name) % 1000,
        name=name,
        environments=tuple(envs),
        seats=seats,
        security_level=level,
        budget_max_jpy=budget,
        must_have=tuple(must),
        nice_to_have=tuple(nice),
        submitted=submitted,
    )


def test_common_environments_is_the_intersection():
    sheets = [
        sheet("A市", ("lgwan", "internet")),
        sheet("B町", ("internet", "lgwan", "onprem")),
        sheet("C村", ("lgwan",)),
    ]
    assert common_environments(sheets) == ["lgwan"]
    m = consolidate(sheets)
    assert m.common_environments == ["lgwan"]
    assert not [c for c in m.conflicts if c.kind == "environment"]


def test_empty_intersection_is_a_conflict_naming_the_groups():
    m = consolidate([sheet("A市", ("lgwan",)), sheet("B町", ("lgwan",)), sheet("C村", ("internet",))])
    assert m.common_environments == []
    env = [c for c in m.conflicts if c.kind == "environment"]
    assert len(env) == 1
    groups = env[0].groups
    assert groups[0] == {"environments": ["lgwan"], "participants": ["A市", "B町"]}
    assert groups[1] == {"environments": ["internet"], "participants": ["C村"]}


def test_unsubmitted_sheets_do_not_narrow_the_intersection_and_are_listed_missing():
    m = consolidate([sheet("A市", ("lgwan", "internet")), sheet("B町", (), submitted=False)])
    assert m.common_environments == ["lgwan", "internet"]
    assert m.missing == ["B町"]
    assert m.submitted_count == 1
    assert m.seats_total == 100


def test_no_sheets_means_no_conflicts():
    m = consolidate([])
    assert m.common_environments == [] and m.conflicts == [] and m.security_level is None
    assert m.seats_total == 0 and m.budget_total_jpy == 0 and m.lowest_budget_per_seat is None


def test_highest_security_level_and_its_conflict():
    m = consolidate([sheet("A市", level=3), sheet("B町", level=2), sheet("C村", level=2)])
    assert m.security_level == 3
    sec = [c for c in m.conflicts if c.kind == "security_level"][0]
    assert sec.groups == [{"level": 3, "participants": ["A市"]}, {"level": 2, "participants": ["B町", "C村"]}]


def test_same_security_level_no_conflict():
    m = consolidate([sheet("A市", level=2), sheet("B町", level=2)])
    assert m.security_level == 2
    assert m.conflicts == []


def test_seat_totals_and_budgets():
    m = consolidate(
        [
            sheet("A市", seats=300, budget=3_000_000),
            sheet("B町", seats=50, budget=400_000),
            sheet("C村", seats=20, budget=300_000),
        ]
    )
    assert m.seats_total == 370
    assert m.budget_total_jpy == 3_700_000
    assert m.lowest_budget_per_seat == 8_000
    assert m.lowest_budget_per_seat_participant == "B町"
    rows = {r["name"]: r for r in m.participants}
    assert rows["C村"]["budget_per_seat"] == 15_000


def test_budget_spread_beyond_three_times_is_a_conflict():
    m = consolidate([sheet("A市", seats=100, budget=500_000), sheet("B町", seats=10, budget=200_000)])
    spread = [c for c in m.conflicts if c.kind == "budget_spread"][0]
    assert spread.ratio == 4.0
    assert [g["participant"] for g in spread.groups] == ["A市", "B町"]


def test_budget_spread_of_exactly_three_is_fine():
    m = consolidate([sheet("A市", seats=100, budget=500_000), sheet("B町", seats=10, budget=150_000)])
    assert not [c for c in m.conflicts if c.kind == "budget_spread"]


def test_zero_budget_against_a_positive_one_is_a_conflict():
    m = consolidate([sheet("A市", budget=0), sheet("B町", budget=100_000)])
    spread = [c for c in m.conflicts if c.kind == "budget_spread"][0]
    assert spread.ratio is None


def test_must_haves_union_with_counts_sorted():
    m = consolidate(
        [
            sheet("A市", must=["話者識別", "要約"]),
            sheet("B町", must=["話者識別 ", "辞書"]),
            sheet("C村", must=["話者識別"], nice=["要約"]),
        ]
    )
    assert [(f.feature, f.count) for f in m.must_have] == [("話者識別", 3), ("要約", 1), ("辞書", 1)]
    assert m.must_have[0].participants == ["A市", "B町", "C村"]
    assert [(f.feature, f.count) for f in m.nice_to_have] == [("要約", 1)]


def test_feature_normalisation_dedupes_case_and_whitespace():
    assert normalise_features([" Word  export", "word export", "", "OCR"]) == ["Word export", "OCR"]


def test_conflicts_are_ordered_environment_budget_security():
    m = consolidate(
        [
            sheet("A市", ("lgwan",), seats=10, budget=1_000_000, level=3),
            sheet("B町", ("internet",), seats=100, budget=100_000, level=1),
        ]
    )
    assert [c.kind for c in m.conflicts] == ["environment", "budget_spread", "security_level"]


def test_to_dict_is_json_ready():
    import json

    m = consolidate([sheet("A市"), sheet("B町", ("internet",))])
    data = json.loads(json.dumps(m.to_dict()))
    assert data["conflicts"][0]["kind"] == "environment"


@pytest.mark.parametrize("envs", [("lgwan",), ("internet",), ("onprem",), ("lgwan", "internet", "onprem")])
def test_single_participant_keeps_its_environments(envs):
    assert consolidate([sheet("A市", envs)]).common_environments == list(envs)
