"""Live voting benchmark: the real server (gunicorn + gevent, deploy/gunicorn-socketio.conf.py,
as deployed, on PostgreSQL; with two processes Redis is their message queue), driven by clients
that make the requests and send the Socket.IO frames of the real pages (benchmarks/live/).

    make bench-voting            # both rows, one process, then two processes with Redis
    flock -x /tmp/bench.lock .venv/bin/python benchmarks/live_voting.py --processes 1
    ... --processes 2                                       # clients split, duplicates to the other
    ... --phones 150 --screens 4 --viewers 100 --voters 200 # a quick smoke run

Row 1, the real pages (live/page_workloads.py):
 1. Join storm: `--phones` join within `--join-window` s (open loop): GET /join/<code>, POST the
    form with its CSRF token, the voter page and its assets, the socket, `join` (its ack carries
    the state). p50/p95/p99 of the whole join; errors; 503s (retried as the pages do).
 2. Round opening with every phone and `--screens` presenter screens connected: the moderator's
    POST .../open until the last device shows the open round (from the `round` event's state,
    or the state fetched after a random 0-1 s delay when the event carries only the round).
    Server CPU per connected client.
 3. Burst: every phone votes over its socket within `--burst-window` s (open loop), and a share
    (`--duplicates`) also POSTs the same ballot (same Idempotency-Key) as the voter page's HTTP
    fallback does, to the other process with two. Ack p50/p99; last ballot → every device holds
    the final tally; accepted == voters == screens == GET state == snapshot == recount.
 4. Server CPU per ballot: a second round, `--path-ballots` ballots over the socket and as many
    over HTTP, in separate quiet windows, side by side (also net of the idle CPU).
Row 2, socket-only (live/socket_only.py): the old workload (join passes made in the database,
ballots over `vote`, viewers), and the fan-out against a plain `websockets` broadcast.

Linux only (reads /proc). Not part of the test suite. Results: markdown tables on stdout and
benchmarks/results/live_voting-<UTC time>.json.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing as mp
import os
import signal
import sys
import time
import uuid

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)

from benchmarks.live import page_report, page_workloads, socket_only  # noqa: E402
from benchmarks.live.world import ensure_database  # noqa: E402


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--workload", choices=("both", "pages", "socket"), default="both")
    parser.add_argument("--processes", type=int, default=1, choices=(1, 2))
    parser.add_argument("--database-url", default="postgresql+psycopg://postgres@127.0.0.1:5432/bench_voting")
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/9", help="used with --processes 2")
    parser.add_argument("--cpus", default="0,1", help="cores of the servers (taskset), the same for the baseline")
    pages = parser.add_argument_group("real pages")
    pages.add_argument("--phones", type=int, default=2000)
    pages.add_argument("--screens", type=int, default=50)
    pages.add_argument("--join-window", type=float, default=60.0, help="seconds over which the phones join")
    pages.add_argument("--screen-window", type=float, default=10.0, help="seconds over which the screens open")
    pages.add_argument("--burst-window", type=float, default=5.0, help="seconds over which every phone votes")
    pages.add_argument("--duplicates", type=float, default=0.2, help="share of phones that retry over HTTP")
    pages.add_argument(
        "--ack-timeout",
        type=float,
        default=4.0,
        help="how often the voter page checks its socket while it waits for the ack",
    )
    pages.add_argument("--path-ballots", type=int, default=500, help="ballots per path in the CPU windows")
    pages.add_argument("--path-window", type=float, default=5.0)
    pages.add_argument("--client-procs", type=int, default=2, help="load-generator processes for the phones")
    old = parser.add_argument_group("socket-only")
    old.add_argument("--viewers", type=int, default=1000)
    old.add_argument("--voters", type=int, default=2000)
    old.add_argument("--window", type=float, default=5.0, help="seconds over which the voters vote")
    old.add_argument("--fanout-seconds", type=float, default=6.0)
    old.add_argument("--fanout-rate", type=float, default=10.0, help="ballot changes/s that keep the tally moving")
    return parser.parse_args()


def stop_on_sigterm() -> None:
    """`timeout` or a kill ends the run through its `finally` blocks: servers and load generators
    stop with it (forked children just exit)."""
    main_pid = os.getpid()

    def on_term(*_args):
        if os.getpid() != main_pid:
            os._exit(143)
        raise SystemExit(143)

    signal.signal(signal.SIGTERM, on_term)


def main() -> int:
    args = parse_args()
    stop_on_sigterm()
    secret = os.environ.get("SECRET_KEY", "bench-secret-" + uuid.uuid4().hex)
    os.environ.update(DATABASE_URL=args.database_url, SECRET_KEY=secret, JOBS_INLINE="1")
    os.environ.pop("REDIS_URL", None)
    mp.set_start_method("fork")
    ensure_database(args.database_url)
    server_env = {**os.environ, "APP_ENV": "production", "PYTHONPATH": ROOT}
    out: dict = {"config": vars(args)}
    failures: list[str] = []
    if args.workload in ("both", "pages"):
        out["pages"] = page_workloads.run(args, server_env)
    if args.workload in ("both", "socket"):
        out["socket_only"] = socket_only.run(args, server_env)
    if "pages" in out:
        failures += page_report.report(args, out["pages"])
    if "socket_only" in out:
        failures += socket_only.report(args, out["socket_only"])
    os.makedirs(os.path.join(ROOT, "benchmarks", "results"), exist_ok=True)
    path = os.path.join(
        ROOT, "benchmarks", "results", f"live_voting-{time.strftime('%Y%m%dT%H%M%SZ', time.gmtime())}.json"
    )
    with open(path, "w") as fh:
        json.dump(out, fh, indent=2, default=str)
    print(f"\n{path}")
    for failure in failures:
        print(f"FAILED: {failure}", file=sys.stderr)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
