"""Matches for a challenge (owners) and for a solution (its startup), with reasons; invitations."""

from sqlalchemy import func, select

from app.matchmaking.models import MatchInvitation
from app.notifications.models import Notification
from tests.factories import CoOwnerFactory, MunicipalityFactory, member_of
from tests.matchmaking.factories import build_index, market, open_challenge, past_deadline


def test_owner_sees_ranked_solutions_with_reasons(app, api):
    m = market()
    build_index()
    r = api(m["owner_member"]).get(f"/api/v1/challenges/{m['challenge'].id}/matches")
    assert r.status_code == 200, r.json
    body = r.json
    assert body["mode"] == "lexical"
    ids = [i["id"] for i in body["items"]]
    assert ids[0] == m["good"].id
    assert m["draft"].id not in ids  # drafts are never matched
    top = body["items"][0]
    assert top["matched_terms"] and top["passage"]
    assert top["fit"] == {"environment": True, "budget": True, "region": True, "category": True}
    assert top["hard_violation"] is False and top["tier"] == 0 and top["group"] == "match"
    # plain reasons only: raw scores are diagnostics for platform admins; no model, no meaning sentence
    assert not {"score", "lexical_score", "semantic_score", "fused_score"} & set(top) and top["meaning"] is None
    from tests.factories import UserFactory

    as_admin = api(UserFactory(is_platform_admin=True)).get(f"/api/v1/challenges/{m['challenge'].id}/matches").json
    assert as_admin["items"][0]["semantic_score"] is None and "score" in as_admin["items"][0]
    assert top["url"] == f"/solutions/{m['good'].id}"
    # The internet-only solution violates the LGWAN requirement: marked and ranked after satisfiers.
    violator = next(i for i in body["items"] if i["id"] == m["internet_only"].id)
    assert violator["hard_violation"] is True and violator["fit"]["environment"] is False
    assert violator["failed_requirements"] == ["environment"] and violator["tier"] in (1, 3)
    satisfiers = [i["rank"] for i in body["items"] if not i["hard_violation"]]
    assert all(violator["rank"] > r for r in satisfiers)


def test_co_owner_sees_matches_others_do_not(app, api, client):
    m = market()
    co = MunicipalityFactory()
    CoOwnerFactory(challenge=m["challenge"], organization=co, org_id=co.id)
    build_index()
    url = f"/api/v1/challenges/{m['challenge'].id}/matches"
    assert api(member_of(co, "member")).get(url).status_code == 200
    assert api(m["startup_admin"]).get(url).status_code == 403
    assert client.get(url).status_code == 401
    assert api(m["owner_admin"]).get("/api/v1/challenges/999999/matches").status_code == 404


def test_solution_matches_list_open_challenges_only(app, api):
    m = market()
    city = m["city"]
    closed = open_challenge(city, status="closed", title="窓口の待ち時間 (終了)")
    late = past_deadline(city, title="窓口の待ち時間 (締切済み)")
    draft = open_challenge(city, status="draft", published_at=None, title="窓口の待ち時間 (下書き)")
    build_index()
    r = api(m["startup_member"]).get(f"/api/v1/solutions/{m['good'].id}/matches")
    assert r.status_code == 200
    ids = [i["id"] for i in r.json["items"]]
    assert m["challenge"].id in ids
    assert not {closed.id, late.id, draft.id} & set(ids)
    assert api(m["outsider"]).get(f"/api/v1/solutions/{m['good'].id}/matches").status_code == 403


def test_invite_a_matched_startup(app, api, db):
    m = market()
    build_index()
    client = api(m["owner_admin"])
    url = f"/api/v1/challenges/{m['challenge'].id}/invitations"
    r = client.post(url, json={"solution_id": m["good"].id})
    assert r.status_code == 201, r.json
    assert r.json["org_id"] == m["good_startup"].id
    notes = db.session.scalars(select(Notification).where(Notification.kind == "matchmaking.invited")).all()
    assert {n.user_id for n in notes} == {m["startup_admin"].id, m["startup_member"].id}
    assert notes[0].link == f"/challenges/{m['challenge'].id}"
    # No duplicates.
    again = client.post(url, json={"solution_id": m["good"].id})
    assert again.status_code == 409
    assert db.session.scalar(select(func.count(MatchInvitation.id))) == 1


def test_invite_bad_input_changes_nothing(app, api, db):
    m = market()
    client = api(m["owner_admin"])
    url = f"/api/v1/challenges/{m['challenge'].id}/invitations"
    for body in (
        {},
        {"solution_id": "x"},
        {"solution_id": m["good"].id, "extra": 1},
        {"solution_id": m["draft"].id},
        {"solution_id": 999999},
    ):
        r = client.post(url, json=body)
        assert r.status_code == 422, (body, r.json)
        assert r.json["error"]["fields"]
    assert db.session.scalar(select(func.count(MatchInvitation.id))) == 0
    assert db.session.scalar(select(func.count(Notification.id))) == 0
    assert api(m["startup_admin"]).post(url, json={"solution_id": m["good"].id}).status_code == 403


def test_challenge_page_sections(app, login):
    m = market()
    build_index()
    from app.web.registry import sections_for

    with app.test_request_context():
        owner = dict(sections_for("challenge", m["challenge"], m["owner_member"]))
        startup = dict(sections_for("challenge", m["challenge"], m["startup_admin"]))
    assert "matchmaking/_challenge_matches.html" in owner
    assert owner["matchmaking/_challenge_matches.html"]["matches"][0]["object_id"] == m["good"].id
    assert "matchmaking/_challenge_matches.html" not in startup
    # The solution page shows its startup the open challenges that fit.
    with app.test_request_context():
        sol = dict(sections_for("solution", m["good"], m["startup_member"]))
        other = dict(sections_for("solution", m["good"], m["outsider"]))
    assert sol["matchmaking/_solution_matches.html"]["matches"][0]["object_id"] == m["challenge"].id
    assert "matchmaking/_solution_matches.html" not in other


def test_startup_matches_page_and_invite_form(app, login):
    m = market()
    build_index()
    page = login(m["startup_member"]).get("/matchmaking/matches")
    assert page.status_code == 200
    assert m["challenge"].title in page.get_data(as_text=True)
    r = login(m["owner_admin"]).post(
        f"/matchmaking/challenges/{m['challenge'].id}/invitations", data={"solution_id": str(m["good"].id)}
    )
    assert r.status_code == 302
    r = login(m["owner_admin"]).post(
        f"/matchmaking/challenges/{m['challenge'].id}/invitations", data={"solution_id": str(m["good"].id)}
    )
    assert r.status_code == 302  # duplicate: flashed, not a 500


def test_section_templates_render_in_japanese_and_english(app, api):
    """Each registered section renders with its context (as the challenge/solution pages include them)."""
    from flask import render_template_string
    from flask_babel import refresh
    from flask_login import login_user

    from tests.factories import ApplicationFactory

    m = market()
    application = ApplicationFactory(
        challenge=m["challenge"],
        challenge_id=m["challenge"].id,
        solution=m["good"],
        solution_id=m["good"].id,
        applicant=m["good_startup"],
        applicant_org_id=m["good_startup"].id,
        status="not_selected",
    )
    build_index()
    page = "{% for template, ctx in sections_for(page, obj) %}{% include template %}{% endfor %}"
    for lang, word in (("ja", "マッチするソリューション"), ("en", "Matching solutions")):
        m["owner_admin"].locale = lang
        with app.test_request_context():
            login_user(m["owner_admin"])
            refresh()
            html = render_template_string(page, page="challenge", obj=m["challenge"])
            assert m["good"].title in html and word in html
            html_app = render_template_string(page, page="application", obj=application)
            assert "challenge_ids" in html_app or "出島" in html_app or "Dejima" in html_app
        with app.test_request_context():
            login_user(m["startup_member"])
            refresh()
            html = render_template_string(page, page="solution", obj=m["good"])
            assert m["challenge"].title in html
