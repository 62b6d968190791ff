"""Offline evaluation: metrics checked by hand, and the directory runner end to end."""

from __future__ import annotations

import json
import math

import pytest

from app.matchmaking.evaluation import (
    aggregate,
    evaluate_dir,
    format_report,
    half_of,
    load_dir,
    ndcg_at,
    read_qrels,
    recall_at,
    reciprocal_rank,
)

GRADES = {"s1": 2, "s2": 1, "s3": 1}
RANKED = ["s2", "x", "s1", "y"]


def test_ndcg_by_hand():
    dcg = (2**1 - 1) / math.log2(2) + 0 + (2**2 - 1) / math.log2(4)  # 1 + 1.5
    idcg = 3 / math.log2(2) + 1 / math.log2(3) + 1 / math.log2(4)
    assert ndcg_at(RANKED, GRADES, 10) == pytest.approx(dcg / idcg)
    assert ndcg_at(RANKED, GRADES, 10) == pytest.approx(0.60519, abs=1e-5)
    assert ndcg_at(["s1", "s2", "s3"], GRADES) == pytest.approx(1.0)
    assert ndcg_at(["x"], GRADES) == 0.0
    assert ndcg_at(RANKED, {}) is None  # undefined without relevant documents
    assert ndcg_at(["x", "s1"], GRADES, k=1) == 0.0  # cut-off respected


def test_recall_and_mrr_by_hand():
    assert recall_at(RANKED, GRADES, 20) == pytest.approx(2 / 3)
    assert recall_at(RANKED, GRADES, 1) == pytest.approx(1 / 3)
    assert reciprocal_rank(RANKED, GRADES) == pytest.approx(1 / 3)  # first grade 2 at rank 3
    assert reciprocal_rank(["x"], GRADES) == 0.0
    assert reciprocal_rank(RANKED, {"s2": 1}) is None  # no grade-2 document: undefined


def test_aggregate_skips_undefined():
    agg = aggregate([{"ndcg@10": 1.0, "recall@20": None, "mrr": 0.5}, {"ndcg@10": 0.5, "recall@20": 1.0, "mrr": None}])
    assert agg["ndcg@10"] == 0.75 and agg["recall@20"] == 1.0 and agg["mrr"] == 0.5
    assert agg["recall@20_n"] == 1 and agg["queries"] == 2


def write_dir(path):
    challenges = [
        {
            "id": "c1",
            "title": "窓口の待ち時間が長い",
            "description": "市民課の窓口が混雑し、番号札で長時間待たされる。",
            "category": "counter_services",
            "tags": ["窓口"],
            "environments": ["lgwan"],
            "budget_max_jpy": 1_000_000,
            "prefecture": "長野県",
            "language": "ja",
        },
        {
            "id": "c2",
            "title": "Wild boar damage to farms",
            "description": "Boars destroy crops before harvest.",
            "category": "agriculture_wildlife",
            "tags": [],
            "environments": ["internet"],
            "budget_max_jpy": None,
            "prefecture": "長野県",
            "language": "en",
        },
    ]
    solutions = [
        {
            "id": "s1",
            "title": "窓口の番号発券と呼び出し",
            "description": "窓口の混雑を番号発券で解消します。",
            "category": "counter_services",
            "tags": ["窓口"],
            "environments": ["lgwan"],
            "price_jpy_per_year": 500_000,
            "prefectures_served": ["全国"],
            "language": "ja",
        },
        {
            "id": "s2",
            "title": "窓口の番号発券クラウド",
            "description": "窓口の混雑を番号発券で解消します。",
            "category": "counter_services",
            "tags": ["窓口"],
            "environments": ["internet"],
            "price_jpy_per_year": 500_000,
            "prefectures_served": ["全国"],
            "language": "ja",
        },
        {
            "id": "s3",
            "title": "Boar traps with alerts",
            "description": "Trap sensors notify farmers when a boar is caught.",
            "category": "agriculture_wildlife",
            "tags": ["boar"],
            "environments": ["internet"],
            "price_jpy_per_year": 300_000,
            "prefectures_served": ["長野県"],
            "language": "en",
        },
    ]
    path.mkdir(parents=True, exist_ok=True)
    (path / "challenges.jsonl").write_text(
        "\n".join(json.dumps(c, ensure_ascii=False) for c in challenges) + "\n", encoding="utf-8"
    )
    (path / "solutions.jsonl").write_text(
        "\n".join(json.dumps(s, ensure_ascii=False) for s in solutions) + "\n", encoding="utf-8"
    )
    (path / "qrels.tsv").write_text("c1\ts1\t2\nc1\ts2\t1\n\nc2\ts3\t2\n", encoding="utf-8")
    return path


def test_load_dir_and_qrels(tmp_path):
    d = write_dir(tmp_path / "set")
    challenges, solutions, qrels = load_dir(d)
    assert [c.kind for c in challenges] == ["challenge", "challenge"]
    assert solutions[0].text.startswith("窓口の混雑") and solutions[2].prefectures_served == ["長野県"]
    assert qrels == {"c1": {"s1": 2, "s2": 1}, "c2": {"s3": 2}}
    (tmp_path / "h.tsv").write_text("challenge_id\tsolution_id\tgrade\nc1\ts1\t2\n", encoding="utf-8")
    assert read_qrels(tmp_path / "h.tsv") == {"c1": {"s1": 2}}


def test_evaluate_dir_end_to_end(tmp_path):
    d = write_dir(tmp_path / "set")
    result = evaluate_dir(d, configs=("hybrid", "lexical"), semantic=False)
    lex = result["configs"]["lexical"]
    # c1: s1 (deployable) first, the cloud-only s2 after it -> perfect; c2: s3 found by its words
    assert lex["all"]["ndcg@10"] == pytest.approx(1.0)
    assert lex["all"]["mrr"] == pytest.approx(1.0) and lex["all"]["recall@20"] == pytest.approx(1.0)
    assert set(lex) >= {"all", "ja", "en"} and lex["en"]["queries"] == 1
    assert result["configs"]["hybrid"]["effective_mode"] == "lexical"  # semantic off -> fallback
    report = format_report(result)
    assert "nDCG@10" in report and "| hybrid | lexical |" in report and "lexical-only" in report
    assert result["per_query"]["lexical"]["c1"]["top"][:2] == ["s1", "s2"]
    # the two halves (c1 odd, c2 even) are reported as a check against fitting a few queries
    assert lex["odd"]["queries"] == 1 and lex["even"]["queries"] == 1
    assert "| nDCG@10 | odd half (n=1) |" in report and "| nDCG@10 | even half (n=1) |" in report


def test_halves_split_by_trailing_number():
    assert [half_of(i) for i in ("c001", "c002", "c17", "challenge-40", "7")] == ["odd", "even", "odd", "even", "odd"]
    assert half_of("abc") in ("odd", "even") and half_of("abc") == half_of("abc")  # CRC32: stable
