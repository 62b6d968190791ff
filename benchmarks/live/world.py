"""The benchmark's data, written straight to the database before anything is timed, and the
checks read back afterwards (snapshot, recount, verification)."""

from __future__ import annotations

import uuid

PASSWORD = "bench-organiser-password"


def _app():
    from app import create_app

    return create_app("development", DEBUG=False)


def ensure_database(url: str) -> None:
    """Create the benchmark's PostgreSQL database when it does not exist yet."""
    if not url.startswith("postgresql"):
        return
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    target = make_url(url)
    engine = create_engine(target.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        if not conn.scalar(text("SELECT 1 FROM pg_database WHERE datname = :d"), {"d": target.database}):
            conn.execute(text(f'CREATE DATABASE "{target.database}"'))
    engine.dispose()


def _contest(db, status="live"):
    """A municipality, its published contest event, a contest with 5 entries."""
    from app.accounts.models import Organization
    from app.db import utcnow
    from app.events.contests.models import Contest, Entry
    from app.events.contests.services import new_join_code
    from app.events.models import Event

    city = Organization(slug=f"bench-{uuid.uuid4().hex[:8]}", kind="municipality", name_ja="ベンチ市")
    db.session.add(city)
    db.session.flush()
    event = Event(
        host_org_id=city.id,
        title="bench",
        kind="contest",
        starts_at=utcnow(),
        ends_at=utcnow(),
        status="published",
        visibility="public",
    )
    db.session.add(event)
    db.session.flush()
    contest = Contest(event_id=event.id, title="bench", join_code=new_join_code(), status=status)
    db.session.add(contest)
    db.session.flush()
    orgs = [Organization(slug=f"bench-s-{uuid.uuid4().hex[:8]}", kind="startup", name_ja=f"S{i}") for i in range(5)]
    db.session.add_all(orgs)
    db.session.flush()
    entries = [Entry(contest_id=contest.id, org_id=o.id, title=o.name_ja, position=i) for i, o in enumerate(orgs)]
    db.session.add_all(entries)
    db.session.flush()
    return city, contest, entries


def setup_pages() -> dict:
    """The real-page workloads: an organiser (admin of the host municipality) with a known
    password, a live contest with 5 entries, two draft rounds for join-code holders: the burst
    (no changes) and the CPU-per-path round (changes allowed). No join passes: phones join."""
    from app.accounts.models import Membership, User
    from app.auth import hash_password
    from app.db import commit
    from app.events.contests.models import VotingRound
    from app.extensions import db

    app = _app()
    with app.app_context(), app.test_request_context():
        db.create_all()
        city, contest, entries = _contest(db)
        email = f"organiser-{uuid.uuid4().hex[:8]}@bench.example"
        user = User(email=email, password_hash=hash_password(PASSWORD), display_name="主催者")
        db.session.add(user)
        db.session.flush()
        db.session.add(Membership(user_id=user.id, org_id=city.id, role="admin"))
        burst = VotingRound(
            contest_id=contest.id, title="burst", status="draft", eligibility=["join_code"], allow_change=False
        )
        paths = VotingRound(
            contest_id=contest.id, title="paths", status="draft", eligibility=["join_code"], allow_change=True
        )
        db.session.add_all([burst, paths])
        db.session.flush()
        data = {
            "contest_id": contest.id,
            "join_code": contest.join_code,
            "entries": [e.id for e in entries],
            "burst_round": burst.id,
            "paths_round": paths.id,
            "email": email,
            "password": PASSWORD,
        }
        commit()
        return data


def setup_passes(n_passes: int) -> dict:
    """The socket-only workload: an open round (join-code holders) and n join passes made here."""
    from app.db import commit, utcnow
    from app.events.contests.identity import sign_pass
    from app.events.contests.models import JoinPass, VotingRound
    from app.extensions import db

    app = _app()
    with app.app_context(), app.test_request_context():
        db.create_all()
        _city, contest, entries = _contest(db)
        rnd = VotingRound(
            contest_id=contest.id, title="bench", status="open", eligibility=["join_code"], opened_at=utcnow()
        )
        db.session.add(rnd)
        db.session.flush()
        db.session.execute(
            JoinPass.__table__.insert(),
            [{"contest_id": contest.id, "display_name": f"g{i}", "created_at": utcnow()} for i in range(n_passes)],
        )
        passes = db.session.scalars(
            db.select(JoinPass).where(JoinPass.contest_id == contest.id).order_by(JoinPass.id)
        ).all()
        tokens = [sign_pass(p) for p in passes]
        commit()
        return {"contest_id": contest.id, "round_id": rnd.id, "entries": [e.id for e in entries], "tokens": tokens}


def open_fanout_round(contest_id: int) -> int:
    from app.db import commit, utcnow
    from app.events.contests.models import VotingRound
    from app.extensions import db

    app = _app()
    with app.app_context(), app.test_request_context():
        rnd = VotingRound(
            contest_id=contest_id,
            title="fan-out",
            status="open",
            eligibility=["join_code"],
            allow_change=True,
            opened_at=utcnow(),
        )
        db.session.add(rnd)
        commit()
        return rnd.id


def close_and_recount(round_id: int) -> dict:
    from app.db import commit
    from app.events.contests import rounds
    from app.events.contests.models import VotingRound
    from app.extensions import db

    app = _app()
    with app.app_context(), app.test_request_context():
        rounds.close_round(db.session.get(VotingRound, round_id))
        commit()
    return recount(round_id)


def recount(round_id: int) -> dict:
    """A closed round's snapshot against a recount of its ballot rows."""
    from app.events.contests import tally
    from app.events.contests.models import VotingRound
    from app.extensions import db

    app = _app()
    with app.app_context(), app.test_request_context():
        rnd = db.session.get(VotingRound, round_id)
        return {
            "snapshot": sum(rnd.snapshot.counts.values()),
            "snapshot_ballots": len(rnd.snapshot.ballot_ids),
            "recount": sum(tally.recount(round_id)["counts"].values()),
            "verified": tally.verify(rnd)["verified"],
            "version": rnd.version,
        }
