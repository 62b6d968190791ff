"""Live contests against real servers (gunicorn + gevent, the deploy config), driven the way the
pages drive them: phones join through /join/<code> and vote over their socket; the organiser
signs in through the login form and closes the round from the moderator page's API call."""

from __future__ import annotations

import asyncio
import time
from concurrent.futures import ThreadPoolExecutor

from sqlalchemy import func, select

from app.events.contests.models import Ballot
from tests.conftest import PASSWORD

from .factories import add_round, make_contest
from .live_clients import Phone, join_page, login_session, moderator_post, redis_server, serve

STORM = 300


async def _until(predicate, timeout: float) -> float:
    """Seconds until predicate() held; raises if it did not within `timeout`."""
    start = time.monotonic()
    while not predicate():
        if time.monotonic() - start > timeout:
            raise AssertionError("timed out")
        await asyncio.sleep(0.05)
    return time.monotonic() - start


def _join_all(ports, code, n):
    with ThreadPoolExecutor(16) as pool:
        return list(pool.map(lambda i: join_page(ports[i % len(ports)], code, f"来場者{i}"), range(n)))


def _vote(phone, rnd, entries, i):
    return phone.call(
        "vote",
        {
            "contest_id": phone.contest_id,
            "round_id": rnd.id,
            "choices": [entries[i % len(entries)]],
            "idempotency_key": f"k{i}",
        },
    )


def test_connect_storm_of_phones_joining_through_the_pages(app, db, database_url):
    """A few hundred phones join at once, then vote: no errors, one ballot each, and every phone
    ends with the same final tally as the database."""
    contest, _organiser, _staff = make_contest(entries=3)
    rnd = add_round(contest, eligibility=["join_code"], allow_change=False)
    entries = [e.id for e in contest.entries]
    with serve(database_url) as ports:
        sessions = _join_all(ports, contest.join_code, STORM)
        phones = [Phone(ports[0], s.cookies.get_dict(), contest.id) for s in sessions]

        async def run():
            states = await asyncio.gather(*(p.connect() for p in phones))
            assert all(s["round"]["id"] == rnd.id and s["eligible"] for s in states)
            acks = await asyncio.gather(*(_vote(p, rnd, entries, i) for i, p in enumerate(phones)))
            await _until(lambda: all((p.final or {}).get("total") == STORM for p in phones), 15)
            for p in phones:
                await p.close()
            return acks

        acks = asyncio.run(run())
    assert [a for a in acks if not a.get("ok")] == []
    assert len({a["receipt"] for a in acks}) == STORM
    assert all(not p.errors for p in phones)
    assert db.session.scalar(select(func.count()).select_from(Ballot).where(Ballot.round_id == rnd.id)) == STORM


def test_screens_recover_from_a_redis_outage_without_new_ballots(app, db, database_url):
    """Two processes share rooms through Redis. Redis stops over the end of voting (the close and
    the last ballots are published by nobody) and starts again: every screen on both processes
    shows the final tally within 5 s of Redis's return, with no new ballot cast."""
    contest, organiser, _staff = make_contest(entries=3)
    rnd = add_round(contest, eligibility=["join_code"], allow_change=False)
    entries = [e.id for e in contest.entries]
    with redis_server() as redis, serve(database_url, processes=2, redis_url=redis["url"]) as ports:
        sessions = _join_all(ports, contest.join_code, 60)
        phones = [Phone(ports[i % 2], s.cookies.get_dict(), contest.id) for i, s in enumerate(sessions)]
        screens = [Phone(ports[i % 2], sessions[i].cookies.get_dict(), contest.id) for i in range(6)]
        moderator = login_session(ports[0], organiser.email, PASSWORD)

        async def run():
            await asyncio.gather(*(c.connect() for c in phones + screens))
            first = await asyncio.gather(*(_vote(p, rnd, entries, i) for i, p in enumerate(phones[:30])))
            assert all(a.get("ok") for a in first)
            await _until(lambda: all((s.final or {}).get("total") == 30 for s in screens), 10)
            redis["stop"]()
            rest = await asyncio.gather(*(_vote(p, rnd, entries, i + 30) for i, p in enumerate(phones[30:])))
            assert all(a.get("ok") for a in rest), rest
            closed = await asyncio.to_thread(moderator_post, moderator, ports[0], contest.id, f"/rounds/{rnd.id}/close")
            assert closed.status_code == 200, closed.text
            await asyncio.sleep(1.0)
            redis["start"]()
            waited = await _until(
                lambda: all((s.final or {}).get("status") == "closed" and s.final.get("total") == 60 for s in screens),
                5,
            )
            for c in phones + screens:
                await c.close()
            return waited

        waited = asyncio.run(run())
    assert waited <= 5
    assert db.session.scalar(select(func.count()).select_from(Ballot).where(Ballot.round_id == rnd.id)) == 60


def test_make_run_serves_websockets_on_any_local_port(app, database_url, tmp_path):
    """`make run` is `flask run`: the pages' websocket upgrade is accepted there, also on a port
    or host name that SOCKETIO_ALLOWED_ORIGINS does not list (the page's own origin)."""
    import os
    import subprocess
    import sys

    from websockets.sync.client import connect

    from .live_clients import ROOT, free_port, ready

    port = free_port()
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "FLASK_APP": "wsgi.py",
        "APP_ENV": "development",
        "PYTHONPATH": ROOT,
    }
    env.pop("REDIS_URL", None)
    flask = os.path.join(os.path.dirname(sys.executable), "flask")
    proc = subprocess.Popen(
        [flask, "run", "--host", "127.0.0.1", "--port", str(port)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        ready(port, proc)
        with connect(
            f"ws://127.0.0.1:{port}/socket.io/?EIO=4&transport=websocket",
            origin=f"http://127.0.0.1:{port}",
            open_timeout=30,
            compression=None,
        ) as ws:
            assert ws.recv(timeout=20).startswith("0")
    finally:
        proc.terminate()
        proc.communicate(timeout=20)
