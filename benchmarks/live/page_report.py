"""The markdown table of the real-page workloads, and the guarantees they must hold."""

from __future__ import annotations

TARGETS = {"join_p99_ms": 1000, "opening_ms": 2000, "ack_p99_ms": 150, "final_ms": 500}


def _ok(good: bool) -> str:
    return "✅" if good else "❌"


def _ms(s: dict, keys=("p50", "p95", "p99", "max")) -> str:
    return " / ".join(f"{s[k]:.0f}" for k in keys)


def consistent(joined: int, b: dict) -> bool:
    """Every joined phone voted once, and every count agrees."""
    c = b["check"]
    return (
        joined
        == b["accepted"]
        == b["voters"]
        == b["voters_with_receipt"]
        == b["one_created_each"]
        == c["snapshot"]
        == c["recount"]
        == c["snapshot_ballots"]
        == b["state_total"]
        and b["screen_totals"] == [b["accepted"]]
        and b["phone_totals"] == [b["accepted"]]
        and c["verified"]
    )


def report(args, out: dict) -> list[str]:
    j, o, b, p = out["join"], out["opening"], out["burst"], out["paths"]
    s = out.get("screens", {"n": 0, "errors": 0, "p99": float("nan")})
    c = b["check"]
    mode = "1 process" if args.processes == 1 else "2 processes + Redis queue (clients split, duplicates to the other)"
    rows = [
        ("server", f"gunicorn gevent, {mode}, cores {args.cpus}", ""),
        (
            "screens opened (presenter page + socket): n / p99 ms / errors",
            f"{s['n']} / {s['p99']:.0f} / {s['errors']}",
            _ok(s["errors"] == 0),
        ),
        (f"join storm: phones joined in {args.join_window:.0f} s (open loop)", f"{j['n']} of {args.phones}", ""),
        (
            "join storm: whole join p50 / p95 / p99 / max (ms), page → join ack",
            _ms(j),
            _ok(j["p99"] <= TARGETS["join_p99_ms"]),
        ),
        (
            "join storm: errors / 503s (retried) / socket connects timed out (20 s; retried) / state fetches",
            f"{j['errors']} / {j['overloaded']} / {j['socket_retries']} / {j['state_fetches']}",
            _ok(j["errors"] == 0),
        ),
        (
            "join storm: server CPU per join (ms); load generators' CPU (s)",
            f"{j['server_cpu_s'] * 1000 / max(1, j['n']):.1f}; {j['generator_cpu_s']:.1f}",
            "",
        ),
        (
            "round opening: moderator's request → every phone and screen shows it, p99 / max (ms)",
            f"{o['p99']:.0f} / {o['max']:.0f} ({o['n']} connected, missing {o['missing']})",
            _ok(o["max"] <= TARGETS["opening_ms"] and o["n"] == j["n"] + s["n"]),
        ),
        (
            "round opening: state fetches it caused / their errors",
            f"{o['state_fetches'] - j['state_fetches']} / {o['state_errors']}",
            _ok(o["state_errors"] == 0),
        ),
        ("round opening: server CPU per connected client (ms)", f"{o['cpu_ms_per_client']:.2f}", ""),
        (
            f"burst: ballots over the socket in {args.burst_window:.0f} s + HTTP duplicates (same key)",
            f"{b['voters']} + {b['duplicates']} (socket fallbacks {b['fallbacks']})",
            "",
        ),
        (
            "burst: ack p50 / p95 / p99 / max (ms), from each ballot's scheduled time",
            _ms(b["ack"]),
            _ok(b["ack"]["p99"] <= TARGETS["ack_p99_ms"]),
        ),
        (
            "burst: load generators sent the ballots late by p50 / p99 / max (ms)",
            _ms(b["send_late"], ("p50", "p99", "max")),
            "",
        ),
        (
            "burst: HTTP duplicate p50 / p99 (ms); server / load generators' CPU (s)",
            f"{_ms(b['duplicate_http'], ('p50', 'p99'))}; {b['server_cpu_s']:.1f} / {b['generator_cpu_s']:.1f}",
            "",
        ),
        (
            "burst: accepted / replayed (same receipt) / failed",
            f"{b['accepted']} / {b['replayed']} ({b['same_receipt']} of {b['duplicates']}) / {b['failed']}",
            _ok(b["failed"] == 0 and b["same_receipt"] == b["duplicates"]),
        ),
        (
            "burst: last accepted ack → every phone and screen holds the final tally (ms)",
            f"{b['final_ms']:.0f} (missing {b['missing_final']})",
            _ok(b["final_ms"] <= TARGETS["final_ms"] and b["missing_final"] == 0),
        ),
        (
            "accepted == distinct voters == screens' final == GET state == snapshot == recount",
            f"{b['accepted']} == {b['voters']} == {b['screen_totals']} == {b['state_total']} == {c['snapshot']} == {c['recount']}",
            _ok(consistent(j["n"], b)),
        ),
        (
            f"server CPU per ballot, socket vs HTTP ({p['ballots_per_path']} each, net of idle) (ms)",
            f"{p['socket']['net_cpu_ms_per_ballot']:.2f} vs {p['http']['net_cpu_ms_per_ballot']:.2f} "
            f"({p['http_over_socket']:.2f}×; raw {p['socket']['cpu_ms_per_ballot']:.2f} vs {p['http']['cpu_ms_per_ballot']:.2f})",
            "",
        ),
        (
            "CPU windows: ack p99 socket / HTTP (ms); failed",
            f"{p['socket']['ms']['p99']:.0f} / {p['http']['ms']['p99']:.0f}; "
            f"{p['socket']['failed'] + p['http']['failed']}",
            _ok(p["socket"]["failed"] + p["http"]["failed"] == 0),
        ),
        ("503 answers over the whole run (each retried after Retry-After + jitter)", f"{out['overloaded_total']}", ""),
    ]
    print(f"\n### real pages row (phones through /join, screens on the presenter page), {mode}")
    print("\n| measure | value | target |\n|---|---|---|")
    for name, value, mark in rows:
        print(f"| {name} | {value} | {mark} |")
    failures = []
    if j["errors"] or s["errors"] or o["missing"] or o["state_errors"] or o["n"] != j["n"] + s["n"]:
        failures.append("pages: errors joining, opening screens or showing the round (or a socket dropped)")
    if not consistent(j["n"], b):
        failures.append("pages: lost or double-counted ballots, or a device missed the final tally")
    if b["failed"] or b["same_receipt"] != b["duplicates"] or p["socket"]["failed"] or p["http"]["failed"]:
        failures.append("pages: failed ballots or retries without the same receipt")
    return failures
