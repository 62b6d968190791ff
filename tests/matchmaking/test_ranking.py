"""Ranking rules that follow from what a good match is: constraint tiers with a relevance
floor, and lexical evidence standardised against documents that could share terms."""

from __future__ import annotations

import numpy as np
import pytest

from app.matchmaking.engine import Document, EngineConfig, MatchingEngine
from app.matchmaking.engine import constraints as C
from app.matchmaking.engine.fusion import comparable

FILLER_TOPICS = [
    "図書館の蔵書管理",
    "学校給食の献立作成",
    "道路照明の保守点検",
    "公園の樹木管理",
    "水道メーターの検針",
    "議会の会議録作成",
    "税務の滞納整理",
    "選挙の投票所運営",
    "消防団の出動管理",
    "公民館の講座運営",
    "文化財の保存修復",
    "下水道の管路調査",
    "空き家の実態調査",
    "農地の台帳管理",
    "漁港の施設管理",
    "河川の草刈り委託",
    "庁舎の清掃委託",
    "職員研修の企画運営",
    "広報誌の編集印刷",
    "統計調査の集計",
    "墓地の区画管理",
    "斎場の予約管理",
    "動物愛護の譲渡会",
    "成人式の会場運営",
]


def doc(id, title, text, env=("lgwan", "internet"), price=1_000_000, lang="ja", kind="solution"):
    return Document(
        id=id,
        kind=kind,
        title=title,
        text=text,
        language=lang,
        environments=list(env),
        price_jpy_per_year=price,
        prefectures_served=["全国"],
    )


CHALLENGE = Document(
    id="c",
    kind="challenge",
    title="窓口の待ち時間が長い",
    text="市民課の窓口で番号札を配り、来庁者が長時間待っている。来庁予約と番号発券をオンライン化したい。",
    language="ja",
    environments=["lgwan"],
    budget_max_jpy=2_000_000,
    prefecture="長野県",
)


def corpus():
    good = doc("good", "来庁予約・番号発券サービス", "窓口の来庁予約と番号発券をオンライン化し、待ち時間を減らします。")
    cloud = doc(
        "cloud",
        "来庁予約と番号発券のクラウド窓口",
        "窓口の待ち時間を来庁予約と番号発券で解消します。",
        env=("internet",),
    )
    # unrelated products that satisfy every constraint and share one common word with the challenge
    fillers = [
        doc(f"f{i}", f"{topic}システム", f"{topic}の業務を効率化し、市民課とも連携できます。")
        for i, topic in enumerate(FILLER_TOPICS)
    ]
    return [good, cloud, *fillers]


def test_tier_and_floor_rules():
    assert [C.tier(h, 3.0, 2.0) for h in (False, True)] == [0, 1]  # matches: satisfier, violator
    assert [C.tier(h, 1.0, 2.0) for h in (False, True)] == [2, 3]  # non-matches come after
    assert [C.tier(h, -5.0, None) for h in (False, True)] == [0, 1]  # no floor: strict tiers
    # z-scores of n documents never exceed sqrt(n - 1): the floor needs a population
    assert C.effective_floor(2.0, 10) is None and C.effective_floor(2.0, 16) is None
    assert C.effective_floor(2.0, 17) == 2.0 and C.effective_floor(2.0, 10_000) == 2.0
    assert C.effective_floor(None, 10_000) is None and C.effective_floor(2.0, 0) is None


def test_match_threshold_caps_the_floor_in_small_indexes():
    assert C.match_threshold(2.0, 10_000) == 2.0 and C.match_threshold(2.0, 17) == 2.0
    assert C.match_threshold(2.0, 5) == 1.0 and C.match_threshold(2.0, 2) == 0.5
    assert C.match_threshold(2.0, 1) == float("inf") and C.match_threshold(2.0, 0) == float("inf")
    assert C.match_threshold(None, 100) is None
    assert C.is_match(2.0, 2.0) and not C.is_match(1.99, 2.0) and not C.is_match(5.0, float("inf"))
    assert C.is_match(0.1, None) and not C.is_match(0.0, None)


def test_is_match_marks_candidates_at_the_floor_whatever_the_constraints():
    eng = MatchingEngine(semantic=False)
    eng.build(corpus() + [CHALLENGE])
    matches = {m.id: m for m in eng.search(CHALLENGE, k=30)}
    assert matches["good"].is_match and matches["cloud"].is_match  # the violator is still a match
    fillers = [m for i, m in matches.items() if i.startswith("f")]
    assert fillers and not any(m.is_match for m in fillers)
    assert all(m.is_match == (m.score >= eng.config.match_floor) for m in matches.values())


def test_is_match_in_a_tiny_index():
    eng = MatchingEngine(semantic=False)
    good, *_ = corpus()
    unrelated = doc("u", "学校給食の献立作成システム", "学校給食の献立作成を効率化します。")
    eng.build([good, unrelated])
    matches = {m.id: m for m in eng.search(CHALLENGE, k=5)}
    assert matches["good"].is_match and ("u" not in matches or not matches["u"].is_match)
    eng = MatchingEngine(semantic=False)
    eng.build([good])
    assert [m.is_match for m in eng.search(CHALLENGE, k=5)] == [False]  # nothing to stand out from


def test_strong_fit_violator_ranks_above_unrelated_satisfiers():
    eng = MatchingEngine(semantic=False)
    eng.build(corpus() + [CHALLENGE])
    matches = eng.search(CHALLENGE, k=30)
    ids = [m.id for m in matches]
    assert ids[0] == "good" and ids[1] == "cloud"
    cloud = matches[1]
    assert cloud.hard_violation and cloud.fit["environment"] is False and cloud.score >= 2.0
    later_satisfiers = [m for m in matches[2:] if not m.hard_violation]
    assert later_satisfiers, "the fillers share a word, so they are candidates"
    # the rule: a violator only ever precedes satisfiers that are not matches (below the floor)
    for i, m in enumerate(matches):
        if m.hard_violation:
            assert all(s.score < eng.config.match_floor for s in matches[i + 1 :] if not s.hard_violation)


def test_without_floor_every_violator_ranks_last():
    eng = MatchingEngine(EngineConfig(match_floor=None), semantic=False)
    eng.build(corpus() + [CHALLENGE])
    flags = [m.hard_violation for m in eng.search(CHALLENGE, k=30)]
    assert flags[-1] is True and False not in flags[flags.index(True) :]


def test_comparable_population_falls_back_when_too_small():
    mask = np.array([True, True, True, True, False])
    same = np.array([True, False, True, False, True])
    assert comparable(mask, same, 2).tolist() == [True, False, True, False, False]
    assert comparable(mask, same, 3).tolist() == mask.tolist()


def test_english_lexical_evidence_is_standardised_against_english_documents():
    ja = [doc(f"j{i}", f"{topic}システム", f"{topic}の業務を効率化します。") for i, topic in enumerate(FILLER_TOPICS)]
    words = [
        "library lending",
        "school meals",
        "street lights",
        "park trees",
        "water meters",
        "council minutes",
        "tax arrears",
        "polling stations",
        "fire brigade",
        "community courses",
        "heritage repair",
    ]
    en = [
        doc(f"e{i}", f"{w.title()} Manager", f"Software for {w} in city offices.", lang="en")
        for i, w in enumerate(words)
    ]
    en.append(
        doc(
            "queue",
            "Virtual queue for city offices",
            "Citizens book a slot and skip the queue at the counter.",
            lang="en",
        )
    )
    eng = MatchingEngine(semantic=False)
    eng.build(ja + en)
    query = "long queue at the counter of our city office"
    matches = {m.id: m for m in eng.search(query, k=50)}
    # reference population: the 12 English documents (the Japanese ones cannot share terms)
    raw = np.array([matches[d.id].lexical_score if d.id in matches else 0.0 for d in en])
    ref = np.log1p(raw)
    expected = (np.log1p(matches["queue"].lexical_score) - ref.mean()) / ref.std()
    assert matches["queue"].fused_score == pytest.approx(expected, rel=1e-4)
    assert next(iter(matches)) == "queue"
