"""In-process timing of the challenge page and its similar-challenges section (bench_pages DB).

flock -x /tmp/bench.lock .venv/bin/python benchmarks/similar_section.py   # N=60, PROFILE=1 for pyinstrument
"""

import os
import sys
import time
import statistics
import random
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))
import pages  # noqa: E402
from sqlalchemy import event, text  # noqa: E402

app = pages.bench_app(pages.database_url())
from app.extensions import db  # noqa: E402
from app.matchmaking import routes  # noqa: E402

n = int(os.environ.get("N", "60"))
with app.app_context():
    ids = [
        r[0]
        for r in db.session.execute(
            text("SELECT id FROM challenges WHERE status='published' AND visibility='public' ORDER BY id")
        )
    ]
random.Random(1).shuffle(ids)
ids = ids[:n]
count = [0]
with app.app_context():
    event.listen(db.engine, "before_cursor_execute", lambda *a: count.__setitem__(0, count[0] + 1))
client = app.test_client()
client.get(f"/challenges/{ids[0]}")  # warm (loads the index)


def run(label, fn):
    ts, qs = [], []
    for i in ids:
        count[0] = 0
        t = time.perf_counter()
        fn(i)
        ts.append((time.perf_counter() - t) * 1000)
        qs.append(count[0])
    ts.sort()
    print(
        f"{label:10s} n={len(ts)} mean={statistics.mean(ts):.2f}ms p50={ts[len(ts) // 2]:.2f} p95={ts[int(len(ts) * 0.95)]:.2f} queries={statistics.mean(qs):.1f}"
    )


from app.challenges.models import Challenge  # noqa: E402


def sect(i):
    with app.test_request_context("/"):
        c = db.session.get(Challenge, i)
        count[0] = 0
        t = time.perf_counter()
        routes.similar_section(c, None)
        sect.t.append((time.perf_counter() - t) * 1000)
        db.session.remove()


sect.t = []


def page(i):
    r = client.get(f"/challenges/{i}")
    assert r.status_code == 200, r.status_code


for _ in range(2):
    sect.t = []
    run("section+ld", sect)
    st = sorted(sect.t)
    print(
        f"  section only: mean={statistics.mean(st):.2f}ms p50={st[len(st) // 2]:.2f} p95={st[int(len(st) * 0.95)]:.2f}"
    )
    run("page", page)
if os.environ.get("PROFILE"):
    from pyinstrument import Profiler

    p = Profiler()
    p.start()
    for _ in range(3):
        run("sect-prof", sect)
    p.stop()
    print(p.output_text(unicode=True, color=False, show_all=False)[:6000])
