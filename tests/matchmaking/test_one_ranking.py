"""One ranking: `flask matchmaking evaluate`, the API and the challenge page order a challenge's
solutions the same way (the score the evaluation reports is the page's score)."""

from __future__ import annotations

import re

from app.matchmaking import documents, evaluation, index
from tests.factories import SolutionFactory, StartupFactory
from tests.matchmaking.factories import build_index, market
from tests.matchmaking.test_ranking import FILLER_TOPICS


def _corpus():
    m = market()
    for topic in FILLER_TOPICS[:16]:  # enough documents for the match floor to apply
        startup = StartupFactory()
        SolutionFactory(
            organization=startup,
            org_id=startup.id,
            title=f"{topic}システム",
            summary=f"{topic}の業務を効率化し、窓口とも連携できます。",
            features=[],
            tags=[],
        )
    build_index()
    return m


def _page_order(html: str) -> list[int]:
    section = html[html.index('id="matches"') :]
    section = section[: section.index("</section>")]
    return [int(i) for i in dict.fromkeys(re.findall(r'<h4><a href="/solutions/(\d+)"', section))]


def test_evaluate_api_and_page_rank_alike(app, api, login):
    m = _corpus()
    challenge = m["challenge"]
    engine = index.engine()
    query = documents.challenge_document(challenge)
    result = evaluation.evaluate([query], [], {}, configs=("hybrid",), engine=engine)
    evaluated = [documents.split_id(i)[1] for i in result["per_query"]["hybrid"][query.id]["top"]]
    assert evaluated == [documents.split_id(i)[1] for i in evaluation.rank(engine, query, 10)]

    body = api(m["owner_member"]).get(f"/api/v1/challenges/{challenge.id}/matches").json
    from_api = [i["id"] for i in body["items"]]
    page = _page_order(login(m["owner_member"]).get(f"/challenges/{challenge.id}").get_data(as_text=True))

    assert len(evaluated) == 10 and len(from_api) >= 10 and len(page) == 10
    assert from_api[:10] == evaluated and page == evaluated
    # the corpus exercises the tiers: a match, the LGWAN violator right after it, weaker ones last
    tiers = [i["tier"] for i in body["items"]]
    assert tiers == sorted(tiers) and tiers[0] == 0 and 1 in tiers and tiers[-1] >= 2
    assert from_api[0] == m["good"].id and from_api[tiers.index(1)] == m["internet_only"].id


def _headings(html: str) -> list[str]:
    return re.findall(r'<h3 class="mm-tier mm-tier-(\w+)">', html)


def test_pages_show_the_tiers_with_plain_reasons(app, login):
    m = _corpus()
    html = login(m["owner_member"]).get(f"/challenges/{m['challenge'].id}").get_data(as_text=True)
    section = html[html.index('id="matches"') :]
    section = section[: section.index("</section>")]
    assert _headings(section) == ["match", "violation", "weaker"]
    match, violation, weaker = re.split(r'<h3 class="mm-tier', section)[1:]
    assert f'/solutions/{m["good"].id}"' in match and "適合候補" in match
    assert f'/solutions/{m["internet_only"].id}"' in violation and "必須条件を満たしていない適合候補" in violation
    assert "利用環境：求められている環境（LGWAN など）に対応していません" in violation
    assert "関連の弱い候補" in weaker and "ニーズそのものには応えていません" in weaker
    assert f'/solutions/{m["good"].id}"' not in weaker
    for raw in ("スコア", "語句の一致", "意味の類似度", "Score"):
        assert raw not in section
    assert "両方の文章に共通する語" in match


def test_startup_dashboard_previews_its_top_matches(app, login):
    m = _corpus()
    html = login(m["startup_member"]).get("/dashboard").get_data(as_text=True)
    assert f'href="/challenges/{m["challenge"].id}"' in html
    assert "mm-tier-match" in html and "/matchmaking/matches" in html
    page = login(m["startup_member"]).get("/matchmaking/matches").get_data(as_text=True)
    assert f'/challenges/{m["challenge"].id}"' in page and "mm-tier-" in page and "スコア" not in page
