"""A load-generator process holding many devices (phones or screens) on one asyncio loop. The
parent sends commands over a pipe; every schedule is open loop: each device acts at its own
scheduled time (from a shared monotonic clock), whatever happened to the others.

No garbage collection while a command runs (`_no_collections`). One process simulates a thousand
phones, and one of its collections stops all of them at once, which no real phone does: with
collections on, the 2-process burst's ballots went out up to 310 ms after their scheduled time
(p99 250 ms), and that lateness was counted in the ack times (measured from the schedule). The
burst reports how late the generators sent (`send_late`), so a row shows whether the schedule held.
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import random
import resource
import time
import uuid

from .phones import Phone
from .screens import Screen
from .web import Counters


def ws_url(port: int) -> str:
    return f"ws://127.0.0.1:{port}/socket.io/?EIO=4&transport=websocket"


def device_process(conn, kind: str, indices: list[int], ports: list[int], data: dict, cookies: dict | None = None):
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    asyncio.run(_serve(conn, kind, indices, ports, data, cookies))


async def _serve(conn, kind, indices, ports, data, cookies):
    counters = Counters()
    make = Phone if kind == "phone" else Screen
    devices = [
        make(i, ports[i % len(ports)], ports[(i + 1) % len(ports)], data["contest_id"], cookies, counters)
        for i in indices
    ]
    loop = asyncio.get_running_loop()
    conn.send({"ready": len(devices)})
    while True:
        command = await loop.run_in_executor(None, conn.recv)
        if command["cmd"] == "stop":
            await asyncio.gather(*(d.close() for d in devices), return_exceptions=True)
            conn.send({"ok": True})
            return
        try:
            with _no_collections():
                answer = await COMMANDS[command["cmd"]](devices, command, data)
        except Exception as exc:  # reported to the parent, which stops the run
            answer = {"crash": f"{command['cmd']}: {exc!r}"}
        answer["overloaded"] = counters.overloaded
        answer["requests"] = counters.requests
        answer["socket_retries"] = counters.socket_retries
        conn.send(answer)


@contextlib.contextmanager
def _no_collections():
    """What exists before the command is frozen out of the collector's sight, and nothing is
    collected until it ends (a command lasts seconds; the garbage is collected afterwards)."""
    gc.collect()
    gc.freeze()
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


async def _at(when: float) -> None:
    await asyncio.sleep(max(0.0, when - time.monotonic()))


async def _until(devices, done, deadline: float) -> None:
    """Wait until done(d) for every device (each checked until it is; the times measured are those
    recorded when the frames arrived, so this polling only costs the load generator's CPU)."""
    pending = list(devices)
    while pending and time.monotonic() < deadline:
        pending = [d for d in pending if not done(d)]
        if pending:
            await asyncio.sleep(0.05)


def _live(devices):
    return [d for d in devices if d.sock is not None and d.sock.connected]


async def go_live(devices, command, data) -> dict:
    """Phones: the join storm (`join`); screens: the presenter pages (`open`). Scheduled by
    global index across `window` seconds."""
    start, window, total = command["start"], command["window"], command["total"]
    durations, errors = [], []

    async def one(d):
        await _at(start + d.index * window / total)
        try:
            if isinstance(d, Phone):
                durations.append(await d.join(data["join_code"], ws_url(d.port)))
            else:
                durations.append(await d.open(ws_url(d.port)))
        except Exception as exc:
            errors.append(f"{type(d).__name__} {d.index}: {exc!r}"[:300])

    await asyncio.gather(*(one(d) for d in devices))
    return {
        "durations": durations,
        "errors": len(errors),
        "error_samples": errors[:5],
        "fetches": sum(d.fetches for d in devices),
    }


async def shown(devices, command, data) -> dict:
    """Wait until every live device shows the round in `status`; the first time each did."""
    key, deadline = (command["round_id"], command["status"]), time.monotonic() + command["timeout"]
    live = _live(devices)
    await _until(live, lambda d: key in d.shown, deadline)
    return {
        "times": [d.shown.get(key) for d in live],
        "fetches": sum(d.fetches for d in devices),
        "state_errors": sum(len(d.errors) for d in devices),
        "error_samples": [e for d in devices for e in d.errors][:3],
    }


async def final(devices, command, data) -> dict:
    """Wait until every live device holds a tally of the round with `total` ballots."""
    rid, total, deadline = command["round_id"], command["total"], time.monotonic() + command["timeout"]
    live = _live(devices)
    await _until(live, lambda d: d.final_tally(rid, total), deadline)
    hits = [d.final_tally(rid, total) for d in live]
    return {
        "times": [h[0] for h in hits if h],
        "missing": sum(h is None for h in hits),
        "totals": sorted({d.last_total(rid) for d in live}, key=lambda x: (x is None, x)),
        "messages": sum(len(d.tallies) for d in live),
    }


async def vote(devices, command, data) -> dict:
    """The burst: each live phone casts one ballot over its socket at its scheduled time; the
    chosen duplicates also POST the same ballot (same key) 50-500 ms later to the other process."""
    rid, start, window, total = command["round_id"], command["start"], command["window"], command["total"]
    rng = random.Random(command.get("seed", 42) + len(devices))
    results: dict[int, list] = {}

    late: list[float] = []

    async def cast(p, path, at, entry, key):
        await _at(at)
        late.append((time.monotonic() - at) * 1000)
        try:
            if path == "duplicate":
                acked, answer = await p.vote_http(rid, entry, key, p.other_port)
            else:
                path, acked, answer = await p.vote_socket(rid, entry, key, command["ack_timeout"])
        except Exception as exc:
            acked, answer = time.monotonic(), {"ok": False, "error": repr(exc)}
        results.setdefault(p.index, []).append((path, at, acked, answer))

    tasks = []
    for p in _live(devices):
        at, entry, key = start + p.index * window / total, rng.choice(data["entries"]), uuid.uuid4().hex
        tasks.append(cast(p, "socket", at, entry, key))
        if rng.random() < command["duplicates"]:
            tasks.append(cast(p, "duplicate", at + rng.uniform(0.05, 0.5), entry, key))
    await asyncio.gather(*tasks)
    answers = [r for rs in results.values() for r in rs]
    # Accepted: a ballot whose voter holds a receipt. A socket ack that came after the page's 4 s
    # wait is dropped by the page, whose HTTP fallback then gets the same receipt as a replay:
    # still one ballot (the snapshot and recount below are the server's own count).
    ok = [r for r in answers if r[3].get("ok")]
    receipts = {r[3]["receipt"] for r in ok}
    return {
        "socket_ms": [(a - s) * 1000 for path, s, a, ans in answers if path != "duplicate" and ans.get("ok")],
        "duplicate_ms": [(a - s) * 1000 for path, s, a, ans in answers if path == "duplicate" and ans.get("ok")],
        "send_late_ms": late,
        "fallbacks": sum(1 for r in answers if r[0] == "fallback"),
        "duplicates": sum(1 for r in answers if r[0] == "duplicate"),
        "accepted": len(receipts),
        "created": sum(1 for r in ok if not r[3].get("replayed")),
        "replayed": sum(1 for r in answers if r[3].get("ok") and r[3].get("replayed")),
        "failed": sum(1 for r in answers if not r[3].get("ok")),
        "failures": [r[3] for r in answers if not r[3].get("ok")][:3],
        "one_created_each": sum(
            1 for rs in results.values() if len({r[3]["receipt"] for r in rs if r[3].get("ok")}) == 1
        ),
        "same_receipt": sum(
            1
            for rs in results.values()
            if len(rs) == 2 and rs[0][3].get("receipt") and rs[0][3].get("receipt") == rs[1][3].get("receipt")
        ),
        "voters": len(results),
        "voters_with_receipt": sum(1 for rs in results.values() if any(r[3].get("ok") for r in rs)),
        "first_send": start,
        "last_ack": max((r[2] for r in ok), default=start),
    }


async def path(devices, command, data) -> dict:
    """Ballots of the phones [offset, offset + count) through ONE path (`socket` or `http`), spread
    over `window` seconds: the CPU-per-ballot windows."""
    rid, start, window = command["round_id"], command["start"], command["window"]
    offset, count, via = command["offset"], command["count"], command["via"]
    chosen = [p for p in _live(devices) if offset <= p.index < offset + count]
    latencies, failed = [], []

    async def one(p):
        at = start + (p.index - offset) * window / count
        await _at(at)
        entry, key = data["entries"][p.index % len(data["entries"])], uuid.uuid4().hex
        try:
            if via == "socket":
                _path, acked, answer = await p.vote_socket(rid, entry, key, 30)
            else:
                acked, answer = await p.vote_http(rid, entry, key, p.port)
        except Exception as exc:
            acked, answer = time.monotonic(), {"ok": False, "error": repr(exc)}
        (latencies if answer.get("ok") else failed).append((acked - at) * 1000 if answer.get("ok") else answer)

    await asyncio.gather(*(one(p) for p in chosen))
    return {
        "sent": len(chosen),
        "ok": len(latencies),
        "failed": len(failed),
        "failures": failed[:3],
        "latencies": latencies,
    }


async def counters(devices, command, data) -> dict:
    """Nothing but the process's HTTP counters (added to every answer)."""
    return {}


COMMANDS = {
    "counters": counters,
    "join": go_live,
    "open": go_live,
    "shown": shown,
    "final": final,
    "vote": vote,
    "path": path,
}
