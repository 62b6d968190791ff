"""The real-page workloads, in the order an event runs: the screens open the presenter page, the
phones join through /join (the join storm), the moderator opens the round (round opening), the
phones vote through the voter page's path (the burst), then a second round measures the server
CPU per ballot of the socket path and of the HTTP path, side by side."""

from __future__ import annotations

import asyncio
import multiprocessing as mp
import time

from .devices import device_process, ws_url
from .moderator import Moderator
from .phones import Phone
from .servers import cpu_of, launch, pct, stop_servers
from .world import recount, setup_pages


class Fleet:
    """The load-generator processes: phones split over `client_procs`, screens in one more."""

    def __init__(self, args, ports, data, cookies):
        self.pipes, self.procs = [], []
        n = max(1, args.client_procs)
        for slot in range(n):
            self._start("phone", list(range(slot, args.phones, n)), ports, data, None)
        self.phone_pipes = list(self.pipes)
        if args.screens:
            self._start("screen", list(range(args.screens)), ports, data, cookies)
        self.screen_pipes = self.pipes[len(self.phone_pipes) :]

    def _start(self, kind, indices, ports, data, cookies):
        parent, child = mp.Pipe()
        proc = mp.Process(target=device_process, args=(child, kind, indices, ports, data, cookies), daemon=True)
        proc.start()
        parent.recv()
        self.pipes.append(parent)
        self.procs.append(proc)

    def ask(self, pipes, command, timeout=900) -> list[dict]:
        for p in pipes:
            p.send(command)
        answers = []
        for p in pipes:
            if not p.poll(timeout):
                raise RuntimeError(f"no answer to {command['cmd']}")
            answers.append(p.recv())
            if "crash" in answers[-1]:
                raise RuntimeError(f"load generator failed: {answers[-1]['crash']}")
        return answers

    def pids(self) -> list[int]:
        return [proc.pid for proc in self.procs]

    def stop(self):
        try:
            self.ask(self.pipes, {"cmd": "stop"}, 60)
        finally:
            for proc in self.procs:
                proc.join(5)
                if proc.is_alive():
                    proc.terminate()


def merged(answers: list[dict], key: str) -> list:
    return [x for a in answers for x in a[key]]


def total(answers: list[dict], key: str) -> int:
    return sum(a[key] for a in answers)


def _spread(values_ms) -> dict:
    return {
        "p50": pct(values_ms, 0.5),
        "p95": pct(values_ms, 0.95),
        "p99": pct(values_ms, 0.99),
        "max": max(values_ms, default=float("nan")),
        "n": len(values_ms),
    }


def run(args, server_env: dict) -> dict:
    data = setup_pages()
    servers, ports, pids = launch(args, server_env)
    out: dict = {"servers": len(pids), "ports": ports}
    fleet = None
    try:
        moderator = Moderator(ports[0], data["contest_id"], data["email"], data["password"])
        cookies = moderator.run(moderator.login)
        warm_up(ports, data)
        fleet = Fleet(args, ports, data, cookies)
        time.sleep(1.0)
        if args.screens:
            opened = fleet.ask(
                fleet.screen_pipes,
                {"cmd": "open", "start": time.monotonic() + 0.2, "window": args.screen_window, "total": args.screens},
            )
            out["screens"] = {
                **_spread([d * 1000 for d in merged(opened, "durations")]),
                "errors": total(opened, "errors"),
                "error_samples": merged(opened, "error_samples")[:3],
            }
            print(f"screens: {out['screens']}", flush=True)

        # 1. join storm
        cpu0, gen0 = cpu_of(pids), cpu_of(fleet.pids())
        joined = fleet.ask(
            fleet.phone_pipes,
            {"cmd": "join", "start": time.monotonic() + 0.5, "window": args.join_window, "total": args.phones},
        )
        out["join"] = {
            **_spread([d * 1000 for d in merged(joined, "durations")]),
            "errors": total(joined, "errors"),
            "error_samples": merged(joined, "error_samples")[:5],
            "overloaded": total(joined, "overloaded"),
            "socket_retries": total(joined, "socket_retries"),
            "state_fetches": total(joined, "fetches"),
            "server_cpu_s": cpu_of(pids) - cpu0,
            "generator_cpu_s": cpu_of(fleet.pids()) - gen0,
        }
        print(f"join storm: {out['join']}", flush=True)
        clients = out["join"]["n"] + out.get("screens", {}).get("n", 0)

        # 2. round opening
        time.sleep(2.0)
        out["opening"] = round_opening(fleet, moderator, pids, data["burst_round"], clients)
        print(f"round opening: {out['opening']}", flush=True)

        # 3. burst
        time.sleep(1.5)
        out["burst"] = burst(args, fleet, moderator, pids, data["burst_round"])
        print(f"burst: {out['burst']}", flush=True)

        # 4. CPU per ballot, socket and HTTP
        time.sleep(1.0)
        out["paths"] = paths(args, fleet, moderator, pids, data["paths_round"], clients)
        print(f"paths: {out['paths']}", flush=True)
        out["overloaded_total"] = total(fleet.ask(fleet.pipes, {"cmd": "counters"}), "overloaded")
    finally:
        if fleet is not None:
            fleet.stop()
        stop_servers(servers)
    return out


def warm_up(ports, data) -> None:
    """One untimed phone joins each process first: the first request of a fresh process compiles
    templates and imports lazily (seconds of CPU) that no later phone pays again."""

    async def go():
        for i, port in enumerate(ports):
            phone = Phone(-1 - i, port, port, data["contest_id"])
            try:
                await phone.join(data["join_code"], ws_url(port))
            finally:
                await phone.close()

    asyncio.run(go())


def round_opening(fleet, moderator, pids, round_id, clients) -> dict:
    cpu0 = cpu_of(pids)
    sent, answered, _rnd = moderator.run(moderator.round_action, round_id, "open")
    seen = fleet.ask(fleet.pipes, {"cmd": "shown", "round_id": round_id, "status": "open", "timeout": 60})
    cpu1 = cpu_of(pids)
    times = [(t - sent) * 1000 if t is not None else float("inf") for t in merged(seen, "times")]
    return {
        **_spread(times),
        "missing": sum(1 for t in times if t == float("inf")),
        "request_ms": (answered - sent) * 1000,
        "state_fetches": total(seen, "fetches"),
        "state_errors": total(seen, "state_errors"),
        "error_samples": merged(seen, "error_samples")[:3],
        "server_cpu_s": cpu1 - cpu0,
        "cpu_ms_per_client": (cpu1 - cpu0) * 1000 / max(1, clients),
    }


def burst(args, fleet, moderator, pids, round_id) -> dict:
    cpu0, gen0 = cpu_of(pids), cpu_of(fleet.pids())
    voted = fleet.ask(
        fleet.phone_pipes,
        {
            "cmd": "vote",
            "round_id": round_id,
            "start": time.monotonic() + 0.5,
            "window": args.burst_window,
            "total": args.phones,
            "duplicates": args.duplicates,
            "ack_timeout": args.ack_timeout,
        },
    )
    accepted, last_ack = total(voted, "accepted"), max(a["last_ack"] for a in voted)
    held = fleet.ask(fleet.pipes, {"cmd": "final", "round_id": round_id, "total": accepted, "timeout": 30})
    cpu1, gen1 = cpu_of(pids), cpu_of(fleet.pids())
    screens = held[len(fleet.phone_pipes) :]
    state = moderator.run(moderator.state)
    moderator.run(moderator.round_action, round_id, "close")
    check = recount(round_id)
    last_held = max(merged(held, "times"), default=None)
    acks = merged(voted, "socket_ms")
    return {
        "ack": _spread(acks),
        "duplicate_http": _spread(merged(voted, "duplicate_ms")),
        "send_late": _spread(merged(voted, "send_late_ms")),
        "voters": total(voted, "voters"),
        "voters_with_receipt": total(voted, "voters_with_receipt"),
        "one_created_each": total(voted, "one_created_each"),
        "duplicates": total(voted, "duplicates"),
        "same_receipt": total(voted, "same_receipt"),
        "fallbacks": total(voted, "fallbacks"),
        "accepted": accepted,
        "replayed": total(voted, "replayed"),
        "failed": total(voted, "failed"),
        "failures": merged(voted, "failures")[:3],
        "accepted_per_s": accepted / max(1e-9, last_ack - min(a["first_send"] for a in voted)),
        "final_ms": (last_held - last_ack) * 1000 if last_held else float("nan"),
        "missing_final": total(held, "missing"),
        "phone_totals": sorted({t for a in held[: len(fleet.phone_pipes)] for t in a["totals"]}, key=str),
        "screen_totals": sorted({t for a in screens for t in a["totals"]}, key=str),
        "state_total": (state.get("tally") or {}).get("total"),
        "check": check,
        "server_cpu_s": cpu1 - cpu0,
        "generator_cpu_s": gen1 - gen0,
    }


def paths(args, fleet, moderator, pids, round_id, clients) -> dict:
    """Open the second round, let the screens settle, then N socket ballots and N HTTP ballots in
    separate windows; server CPU of each window, also net of the idle CPU (heartbeats, pings)."""
    n = max(1, min(args.path_ballots, args.phones // 2))
    moderator.run(moderator.round_action, round_id, "open")
    fleet.ask(fleet.pipes, {"cmd": "shown", "round_id": round_id, "status": "open", "timeout": 60})
    time.sleep(1.5)
    cpu0, t0 = cpu_of(pids), time.monotonic()
    time.sleep(args.path_window + 1.0)
    idle_rate = (cpu_of(pids) - cpu0) / (time.monotonic() - t0)
    out = {"ballots_per_path": n, "idle_cpu_ms_per_s": idle_rate * 1000}
    for via, offset in (("socket", 0), ("http", n)):
        cpu0, t0 = cpu_of(pids), time.monotonic()
        answers = fleet.ask(
            fleet.phone_pipes,
            {
                "cmd": "path",
                "via": via,
                "round_id": round_id,
                "offset": offset,
                "count": n,
                "start": time.monotonic() + 0.3,
                "window": args.path_window,
            },
        )
        time.sleep(1.0)  # the coalesced tally of the last ballots goes out
        cpu, seconds = cpu_of(pids) - cpu0, time.monotonic() - t0
        ok = total(answers, "ok")
        out[via] = {
            "ok": ok,
            "failed": total(answers, "failed"),
            "failures": merged(answers, "failures")[:3],
            "ms": _spread(merged(answers, "latencies")),
            "cpu_ms_per_ballot": cpu * 1000 / max(1, ok),
            "net_cpu_ms_per_ballot": (cpu - idle_rate * seconds) * 1000 / max(1, ok),
        }
        time.sleep(1.0)
    out["http_over_socket"] = out["http"]["net_cpu_ms_per_ballot"] / max(1e-9, out["socket"]["net_cpu_ms_per_ballot"])
    moderator.run(moderator.round_action, round_id, "close")
    return out
