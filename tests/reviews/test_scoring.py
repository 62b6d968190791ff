from dataclasses import dataclass

from app.reviews.scoring import normalised, rank, summarise, validate_scores, weighted_score


@dataclass
class C:
    id: int
    key: str
    weight: int
    scale_min: int = 1
    scale_max: int = 5


RUBRIC = [C(1, "understanding", 30), C(2, "feasibility", 50), C(3, "novelty", 20)]


def test_weighted_score_uses_the_weights():
    assert weighted_score(RUBRIC, {"understanding": 5, "feasibility": 3, "novelty": 1}) == (150 + 150 + 20) / 100


def test_scores_outside_the_scale_missing_or_unknown_are_reported_per_criterion():
    errors = validate_scores(RUBRIC, {"understanding": 6, "feasibility": "4", "extra": 3})
    assert set(errors) == {"understanding", "feasibility", "novelty", "extra"}
    assert validate_scores(RUBRIC, {"understanding": 1, "feasibility": 5, "novelty": 3}) == {}


def test_ranking_by_mean_with_spread_and_shared_ranks():
    results = rank([summarise(10, [4.0, 2.0]), summarise(11, [3.0, 3.0]), summarise(12, [4.5]), summarise(13, [])])
    assert [(r.candidate_id, r.rank) for r in results] == [(12, 1), (10, 2), (11, 2), (13, None)]
    first_tie = results[1]
    assert first_tie.spread == 2.0 and first_tie.stdev == 1.0 and results[2].spread == 0.0


def test_normalised_maps_the_scale_to_unit_interval():
    assert normalised(RUBRIC, 1.0) == 0.0 and normalised(RUBRIC, 5.0) == 1.0
