"""Organising a contest: formula, entries, order, judges with recusal, likes, results, export, pages."""

from __future__ import annotations

from sqlalchemy import func, select

from app.events.contests.models import Contest, ContestResult, JoinPass
from tests.conftest import reload
from tests.factories import ApplicationFactory, ChallengeFactory, SolutionFactory, StartupFactory, UserFactory

from .factories import ContestEventFactory, add_round, make_contest, staff_of


def test_create_contest_with_formula(login, db):
    _c, organiser, _s = make_contest()
    event = ContestEventFactory(host=organiser.memberships[0].organization, host_org_id=organiser.memberships[0].org_id)
    client = login(organiser)
    bad = client.post(
        "/api/v1/contests",
        json={"event_id": event.id, "title": "本選", "weight_judges": 50, "weight_votes": 30, "weight_likes": 5},
    )
    assert bad.status_code == 422 and "weight_judges" in bad.json["error"]["fields"]
    before = db.session.scalar(select(func.count()).select_from(Contest))
    r = client.post(
        "/api/v1/contests",
        json={"event_id": event.id, "title": "本選", "weight_judges": 50, "weight_votes": 40, "weight_likes": 10},
    )
    assert r.status_code == 201 and r.json["formula"] == {"judges": 50, "votes": 40, "likes": 10}
    assert db.session.scalar(select(func.count()).select_from(Contest)) == before + 1
    page = client.get(f"/contests/{r.json['id']}")
    assert page.status_code == 200 and "40%" in page.text


def test_create_needs_a_contest_event_of_the_host(login, db):
    _c, organiser, _s = make_contest()
    other_event = ContestEventFactory()
    meetup = ContestEventFactory(
        host=organiser.memberships[0].organization, host_org_id=organiser.memberships[0].org_id, kind="meetup"
    )
    client = login(organiser)
    assert client.post("/api/v1/contests", json={"event_id": other_event.id, "title": "x"}).status_code == 403
    assert client.post("/api/v1/contests", json={"event_id": meetup.id, "title": "x"}).status_code == 422


def test_formula_frozen_once_voting_started(login, db):
    contest, organiser, _s = make_contest()
    add_round(contest)
    r = login(organiser).patch(f"/api/v1/contests/{contest.id}", json={"weight_judges": 50, "weight_votes": 45})
    assert r.status_code == 409 and reload(contest).weight_judges == 60


def test_import_shortlisted_applications_of_host_challenge(login, db):
    contest, organiser, _s = make_contest(entries=0)
    city = contest.event.host
    challenge = ChallengeFactory(owner=city, owner_org_id=city.id)
    short = [ApplicationFactory(challenge=challenge, challenge_id=challenge.id, status="shortlisted") for _ in range(2)]
    ApplicationFactory(challenge=challenge, challenge_id=challenge.id, status="under_review")
    foreign = ChallengeFactory()
    client = login(organiser)
    assert (
        client.post(f"/api/v1/contests/{contest.id}/entries/import", json={"challenge_id": foreign.id}).status_code
        == 422
    )
    r = client.post(f"/api/v1/contests/{contest.id}/entries/import", json={"challenge_id": challenge.id})
    assert r.status_code == 201 and sorted(e["application_id"] for e in r.json) == sorted(a.id for a in short)
    again = client.post(f"/api/v1/contests/{contest.id}/entries/import", json={"challenge_id": challenge.id})
    assert again.json == []  # no duplicates


def test_invite_entry_and_reorder(login, db):
    contest, organiser, _s = make_contest(entries=2)
    startup = StartupFactory()
    solution = SolutionFactory(organization=startup, org_id=startup.id)
    client = login(organiser)
    r = client.post(f"/api/v1/contests/{contest.id}/entries", json={"org_id": startup.id, "solution_id": solution.id})
    assert r.status_code == 201 and r.json["position"] == 2
    dup = client.post(f"/api/v1/contests/{contest.id}/entries", json={"org_id": startup.id})
    assert dup.status_code == 409
    ids = [e.id for e in reload(contest).entries]
    assert client.put(f"/api/v1/contests/{contest.id}/entries/order", json={"entry_ids": ids[:2]}).status_code == 422
    r = client.put(f"/api/v1/contests/{contest.id}/entries/order", json={"entry_ids": list(reversed(ids))})
    assert r.status_code == 200 and [e["id"] for e in r.json] == list(reversed(ids))


def test_pitch_timer(login, db):
    contest, organiser, _s = make_contest()
    client = login(organiser)
    r = client.post(f"/api/v1/contests/{contest.id}/pitch", json={"entry_id": contest.entries[1].id})
    assert r.status_code == 200 and r.json["started_at"] and r.json["seconds"] == 300
    state = client.get(f"/api/v1/contests/{contest.id}/state").json
    assert state["pitch"]["entry_id"] == contest.entries[1].id
    assert client.post(f"/api/v1/contests/{contest.id}/pitch", json={"entry_id": 999999}).status_code == 422


def test_judges_score_with_recusal(login, db):
    contest, organiser, _s = make_contest()
    judge, conflicted = UserFactory(), UserFactory()
    org = login(organiser)
    for j in (judge, conflicted):
        assert org.post(f"/api/v1/contests/{contest.id}/judges", json={"user_id": j.id}).status_code == 201
    entry = contest.entries[0]
    base = f"/api/v1/contests/{contest.id}/entries/{entry.id}"
    scores = {"understanding": 5, "feasibility": 5, "novelty": 5, "cost": 5, "continuity": 5}
    assert login(judge).put(base + "/score", json={"scores": {**scores, "cost": 9}}).status_code == 422
    assert login(judge).put(base + "/score", json={"scores": scores}).status_code == 200
    c = login(conflicted)
    assert c.post(base + "/declaration", json={"has_conflict": True}).status_code == 422  # a reason is needed
    assert c.post(base + "/declaration", json={"has_conflict": True, "reason": "出資先"}).status_code == 201
    assert c.put(base + "/score", json={"scores": {k: 1 for k in scores}}).status_code == 403
    other = f"/api/v1/contests/{contest.id}/entries/{contest.entries[1].id}/score"
    assert c.put(other, json={"scores": {k: 1 for k in scores}}).status_code == 200
    results = org.get(f"/api/v1/contests/{contest.id}/results").json
    top = results["results"][0]
    assert top["entry_id"] == entry.id and top["judge_score"] == 1.0 and top["judges"] == 1
    assert results["final"] is False


def test_likes_one_per_person(login, client, db):
    contest, _org, staff = make_contest()
    s = login(staff)
    url = f"/api/v1/contests/{contest.id}/entries/{contest.entries[0].id}/like"
    assert s.post(url).json == {"entry_id": contest.entries[0].id, "liked": True, "likes": 1}
    assert s.post(url).json["likes"] == 1
    client.post(f"/join/{contest.join_code}", data={"display_name": "ゲスト"})
    assert client.post(url).json["likes"] == 2
    assert login(UserFactory()).post(url).status_code == 403  # not attending
    assert s.delete(url).json["likes"] == 1


def test_finalize_ranks_by_published_formula_and_reveal(login, anon, db):
    contest, organiser, _staff = make_contest(entries=3)
    rnd = add_round(contest)
    voters = staff_of(contest, 3)
    e0, e1, e2 = contest.entries
    for v, entry in zip(voters, (e1, e1, e2)):
        assert (
            login(v)
            .post(
                f"/api/v1/contests/{contest.id}/rounds/{rnd.id}/ballots",
                json={"choices": [entry.id]},
                headers={"Idempotency-Key": "k"},
            )
            .status_code
            == 201
        )
    org = login(organiser)
    assert org.post(f"/api/v1/contests/{contest.id}/finalize").status_code == 409  # open round
    org.post(f"/api/v1/contests/{contest.id}/rounds/{rnd.id}/close")
    assert anon.get(f"/api/v1/contests/{contest.id}/results").status_code == 401
    assert org.post(f"/api/v1/contests/{contest.id}/finalize").status_code == 409  # no judges' score sheets
    r = org.post(f"/api/v1/contests/{contest.id}/finalize", json={"confirm_incomplete_scores": True})
    assert r.status_code == 200 and r.json["final"] is True
    ranking = [(x["entry_id"], x["rank"], round(x["total"], 4)) for x in r.json["results"]]
    assert ranking[0] == (e1.id, 1, round(35 * 2 / 3, 4)) and ranking[1][0] == e2.id
    assert db.session.scalar(select(func.count()).select_from(ContestResult)) == 3
    assert login(UserFactory()).get(f"/api/v1/contests/{contest.id}/results").status_code == 403
    assert org.post(f"/api/v1/contests/{contest.id}/reveal").status_code == 200
    public = anon.get(f"/api/v1/contests/{contest.id}/results")
    assert public.status_code == 200 and public.json["results"][0]["entry_id"] == e1.id
    assert "voter" not in str(public.json)
    assert anon.get(f"/contests/{contest.id}").status_code == 200
    assert (
        org.post(f"/api/v1/contests/{contest.id}/finalize", json={"confirm_incomplete_scores": True}).status_code == 409
    )  # already finalised


def test_export_named_or_anonymous(login, db):
    contest, organiser, staff = make_contest()
    rnd = add_round(contest)
    login(staff).post(
        f"/api/v1/contests/{contest.id}/rounds/{rnd.id}/ballots",
        json={"choices": [contest.entries[0].id]},
        headers={"Idempotency-Key": "k"},
    )
    org = login(organiser)
    anonymous = org.get(f"/contests/{contest.id}/export.csv")
    assert anonymous.status_code == 200 and staff.display_name not in anonymous.text
    assert "R-" in anonymous.text
    import csv
    import io

    rows = list(csv.reader(io.StringIO(anonymous.text.lstrip("\ufeff"))))
    assert rows[0] == ["round", "receipt", "choices", "choice_titles", "cast_at", "voter"]
    entry = contest.entries[0]
    assert rows[1][2] == str(entry.id) and rows[1][3] == entry.title  # the id and the title of the choice
    org.patch(f"/api/v1/contests/{contest.id}", json={"named_export": True})
    named = org.get(f"/contests/{contest.id}/export.csv")
    assert staff.display_name in named.text
    assert login(staff).get(f"/contests/{contest.id}/export.csv").status_code == 403


def test_state_never_shows_other_voters(login, db):
    contest, _org, staff = make_contest()
    rnd = add_round(contest)
    a, b = staff_of(contest, 2)
    login(a).post(
        f"/api/v1/contests/{contest.id}/rounds/{rnd.id}/ballots",
        json={"choices": [contest.entries[0].id]},
        headers={"Idempotency-Key": "k"},
    )
    state = login(b).get(f"/api/v1/contests/{contest.id}/state").json
    assert state["my_ballot"] is None and state["tally"]["total"] == 1
    assert a.display_name not in str(state) and "voter_key" not in str(state) and "receipt" not in str(state["tally"])


def test_pages_render(login, db):
    contest, organiser, staff = make_contest()
    add_round(contest)
    org = login(organiser)
    for path in ("", "/present", "/moderate", "/results", "/vote"):
        r = org.get(f"/contests/{contest.id}{path}")
        assert r.status_code == 200, path
        assert "<script>" not in r.text and 'style="' not in r.text
    qr = org.get(f"/contests/{contest.id}/join-qr.svg")
    assert qr.status_code == 200 and qr.mimetype == "image/svg+xml" and b"<svg" in qr.data
    assert login(staff).get(f"/contests/{contest.id}/vote").status_code == 200


def test_join_with_unknown_code_is_404(client, db):
    assert client.get("/join/NOPE1234").status_code == 404
    assert db.session.scalar(select(func.count()).select_from(JoinPass)) == 0


def test_private_event_contest_hidden(login, anon, db):
    contest, organiser, _s = make_contest()
    contest.event.visibility = "members"
    db.session.commit()
    assert anon.get(f"/api/v1/contests/{contest.id}").status_code == 404
    assert login(UserFactory()).get(f"/contests/{contest.id}").status_code == 404
    assert login(organiser).get(f"/contests/{contest.id}").status_code == 200
    listing = anon.get("/api/v1/contests").json
    assert contest.id not in [c["id"] for c in listing["items"]]
