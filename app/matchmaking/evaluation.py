"""Offline evaluation of the matching engine on a labelled directory (no database needed).

Directory format (UTF-8):
  challenges.jsonl  {"id","title","description","category","tags","environments",
                     "budget_max_jpy","prefecture","language"}
  solutions.jsonl   {"id","title","description","category","tags","environments",
                     "price_jpy_per_year","prefectures_served","language"}
  qrels.tsv         challenge_id <TAB> solution_id <TAB> grade   (2 strong, 1 partial, else 0)

Metrics: nDCG@10 (gain 2^grade - 1), Recall@20 (grade >= 1), MRR of the first grade-2
result; overall, per challenge language, and for two halves of the challenges (odd and
even trailing number of the id, or of its CRC32 when it has none). A ranking change that
helps only one half is probably fitted to a few queries. Challenges without any
judged-relevant solution are left out of the averages of the metrics they cannot define.
"""

from __future__ import annotations

import json
import math
import re
import time
import zlib
from pathlib import Path
from typing import Iterable

from .engine import Document, EngineConfig, MatchingEngine

CONFIGS = ("hybrid", "lexical", "semantic")
METRICS = (("ndcg@10", "nDCG@10"), ("recall@20", "Recall@20"), ("mrr", "MRR (grade 2)"))
RANK_DEPTH = 100


# ------------------------------------------------------------------- loading
def _read_jsonl(path: Path) -> list[dict]:
    rows = []
    with open(path, encoding="utf-8") as fh:
        for n, line in enumerate(fh, 1):
            line = line.strip()
            if not line or line.startswith("//"):
                continue
            try:
                rows.append(json.loads(line))
            except json.JSONDecodeError as exc:
                raise ValueError(f"{path}:{n}: invalid JSON ({exc})") from exc
    return rows


def to_document(row: dict, kind: str) -> Document:
    return Document(
        id=str(row["id"]),
        kind=kind,
        title=row.get("title") or "",
        text=row.get("description") or row.get("text") or "",
        language=row.get("language"),
        category=row.get("category"),
        tags=row.get("tags") or [],
        environments=row.get("environments") or [],
        budget_max_jpy=row.get("budget_max_jpy"),
        price_jpy_per_year=row.get("price_jpy_per_year"),
        prefecture=row.get("prefecture"),
        prefectures_served=row.get("prefectures_served") or [],
    )


def read_qrels(path: Path) -> dict[str, dict[str, int]]:
    qrels: dict[str, dict[str, int]] = {}
    with open(path, encoding="utf-8") as fh:
        for n, line in enumerate(fh, 1):
            line = line.rstrip("\n")
            if not line.strip() or line.startswith("#"):
                continue
            parts = line.split("\t")
            if len(parts) < 3:
                raise ValueError(f"{path}:{n}: expected challenge_id<TAB>solution_id<TAB>grade")
            try:
                grade = int(parts[2])
            except ValueError:
                if n == 1:  # header line
                    continue
                raise
            qrels.setdefault(parts[0].strip(), {})[parts[1].strip()] = grade
    return qrels


def load_dir(path) -> tuple[list[Document], list[Document], dict[str, dict[str, int]]]:
    path = Path(path)
    challenges = [to_document(r, "challenge") for r in _read_jsonl(path / "challenges.jsonl")]
    solutions = [to_document(r, "solution") for r in _read_jsonl(path / "solutions.jsonl")]
    return challenges, solutions, read_qrels(path / "qrels.tsv")


# ------------------------------------------------------------------- metrics
def ndcg_at(ranked: list[str], grades: dict[str, int], k: int = 10) -> float | None:
    ideal = sorted((g for g in grades.values() if g > 0), reverse=True)[:k]
    if not ideal:
        return None
    idcg = sum((2**g - 1) / math.log2(i + 2) for i, g in enumerate(ideal))
    dcg = sum((2 ** grades.get(d, 0) - 1) / math.log2(i + 2) for i, d in enumerate(ranked[:k]))
    return dcg / idcg


def recall_at(ranked: list[str], grades: dict[str, int], k: int = 20) -> float | None:
    relevant = {d for d, g in grades.items() if g >= 1}
    if not relevant:
        return None
    return len(relevant & set(ranked[:k])) / len(relevant)


def reciprocal_rank(ranked: list[str], grades: dict[str, int], grade: int = 2) -> float | None:
    if not any(g >= grade for g in grades.values()):
        return None
    for i, d in enumerate(ranked, 1):
        if grades.get(d, 0) >= grade:
            return 1.0 / i
    return 0.0


def query_metrics(ranked: list[str], grades: dict[str, int]) -> dict[str, float | None]:
    return {
        "ndcg@10": ndcg_at(ranked, grades, 10),
        "recall@20": recall_at(ranked, grades, 20),
        "mrr": reciprocal_rank(ranked, grades, 2),
    }


def aggregate(per_query: Iterable[dict[str, float | None]]) -> dict:
    per_query = list(per_query)
    out: dict = {"queries": len(per_query)}
    for key, _ in METRICS:
        vals = [m[key] for m in per_query if m[key] is not None]
        out[key] = sum(vals) / len(vals) if vals else None
        out[f"{key}_n"] = len(vals)
    return out


HALVES = ("odd", "even")
_TRAILING_NUMBER = re.compile(r"(\d+)\D*$")


def half_of(challenge_id: str) -> str:
    """ "odd" or "even": the parity of the id's trailing number (c017 -> odd), else of its CRC32."""
    m = _TRAILING_NUMBER.search(str(challenge_id))
    n = int(m.group(1)) if m else zlib.crc32(str(challenge_id).encode("utf-8"))
    return HALVES[n % 2 == 0]


# ----------------------------------------------------------------- evaluation
def rank(engine: MatchingEngine, challenge: Document, k: int = RANK_DEPTH, mode: str = "hybrid") -> list[str]:
    """The ids of the solutions ranked for ``challenge``: the one ranking the pages and the API
    use too (``engine.search`` with the constraints on; tests/matchmaking/test_one_ranking.py)."""
    return [m.id for m in engine.search(challenge, kinds=("solution",), k=k, mode=mode, apply_constraints=True)]


def evaluate(
    challenges: list[Document],
    solutions: list[Document],
    qrels: dict[str, dict[str, int]],
    configs: Iterable[str] = CONFIGS,
    engine: MatchingEngine | None = None,
    config: EngineConfig | None = None,
    semantic=None,
) -> dict:
    """Index everything in memory and score each configuration (constraints always on)."""
    configs = tuple(configs)
    t0 = time.perf_counter()
    if engine is None:
        engine = MatchingEngine(config, semantic=semantic)
        engine.build(list(solutions) + list(challenges))
    build_s = time.perf_counter() - t0
    status = engine.status()
    langs = sorted({c.language or "unknown" for c in challenges})
    result = {
        "dataset": {
            "challenges": len(challenges),
            "solutions": len(solutions),
            "judgements": sum(len(v) for v in qrels.values()),
            "by_language": {lang: sum(1 for c in challenges if (c.language or "unknown") == lang) for lang in langs},
        },
        "semantic": status["semantic"],
        "build_seconds": round(build_s, 3),
        "configs": {},
        "per_query": {},
    }
    for cfg in configs:
        effective = cfg if (cfg == "lexical" or engine.semantic_active) else "lexical"
        per_query, latencies = {}, []
        for ch in challenges:
            t = time.perf_counter()
            ranked = rank(engine, ch, RANK_DEPTH, cfg)
            latencies.append(time.perf_counter() - t)
            per_query[ch.id] = {
                **query_metrics(ranked, qrels.get(ch.id, {})),
                "language": ch.language or "unknown",
                "half": half_of(ch.id),
                "top": ranked[:10],
            }
        summary = {"all": aggregate(per_query.values())}
        for lang in langs:
            summary[lang] = aggregate(m for m in per_query.values() if m["language"] == lang)
        for half in HALVES:
            summary[half] = aggregate(m for m in per_query.values() if m["half"] == half)
        latencies.sort()
        summary["effective_mode"] = effective
        summary["latency_ms_p50"] = round(1000 * latencies[len(latencies) // 2], 2) if latencies else None
        result["configs"][cfg] = summary
        result["per_query"][cfg] = per_query
    return result


def evaluate_dir(path, configs: Iterable[str] = CONFIGS, config: EngineConfig | None = None, semantic=None) -> dict:
    """Evaluate the files in ``path`` (see module docstring) for each configuration."""
    challenges, solutions, qrels = load_dir(path)
    result = evaluate(challenges, solutions, qrels, configs=configs, config=config, semantic=semantic)
    result["path"] = str(path)
    return result


def format_report(result: dict) -> str:
    """Side-by-side table of the configurations (plain text / markdown)."""
    ds = result["dataset"]
    configs = list(result["configs"])
    langs = ["all"] + sorted(ds["by_language"]) + list(HALVES)
    lines = [
        f"Matching evaluation: {ds['challenges']} challenges "
        f"({', '.join(f'{k} {v}' for k, v in sorted(ds['by_language'].items()))}), "
        f"{ds['solutions']} solutions, {ds['judgements']} judgements",
        f"Semantic backend: {'active' if result['semantic'].get('active') else 'OFF'}"
        f" ({result['semantic'].get('reason', '')})",
        "",
        "| metric | subset | " + " | ".join(configs) + " |",
        "|---|---|" + "---:|" * len(configs),
    ]
    for key, label in METRICS:
        for lang in langs:
            cells = []
            for cfg in configs:
                agg = result["configs"][cfg].get(lang) or {}
                val = agg.get(key)
                cells.append("–" if val is None else f"{val:.3f}")
            n = max((result["configs"][c].get(lang) or {}).get(f"{key}_n", 0) for c in configs)
            name = f"{lang} half" if lang in HALVES else lang
            lines.append(f"| {label} | {name} (n={n}) | " + " | ".join(cells) + " |")
    fallbacks = [c for c in configs if result["configs"][c].get("effective_mode") != c]
    if fallbacks:
        lines.append("")
        lines.append("Note: semantic backend unavailable; " + ", ".join(fallbacks) + " ran lexical-only.")
    lat = ", ".join(f"{c} {result['configs'][c].get('latency_ms_p50')} ms" for c in configs)
    lines.append("")
    lines.append(f"Median query latency: {lat}; index build {result.get('build_seconds')} s")
    return "\n".join(lines)
