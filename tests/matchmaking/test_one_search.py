"""One search: the site search box, the lists' keyword box and the API's q find the same
challenges and solutions; nonsense finds nothing and says so, with a hint."""

from __future__ import annotations

import re

import pytest

from tests.factories import ChallengeFactory, MunicipalityFactory, SolutionFactory, StartupFactory, member_of
from tests.matchmaking.factories import build_index


def _world():
    city = MunicipalityFactory()
    body = dict(background="", current_workflow="", desired_outcome="", kpis=[], tags=[])
    w = dict(
        city=city,
        # 「見守り」 only in the body (the list searched title, summary and tags only)
        watch=ChallengeFactory(
            owner=city,
            title="冬の一人暮らし高齢者",
            summary="異変に早く気づきたい。",
            **{**body, "desired_outcome": "センサーで見守りの空白をなくす。"},
        ),
        # a past challenge (the list showed open ones only, the site search every visible one)
        minutes=ChallengeFactory(
            owner=city,
            title="AI議事録作成ツールの共同調達",
            summary="会議録の作成を効率化したい。",
            status="closed",
            **body,
        ),
        deer=ChallengeFactory(
            owner=city,
            title="鹿と猪の捕獲データを集めたい",
            summary="罠の見回り記録を電子化する。",
            category="agriculture_wildlife",
            **body,
        ),
        members=ChallengeFactory(
            owner=city, title="見守り端末の配布 (会員限定)", summary="高齢者宅に配る。", visibility="members", **body
        ),
    )
    startup = StartupFactory()
    sol = dict(organization=startup, org_id=startup.id, features=[], tags=[])
    w.update(
        minutes_sol=SolutionFactory(title="議事録AI", summary="会議の音声から議事録を自動で作成します。", **sol),
        minutes_en=SolutionFactory(
            title="Meeting minutes assistant",
            summary="Drafts council meeting minutes from the recording.",
            language="en",
            **sol,
        ),
        trap_sol=SolutionFactory(title="鳥獣わなセンサー", summary="わなの作動を通知します。", **sol),
    )
    build_index()
    return w


def _ids(html: str, kind: str) -> set[int]:
    return {int(i) for i in re.findall(rf'<h3><a href="/{kind}s/(\d+)">', html)}


def _site(client, q) -> tuple[set[int], set[int], str]:
    html = client.get("/search", query_string={"q": q}).get_data(as_text=True)
    return _ids(html, "challenge"), _ids(html, "solution"), html


def _api(client, kind, q) -> set[int]:
    r = client.get(f"/api/v1/{kind}s", query_string={"q": q, "per_page": 100})
    assert r.status_code == 200, r.json
    return {i["id"] for i in r.json["items"]}


def _lists(client, kind, q) -> set[int]:
    html = client.get(f"/{kind}s", query_string={"q": q}).get_data(as_text=True)
    return {int(i) for i in re.findall(rf'<a href="/{kind}s/(\d+)">', html)}


@pytest.mark.parametrize("q", ["zzzxxyy", "存在しない言葉", "quantum blockchain"])
def test_nonsense_finds_nothing_anywhere_and_says_so(app, client, q):
    _world()
    challenges, solutions, html = _site(client, q)
    assert not challenges and not solutions
    assert "一致するものはありません" in html or "Nothing matched" in html
    assert "議事録 rather than" in html or "議事録作成ツール" in html  # the hint
    for kind in ("challenge", "solution"):
        assert _api(client, kind, q) == set() and _lists(client, kind, q) == set()


def test_known_answers_agree_across_site_search_lists_and_api(app, client, login):
    w = _world()
    member = login(member_of(MunicipalityFactory(), "member"))
    expected = {
        # query: (challenges for anonymous, challenges for a signed-in member, solutions)
        "議事録": ({w["minutes"].id}, {w["minutes"].id}, {w["minutes_sol"].id}),
        "見守り": ({w["watch"].id}, {w["watch"].id, w["members"].id}, set()),
        "minutes": (set(), set(), {w["minutes_en"].id}),
        "Meeting Minutes": (set(), set(), {w["minutes_en"].id}),
        "鳥獣": (set(), set(), {w["trap_sol"].id}),
    }
    for q, (anon, signed_in, sols) in expected.items():
        for who, viewer, want in (("anonymous", client, anon), ("member", member, signed_in)):
            site_c, site_s, _ = _site(viewer, q)
            assert site_c == want and site_s == sols, (q, who)
            assert _api(viewer, "challenge", q) == want, (q, who)
            assert _lists(viewer, "challenge", q) == want, (q, who)
            assert _api(viewer, "solution", q) == sols and _lists(viewer, "solution", q) == sols, (q, who)
    # 「議事録」 no longer brings the deer-trapping data, nor 「鳥獣」 anything unrelated
    assert w["deer"].id not in _site(client, "議事録")[0]


def test_site_search_orders_by_relevance_and_links_to_the_list(app, client):
    city = MunicipalityFactory()
    weak = ChallengeFactory(owner=city, title="庁舎の清掃委託", summary="窓口周辺も清掃する。", tags=[])
    strong = ChallengeFactory(
        owner=city, title="窓口の待ち時間 窓口の混雑", summary="窓口で待つ住民が多い。窓口を改善。"
    )
    build_index()
    html = client.get("/search?q=窓口").get_data(as_text=True)
    ids = [int(i) for i in re.findall(r'<h3><a href="/challenges/(\d+)">', html)]
    assert ids.index(strong.id) < ids.index(weak.id)
    assert 'href="/challenges?q=%E7%AA%93%E5%8F%A3"' in html
