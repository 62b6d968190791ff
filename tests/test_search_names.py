"""The site search names each hit's organisation in the reader's language (「Matsumoto City, Nagano」 for an
English reader, 「長野県松本市」 for a Japanese one): challenges, solutions, pilots and practice notes."""

from __future__ import annotations

from tests.factories import ChallengeFactory, MunicipalityFactory, SolutionFactory, StartupFactory, member_of
from tests.matchmaking.factories import build_index
from tests.pilots.factories import PilotFactory


def test_search_hits_name_their_organisation_in_the_readers_language(login, api, db):
    city = MunicipalityFactory(name_ja="長野県松本市", name_en="Matsumoto City, Nagano")
    startup = StartupFactory(name_ja="株式会社ギジロクラボ", name_en="Gijiroku Lab Inc.")
    ChallengeFactory(owner=city, title="議事録作成の省力化", summary="議事録の作成に時間がかかる。")
    solution = SolutionFactory(
        organization=startup, org_id=startup.id, title="議事録AI", summary="議事録を自動で作る。"
    )
    PilotFactory(
        municipality=city,
        municipality_id=city.id,
        solution=solution,
        solution_id=solution.id,
        startup_id=startup.id,
        title="議事録AIの実証",
        objectives="議事録の作成時間を半減する。",
    )
    author = member_of(city, "member")
    assert (
        api(author)
        .post(
            "/api/v1/notes",
            json={
                "title": "議事録の実証メモ",
                "body": "議事録の辞書登録が効いた。",
                "visibility": "public",
                "org_id": city.id,
            },
        )
        .status_code
        == 201
    )
    build_index()
    english = (
        login(member_of(MunicipalityFactory(), "member", locale="en")).get("/search?q=議事録").get_data(as_text=True)
    )
    for title in ("議事録作成の省力化", "議事録AI", "議事録AIの実証", "議事録の実証メモ"):
        assert title in english, title
    assert "Matsumoto City, Nagano" in english and "Gijiroku Lab Inc." in english
    assert "長野県松本市" not in english and "株式会社ギジロクラボ" not in english
    japanese = login(member_of(MunicipalityFactory(), "member")).get("/search?q=議事録").get_data(as_text=True)
    assert "長野県松本市" in japanese and "株式会社ギジロクラボ" in japanese
