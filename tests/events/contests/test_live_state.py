"""Screens at scale: one shared state per contest revision, `round` events that carry it, the tally
heartbeat, bounded ids, overload answered 503, and sockets that need no database to leave."""

from __future__ import annotations

import contextvars

import pytest
from sqlalchemy import event, update
from sqlalchemy.exc import TimeoutError as PoolTimeout

from app.accounts.models import User
from app.events.contests import broadcast, live_state
from app.extensions import db as _db
from app.extensions import socketio
from app.realtime import sweep_once
from tests.factories import UserFactory

from .factories import add_round, make_contest
from .test_sockets import NS, _no_worker, connect  # noqa: F401  (the fixture: an in-process manager)

HUGE = 2**40  # past the INTEGER ids (PostgreSQL refuses it in a query)


def _join(sio, contest_id):
    return sio.emit("join", {"contest_id": contest_id, "role": "viewer"}, namespace=NS, callback=True)


def test_many_joins_compute_the_shared_state_once(app, login, db):
    contest, _org, _staff = make_contest()
    add_round(contest, eligibility=["staff"])
    staff = [UserFactory() for _ in range(6)]
    before = live_state.computations
    answers = []
    for user in staff:
        sio = connect(app, login(user))
        answers.append(_join(sio, contest.id))
        sio.disconnect(namespace=NS)
    assert live_state.computations - before == 1
    assert all(a["ok"] and a["state"]["round"]["status"] == "open" for a in answers)
    # ...and each screen still got its own part
    assert all(a["state"]["my_ballot"] is None and a["state"]["eligible"] is False for a in answers)


def test_a_ballot_moves_the_revision_on(app, login, db):
    contest, _org, staff = make_contest()
    rnd = add_round(contest)
    client = login(staff)
    assert client.get(f"/api/v1/contests/{contest.id}/state").get_json()["tally"]["total"] == 0
    r = client.post(
        f"/api/v1/contests/{contest.id}/rounds/{rnd.id}/ballots",
        json={"choices": [contest.entries[0].id]},
        headers={"Idempotency-Key": "a1"},
    )
    assert r.status_code == 201
    state = client.get(f"/api/v1/contests/{contest.id}/state").get_json()
    assert state["tally"]["total"] == 1 and state["my_ballot"]["receipt"] == r.get_json()["receipt"]
    other = login(UserFactory()).get(f"/api/v1/contests/{contest.id}/state").get_json()
    assert other["tally"]["total"] == 1 and other["my_ballot"] is None


def test_a_like_moves_the_revision_on(app, login, db):
    contest, _org, staff = make_contest()
    add_round(contest)
    client = login(staff)
    entry = contest.entries[0].id
    assert client.get(f"/api/v1/contests/{contest.id}/state").get_json()["likes"] == {}
    assert client.post(f"/api/v1/contests/{contest.id}/entries/{entry}/like").status_code == 200
    assert client.get(f"/api/v1/contests/{contest.id}/state").get_json()["likes"] == {str(entry): 1}


def test_round_event_carries_the_shared_state(app, login, db):
    contest, organiser, staff = make_contest()
    rnd = add_round(contest, status="draft")
    viewer = connect(app, login(staff))
    assert _join(viewer, contest.id)["state"]["round"] is None
    viewer.get_received(NS)
    before = live_state.computations
    r = login(organiser).post(f"/api/v1/contests/{contest.id}/rounds/{rnd.id}/open", json={})
    assert r.status_code == 200
    rounds = [m["args"][0] for m in viewer.get_received(NS) if m["name"] == "round"]
    assert len(rounds) == 1
    shared = rounds[0]
    assert shared["round"]["id"] == rnd.id and shared["round"]["status"] == "open"
    assert [e["id"] for e in shared["entries"]] == [e.id for e in contest.entries]
    assert shared["tally"]["total"] == 0
    assert "my_ballot" not in shared and "liked" not in shared  # nobody's own part goes to everyone
    # the broadcast's computation is the one every later join reuses
    again = connect(app, login(UserFactory()))
    assert _join(again, contest.id)["state"]["round"]["status"] == "open"
    assert live_state.computations - before == 1
    viewer.disconnect(namespace=NS)
    again.disconnect(namespace=NS)


def test_state_tells_a_page_which_modes_the_voter_meets(app, login, db):
    contest, _org, staff = make_contest()
    add_round(contest, status="draft")
    state = login(staff).get(f"/api/v1/contests/{contest.id}/state").get_json()
    assert state["qualifies"] == ["staff"]


def test_heartbeat_resends_the_tally_to_this_processes_screens(app, login, db):
    contest, _org, staff = make_contest()
    rnd = add_round(contest)
    viewer = connect(app, login(staff))
    _join(viewer, contest.id)
    idle, _o, idle_staff = make_contest()
    idle_viewer = connect(app, login(idle_staff))
    _join(idle_viewer, idle.id)
    r = login(staff).post(
        f"/api/v1/contests/{contest.id}/rounds/{rnd.id}/ballots",
        json={"choices": [contest.entries[1].id]},
        headers={"Idempotency-Key": "h1"},
    )
    assert r.status_code == 201, r.get_json()
    viewer.get_received(NS)
    idle_viewer.get_received(NS)
    assert broadcast.heartbeat_once(app) == 2
    beats = [m["args"][0] for m in viewer.get_received(NS) if m["name"] == "tally"]
    assert len(beats) == 1 and beats[0]["heartbeat"] is True
    assert beats[0]["round_id"] == rnd.id and beats[0]["version"] == 1 and beats[0]["total"] == 1
    idle_beats = [m["args"][0] for m in idle_viewer.get_received(NS) if m["name"] == "tally"]
    assert idle_beats == [{"contest_id": idle.id, "round_id": None, "heartbeat": True}]
    viewer.disconnect(namespace=NS)
    idle_viewer.disconnect(namespace=NS)


@pytest.mark.parametrize("event_name", ["join", "vote", "state"])
def test_ids_past_64_bits_are_not_found(app, login, db, event_name):
    contest, _org, staff = make_contest()
    rnd = add_round(contest)
    sio = connect(app, login(staff))
    for body in (
        {"contest_id": HUGE, "round_id": rnd.id},
        {"contest_id": contest.id, "round_id": HUGE},
        {"contest_id": -1, "round_id": rnd.id},
    ):
        answer = sio.emit(event_name, {**body, "choices": [1], "idempotency_key": "k"}, namespace=NS, callback=True)
        if event_name != "vote" and body["contest_id"] == contest.id:
            assert answer.get("ok"), answer  # join/state read no round id
        else:
            assert answer["error"]["code"] == "not_found", answer
    sio.disconnect(namespace=NS)


def test_root_namespace_refuses_anonymous_clients(app, login, db):
    def root(client):  # each connection in its own context, as each request
        return contextvars.Context().run(
            socketio.test_client,
            app,
            namespace="/",
            flask_test_client=client,
            headers={"Origin": "http://127.0.0.1:5000"},
        )

    anonymous = root(app.test_client())
    assert not anonymous.is_connected("/")
    signed_in = root(login(UserFactory()))
    assert signed_in.is_connected("/")
    signed_in.disconnect(namespace="/")


def test_the_page_origin_is_allowed_and_others_are_not(app, login, db):
    _contest, _org, staff = make_contest()
    same = connect(app, login(staff), headers={"Origin": "http://localhost"})  # the test client's own host
    assert same.is_connected(NS)
    same.disconnect(namespace=NS)
    other = connect(app, login(staff), headers={"Origin": "http://localhost.evil.example"})
    assert not other.is_connected(NS)


def test_disconnect_needs_no_database(app, login, db):
    contest, _org, staff = make_contest()
    sio = connect(app, login(staff))
    _join(sio, contest.id)
    statements = []

    def count(*_args, **_kwargs):
        statements.append(1)

    event.listen(_db.engine, "before_cursor_execute", count)
    try:
        sio.disconnect(namespace=NS)
    finally:
        event.remove(_db.engine, "before_cursor_execute", count)
    assert statements == []


def test_sweep_drops_the_socket_of_a_user_disabled_elsewhere(app, login, db):
    """`flask users disable` in another process, with no Redis to tell this one: the sweep sees it."""
    contest, _org, staff = make_contest()
    sio = connect(app, login(staff))
    keep = connect(app, login(UserFactory()))
    _join(sio, contest.id)
    assert sweep_once(app) == 0
    with db.engine.begin() as conn:  # another process's write: nothing in this one is told
        conn.execute(update(User.__table__).where(User.__table__.c.id == staff.id).values(disabled=True))
    assert sweep_once(app) == 1
    assert not sio.is_connected(NS) and keep.is_connected(NS)
    keep.disconnect(namespace=NS)


def test_overload_is_503_with_retry_after(app, login, db, monkeypatch):
    contest, _org, staff = make_contest()
    add_round(contest)

    def no_connection(*_args, **_kwargs):
        raise PoolTimeout("QueuePool limit of size 5 overflow 10 reached")

    monkeypatch.setattr(live_state, "state", no_connection)
    client = login(staff)
    r = client.get(f"/api/v1/contests/{contest.id}/state")
    assert r.status_code == 503 and r.headers["Retry-After"] == "2"
    assert r.get_json()["error"]["code"] == "busy"
    sio = connect(app, client)
    answer = _join(sio, contest.id)
    assert answer["error"]["code"] == "busy" and answer["error"]["retry_after"] == 2
    sio.disconnect(namespace=NS)


def test_a_connect_with_no_database_connection_free_is_refused_as_busy(app, login, db, monkeypatch):
    """The page connects again after Retry-After (contest-common.js reads connect_error's data)."""
    from app.events.contests.sockets import ContestNamespace

    _contest, _org, staff = make_contest()

    def no_connection(*_args, **_kwargs):
        raise PoolTimeout("QueuePool limit of size 5 overflow 10 reached")

    monkeypatch.setattr(ContestNamespace, "_connect", no_connection)
    sent = []
    base = socketio.server.packet_class

    class Recorded(base):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            sent.append(self)

    monkeypatch.setattr(socketio.server, "packet_class", Recorded)
    sio = connect(app, login(staff))
    assert not sio.is_connected(NS)
    refusals = [p.data for p in sent if p.packet_type == 4 and p.namespace == NS]  # CONNECT_ERROR
    assert refusals and refusals[0]["data"]["code"] == "busy" and refusals[0]["data"]["retry_after"] == 2


def test_a_guest_joins_its_own_contest_on_the_lean_path(app, db, monkeypatch):
    """A phone with a join pass joins its contest without Flask's request context, and gets the
    same state as the full path: the round, its own ballot, that it may vote. Another contest
    (private) takes the full path and is refused; a revoked pass is refused."""
    from app.events.contests import sockets as contest_sockets
    from app.events.contests.models import JoinPass
    from app.events.models import Event

    contest, _org, _staff = make_contest()
    rnd = add_round(contest, eligibility=["join_code"])
    other, _o, _s = make_contest()
    db.session.get(Event, other.event_id).visibility = "members"
    db.session.commit()
    client = app.test_client()
    assert client.post(f"/join/{contest.join_code}", data={"display_name": "来場者"}).status_code == 302
    sio = connect(app, client)
    full_path = []
    monkeypatch.setattr(
        contest_sockets.ContestNamespace,
        "on_join",
        lambda self, data=None: full_path.append(data) or {"error": {"code": "not_found"}},
    )
    vote = {"contest_id": contest.id, "round_id": rnd.id, "choices": [contest.entries[0].id], "idempotency_key": "g1"}
    receipt = sio.emit("vote", vote, namespace=NS, callback=True)["receipt"]
    answer = _join(sio, contest.id)
    assert full_path == []  # the lean path answered
    assert answer["ok"] and answer["state"]["round"]["id"] == rnd.id
    assert answer["state"]["eligible"] is True and answer["state"]["qualifies"] == ["join_code"]
    assert answer["state"]["my_ballot"]["receipt"] == receipt
    sio.get_received(NS)
    broadcast.heartbeat_once(app)  # ...and it is in the contest's room
    assert [m["args"][0]["round_id"] for m in sio.get_received(NS) if m["name"] == "tally"] == [rnd.id]
    assert _join(sio, other.id)["error"]["code"] == "not_found" and len(full_path) == 1
    db.session.execute(JoinPass.__table__.delete())
    db.session.commit()
    monkeypatch.setattr(contest_sockets, "CACHE_SECONDS", 0.0)
    assert _join(sio, contest.id)["error"]["code"] == "not_found"
