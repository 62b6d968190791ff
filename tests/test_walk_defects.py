"""Smaller defects from the new user's walk (issue #13), one test each."""

from __future__ import annotations

from app.challenges.models import ChallengeCoOwner
from tests.events.factories import EventFactory
from tests.factories import ChallengeFactory, MunicipalityFactory, SolutionFactory


def test_calendar_and_csv_content_types_name_the_charset_once(client, db):
    event = EventFactory()
    r = client.get(f"/events/{event.id}/event.ics")
    assert r.headers["Content-Type"] == "text/calendar; charset=utf-8"
    assert client.get("/open-data/pilots.csv").headers["Content-Type"] == "text/csv; charset=utf-8"


def test_event_page_shows_public_once(client, db):
    event = EventFactory()
    html = client.get(f"/events/{event.id}", headers={"Accept-Language": "ja"}).get_data(as_text=True)
    head = html.split("<h1>")[0].rsplit('class="meta"', 1)[1]
    assert head.count("公開") == 1


def test_certification_badges_are_separated(client, db):
    solution = SolutionFactory(certifications=["LGWAN-ASP", "ISMS"])
    html = client.get(f"/solutions/{solution.id}").get_data(as_text=True)
    assert '<span class="tag">LGWAN-ASP</span> <span class="tag">ISMS</span>' in html
    html = client.get("/solutions").get_data(as_text=True)
    assert '<span class="tag">LGWAN-ASP</span> <span class="tag">ISMS</span>' in html


def test_challenge_list_names_every_city_of_a_joint_challenge(client, db):
    lead = MunicipalityFactory(name_ja="松本市", name_en="Matsumoto City, Nagano")
    partner = MunicipalityFactory(name_ja="塩尻市", name_en="Shiojiri City, Nagano")
    invited = MunicipalityFactory(name_ja="安曇野市", name_en="Azumino City, Nagano")
    challenge = ChallengeFactory(owner=lead, owner_org_id=lead.id)
    db.session.add_all(
        [
            ChallengeCoOwner(challenge_id=challenge.id, org_id=partner.id, status="accepted"),
            ChallengeCoOwner(challenge_id=challenge.id, org_id=invited.id, status="invited"),
        ]
    )
    db.session.commit()
    html = client.get("/challenges", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "Matsumoto City, Nagano, Shiojiri City, Nagano" in html
    assert "Azumino City" not in html


def test_external_judge_is_not_told_to_join_an_organisation(login, db):
    from tests.factories import CommitteeFactory, UserFactory, add_judge

    judge = UserFactory()
    challenge = ChallengeFactory()
    add_judge(CommitteeFactory(challenge=challenge, challenge_id=challenge.id), judge)
    db.session.commit()
    html = login(judge).get("/dashboard").get_data(as_text=True)
    assert "まだどの組織にも所属していません" not in html
    assert "組織に所属せずに参加しています（外部審査員など）" in html


def test_newcomer_is_told_how_to_join(login, db):
    from tests.factories import UserFactory

    html = login(UserFactory()).get("/dashboard").get_data(as_text=True)
    assert "まだどの組織にも所属していません" in html and "組織の管理者に招待リンクを依頼してください。" in html


def test_pilot_comparison_has_a_chart_of_the_change_per_town(client, db):
    from tests.pilots.factories import PilotFactory, add_kpi

    solution = SolutionFactory()
    for name, values in (("松本市", (30.0,)), ("塩尻市", (75.0,))):
        town = MunicipalityFactory(name_ja=name, name_en=None)
        pilot = PilotFactory(
            solution=solution,
            solution_id=solution.id,
            startup_id=solution.org_id,
            municipality=town,
            municipality_id=town.id,
        )
        add_kpi(pilot, values=values)  # baseline 60, lower is better
    db.session.commit()
    html = client.get(f"/pilots/compare?solution={solution.id}", headers={"Accept-Language": "ja"}).get_data(
        as_text=True
    )
    assert '<svg class="change-chart"' in html and 'role="img"' in html
    assert "松本市: +50.0%; 塩尻市: -25.0%" in html  # the text alternative lists every town
    assert '<text class="bar-value"' in html and ">-25.0%</text>" in html  # values written, not colour alone
