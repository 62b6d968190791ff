"""The "key terms" of a match and of a similar past challenge are whole words, never bigram fragments."""

from __future__ import annotations

import re

from tests.factories import ChallengeFactory, MunicipalityFactory, SolutionFactory, StartupFactory, member_of
from tests.matchmaking.factories import build_index

CHALLENGE = dict(
    title="様々な問い合わせに合わせて窓口をデジタル化したい",
    summary="様々な問題を抱える窓口で、住民からの問い合わせを電子化し、申請手続きを効率化したい。",
    background="紙の申請書を手で入力しており、職員の負担が大きい。",
    current_workflow="電話と窓口で問い合わせを受け、手作業で台帳に記録している。",
    desired_outcome="問い合わせ対応の時間を半減し、オンライン申請を増やしたい。",
    kpis=["問い合わせ対応時間 50%削減"],
    tags=["窓口", "DX", "チャットボット"],
)
SOLUTION = dict(
    title="問い合わせ対応チャットボットと申請のデジタル化",
    summary="様々な問い合わせにAIチャットボットが答え、申請書を電子化して業務を効率化します。",
    features=["FAQ自動応答", "オンライン申請", "台帳連携"],
    tags=["チャットボット", "DX"],
)

# Few words in common, many bigrams: 「な問」「合わ」「化し」 match across or inside words.
TERSE_CHALLENGE = dict(
    title="複雑な問い合わせに合わせた窓口の電子化",
    summary="複雑な問い合わせを電子化し、窓口の負担を減らしたい。業務のデジタル化。",
    background="",
    current_workflow="",
    desired_outcome="",
    kpis=[],
    tags=["窓口"],
)
TERSE_SOLUTION = dict(
    title="窓口の簡単な問題を組み合わせて効率化",
    summary="窓口で簡単な問題を組み合わせて効率化し、待ち時間を減らす。デジタライゼーションを進める。",
    features=[],
    tags=["窓口"],
)

# kanji/kana runs of exactly two characters that are not words of these texts
FRAGMENTS = {
    "な問",
    "合わ",
    "化し",
    "い合",
    "に合",
    "を電",
    "問い",
    "子化",
    "率化",
    "効率化し",
    "デジ",
    "ジタ",
    "合わせ",
    "減らし",
}  # the last two: verb stems (合わせる, 減らす), not key terms


def _assert_words(terms):
    assert terms, "some key terms are expected"
    for t in terms:
        assert t not in FRAGMENTS, terms  # e.g. before: ['窓口', '合わせ', '減らし', 'な問', '化し']
        assert not re.fullmatch(r"[\u3041-\u3096]+", t), terms  # no bare hiragana


def test_match_key_terms_are_whole_words(app, api):
    city = MunicipalityFactory()
    owner = member_of(city, "member")
    challenge = ChallengeFactory(owner=city, owner_org_id=city.id, **CHALLENGE)
    startup = StartupFactory()
    solution = SolutionFactory(organization=startup, org_id=startup.id, **SOLUTION)
    build_index()
    r = api(owner).get(f"/api/v1/challenges/{challenge.id}/matches")
    assert r.status_code == 200
    top = next(i for i in r.json["items"] if i["id"] == solution.id)
    _assert_words(top["matched_terms"])
    assert "問い合わせ" in top["matched_terms"]  # the word the matched bigrams belong to
    assert {"チャットボット", "DX"} & set(top["matched_terms"])
    # The same words from the startup's side.
    r = api(member_of(startup, "member")).get(f"/api/v1/solutions/{solution.id}/matches")
    top = next(i for i in r.json["items"] if i["id"] == challenge.id)
    _assert_words(top["matched_terms"])


def test_a_matched_bigram_shows_the_word_it_belongs_to(app, api):
    city = MunicipalityFactory()
    owner = member_of(city, "member")
    challenge = ChallengeFactory(owner=city, owner_org_id=city.id, **TERSE_CHALLENGE)
    startup = StartupFactory()
    solution = SolutionFactory(organization=startup, org_id=startup.id, **TERSE_SOLUTION)
    build_index()
    r = api(owner).get(f"/api/v1/challenges/{challenge.id}/matches")
    top = next(i for i in r.json["items"] if i["id"] == solution.id)
    _assert_words(top["matched_terms"])
    assert "窓口" in top["matched_terms"]
    # 「デジ」「ジタ」 match inside the solution's デジタライゼーション, a word the challenge does not use
    # (it says デジタル化): shared words only, so neither the fragment nor that word is shown
    assert not {"デジタライゼーション", "デジ", "ジタ", "デジタル"} & set(top["matched_terms"])


def test_shared_words_are_whole_and_keep_their_case(app, api):
    """「リアル」「タイム」 cut out of リアルタイム are shown as リアルタイム; LGWAN in capitals."""
    city = MunicipalityFactory()
    owner = member_of(city, "member")
    challenge = ChallengeFactory(
        owner=city,
        owner_org_id=city.id,
        title="窓口の呼び出し状況をリアルタイムに知らせたい",
        summary="LGWAN環境で使える仕組みが必要。",
        background="",
        current_workflow="",
        desired_outcome="",
        kpis=[],
        tags=[],
    )
    startup = StartupFactory()
    solution = SolutionFactory(
        organization=startup,
        org_id=startup.id,
        title="呼び出し状況のリアルタイム表示",
        summary="LGWAN-ASPで提供。スポットごとのタイムテーブルも表示。",
        features=[],
        tags=[],
    )
    build_index()
    r = api(owner).get(f"/api/v1/challenges/{challenge.id}/matches")
    terms = next(i for i in r.json["items"] if i["id"] == solution.id)["matched_terms"]
    assert "リアルタイム" in terms and "LGWAN" in terms, terms
    assert not {"リアル", "タイム", "lgwan", "タイムテーブル"} & set(terms), terms


def test_similar_past_challenge_tags_are_whole_words(app, client):
    city = MunicipalityFactory()
    base = ChallengeFactory(owner=city, owner_org_id=city.id, **TERSE_CHALLENGE)
    past = ChallengeFactory(
        owner=city,
        owner_org_id=city.id,
        status="closed",
        **{**TERSE_CHALLENGE, "title": TERSE_SOLUTION["title"], "summary": TERSE_SOLUTION["summary"]},
    )
    build_index()
    page = client.get(f"/challenges/{base.id}").get_data(as_text=True)
    assert f"/challenges/{past.id}" in page
    section = page[page.index(f"/challenges/{past.id}") :]
    section = section[: section.index("</li>")]
    tags = re.findall(r'<span class="tag[^"]*">([^<]*)</span>', section)
    _assert_words(tags)
    assert "窓口" in tags
