"""Live voting benchmark: a real server process, viewers and voters over raw Socket.IO websockets.

    .venv/bin/python benchmarks/live_voting.py                       # small default workload
    .venv/bin/python benchmarks/live_voting.py --viewers 2000 --voters 5000 --duplicates 0.2 \
        --database-url postgresql+psycopg://postgres@127.0.0.1:5432/bench --redis-url redis://127.0.0.1:6379/9

Workloads: (1) viewers connected + distinct voters (a share retried with the same idempotency key
within 5 s); (2) viewers only, with the tally changing at a steady rate (fan-out). Measures ack
p50/p99, ballots/s, last ballot -> every viewer has the final tally, server CPU per delivered
message, server memory per connection, and a plain `websockets` broadcast server as the fan-out
baseline. Asserts accepted == distinct voters == final tally == recount. Prints a markdown table.
Linux only (reads /proc for the server's CPU and memory). Not part of the test suite.
"""
from __future__ import annotations

import argparse
import asyncio
import json
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


# --- the server process ---------------------------------------------------------------------
def serve(port: int) -> None:
    from app import create_app
    from app.extensions import socketio
    app = create_app("development", DEBUG=False)
    socketio.run(app, host="127.0.0.1", port=port, use_reloader=False, log_output=False,
                 allow_unsafe_werkzeug=True)


def setup(n_passes: int) -> dict:
    """Create a contest, 5 entries, an open round (join-code holders) and n guest passes."""
    from app import create_app
    from app.db import commit, utcnow
    from app.events.contests.identity import sign_pass
    from app.events.contests.models import Contest, Entry, JoinPass, VotingRound
    from app.events.contests.services import new_join_code
    from app.events.models import Event
    from app.accounts.models import Organization
    from app.extensions import db
    app = create_app("development", DEBUG=False)
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
        orgs = []
        for i in range(5):
            org = Organization(slug=f"bench-s-{uuid.uuid4().hex[:8]}", kind="startup", name_ja=f"S{i}")
            db.session.add(org)
            orgs.append(org)
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
    from app import create_app
    from app.db import commit
    from app.events.contests import services, tally
    from app.events.contests.models import VotingRound
    from app.extensions import db
    app = create_app("development", DEBUG=False)
    with app.app_context(), app.test_request_context():
        rnd = services.close_round(db.session.get(VotingRound, round_id))
        commit()
        rnd = db.session.get(VotingRound, round_id)
        return {"snapshot": sum(rnd.snapshot.counts.values()), "recount": sum(tally.recount(round_id)["counts"].values()),
                "verified": tally.verify(rnd)["verified"], "version": rnd.version}


def proc_stats(pid: int) -> tuple[float, int]:
    """(CPU seconds user+system, RSS bytes) of a process and its threads."""
    with open(f"/proc/{pid}/stat") as f:
        parts = f.read().rsplit(")", 1)[1].split()
    cpu = (int(parts[11]) + int(parts[12])) / CLK
    with open(f"/proc/{pid}/status") as f:
        rss = next(int(line.split()[1]) * 1024 for line in f if line.startswith("VmRSS"))
    return cpu, rss


# --- raw Socket.IO clients (engine.io v4 over websockets) -------------------------------------
class Client:
    def __init__(self, url, origin, token):
        self.url, self.origin, self.token = url, origin, token
        self.acks: dict[int, asyncio.Future] = {}
        self.next_id = 0
        self.tallies: list[tuple[float, dict]] = []
        self.ws = None
        self.reader = None

    async def connect(self):
        from websockets.asyncio.client import connect
        self.ws = await connect(self.url, origin=self.origin, additional_headers={"Cookie": f"contest_guest={self.token}"},
                                max_size=2 ** 20, open_timeout=30, ping_interval=None)
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
                        future.set_result(json.loads(body[digits:])[0])
                elif message.startswith(f"42{NS},"):
                    name, payload = json.loads(message[len(NS) + 3:])[:2]
                    if name == "tally":
                        self.tallies.append((time.perf_counter(), payload))
        except Exception:
            pass

    async def call(self, event, payload):
        self.next_id += 1
        future = asyncio.get_running_loop().create_future()
        self.acks[self.next_id] = future
        await self.ws.send(f"42{NS},{self.next_id}" + json.dumps([event, payload]))
        return await asyncio.wait_for(future, 30)

    async def close(self):
        if self.reader:
            self.reader.cancel()
        if self.ws:
            await self.ws.close()


async def run_voting(url, origin, data, args, server_pid):
    tokens = data["tokens"]
    viewers = [Client(url, origin, tokens[i]) for i in range(args.viewers)]
    cpu0, rss0 = proc_stats(server_pid)
    sem = asyncio.Semaphore(200)

    async def open_viewer(c):
        async with sem:
            await c.connect()
            await c.call("join", {"contest_id": data["contest_id"], "role": "viewer"})
    await asyncio.gather(*(open_viewer(c) for c in viewers))
    _cpu1, rss1 = proc_stats(server_pid)
    mem_per_conn = (rss1 - rss0) / max(1, len(viewers))

    voter_tokens = tokens[args.viewers:args.viewers + args.voters]
    latencies, receipts, accepted, dupes_ok, acked_at = [], {}, 0, 0, []
    vsem = asyncio.Semaphore(args.concurrency)

    async def vote(i, token):
        nonlocal accepted, dupes_ok
        async with vsem:
            c = Client(url, origin, token)
            await c.connect()
            key, choice = uuid.uuid4().hex, [random.choice(data["entries"])]
            body = {"contest_id": data["contest_id"], "round_id": data["round_id"], "choices": choice,
                    "idempotency_key": key}
            t0 = time.perf_counter()
            answer = await c.call("vote", body)
            latencies.append(time.perf_counter() - t0)
            if answer.get("ok"):
                accepted += 1
                acked_at.append(time.perf_counter())
                receipts[i] = answer["receipt"]
            if random.random() < args.duplicates:
                await asyncio.sleep(random.uniform(0, 0.5))   # a retry well inside 5 s
                again = await c.call("vote", body)
                dupes_ok += again.get("receipt") == answer.get("receipt") and again.get("replayed", False)
            await c.close()
    cpu_start, _ = proc_stats(server_pid)
    t0 = time.perf_counter()
    await asyncio.gather(*(vote(i, t) for i, t in enumerate(voter_tokens)))
    t_last = max(acked_at, default=time.perf_counter())
    elapsed = t_last - t0
    final_version = accepted
    deadline = time.perf_counter() + 30
    while time.perf_counter() < deadline:
        if all(c.tallies and c.tallies[-1][1]["version"] >= final_version for c in viewers):
            break
        await asyncio.sleep(0.02)
    done = [next((t for t, p in c.tallies if p["version"] >= final_version), None) for c in viewers]
    all_final = max((t for t in done if t is not None), default=float("nan")) - t_last
    cpu_end, _ = proc_stats(server_pid)
    delivered = sum(len(c.tallies) for c in viewers)
    for c in viewers:
        await c.close()
    return {"accepted": accepted, "distinct": len(voter_tokens), "dupes_ok": dupes_ok,
            "ack_p50_ms": statistics.median(latencies) * 1000,
            "ack_p99_ms": sorted(latencies)[int(len(latencies) * 0.99) - 1] * 1000 if latencies else float("nan"),
            "ballots_per_s": accepted / elapsed, "last_to_all_final_s": all_final,
            "viewers_missing_final": sum(t is None for t in done), "tally_messages": delivered,
            "cpu_ms_per_message": (cpu_end - cpu_start) * 1000 / max(1, delivered),
            "mem_kb_per_connection": mem_per_conn / 1024}


# --- baseline: a plain websockets broadcast server --------------------------------------------
BASELINE = r"""
import asyncio, json, sys
from websockets.asyncio.server import serve, broadcast
clients = set()
async def handler(ws):
    clients.add(ws)
    try:
        async for m in ws:
            if m == "go":
                for v in range(int(sys.argv[2])):
                    broadcast(clients, json.dumps({"version": v, "counts": {"1": v, "2": v // 2}}))
                    await asyncio.sleep(0.2 / 10)
    finally:
        clients.discard(ws)
async def main():
    async with serve(handler, "127.0.0.1", int(sys.argv[1])):
        await asyncio.Future()
asyncio.run(main())
"""


async def run_baseline(n_viewers: int, messages: int) -> float:
    from websockets.asyncio.client import connect
    port = free_port()
    proc = subprocess.Popen([sys.executable, "-c", BASELINE, str(port), str(messages)])
    try:
        await asyncio.sleep(1.0)
        got = [0] * n_viewers
        sockets = []
        for i in range(n_viewers):
            sockets.append(await connect(f"ws://127.0.0.1:{port}/", ping_interval=None))

        async def read(i, ws):
            async for _m in ws:
                got[i] += 1
                if got[i] >= messages:
                    return
        readers = [asyncio.create_task(read(i, ws)) for i, ws in enumerate(sockets)]
        cpu0, _ = proc_stats(proc.pid)
        await sockets[0].send("go")
        await asyncio.wait_for(asyncio.gather(*readers), 120)
        cpu1, _ = proc_stats(proc.pid)
        for ws in sockets:
            await ws.close()
        return (cpu1 - cpu0) * 1000 / max(1, sum(got))
    finally:
        proc.terminate()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--viewers", type=int, default=200)
    parser.add_argument("--voters", type=int, default=500)
    parser.add_argument("--duplicates", type=float, default=0.2)
    parser.add_argument("--concurrency", type=int, default=100)
    parser.add_argument("--database-url", default="sqlite:////tmp/live_voting_bench.sqlite")
    parser.add_argument("--redis-url", default="")
    parser.add_argument("--serve", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    os.environ.update(DATABASE_URL=args.database_url, SOCKETIO_ASYNC_MODE="threading", JOBS_INLINE="1",
                      SECRET_KEY=os.environ.get("SECRET_KEY", "bench-secret"))
    if args.redis_url:
        os.environ["REDIS_URL"] = args.redis_url
    if args.serve:
        serve(args.serve)
        return
    port = free_port()
    origin = f"http://127.0.0.1:{port}"
    os.environ["SOCKETIO_ALLOWED_ORIGINS"] = origin
    data = setup(args.viewers + args.voters)
    server = subprocess.Popen([sys.executable, __file__, "--serve", str(port), "--database-url", args.database_url]
                              + (["--redis-url", args.redis_url] if args.redis_url else []), env=os.environ.copy())
    try:
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", port), 0.2).close()
                break
            except OSError:
                time.sleep(0.1)
        url = f"ws://127.0.0.1:{port}/socket.io/?EIO=4&transport=websocket"
        result = asyncio.run(run_voting(url, origin, data, args, server.pid))
    finally:
        server.terminate()
        server.wait(10)
    check = close_and_recount(data["round_id"])
    baseline = asyncio.run(run_baseline(min(args.viewers, 1000), 50))
    rows = [("viewers", args.viewers), ("distinct voters", result["distinct"]),
            ("accepted ballots", result["accepted"]), ("duplicate retries answered with the same receipt",
                                                       result["dupes_ok"]),
            ("final tally (snapshot)", check["snapshot"]), ("recount", check["recount"]),
            ("snapshot verified", check["verified"]), ("ack p50 (ms)", f"{result['ack_p50_ms']:.1f}"),
            ("ack p99 (ms)", f"{result['ack_p99_ms']:.1f}"), ("ballots/s", f"{result['ballots_per_s']:.0f}"),
            ("last ballot -> all viewers final (s)", f"{result['last_to_all_final_s']:.2f}"),
            ("viewers missing the final tally", result["viewers_missing_final"]),
            ("tally messages delivered", result["tally_messages"]),
            ("server CPU per delivered message (ms)", f"{result['cpu_ms_per_message']:.3f}"),
            ("server memory per viewer connection (KiB)", f"{result['mem_kb_per_connection']:.0f}"),
            ("baseline `websockets` broadcast CPU per message (ms)", f"{baseline:.4f}")]
    print("| measure | value |\n|---|---|")
    for name, value in rows:
        print(f"| {name} | {value} |")
    assert result["accepted"] == result["distinct"] == check["snapshot"] == check["recount"], rows
    assert check["verified"]


if __name__ == "__main__":
    main()
