"""The servers under test (gunicorn + gevent with deploy/gunicorn-socketio.conf.py, as deployed),
their CPU and memory from /proc, and the plain `websockets` broadcast server of the fan-out
baseline."""

from __future__ import annotations

import asyncio
import multiprocessing as mp
import os
import socket
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
CLK = os.sysconf("SC_CLK_TCK")
PAGE = os.sysconf("SC_PAGE_SIZE")


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


def cpu_of(pids) -> float:
    return proc_stats(pids)[0]


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


def start_servers(cpus: str, env: dict, ports: list[int]) -> list[subprocess.Popen]:
    conf = os.environ.get("BENCH_GUNICORN_CONF") or os.path.join(ROOT, "deploy/gunicorn-socketio.conf.py")
    procs = [
        subprocess.Popen(
            [
                "taskset",
                "-c",
                cpus,
                os.path.join(ROOT, ".venv/bin/gunicorn"),
                "-c",
                conf,
                "-b",
                f"127.0.0.1:{port}",
                "wsgi:app",
            ],
            cwd=ROOT,
            env=env,
        )
        for port in ports
    ]
    for port in ports:
        wait_port(port, 60)
    return procs


def stop_servers(procs) -> None:
    for s in procs:
        s.terminate()
    for s in procs:
        try:
            s.wait(15)
        except subprocess.TimeoutExpired:
            s.kill()


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


def pct(values, q):
    values = sorted(values)
    return values[min(len(values) - 1, max(0, int(round(q * len(values))) - 1))] if values else float("nan")


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


def run_baseline(cpus: str, n_viewers, count, interval, size) -> dict:
    port = free_port()
    server = subprocess.Popen(["taskset", "-c", cpus, sys.executable, "-c", BASELINE, str(port)])
    try:
        wait_port(port)
        parent, child = mp.Pipe()
        client = mp.Process(target=baseline_process, args=(child, port, n_viewers))
        client.start()
        parent.recv()
        cpu0, rss1 = proc_stats([server.pid])
        answer = ask(parent, {"cmd": "go", "count": count, "interval": interval, "size": size})
        cpu1, _ = proc_stats([server.pid])
        client.join(30)
        return {
            "messages": answer["messages"],
            "cpu_ms_per_message": (cpu1 - cpu0) * 1000 / max(1, answer["messages"]),
            "rss_mb": rss1 / 2**20,
        }
    finally:
        server.terminate()
        server.wait(10)


def launch(args, env: dict, origins: str | None = None):
    """`args.processes` servers on free ports ((procs, ports, worker pids)); with two, Redis is
    their message queue (flushed first). Origins default to the servers' own addresses."""
    ports = [free_port() for _ in range(args.processes)]
    env = {**env, "SOCKETIO_ALLOWED_ORIGINS": origins or ",".join(f"http://127.0.0.1:{p}" for p in ports)}
    if args.processes == 2:
        env["REDIS_URL"] = args.redis_url
        from redis import Redis

        Redis.from_url(args.redis_url).flushdb()
    procs = start_servers(args.cpus, env, ports)
    return procs, ports, worker_pids(procs)
