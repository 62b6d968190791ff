"""出島 (Dejima): a not-selected proposal is passed on to matching open challenges, with consent."""

from sqlalchemy import func, select

from app.matchmaking.models import MatchInvitation, Referral
from app.notifications.models import Notification
from tests.factories import ApplicationFactory, ChallengeFactory, MunicipalityFactory, member_of
from tests.matchmaking.factories import build_index, market
from tests.matchmaking.test_ranking import FILLER_TOPICS


def _setup(status="not_selected"):
    m = market()
    other_city = MunicipalityFactory()
    target = ChallengeFactory(owner=other_city, owner_org_id=other_city.id, title="窓口の混雑を解消したい 番号発券")
    unrelated = ChallengeFactory(
        owner=other_city,
        owner_org_id=other_city.id,
        title="鳥獣被害を減らしたい",
        summary="イノシシによる農作物被害",
        background="",
        current_workflow="罠の見回り",
        desired_outcome="被害額を半減",
        tags=["鳥獣害"],
        kpis=[],
        category="agriculture",
    )
    application = ApplicationFactory(
        challenge=m["challenge"],
        challenge_id=m["challenge"].id,
        solution=m["good"],
        solution_id=m["good"].id,
        applicant=m["good_startup"],
        applicant_org_id=m["good_startup"].id,
        status=status,
    )
    build_index()
    return dict(
        m,
        other_city=other_city,
        target=target,
        unrelated=unrelated,
        application=application,
        target_owner=member_of(other_city, "member"),
        stranger=member_of(MunicipalityFactory(), "admin"),
    )


def test_full_pass_on_flow(app, api, db):
    w = _setup()
    r = api(w["owner_admin"]).post(f"/api/v1/applications/{w['application'].id}/referrals", json={"note": "ぜひ"})
    assert r.status_code == 201, r.json
    ref = r.json
    assert ref["status"] == "pending_consent"
    targets = [t["challenge_id"] for t in ref["targets"]]
    assert w["target"].id in targets and w["challenge"].id not in targets and w["unrelated"].id not in targets
    # The startup is asked first; the target owners see nothing yet.
    asked = db.session.scalars(
        select(Notification.user_id).where(Notification.kind == "matchmaking.referral_consent")
    ).all()
    assert set(asked) == {w["startup_admin"].id, w["startup_member"].id}
    owner = api(w["target_owner"])
    assert owner.get(f"/api/v1/referrals/{ref['id']}").status_code == 404
    assert owner.get(f"/api/v1/challenges/{w['target'].id}/referrals").json == []
    # A member may not answer for the startup; its admin consents.
    consent = f"/api/v1/referrals/{ref['id']}/consent"
    assert api(w["startup_member"]).post(consent, json={"accept": True}).status_code == 403
    assert api(w["stranger"]).post(consent, json={"accept": True}).status_code == 404
    r = api(w["startup_admin"]).post(consent, json={"accept": True})
    assert r.status_code == 200 and r.json["status"] == "consented"
    assert api(w["startup_admin"]).post(consent, json={"accept": False}).status_code == 409
    told = db.session.scalars(select(Notification.user_id).where(Notification.kind == "matchmaking.referred")).all()
    assert w["target_owner"].id in told
    # Now the target's owners see the proposal, read-only, and may invite the startup.
    listed = owner.get(f"/api/v1/challenges/{w['target'].id}/referrals")
    assert [x["id"] for x in listed.json] == [ref["id"]]
    assert listed.json[0]["proposal"]["proposal"] == w["application"].proposal
    assert owner.get(f"/api/v1/referrals/{ref['id']}").status_code == 200
    page = api(w["target_owner"]).get(f"/matchmaking/referrals/{ref['id']}")
    assert page.status_code == 200
    r = owner.post(f"/api/v1/referrals/{ref['id']}/invitations", json={"challenge_id": w["target"].id})
    assert r.status_code == 201 and r.json["referral_id"] == ref["id"]
    # Nobody else: strangers get 404 everywhere.
    stranger = api(w["stranger"])
    assert stranger.get(f"/api/v1/referrals/{ref['id']}").status_code == 404
    assert stranger.get(f"/matchmaking/referrals/{ref['id']}").status_code == 404
    assert api(w["outsider"]).get(f"/api/v1/referrals/{ref['id']}").status_code == 404


def test_suggested_targets_are_matches_only(app, api, db):
    w = _setup()
    city = w["other_city"]
    for topic in FILLER_TOPICS[:18]:  # a realistic population of open challenges
        ChallengeFactory(
            owner=city,
            owner_org_id=city.id,
            title=f"{topic}を効率化したい",
            summary=f"{topic}の負担が大きい。",
            background="",
            current_workflow="",
            desired_outcome="",
            kpis=[],
            tags=[],
            category="other",
        )
    weak = ChallengeFactory(
        owner=city,
        owner_org_id=city.id,
        title="図書館の蔵書管理を便利にしたい",
        summary="図書館の本を予約したい。",
        background="",
        current_workflow="",
        desired_outcome="",
        kpis=[],
        tags=[],
        category="education",
    )
    build_index()
    from app.matchmaking import services

    suggested = services.referral_candidates(w["application"], w["owner_admin"])
    assert [m["object_id"] for m in suggested] == [w["target"].id]
    everything = services.referral_candidates(w["application"], w["owner_admin"], k=50)
    assert all(m["is_match"] and not m["hard_violation"] for m in everything)
    r = api(w["owner_admin"]).post(f"/api/v1/applications/{w['application'].id}/referrals", json={})
    assert r.status_code == 201 and [t["challenge_id"] for t in r.json["targets"]] == [w["target"].id]
    # the library challenge is well above a typical one (the old "score >= 0.05" rule suggested it)
    from app.matchmaking import documents, index

    allowed = {
        documents.doc_id("challenge", i) for i in documents.visible_challenge_ids(w["owner_admin"], open_only=True)
    } - {documents.doc_id("challenge", w["challenge"].id)}
    hits = {
        h.id: h
        for h in index.engine().search(
            services.application_document(w["application"]), kinds=("challenge",), k=50, allowed_ids=allowed
        )
    }
    library = hits[documents.doc_id("challenge", weak.id)]
    assert 0.05 < library.score < index.engine().config.match_floor and not library.is_match


def test_declined_referral_stays_hidden(app, api):
    w = _setup()
    ref = api(w["owner_admin"]).post(f"/api/v1/applications/{w['application'].id}/referrals", json={}).json
    assert (
        api(w["startup_admin"]).post(f"/api/v1/referrals/{ref['id']}/consent", json={"accept": False}).json["status"]
        == "declined"
    )
    assert api(w["target_owner"]).get(f"/api/v1/referrals/{ref['id']}").status_code == 404
    assert api(w["target_owner"]).get(f"/api/v1/challenges/{w['target'].id}/referrals").json == []


def test_only_not_selected_and_only_owner_admins(app, api, db):
    w = _setup(status="under_review")
    url = f"/api/v1/applications/{w['application'].id}/referrals"
    assert api(w["owner_admin"]).post(url, json={}).status_code == 403
    w2 = _setup()
    url = f"/api/v1/applications/{w2['application'].id}/referrals"
    assert api(w2["owner_member"]).post(url, json={}).status_code == 403
    assert api(w2["stranger"]).post(url, json={}).status_code == 404
    assert db.session.scalar(select(func.count(Referral.id))) == 0


def test_bad_input_and_duplicates(app, api, db):
    w = _setup()
    client = api(w["owner_admin"])
    url = f"/api/v1/applications/{w['application'].id}/referrals"
    for body in (
        {"challenge_ids": []},
        {"challenge_ids": ["x"]},
        {"bogus": 1},
        {"challenge_ids": [w["challenge"].id]},
        {"challenge_ids": [999999]},
    ):
        r = client.post(url, json=body)
        assert r.status_code == 422, (body, r.json)
    assert db.session.scalar(select(func.count(Referral.id))) == 0
    assert db.session.scalar(select(func.count(Notification.id))) == 0
    assert client.post(url, json={"challenge_ids": [w["target"].id]}).status_code == 201
    assert client.post(url, json={}).status_code == 409
    assert db.session.scalar(select(func.count(Referral.id))) == 1
    assert db.session.scalar(select(func.count(MatchInvitation.id))) == 0


def test_consent_page_form(app, login, api):
    w = _setup()
    page = login(w["owner_admin"]).post(
        f"/matchmaking/applications/{w['application'].id}/referrals", data={"challenge_ids": str(w["target"].id)}
    )
    assert page.status_code == 302
    ref_id = int(page.headers["Location"].rstrip("/").split("/")[-1])
    html = login(w["startup_admin"]).get(f"/matchmaking/referrals/{ref_id}").get_data(as_text=True)
    assert "consent" in html
    r = login(w["startup_admin"]).post(f"/matchmaking/referrals/{ref_id}/consent", data={"accept": "1"})
    assert r.status_code == 302
    assert api(w["target_owner"]).get(f"/api/v1/referrals/{ref_id}").json["status"] == "consented"


def test_page_form_with_bad_input_flashes_and_changes_nothing(app, login, db):
    w = _setup()
    r = login(w["owner_admin"]).post(
        f"/matchmaking/applications/{w['application'].id}/referrals", data={"challenge_ids": str(w["challenge"].id)}
    )
    assert r.status_code == 302 and r.headers["Location"].endswith(f"/applications/{w['application'].id}#dejima")
    assert db.session.scalar(select(func.count(Referral.id))) == 0


def test_pass_on_suggests_only_other_municipalities_challenges(app, api, login):
    """The proposal's own city (and, on a joint challenge, every co-owner) is not "another
    municipality": its other open challenges are never suggested nor accepted as targets."""
    from tests.factories import CoOwnerFactory

    w = _setup()
    own_city, partner = w["city"], MunicipalityFactory()
    CoOwnerFactory(challenge=w["challenge"], organization=partner, org_id=partner.id, status="accepted")
    same_city = ChallengeFactory(
        owner=own_city, owner_org_id=own_city.id, title="窓口の混雑を解消したい 番号発券 (本庁舎)"
    )
    partners = ChallengeFactory(owner=partner, owner_org_id=partner.id, title="窓口の混雑を解消したい 番号発券 (支所)")
    # a challenge the partner only co-owns is the partner's too
    third = MunicipalityFactory()
    joint = ChallengeFactory(owner=third, owner_org_id=third.id, title="窓口の混雑を解消したい 番号発券 (広域)")
    CoOwnerFactory(challenge=joint, organization=partner, org_id=partner.id, status="accepted")
    build_index()
    from app.matchmaking import services

    suggested = [m["object_id"] for m in services.referral_candidates(w["application"], w["owner_admin"], k=50)]
    assert w["target"].id in suggested
    assert not {w["challenge"].id, same_city.id, partners.id, joint.id} & set(suggested)
    html = login(w["owner_admin"]).get(f"/applications/{w['application'].id}").get_data(as_text=True)
    assert w["target"].title in html and same_city.title not in html
    url = f"/api/v1/applications/{w['application'].id}/referrals"
    for own in (same_city, partners, joint):
        r = api(w["owner_admin"]).post(url, json={"challenge_ids": [own.id]})
        assert r.status_code == 422 and r.json["error"]["fields"]["challenge_ids"], r.json
    r = api(w["owner_admin"]).post(url, json={})
    assert r.status_code == 201 and w["target"].id in [t["challenge_id"] for t in r.json["targets"]]
    assert not {same_city.id, partners.id, joint.id} & {t["challenge_id"] for t in r.json["targets"]}
