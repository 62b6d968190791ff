"""Evaluate engine configurations on one build of a judged set (the same evaluate() as `flask matchmaking evaluate`):
nice .venv/bin/python benchmarks/matching_variants.py '{"alpha": 0.7}' '{"category_bonus": 1.0}'
"""

import json
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from dataclasses import replace
from app.matchmaking.evaluation import load_dir, evaluate, format_report
from app.matchmaking.engine import MatchingEngine, EngineConfig

ch, so, qrels = load_dir("benchmarks/data/matching-dev")
t = time.perf_counter()
cpu = time.process_time()
eng = MatchingEngine(EngineConfig(), semantic=None)
eng.build(list(so) + list(ch))
print(f"build wall {time.perf_counter() - t:.1f} s, cpu {time.process_time() - cpu:.1f} s", flush=True)
variants = [("baseline", {})] + [(a, json.loads(a)) for a in sys.argv[1:]]
base = eng.config
for name, over in variants:
    eng.config = replace(base, **over)
    eng._mask_cache = {}
    r = evaluate(ch, so, qrels, engine=eng)
    print(f"\n### {name}\n" + format_report(r), flush=True)
