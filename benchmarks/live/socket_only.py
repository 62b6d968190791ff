"""The old socket-only workload, kept as the second, labelled row: join passes made directly in
the database, viewers and voters that open the socket with the pass cookie and vote over the
`vote` event (no page, no form, no HTTP). Plus the fan-out against the plain `websockets`
baseline (CPU per delivered tally message).

 0. The fan-out's reference, once the voters are connected and before any viewer is: the
    fan-out's ticker (below) on a round of its own, i.e. the server CPU of the ballot changes and
    of the tally's upkeep without a single delivery.
 1. Voting: N viewers joined to the contest room; M voters connected before the timed window,
    then each casts one ballot over `vote` at a steady rate across `--window` seconds (open
    loop); a share (`--duplicates`) sends the same ballot again (same key) 50-500 ms later.
 2. Fan-out: viewers only, a few voters changing their ballots keep the round dirty, so the
    200 ms coalescing emits 5 tallies/s to every viewer; server CPU per delivered message against
    a plain `websockets` broadcast server sending as many messages of the same size. Reported
    both ways: the whole window per delivered message, and net of the reference (the window's
    CPU minus the reference's), which is what the baseline, casting no ballots, compares with.
    The target is judged on the net figure; the whole-window one stays beside it.
"""

from __future__ import annotations

import asyncio
import json
import multiprocessing as mp
import random
import time
import uuid

from .protocol import NS, SioClient
from .servers import ask, launch, pct, proc_stats, run_baseline, stop_servers
from .world import close_and_recount, open_fanout_round, setup_passes

TARGETS = {"ack_p99_ms": 150, "final_ms": 500, "fanout_ratio": 2.5}


class Client(SioClient):
    """A socket holding a join pass, recording every tally it receives."""

    def __init__(self, url, origin, token):
        super().__init__(url, origin, f"contest_guest={token}", self._event)
        self.tallies: list[tuple[float, int, int, int]] = []  # (time, round, version, total)

    def _event(self, name, payload, at):
        if name == "tally":
            self.tallies.append((at, payload["round_id"], payload["version"], payload["total"]))


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
        joined = await asyncio.gather(
            *(c.call("join", {"contest_id": contest_id, "role": "viewer"}) for c in clients if c.reader),
            return_exceptions=True,
        )
        bad = [j for j in joined if isinstance(j, Exception) or not j[1].get("ok")]
        conn.send({"connected": sum(1 for c in clients if c.reader), "errors": errors[:3] + [repr(b) for b in bad[:3]]})
        loop = asyncio.get_running_loop()
        while True:
            command = await loop.run_in_executor(None, conn.recv)
            if command["cmd"] == "final":  # wait until every viewer holds the final version
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
                conn.send(
                    {
                        "missing": sum(f is None for f in firsts),
                        "last": max((f for f in firsts if f is not None), default=None),
                        "totals": sorted(totals),
                        "messages": sum(len(c.tallies) for c in clients),
                    }
                )
            elif command["cmd"] == "count":  # tally messages received in [since, until]
                since, until = command["since"], command["until"]
                conn.send(
                    {
                        "messages": sum(1 for c in clients for t, *_r in c.tallies if since <= t <= until),
                        "sample": next((c.tallies[-1] for c in clients if c.tallies), None),
                    }
                )
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
        results = [[] for _ in range(n)]  # per voter: (kind, scheduled, acked, answer)
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
            body = {
                "contest_id": data["contest_id"],
                "round_id": command["round_id"],
                "choices": [rng.choice(data["entries"])],
                "idempotency_key": uuid.uuid4().hex,
            }
            tasks.append(send(i, body, at, "first"))
            if i in retry:
                tasks.append(send(i, body, at + rng.uniform(0.05, 0.5), "retry"))
        await asyncio.gather(*tasks)
        latencies = [acked - at for rs in results for _k, at, acked, _a in rs]
        accepted = sum(1 for rs in results for *_x, a in rs if a.get("ok") and not a.get("replayed"))
        replayed = sum(1 for rs in results for *_x, a in rs if a.get("ok") and a.get("replayed"))
        same_receipt = sum(
            1
            for rs in results
            if len(rs) == 2 and rs[0][3].get("receipt") and rs[0][3].get("receipt") == rs[1][3].get("receipt")
        )
        failed = [a for rs in results for *_x, a in rs if not a.get("ok")]
        acks = [acked for rs in results for _k, _at, acked, a in rs if a.get("ok") and not a.get("replayed")]
        return {
            "latencies": latencies,
            "accepted": accepted,
            "replayed": replayed,
            "retries": len(retry),
            "same_receipt": same_receipt,
            "failed": len(failed),
            "failures": failed[:3],
            "voters_with_receipt": sum(1 for rs in results if any(a.get("ok") for *_x, a in rs)),
            "first_send": start,
            "last_ack": max(acks, default=start),
        }

    async def tick(clients, command):
        """`rate` ballot changes per second by a handful of voters, for `seconds`: keeps the round dirty."""
        start, seconds, rate = command["start"], command["seconds"], command["rate"]
        pending, n, i = [], max(1, min(len(clients), 20)), 0
        while True:
            at = start + i / rate
            if at > start + seconds:
                break
            await asyncio.sleep(max(0.0, at - time.monotonic()))
            body = {
                "contest_id": data["contest_id"],
                "round_id": command["round_id"],
                "choices": [data["entries"][i % len(data["entries"])]],
                "idempotency_key": uuid.uuid4().hex,
            }
            pending.append(await clients[i % n].send_call("vote", body))
            i += 1
        answers = await asyncio.gather(*(asyncio.wait_for(f, 30) for f in pending), return_exceptions=True)
        return {"sent": len(pending), "ok": sum(1 for a in answers if not isinstance(a, Exception) and a[1].get("ok"))}

    asyncio.run(main())


def run(args, server_env: dict) -> dict:
    """The whole socket-only workload on its own servers; returns the measures (see report)."""
    t_setup = time.monotonic()
    data = setup_passes(args.viewers + args.voters)
    print(f"setup: {args.viewers + args.voters} guest passes in {time.monotonic() - t_setup:.1f} s", flush=True)
    servers, ports, pids = launch(args, server_env, "http://bench.local")
    origin = "http://bench.local"
    urls = [f"ws://127.0.0.1:{p}/socket.io/?EIO=4&transport=websocket" for p in ports]
    out: dict = {"config": vars(args), "servers": len(pids)}
    viewers = voters = None
    try:
        time.sleep(1.0)
        cpu_idle, rss_idle = proc_stats(pids)
        m_parent, m_child = mp.Pipe()
        voters = mp.Process(target=voter_process, args=(m_child, urls, origin, data["tokens"][args.viewers :], data))
        t0 = time.monotonic()
        voters.start()
        mc = m_parent.recv()
        _cpu, rss_voters = proc_stats(pids)
        print(f"voters: {mc['connected']} connected in {time.monotonic() - t0:.1f} s {mc['errors']}", flush=True)

        # 0. the fan-out's reference: its ticker with no viewer connected yet (what the ballot
        # changes and the tally's upkeep cost without a delivery)
        _ticks, unwatched_cpu_s, _s, _e, _r = _ticker_window(args, data, pids, m_parent)

        v_parent, v_child = mp.Pipe()
        viewers = mp.Process(
            target=viewer_process, args=(v_child, urls, origin, data["tokens"][: args.viewers], data["contest_id"])
        )
        t0 = time.monotonic()
        viewers.start()
        vc = v_parent.recv()
        _cpu, rss_all = proc_stats(pids)
        print(
            f"viewers: {vc['connected']} connected and joined in {time.monotonic() - t0:.1f} s {vc['errors']}",
            flush=True,
        )
        out["mem_kib_per_voter"] = (rss_voters - rss_idle) / 1024 / max(1, mc["connected"])
        out["mem_kib_per_viewer"] = (rss_all - rss_voters) / 1024 / max(1, vc["connected"])
        out["rss_mb_idle"], out["rss_mb_loaded"] = rss_idle / 2**20, rss_all / 2**20

        # 1. voting
        time.sleep(1.0)
        cpu0, _ = proc_stats(pids)
        start = time.monotonic() + 0.5
        result = ask(
            m_parent,
            {
                "cmd": "vote",
                "round_id": data["round_id"],
                "window": args.window,
                "duplicates": args.duplicates,
                "start": start,
            },
        )
        final = ask(
            v_parent, {"cmd": "final", "round_id": data["round_id"], "version": result["accepted"], "timeout": 30}
        )
        cpu1, _ = proc_stats(pids)
        lat = result.pop("latencies")
        out["voting"] = {
            **{k: v for k, v in result.items()},
            "ballots_sent": len(lat),
            "ack_p50_ms": pct(lat, 0.50) * 1000,
            "ack_p99_ms": pct(lat, 0.99) * 1000,
            "ack_max_ms": max(lat) * 1000,
            "accepted_per_s": result["accepted"] / max(1e-9, result["last_ack"] - result["first_send"]),
            "final_ms": (final["last"] - result["last_ack"]) * 1000 if final["last"] else float("nan"),
            "viewers_missing_final": final["missing"],
            "viewer_final_totals": final["totals"],
            "tally_messages": final["messages"],
            "server_cpu_s": cpu1 - cpu0,
        }
        check = close_and_recount(data["round_id"])
        out["check"] = check
        print(f"voting: {json.dumps(out['voting'], default=str)[:600]}", flush=True)

        # 2. fan-out: viewers only, tally moving at a steady rate
        ticks, cpu_s, start, end, fan_round = _ticker_window(args, data, pids, m_parent)
        counted = ask(v_parent, {"cmd": "count", "since": start, "until": end + 0.5})
        out["fanout"] = {
            "seconds": end - start,
            "ballot_changes": ticks,
            "messages": counted["messages"],
            "messages_per_s": counted["messages"] / (end - start + 0.5),
            "server_cpu_s": cpu_s,
            "cpu_ms_per_message": cpu_s * 1000 / max(1, counted["messages"]),
        }
        print(f"fan-out: {out['fanout']}", flush=True)
        size = len(
            f'42{NS},["tally",'
            + json.dumps(
                {
                    "round_id": fan_round,
                    "contest_id": data["contest_id"],
                    "status": "open",
                    "version": 100,
                    "counts": {str(e): 20 for e in data["entries"]},
                    "total": 100,
                    "sha256": None,
                }
            )
            + "]"
        )
        out["fanout"]["unwatched_cpu_s"] = unwatched_cpu_s
        out["fanout"]["net_cpu_ms_per_message"] = (
            max(0.0, out["fanout"]["server_cpu_s"] - unwatched_cpu_s) * 1000 / max(1, out["fanout"]["messages"])
        )
        ask(v_parent, {"cmd": "stop"})
        ask(m_parent, {"cmd": "stop"})
    finally:
        for p in (viewers, voters):
            if p is not None:
                p.join(5)
                if p.is_alive():
                    p.terminate()
        stop_servers(servers)

    # Baseline, on the same cores, same viewers, same message size and rate, same duration.
    count = max(1, int(args.fanout_seconds / 0.2))
    out["baseline"] = run_baseline(args.cpus, args.viewers, count, 0.2, size)
    base = max(1e-9, out["baseline"]["cpu_ms_per_message"])
    out["fanout"]["ratio_to_baseline"] = out["fanout"]["cpu_ms_per_message"] / base
    out["fanout"]["net_ratio_to_baseline"] = out["fanout"]["net_cpu_ms_per_message"] / base
    return out


def _ticker_window(args, data, pids, m_parent):
    """A new open round whose tally the ticker keeps moving for --fanout-seconds: (the ticker's
    answer, server CPU seconds over the window, window start, window end, the round)."""
    fan_round = open_fanout_round(data["contest_id"])
    time.sleep(1.0)
    start = time.monotonic() + 0.5
    cpu0, _ = proc_stats(pids)
    m_parent.send(
        {"cmd": "tick", "round_id": fan_round, "start": start, "seconds": args.fanout_seconds, "rate": args.fanout_rate}
    )
    if not m_parent.poll(args.fanout_seconds + 60):
        raise RuntimeError("fan-out ticker did not finish")
    ticks = m_parent.recv()
    end = time.monotonic()
    time.sleep(0.5)
    cpu1, _ = proc_stats(pids)
    return ticks, cpu1 - cpu0, start, end, fan_round


def report(args, out) -> list[str]:
    v, f, b, c = out["voting"], out["fanout"], out["baseline"], out["check"]
    ok = lambda good: "✅" if good else "❌"  # noqa: E731
    mode = "1 process" if args.processes == 1 else "2 processes + Redis queue"
    rows = [
        ("server", f"gunicorn gevent, {mode}, cores {args.cpus}", ""),
        ("viewers / distinct voters / retries", f"{args.viewers} / {args.voters} / {v['retries']}", ""),
        ("ballots sent in the window", f"{v['ballots_sent']} in {args.window:.0f} s", ""),
        (
            "accepted / replayed (same receipt) / failed",
            f"{v['accepted']} / {v['replayed']} ({v['same_receipt']}) / {v['failed']}",
            ok(v["failed"] == 0 and v["same_receipt"] == v["retries"]),
        ),
        (
            "ack p50 / p99 / max (ms)",
            f"{v['ack_p50_ms']:.1f} / {v['ack_p99_ms']:.1f} / {v['ack_max_ms']:.0f}",
            ok(v["ack_p99_ms"] <= TARGETS["ack_p99_ms"]),
        ),
        ("accepted ballots/s", f"{v['accepted_per_s']:.0f}", ""),
        (
            "last accepted ballot's ack → every viewer has the final tally (ms)",
            f"{v['final_ms']:.0f} (missing: {v['viewers_missing_final']})",
            ok(v["final_ms"] <= TARGETS["final_ms"] and v["viewers_missing_final"] == 0),
        ),
        (
            "accepted == distinct voters == viewers' final total == snapshot == recount",
            f"{v['accepted']} == {args.voters} == {v['viewer_final_totals']} == {c['snapshot']} == {c['recount']}",
            ok(
                v["accepted"] == args.voters == c["snapshot"] == c["recount"] == c["snapshot_ballots"]
                and v["viewer_final_totals"] == [args.voters]
                and c["verified"]
            ),
        ),
        ("server CPU during the voting window (s)", f"{v['server_cpu_s']:.2f}", ""),
        ("fan-out: tally messages delivered (per s)", f"{f['messages']} ({f['messages_per_s']:.0f}/s)", ""),
        (
            "fan-out: server CPU per delivered message, the whole window (µs)",
            f"{f['cpu_ms_per_message'] * 1000:.1f}",
            "",
        ),
        (
            "fan-out: the same ticker before any viewer connected: server CPU (s), against the window's",
            f"{f['unwatched_cpu_s']:.2f} of {f['server_cpu_s']:.2f}",
            "",
        ),
        (
            "fan-out: server CPU per delivered message, net of the ticker's ballots (µs)",
            f"{f['net_cpu_ms_per_message'] * 1000:.1f}",
            "",
        ),
        ("baseline `websockets` broadcast: CPU per message (µs)", f"{b['cpu_ms_per_message'] * 1000:.1f}", ""),
        ("fan-out cost / baseline, the whole window", f"{f['ratio_to_baseline']:.2f}×", ""),
        (
            "fan-out cost / baseline, net of the ticker's ballots",
            f"{f['net_ratio_to_baseline']:.2f}×",
            ok(f["net_ratio_to_baseline"] <= TARGETS["fanout_ratio"]),
        ),
        (
            "server memory per viewer / per voter connection (KiB)",
            f"{out['mem_kib_per_viewer']:.0f} / {out['mem_kib_per_voter']:.0f}",
            "",
        ),
    ]
    print(f"\n### socket-only row (join passes made in the database, ballots over `vote`), {mode}")
    print("\n| measure | value | target |\n|---|---|---|")
    for name, value, mark in rows:
        print(f"| {name} | {value} | {mark} |")
    failures = []
    if not v["accepted"] == args.voters == c["snapshot"] == c["recount"] == c["snapshot_ballots"]:
        failures.append("socket-only: lost or double-counted ballots")
    if not (v["viewer_final_totals"] == [args.voters] and v["viewers_missing_final"] == 0):
        failures.append("socket-only: a viewer missed the final tally")
    if not (c["verified"] and v["same_receipt"] == v["retries"]):
        failures.append("socket-only: snapshot/recount or idempotent retries")
    return failures
