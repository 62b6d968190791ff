"""Socket.IO /contests: authentication, origins, room policy, malformed events, votes, coalescing."""

from __future__ import annotations

import contextvars

import pytest
from sqlalchemy import func, select

from app.events.contests import broadcast
from app.events.contests.models import Ballot
from app.extensions import socketio
from tests.factories import UserFactory

from .factories import ContestEventFactory, add_round, make_contest

NS = "/contests"
ORIGIN = {"Origin": "http://127.0.0.1:5000"}


@pytest.fixture(autouse=True)
def _no_worker(app):
    """Flush by hand; and the Socket.IO test client needs an in-process manager instead of the
    Redis message queue (which the PostgreSQL + Redis run configures)."""
    import socketio as python_socketio

    app.config["CONTESTS_BROADCAST_WORKER"] = False
    # Dirty rounds left by an earlier test (ids restart on SQLite) must not leak into this one.
    broadcast._local_dirty.clear()
    broadcast._last_emitted.clear()
    broadcast._voters_pending.clear()
    broadcast._voters_sent_at.clear()
    server = socketio.server
    saved = server.manager
    if isinstance(saved, python_socketio.PubSubManager):
        manager = python_socketio.Manager()
        manager.set_server(server)
        manager.initialize()
        server.manager = manager
    yield
    server.manager = saved
    app.config.pop("CONTESTS_BROADCAST_WORKER", None)


class Fresh:
    """Each socket call runs in its own context, like each HTTP request in the tests (no shared `g`)."""

    def __init__(self, client):
        self._client = client

    def __getattr__(self, name):
        attr = getattr(self._client, name)
        if not callable(attr):
            return attr
        return lambda *a, **k: contextvars.Context().run(attr, *a, **k)


def connect(app, client=None, headers=ORIGIN):
    return Fresh(
        contextvars.Context().run(socketio.test_client, app, namespace=NS, flask_test_client=client, headers=headers)
    )


def test_unauthenticated_connect_refused(app):
    sio = connect(app, app.test_client())
    assert not sio.is_connected(NS)


def test_foreign_origin_refused(app, login, db):
    _contest, _org, staff = make_contest()
    sio = connect(app, login(staff), headers={"Origin": "https://evil.example"})
    assert not sio.is_connected(NS)
    ok = connect(app, login(staff))
    assert ok.is_connected(NS)
    ok.disconnect(namespace=NS)


def test_join_private_contest_of_another_org_refused(app, login, db):
    contest, _org, staff = make_contest()
    private_event = ContestEventFactory(visibility="members")
    other, _o, _s = make_contest()
    other.event_id = private_event.id
    db.session.commit()
    sio = connect(app, login(staff))
    answer = sio.emit("join", {"contest_id": other.id, "role": "viewer"}, namespace=NS, callback=True)
    assert answer["error"]["code"] == "not_found"
    answer = sio.emit("join", {"contest_id": contest.id, "role": "viewer"}, namespace=NS, callback=True)
    assert answer["ok"] is True and answer["state"]["contest"]["id"] == contest.id
    sio.disconnect(namespace=NS)


def test_moderator_room_needs_manage(app, login, db):
    contest, organiser, _staff = make_contest()
    outsider = UserFactory()
    sio = connect(app, login(outsider))
    answer = sio.emit("join", {"contest_id": contest.id, "role": "moderator"}, namespace=NS, callback=True)
    assert answer["error"]["code"] == "forbidden"
    mod = connect(app, login(organiser))
    assert mod.emit("join", {"contest_id": contest.id, "role": "moderator"}, namespace=NS, callback=True)["ok"]
    sio.disconnect(namespace=NS)
    mod.disconnect(namespace=NS)


@pytest.mark.parametrize(
    "payload", [None, "text", [1, 2], {"contest_id": "1"}, {"contest_id": True}, {"contest_id": 1, "role": "x" * 5000}]
)
def test_malformed_events_get_an_error_and_no_broadcast(app, login, db, payload):
    contest, _org, staff = make_contest()
    rnd = add_round(contest)
    watcher = connect(app, login(staff))
    watcher.emit("join", {"contest_id": contest.id}, namespace=NS, callback=True)
    watcher.get_received(NS)
    sio = connect(app, login(staff))
    for event in ("join", "vote", "state"):
        answer = sio.emit(event, payload, namespace=NS, callback=True)
        assert "error" in answer, (event, payload, answer)
    bad_vote = sio.emit(
        "vote",
        {"contest_id": contest.id, "round_id": rnd.id, "choices": "all", "idempotency_key": "k"},
        namespace=NS,
        callback=True,
    )
    assert bad_vote["error"]["code"] == "validation_error"
    assert broadcast.flush_once(app) == 0
    assert watcher.get_received(NS) == []
    assert db.session.scalar(select(func.count()).select_from(Ballot)) == 0


def test_vote_over_socket_uses_the_same_service(app, login, db):
    contest, _org, staff = make_contest()
    rnd = add_round(contest)
    sio = connect(app, login(staff))
    body = {"contest_id": contest.id, "round_id": rnd.id, "choices": [contest.entries[0].id], "idempotency_key": "s1"}
    first = sio.emit("vote", body, namespace=NS, callback=True)
    again = sio.emit("vote", body, namespace=NS, callback=True)
    assert first["ok"] and first["receipt"] == again["receipt"] and again["replayed"]
    changed = sio.emit("vote", {**body, "choices": [contest.entries[1].id]}, namespace=NS, callback=True)
    assert changed["error"]["code"] == "conflict"
    outsider = connect(app, login(UserFactory()))
    refused = outsider.emit("vote", {**body, "idempotency_key": "o"}, namespace=NS, callback=True)
    assert refused["error"]["code"] == "forbidden"
    assert db.session.scalar(select(func.count()).select_from(Ballot)) == 1


def test_tally_broadcasts_are_coalesced_with_a_version(app, login, api, db):
    contest, _org, _staff = make_contest()
    rnd = add_round(contest)
    viewer = connect(app, login(UserFactory()))
    assert viewer.emit("join", {"contest_id": contest.id}, namespace=NS, callback=True)["ok"]
    viewer.get_received(NS)
    broadcast.flush_once(app)
    from tests.factories import member_of

    for i in range(5):
        voter = member_of(contest.event.host, "member")
        r = api(voter).post(
            f"/api/v1/contests/{contest.id}/rounds/{rnd.id}/ballots",
            json={"choices": [contest.entries[i % 2].id]},
            headers={"Idempotency-Key": "k"},
        )
        assert r.status_code == 201
    assert [m for m in viewer.get_received(NS) if m["name"] == "tally"] == []  # never one per vote
    import time

    time.sleep(broadcast.INTERVAL + 0.05)
    assert broadcast.flush_once(app) == 1
    tallies = [m["args"][0] for m in viewer.get_received(NS) if m["name"] == "tally"]
    assert len(tallies) == 1 and tallies[0]["version"] == 5 and tallies[0]["total"] == 5
    time.sleep(broadcast.INTERVAL + 0.05)
    assert broadcast.flush_once(app) == 0  # nothing changed: nothing sent
    viewer.disconnect(namespace=NS)


def test_redis_down_ballots_still_accepted(app, login, db, monkeypatch):
    contest, _org, staff = make_contest()
    rnd = add_round(contest)

    class Down:
        def __getattr__(self, name):
            def fail(*a, **k):
                raise ConnectionError("redis down")

            return fail

    monkeypatch.setattr(broadcast, "_redis", lambda app: Down())
    monkeypatch.setattr(socketio, "emit", lambda *a, **k: (_ for _ in ()).throw(ConnectionError("mq down")))
    r = login(staff).post(
        f"/api/v1/contests/{contest.id}/rounds/{rnd.id}/ballots",
        json={"choices": [contest.entries[0].id]},
        headers={"Idempotency-Key": "k"},
    )
    assert r.status_code == 201
    assert broadcast.flush_once(app) == 0  # emit failed quietly; the round stays dirty
    state = login(staff).get(f"/api/v1/contests/{contest.id}/state").json
    assert state["tally"]["total"] == 1 and state["my_ballot"]["receipt"] == r.json["receipt"]


def test_guest_votes_over_socket_with_every_check(app, db, monkeypatch):
    """A guest socket (join pass, no login) takes the lean vote path; its checks still run on
    every event: the pass's contest, the pass row (re-read once the cache is stale), the round."""
    from app.events.contests import sockets as contest_sockets
    from app.events.contests.models import JoinPass

    contest, _org, _staff = make_contest()
    rnd = add_round(contest, eligibility=["join_code"])
    other, _o, _s = make_contest()
    other_round = add_round(other, eligibility=["join_code"])
    client = app.test_client()
    assert client.post(f"/join/{contest.join_code}", data={"display_name": "来場者"}).status_code == 302
    sio = connect(app, client)
    assert sio.is_connected(NS)
    assert contest_sockets._pure_guests  # no login credential: the lean path is taken
    body = {"contest_id": contest.id, "round_id": rnd.id, "choices": [contest.entries[0].id], "idempotency_key": "g1"}
    first = sio.emit("vote", body, namespace=NS, callback=True)
    again = sio.emit("vote", body, namespace=NS, callback=True)
    assert first["ok"] and again["replayed"] and again["receipt"] == first["receipt"]
    changed = sio.emit("vote", {**body, "choices": [contest.entries[1].id]}, namespace=NS, callback=True)
    assert changed["error"]["code"] == "conflict"
    assert sio.emit("vote", "not a dict", namespace=NS, callback=True)["error"]["code"] == "bad_request"
    foreign = sio.emit(
        "vote",
        {**body, "contest_id": other.id, "round_id": other_round.id, "idempotency_key": "g2"},
        namespace=NS,
        callback=True,
    )
    assert foreign["error"]["code"] == "not_found"  # the pass is for another contest
    mismatched = sio.emit(
        "vote", {**body, "round_id": other_round.id, "idempotency_key": "g3"}, namespace=NS, callback=True
    )
    assert mismatched["error"]["code"] == "not_found"  # the round belongs to another contest
    # The pass is revoked: once the cached check is stale, the next event is refused.
    db.session.execute(JoinPass.__table__.delete())
    db.session.commit()
    monkeypatch.setattr(contest_sockets, "CACHE_SECONDS", 0.0)
    refused = sio.emit("vote", {**body, "idempotency_key": "g4"}, namespace=NS, callback=True)
    assert refused["error"]["code"] == "unauthorized"
    assert db.session.scalar(select(func.count()).select_from(Ballot)) == 1


def test_phones_get_the_tally_paced_and_the_final_count_once_ballots_pause(app, login, db, monkeypatch):
    """Screens get every coalesced tally; a guest's phone (which shows only the count) gets one at
    most every VOTERS_INTERVAL while ballots keep coming, and the newest one on the first tick
    after the ballots pause."""
    import time

    monkeypatch.setattr(broadcast, "VOTERS_INTERVAL", 3.0)  # wide enough for a slow machine's ticks
    down = []
    real_emit = broadcast.emit
    monkeypatch.setattr(broadcast, "emit", lambda *a: False if down else real_emit(*a))
    contest, _org, _staff = make_contest()
    rnd = add_round(contest, eligibility=["join_code"])
    screen = connect(app, login(UserFactory()))
    assert screen.emit("join", {"contest_id": contest.id}, namespace=NS, callback=True)["ok"]
    guests = []
    for i in range(4):
        client = app.test_client()
        assert client.post(f"/join/{contest.join_code}", data={"display_name": f"来場者{i}"}).status_code == 302
        guests.append(client)
    phone = connect(app, guests[0])
    paced = {"contest_id": contest.id, "role": "viewer", "tally": "paced"}  # as contest-voter.js joins
    assert phone.emit("join", paced, namespace=NS, callback=True)["ok"]
    odd = phone.emit("join", {**paced, "tally": "fast"}, namespace=NS, callback=True)
    assert odd["error"]["code"] == "bad_request" and "tally" in odd["error"]["fields"]
    screen.get_received(NS), phone.get_received(NS)

    def vote(i):
        r = guests[i].post(
            f"/api/v1/contests/{contest.id}/rounds/{rnd.id}/ballots",
            json={"choices": [contest.entries[i % 2].id]},
            headers={"Idempotency-Key": f"k{i}"},
        )
        assert r.status_code == 201

    def totals(sio):
        return [m["args"][0]["total"] for m in sio.get_received(NS) if m["name"] == "tally"]

    def tick():
        time.sleep(broadcast.INTERVAL + 0.05)
        return broadcast.flush_once(app)

    vote(0)
    assert tick() == 1
    assert totals(screen) == [1] and totals(phone) == [1]  # the phones had none for a while: at once
    vote(1)
    assert tick() == 1
    assert totals(screen) == [2] and totals(phone) == []  # within VOTERS_INTERVAL: held back
    vote(2)
    assert tick() == 1
    assert totals(screen) == [3] and totals(phone) == []  # ballots keep coming: still held back
    assert tick() == 0  # the ballots paused: the phones get the newest count
    assert totals(screen) == [] and totals(phone) == [3]
    vote(3)
    assert tick() == 1
    assert totals(screen) == [4] and totals(phone) == []
    down.append(True)  # the message queue is down
    assert tick() == 0 and totals(phone) == []
    down.clear()
    assert tick() == 0 and totals(phone) == [4]  # a failed send is tried again, not lost
