"""Live voting benchmark: the real server (gunicorn + gevent, as deployed), viewers and voters
speaking Engine.IO v4 / Socket.IO v5 over raw websockets.

    make bench-voting      # = the full run below, one process, then two processes with Redis
    flock -x /tmp/bench.lock .venv/bin/python benchmarks/live_voting.py --viewers 2000 --voters 5000 \\
        --database-url postgresql+psycopg://postgres@127.0.0.1:5432/bench_voting --processes 1
    ... --processes 2 --redis-url redis://127.0.0.1:6379/9          # two gunicorn processes + Redis queue
    ... --viewers 100 --voters 300 --fanout-seconds 3               # a quick smoke run

Workloads
 1. Voting: N viewers joined to the contest room; M voters connected before the timed window
    (phones join when the contest starts), then each casts one ballot over the `vote` event at a
    steady rate across `--window` seconds (open loop: sent on schedule, whatever happened to the
    others); a share (`--duplicates`) sends the same ballot again (same idempotency key) 50-500 ms
    later. Measures ack p50/p99 (from the scheduled send), accepted ballots/s, and the time from
    the last ballot's ack until every viewer holds the final tally (version == accepted ballots).
    Asserts accepted == distinct voters == final tally seen by every viewer == snapshot == recount.
 2. Fan-out: viewers only, the tally changing at a steady rate (a few voters changing their
    ballots keep the round dirty, so the 200 ms coalescing emits 5 tallies/s to every viewer).
    Server CPU per delivered message, against a plain `websockets` broadcast server (asyncio,
    pinned to the same cores) sending a message of the same size at the same rate to as many
    viewers: the fan-out baseline.
Memory per connection: server RSS growth per viewer connection.

The load generators run in their own processes (viewers; voters), asyncio + `websockets`.
Server processes are started with `gunicorn -c deploy/gunicorn-socketio.conf.py` (gevent, one
worker each; GC tuned at start-up). Linux only (reads /proc). Not part of the test suite.
Results: a markdown table on stdout and benchmarks/results/live_voting-<UTC time>.json.
"""
from __future__ import annotations

import argparse
import asyncio
import json
import multiprocessing as mp
import os
import random
import socket
import statistics
import subprocess
import sys
import time
import uuid

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)
NS = "/contests"
CLK = os.sysconf("SC_CLK_TCK")
PAGE = os.sysconf("SC_PAGE_SIZE")
TARGETS = {"ack_p99_ms": 150, "final_ms": 500, "fanout_ratio": 2.5}


# --- data ------------------------------------------------------------------------------------
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


def setup(n_passes: int) -> dict:
    """A contest with 5 entries, an open round (join-code holders, changes allowed) and n guest passes."""
    from app.accounts.models import Organization
    from app.db import commit, utcnow
    from app.events.contests.identity import sign_pass
    from app.events.contests.models import Contest, Entry, JoinPass, VotingRound
    from app.events.contests.services import new_join_code
    from app.events.models import Event
    from app.extensions import db
    app = _app()
    with app.app_context(), app.test_request_context():
        db.create_all()
        city = Organization(slug=f"bench-{uuid.uuid4().hex[:8]}", kind="municipality", name_ja="ベンチ市")
        db.session.add(city)
        db.session.flush()
        event = Event(host_org_id=city.id, title="bench", kind="contest", starts_at=utcnow(), ends_at=utcnow(),
                      status="published", visibility="public")
        db.session.add(event)
        db.session.flush()
        contest = Contest(event_id=event.id, title="bench", join_code=new_join_code(), status="live")
        db.session.add(contest)
        db.session.flush()
        orgs = [Organization(slug=f"bench-s-{uuid.uuid4().hex[:8]}", kind="startup", name_ja=f"S{i}")
                for i in range(5)]
        db.session.add_all(orgs)
        db.session.flush()
        entries = [Entry(contest_id=contest.id, org_id=o.id, title=o.name_ja, position=i) for i, o in enumerate(orgs)]
        db.session.add_all(entries)
        rnd = VotingRound(contest_id=contest.id, title="bench", status="open", eligibility=["join_code"],
                          opened_at=utcnow())
        db.session.add(rnd)
        db.session.flush()
        db.session.execute(JoinPass.__table__.insert(), [{"contest_id": contest.id, "display_name": f"g{i}",
                                                          "created_at": utcnow()} for i in range(n_passes)])
        passes = db.session.scalars(db.select(JoinPass).where(JoinPass.contest_id == contest.id)
                                    .order_by(JoinPass.id)).all()
        tokens = [sign_pass(p) for p in passes]
        commit()
        return {"contest_id": contest.id, "round_id": rnd.id, "entries": [e.id for e in entries], "tokens": tokens}


def close_and_recount(round_id: int) -> dict:
    from app.db import commit
    from app.events.contests import services, tally
    from app.events.contests.models import VotingRound
    from app.extensions import db
    app = _app()
    with app.app_context(), app.test_request_context():
        services.close_round(db.session.get(VotingRound, round_id))
        commit()
        rnd = db.session.get(VotingRound, round_id)
        return {"snapshot": sum(rnd.snapshot.counts.values()), "snapshot_ballots": len(rnd.snapshot.ballot_ids),
                "recount": sum(tally.recount(round_id)["counts"].values()), "verified": tally.verify(rnd)["verified"],
                "version": rnd.version}


def open_fanout_round(contest_id: int) -> int:
    from app.db import commit, utcnow
    from app.events.contests.models import VotingRound
    from app.extensions import db
    app = _app()
    with app.app_context(), app.test_request_context():
        rnd = VotingRound(contest_id=contest_id, title="fan-out", status="open", eligibility=["join_code"],
                          allow_change=True, opened_at=utcnow())
        db.session.add(rnd)
        commit()
        return rnd.id


# --- processes -------------------------------------------------------------------------------
def proc_stats(pids) -> tuple[float, int]:
    """(CPU seconds user+system, RSS bytes) summed over processes."""
    cpu, rss = 0.0, 0
    for pid in pids:
        with open(f"/proc/{pid}/stat") as f:
            parts = f.read().rsplit(")", 1)[1].split()
        cpu += (int(parts[11]) + int(parts[12])) / CLK
        with open(f"/proc/{pid}/statm") as f:
            rss += int(f.read().split()[1]) * PAGE
    return cpu, rss


def children(pid: int) -> list[int]:
    try:
        with open(f"/proc/{pid}/task/{pid}/children") as f:
            return [int(x) for x in f.read().split()]
    except OSError:
        return []


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_port(port: int, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), 0.2).close()
            return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"server on {port} did not start")


def start_servers(args, env) -> tuple[list[subprocess.Popen], list[int]]:
    procs, ports = [], []
    for _ in range(args.processes):
        port = free_port()
        cmd = ["taskset", "-c", args.cpus, os.path.join(ROOT, ".venv/bin/gunicorn"), "-c",
               os.environ.get("BENCH_GUNICORN_CONF") or os.path.join(ROOT, "deploy/gunicorn-socketio.conf.py"), "-b", f"127.0.0.1:{port}", "wsgi:app"]
        procs.append(subprocess.Popen(cmd, cwd=ROOT, env=env))
        ports.append(port)
    for port in ports:
        wait_port(port, 60)
    return procs, ports


def worker_pids(procs) -> list[int]:
    pids = []
    for p in procs:
        for _ in range(50):
            kids = children(p.pid)
            if kids:
                pids += kids
                break
            time.sleep(0.1)
    return pids


# --- raw Socket.IO client (Engine.IO v4 over websockets) ----------------------------------------
class Client:
    def __init__(self, url, origin, token):
        self.url, self.origin, self.token = url, origin, token
        self.acks: dict[int, asyncio.Future] = {}
        self.next_id = 0
        self.tallies: list[tuple[float, int, int, int]] = []    # (time, round, version, total)
        self.ws = None
        self.reader = None

    async def connect(self):
        from websockets.asyncio.client import connect
        self.ws = await connect(self.url, origin=self.origin, additional_headers={"Cookie": f"contest_guest={self.token}"},
                                max_size=2 ** 20, open_timeout=60, ping_interval=None, compression=None)
        await self.ws.recv()                       # engine.io open packet
        await self.ws.send(f"40{NS},")
        answer = await self.ws.recv()
        if not answer.startswith(f"40{NS},"):
            raise RuntimeError(f"namespace refused: {answer}")
        self.reader = asyncio.create_task(self._read())

    async def _read(self):
        try:
            async for message in self.ws:
                if message == "2":
                    await self.ws.send("3")
                elif message.startswith(f"43{NS},"):
                    body = message[len(NS) + 3:]
                    digits = len(body) - len(body.lstrip("0123456789"))
                    future = self.acks.pop(int(body[:digits]), None)
                    if future and not future.done():
                        future.set_result((time.monotonic(), json.loads(body[digits:])[0]))
                elif message.startswith(f'42{NS},["tally"'):
                    payload = json.loads(message[len(NS) + 3:])[1]
                    self.tallies.append((time.monotonic(), payload["round_id"], payload["version"], payload["total"]))
        except Exception:
            pass

    async def send_call(self, event, payload):
        self.next_id += 1
        future = asyncio.get_running_loop().create_future()
        self.acks[self.next_id] = future
        await self.ws.send(f"42{NS},{self.next_id}" + json.dumps([event, payload]))
        return future

    async def call(self, event, payload, timeout=60):
        return await asyncio.wait_for(await self.send_call(event, payload), timeout)

    async def close(self):
        if self.reader:
            self.reader.cancel()
        if self.ws:
            await self.ws.close()


async def connect_all(clients, concurrency=64):
    sem = asyncio.Semaphore(concurrency)
    errors = []

    async def one(c):
        async with sem:
            try:
                await c.connect()
            except Exception as exc:
                errors.append(repr(exc))
    await asyncio.gather(*(one(c) for c in clients))
    return errors


def viewer_process(conn, urls, origin, tokens, contest_id):
    """Viewers: connect, join the room, record every tally; answer the parent's questions."""
    async def main():
        clients = [Client(urls[i % len(urls)], origin, t) for i, t in enumerate(tokens)]
        errors = await connect_all(clients)
        joined = await asyncio.gather(*(c.call("join", {"contest_id": contest_id, "role": "viewer"})
                                        for c in clients if c.reader), return_exceptions=True)
        bad = [j for j in joined if isinstance(j, Exception) or not j[1].get("ok")]
        conn.send({"connected": sum(1 for c in clients if c.reader), "errors": errors[:3] + [repr(b) for b in bad[:3]]})
        loop = asyncio.get_running_loop()
        while True:
            command = await loop.run_in_executor(None, conn.recv)
            if command["cmd"] == "final":          # wait until every viewer holds the final version
                rid, version, deadline = command["round_id"], command["version"], time.monotonic() + command["timeout"]
                while time.monotonic() < deadline:
                    if all(any(r == rid and v >= version for _t, r, v, _n in c.tallies) for c in clients if c.reader):
                        break
                    await asyncio.sleep(0.01)
                firsts, totals = [], set()
                for c in clients:
                    hit = next(((t, n) for t, r, v, n in c.tallies if r == rid and v >= version), None)
                    firsts.append(hit[0] if hit else None)
                    if hit:
                        totals.add(hit[1])
                conn.send({"missing": sum(f is None for f in firsts),
                           "last": max((f for f in firsts if f is not None), default=None),
                           "totals": sorted(totals), "messages": sum(len(c.tallies) for c in clients)})
            elif command["cmd"] == "count":         # tally messages received in [since, until]
                since, until = command["since"], command["until"]
                conn.send({"messages": sum(1 for c in clients for t, *_r in c.tallies if since <= t <= until),
                           "sample": next((c.tallies[-1] for c in clients if c.tallies), None)})
            elif command["cmd"] == "stop":
                await asyncio.gather(*(c.close() for c in clients if c.reader), return_exceptions=True)
                conn.send({"ok": True})
                return
    asyncio.run(main())


def voter_process(conn, urls, origin, tokens, data):
    """Voters: connect (before the window), then vote on schedule; also the fan-out ticker."""
    async def main():
        clients = [Client(urls[i % len(urls)], origin, t) for i, t in enumerate(tokens)]
        errors = await connect_all(clients)
        conn.send({"connected": sum(1 for c in clients if c.reader), "errors": errors[:3]})
        loop = asyncio.get_running_loop()
        while True:
            command = await loop.run_in_executor(None, conn.recv)
            if command["cmd"] == "vote":
                conn.send(await vote(clients, command))
            elif command["cmd"] == "tick":
                conn.send(await tick(clients, command))
            elif command["cmd"] == "stop":
                await asyncio.gather(*(c.close() for c in clients if c.reader), return_exceptions=True)
                conn.send({"ok": True})
                return

    async def vote(clients, command):
        window, dup_share, start = command["window"], command["duplicates"], command["start"]
        rng = random.Random(42)
        n = len(clients)
        results = [[] for _ in range(n)]     # per voter: (kind, scheduled, acked, answer)
        tasks = []

        async def send(i, body, at, kind):
            await asyncio.sleep(max(0.0, at - time.monotonic()))
            try:
                acked, answer = await clients[i].call("vote", body)
            except Exception as exc:
                acked, answer = time.monotonic(), {"error": repr(exc)}
            results[i].append((kind, at, acked, answer))

        retry = set(rng.sample(range(n), int(n * dup_share)))
        for i in range(n):
            at = start + i * window / n
            body = {"contest_id": data["contest_id"], "round_id": command["round_id"],
                    "choices": [rng.choice(data["entries"])], "idempotency_key": uuid.uuid4().hex}
            tasks.append(send(i, body, at, "first"))
            if i in retry:
                tasks.append(send(i, body, at + rng.uniform(0.05, 0.5), "retry"))
        await asyncio.gather(*tasks)
        latencies = [acked - at for rs in results for _k, at, acked, _a in rs]
        accepted = sum(1 for rs in results for *_x, a in rs if a.get("ok") and not a.get("replayed"))
        replayed = sum(1 for rs in results for *_x, a in rs if a.get("ok") and a.get("replayed"))
        same_receipt = sum(1 for rs in results if len(rs) == 2 and rs[0][3].get("receipt")
                           and rs[0][3].get("receipt") == rs[1][3].get("receipt"))
        failed = [a for rs in results for *_x, a in rs if not a.get("ok")]
        acks = [acked for rs in results for _k, _at, acked, a in rs if a.get("ok") and not a.get("replayed")]
        return {"latencies": latencies, "accepted": accepted, "replayed": replayed, "retries": len(retry),
                "same_receipt": same_receipt, "failed": len(failed), "failures": failed[:3],
                "voters_with_receipt": sum(1 for rs in results if any(a.get("ok") for *_x, a in rs)),
                "first_send": start, "last_ack": max(acks, default=start)}

    async def tick(clients, command):
        """`rate` ballot changes per second by a handful of voters, for `seconds`: keeps the round dirty."""
        start, seconds, rate = command["start"], command["seconds"], command["rate"]
        pending, n, i = [], max(1, min(len(clients), 20)), 0
        while True:
            at = start + i / rate
            if at > start + seconds:
                break
            await asyncio.sleep(max(0.0, at - time.monotonic()))
            body = {"contest_id": data["contest_id"], "round_id": command["round_id"],
                    "choices": [data["entries"][i % len(data["entries"])]], "idempotency_key": uuid.uuid4().hex}
            pending.append(await clients[i % n].send_call("vote", body))
            i += 1
        answers = await asyncio.gather(*(asyncio.wait_for(f, 30) for f in pending), return_exceptions=True)
        return {"sent": len(pending), "ok": sum(1 for a in answers if not isinstance(a, Exception) and a[1].get("ok"))}
    asyncio.run(main())


def ask(conn, message, timeout=600):
    conn.send(message)
    if not conn.poll(timeout):
        raise RuntimeError(f"no answer to {message['cmd']}")
    return conn.recv()


# --- baseline: a plain websockets broadcast server ------------------------------------------------
BASELINE = r"""
import asyncio, sys
from websockets.asyncio.server import serve, broadcast
clients = set()
async def handler(ws):
    clients.add(ws)
    try:
        async for m in ws:
            if m.startswith("go "):
                _go, count, interval, size = m.split()
                body = "x" * int(size)
                for v in range(int(count)):
                    broadcast(clients, body)
                    await asyncio.sleep(float(interval))
    finally:
        clients.discard(ws)
async def main():
    async with serve(handler, "127.0.0.1", int(sys.argv[1]), compression=None, ping_interval=None):
        await asyncio.Future()
asyncio.run(main())
"""


def baseline_process(conn, port, n_viewers):
    async def main():
        from websockets.asyncio.client import connect
        sockets = []
        for _ in range(n_viewers):
            sockets.append(await connect(f"ws://127.0.0.1:{port}/", ping_interval=None, compression=None))
        got = [0] * n_viewers

        async def read(i, ws):
            try:
                async for _m in ws:
                    got[i] += 1
            except Exception:
                pass
        readers = [asyncio.create_task(read(i, ws)) for i, ws in enumerate(sockets)]
        conn.send({"connected": len(sockets)})
        loop = asyncio.get_running_loop()
        command = await loop.run_in_executor(None, conn.recv)
        await sockets[0].send(f"go {command['count']} {command['interval']} {command['size']}")
        deadline = time.monotonic() + command["count"] * command["interval"] + 30
        while sum(got) < command["count"] * n_viewers and time.monotonic() < deadline:
            await asyncio.sleep(0.05)
        conn.send({"messages": sum(got)})
        for r in readers:
            r.cancel()
        await asyncio.gather(*(ws.close() for ws in sockets), return_exceptions=True)
    asyncio.run(main())


def run_baseline(args, n_viewers, count, interval, size) -> dict:
    port = free_port()
    server = subprocess.Popen(["taskset", "-c", args.cpus, sys.executable, "-c", BASELINE, str(port)])
    try:
        wait_port(port)
        parent, child = mp.Pipe()
        client = mp.Process(target=baseline_process, args=(child, port, n_viewers))
        client.start()
        parent.recv()
        _cpu, rss0 = proc_stats([server.pid])
        cpu0, rss1 = proc_stats([server.pid])
        answer = ask(parent, {"cmd": "go", "count": count, "interval": interval, "size": size})
        cpu1, _ = proc_stats([server.pid])
        client.join(30)
        return {"messages": answer["messages"], "cpu_ms_per_message": (cpu1 - cpu0) * 1000 / max(1, answer["messages"]),
                "rss_mb": rss1 / 2 ** 20}
    finally:
        server.terminate()
        server.wait(10)


# --- the run -----------------------------------------------------------------------------------
def pct(values, q):
    values = sorted(values)
    return values[min(len(values) - 1, max(0, int(round(q * len(values))) - 1))] if values else float("nan")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--viewers", type=int, default=2000)
    parser.add_argument("--voters", type=int, default=5000)
    parser.add_argument("--duplicates", type=float, default=0.2, help="share of voters who retry the same ballot")
    parser.add_argument("--window", type=float, default=5.0, help="seconds over which the voters vote")
    parser.add_argument("--processes", type=int, default=1, choices=(1, 2))
    parser.add_argument("--database-url", default="postgresql+psycopg://postgres@127.0.0.1:5432/bench_voting")
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/9", help="used with --processes 2")
    parser.add_argument("--fanout-seconds", type=float, default=6.0)
    parser.add_argument("--fanout-rate", type=float, default=10.0, help="ballot changes/s that keep the tally moving")
    parser.add_argument("--cpus", default="0,1", help="cores of the servers (taskset), the same for the baseline")
    args = parser.parse_args()
    secret = os.environ.get("SECRET_KEY", "bench-secret-" + uuid.uuid4().hex)
    os.environ.update(DATABASE_URL=args.database_url, SECRET_KEY=secret, JOBS_INLINE="1")
    os.environ.pop("REDIS_URL", None)
    mp.set_start_method("fork")

    t_setup = time.monotonic()
    ensure_database(args.database_url)
    data = setup(args.viewers + args.voters)
    print(f"setup: {args.viewers + args.voters} guest passes in {time.monotonic() - t_setup:.1f} s", flush=True)
    env = {**os.environ, "APP_ENV": "production", "SOCKETIO_ALLOWED_ORIGINS": "http://bench.local",
           "PYTHONPATH": ROOT}
    if args.processes == 2:
        env["REDIS_URL"] = args.redis_url
        from redis import Redis
        Redis.from_url(args.redis_url).flushdb()
    servers, ports = start_servers(args, env)
    pids = worker_pids(servers)
    origin = "http://bench.local"
    urls = [f"ws://127.0.0.1:{p}/socket.io/?EIO=4&transport=websocket" for p in ports]
    out: dict = {"config": vars(args), "servers": len(pids)}
    viewers = voters = None
    try:
        time.sleep(1.0)
        cpu_idle, rss_idle = proc_stats(pids)
        v_parent, v_child = mp.Pipe()
        viewers = mp.Process(target=viewer_process, args=(v_child, urls, origin, data["tokens"][:args.viewers],
                                                          data["contest_id"]))
        t0 = time.monotonic()
        viewers.start()
        vc = v_parent.recv()
        _cpu, rss_viewers = proc_stats(pids)
        print(f"viewers: {vc['connected']} connected and joined in {time.monotonic() - t0:.1f} s {vc['errors']}",
              flush=True)
        m_parent, m_child = mp.Pipe()
        voters = mp.Process(target=voter_process, args=(m_child, urls, origin, data["tokens"][args.viewers:], data))
        t0 = time.monotonic()
        voters.start()
        mc = m_parent.recv()
        _cpu, rss_all = proc_stats(pids)
        print(f"voters: {mc['connected']} connected in {time.monotonic() - t0:.1f} s {mc['errors']}", flush=True)
        out["mem_kib_per_viewer"] = (rss_viewers - rss_idle) / 1024 / max(1, vc["connected"])
        out["mem_kib_per_voter"] = (rss_all - rss_viewers) / 1024 / max(1, mc["connected"])
        out["rss_mb_idle"], out["rss_mb_loaded"] = rss_idle / 2 ** 20, rss_all / 2 ** 20

        # 1. voting
        time.sleep(1.0)
        cpu0, _ = proc_stats(pids)
        start = time.monotonic() + 0.5
        result = ask(m_parent, {"cmd": "vote", "round_id": data["round_id"], "window": args.window,
                                "duplicates": args.duplicates, "start": start})
        final = ask(v_parent, {"cmd": "final", "round_id": data["round_id"], "version": result["accepted"],
                               "timeout": 30})
        cpu1, _ = proc_stats(pids)
        lat = result.pop("latencies")
        out["voting"] = {
            **{k: v for k, v in result.items()}, "ballots_sent": len(lat),
            "ack_p50_ms": pct(lat, 0.50) * 1000, "ack_p99_ms": pct(lat, 0.99) * 1000, "ack_max_ms": max(lat) * 1000,
            "accepted_per_s": result["accepted"] / max(1e-9, result["last_ack"] - result["first_send"]),
            "final_ms": (final["last"] - result["last_ack"]) * 1000 if final["last"] else float("nan"),
            "viewers_missing_final": final["missing"], "viewer_final_totals": final["totals"],
            "tally_messages": final["messages"], "server_cpu_s": cpu1 - cpu0}
        check = close_and_recount(data["round_id"])
        out["check"] = check
        print(f"voting: {json.dumps(out['voting'], default=str)[:600]}", flush=True)

        # 2. fan-out: viewers only, tally moving at a steady rate
        fan_round = open_fanout_round(data["contest_id"])
        time.sleep(1.0)
        start = time.monotonic() + 0.5
        cpu0, _ = proc_stats(pids)
        m_parent.send({"cmd": "tick", "round_id": fan_round, "start": start, "seconds": args.fanout_seconds,
                       "rate": args.fanout_rate})
        if not m_parent.poll(args.fanout_seconds + 60):
            raise RuntimeError("fan-out ticker did not finish")
        ticks = m_parent.recv()
        end = time.monotonic()
        time.sleep(0.5)
        cpu1, _ = proc_stats(pids)
        counted = ask(v_parent, {"cmd": "count", "since": start, "until": end + 0.5})
        out["fanout"] = {"seconds": end - start, "ballot_changes": ticks, "messages": counted["messages"],
                         "messages_per_s": counted["messages"] / (end - start + 0.5),
                         "server_cpu_s": cpu1 - cpu0,
                         "cpu_ms_per_message": (cpu1 - cpu0) * 1000 / max(1, counted["messages"])}
        print(f"fan-out: {out['fanout']}", flush=True)
        size = len(f'42{NS},["tally",' + json.dumps({"round_id": fan_round, "contest_id": data["contest_id"],
                                                     "status": "open", "version": 100, "counts": {str(e): 20 for e in data["entries"]},
                                                     "total": 100, "sha256": None}) + "]")
        ask(m_parent, {"cmd": "stop"})
        ask(v_parent, {"cmd": "stop"})
    finally:
        for p in (viewers, voters):
            if p is not None:
                p.join(5)
                if p.is_alive():
                    p.terminate()
        for s in servers:
            s.terminate()
        for s in servers:
            try:
                s.wait(15)
            except subprocess.TimeoutExpired:
                s.kill()

    # Baseline, on the same cores, same viewers, same message size and rate, same duration.
    count = max(1, int(args.fanout_seconds / 0.2))
    out["baseline"] = run_baseline(args, args.viewers, count, 0.2, size)
    out["fanout"]["ratio_to_baseline"] = out["fanout"]["cpu_ms_per_message"] / max(1e-9, out["baseline"]["cpu_ms_per_message"])
    report(args, out)


def report(args, out) -> None:
    v, f, b, c = out["voting"], out["fanout"], out["baseline"], out["check"]
    ok = lambda good: "✅" if good else "❌"  # noqa: E731
    mode = "1 process" if args.processes == 1 else "2 processes + Redis queue"
    rows = [
        ("server", f"gunicorn gevent, {mode}, cores {args.cpus}", ""),
        ("viewers / distinct voters / retries", f"{args.viewers} / {args.voters} / {v['retries']}", ""),
        ("ballots sent in the window", f"{v['ballots_sent']} in {args.window:.0f} s", ""),
        ("accepted / replayed (same receipt) / failed", f"{v['accepted']} / {v['replayed']} ({v['same_receipt']}) / {v['failed']}",
         ok(v["failed"] == 0 and v["same_receipt"] == v["retries"])),
        ("ack p50 / p99 / max (ms)", f"{v['ack_p50_ms']:.1f} / {v['ack_p99_ms']:.1f} / {v['ack_max_ms']:.0f}",
         ok(v["ack_p99_ms"] <= TARGETS["ack_p99_ms"])),
        ("accepted ballots/s", f"{v['accepted_per_s']:.0f}", ""),
        ("last accepted ballot's ack → every viewer has the final tally (ms)", f"{v['final_ms']:.0f} (missing: {v['viewers_missing_final']})",
         ok(v["final_ms"] <= TARGETS["final_ms"] and v["viewers_missing_final"] == 0)),
        ("accepted == distinct voters == viewers' final total == snapshot == recount",
         f"{v['accepted']} == {args.voters} == {v['viewer_final_totals']} == {c['snapshot']} == {c['recount']}",
         ok(v["accepted"] == args.voters == c["snapshot"] == c["recount"] == c["snapshot_ballots"]
            and v["viewer_final_totals"] == [args.voters] and c["verified"])),
        ("server CPU during the voting window (s)", f"{v['server_cpu_s']:.2f}", ""),
        ("fan-out: tally messages delivered (per s)", f"{f['messages']} ({f['messages_per_s']:.0f}/s)", ""),
        ("fan-out: server CPU per delivered message (µs)", f"{f['cpu_ms_per_message'] * 1000:.1f}", ""),
        ("baseline `websockets` broadcast: CPU per message (µs)", f"{b['cpu_ms_per_message'] * 1000:.1f}", ""),
        ("fan-out cost / baseline", f"{f['ratio_to_baseline']:.2f}×", ok(f["ratio_to_baseline"] <= TARGETS["fanout_ratio"])),
        ("server memory per viewer / per voter connection (KiB)",
         f"{out['mem_kib_per_viewer']:.0f} / {out['mem_kib_per_voter']:.0f}", ""),
    ]
    print("\n| measure | value | target |\n|---|---|---|")
    for name, value, mark in rows:
        print(f"| {name} | {value} | {mark} |")
    os.makedirs(os.path.join(ROOT, "benchmarks", "results"), exist_ok=True)
    path = os.path.join(ROOT, "benchmarks", "results", f"live_voting-{time.strftime('%Y%m%dT%H%M%SZ', time.gmtime())}.json")
    with open(path, "w") as fh:
        json.dump(out, fh, indent=2, default=str)
    print(f"\n{path}")
    assert v["accepted"] == args.voters == c["snapshot"] == c["recount"] == c["snapshot_ballots"], "lost or double-counted ballots"
    assert v["viewer_final_totals"] == [args.voters] and v["viewers_missing_final"] == 0, "a viewer missed the final tally"
    assert c["verified"] and v["same_receipt"] == v["retries"], "snapshot/recount or idempotent retries"


if __name__ == "__main__":
    main()
