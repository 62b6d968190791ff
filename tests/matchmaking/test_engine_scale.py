"""The large-corpus query path (vector partitions, faiss IVF, sampled statistics) gives the
same answers as the exact scan, keeps visibility filtering exact, and follows live updates.

A deterministic stand-in embedder keeps these tests fast: what is checked is the plumbing
around the vectors, not the model."""

from __future__ import annotations

import hashlib

import numpy as np
import pytest

from app.matchmaking.engine import Document, EngineConfig, MatchingEngine
from app.matchmaking.engine.semantic import ANN_AVAILABLE, DIM, Embedder

TOPICS = [
    "窓口 予約 番号発券",
    "イノシシ 鳥獣被害 センサー",
    "river flood sensors",
    "RPA 残業 自動化",
    "オンデマンド交通 通院",
    "tourism multilingual guide",
    "保育園 入所 選考",
    "ごみ収集 ルート",
]


class HashEmbedder(Embedder):
    """Vectors near one centre per topic word, plus text-dependent noise (deterministic)."""

    def __init__(self):
        super().__init__(enabled=False)
        self.reason = "test stand-in"
        rng = np.random.default_rng(0)
        self.centres = rng.standard_normal((len(TOPICS), DIM)).astype(np.float32)

    @property
    def available(self) -> bool:
        return True

    def _vec(self, text: str) -> np.ndarray:
        seed = int.from_bytes(hashlib.sha256(text.encode()).digest()[:8], "little")
        v = np.random.default_rng(seed).standard_normal(DIM).astype(np.float32) * 0.8
        for i, topic in enumerate(TOPICS):
            if topic.split()[0] in text:
                v += self.centres[i]
        return v / np.linalg.norm(v)

    def _embed_many(self, texts, is_query, batch_size, progress):
        out = np.stack([self._vec(t) for t in texts]) if texts else np.zeros((0, DIM), np.float32)
        if progress:
            progress(len(texts))
        return out

    def embed_query(self, text: str) -> np.ndarray:
        return self._vec("q " + text)


def corpus(n: int) -> list[Document]:
    rng = np.random.default_rng(1)
    docs = []
    for i in range(n):
        t = int(rng.integers(len(TOPICS)))
        en = TOPICS[t].isascii()
        docs.append(
            Document(
                id=f"s{i}",
                kind="solution",
                title=f"{TOPICS[t]} {i}",
                text=f"{TOPICS[t]} {'solution' if en else 'サービス'} {i} {rng.integers(1000)}",
                language="en" if en else "ja",
                environments=["internet"],
            )
        )
    docs += [
        Document(
            id=f"c{i}", kind="challenge", title=TOPICS[i % len(TOPICS)], text=TOPICS[i % len(TOPICS)], language="ja"
        )
        for i in range(20)
    ]
    return docs


def engines(n=3000, **cfg):
    """(partitioned engine, exact engine) over the same documents and vectors."""
    emb = HashEmbedder()
    docs = corpus(n)
    fast = MatchingEngine(EngineConfig(ann_min_docs=500, ann_ivf_min=1000, **cfg), semantic=emb)
    fast.build(docs)
    exact = MatchingEngine(EngineConfig(ann_min_docs=0), semantic=emb)
    exact.build(docs)
    return fast, exact


QUERIES = ["窓口の予約", "イノシシ対策", "flood sensors for rivers", "残業を減らしたい RPA", "通院の足", "ごみ"]


@pytest.fixture(scope="module")
def pair():
    return engines(ann_sample=10**6, ann_nprobe=10**3)  # exact statistics, every list probed


def ids(engine, q, **kw):
    return [m.id for m in engine.search(q, k=20, **kw)]


def test_partitions_are_built_for_large_corpora_only(pair):
    fast, exact = pair
    assert exact._ann is None
    assert fast._ann is not None
    if ANN_AVAILABLE:
        assert any(p.approximate for p in fast._ann.parts.values())
    small = MatchingEngine(EngineConfig(ann_min_docs=500), semantic=HashEmbedder())
    small.build(corpus(100))
    assert small._ann is None


@pytest.mark.parametrize("mode", ["semantic", "hybrid"])
def test_same_answers_as_the_exact_scan(pair, mode):
    fast, exact = pair
    for q in QUERIES:
        a = fast.search(q, k=20, mode=mode)
        b = exact.search(q, k=20, mode=mode)
        assert [m.id for m in a] == [m.id for m in b], q
        assert np.allclose([m.score for m in a], [m.score for m in b])
    challenge = exact.get("c1")
    assert ids(fast, challenge, mode=mode) == ids(exact, challenge, mode=mode)


def test_default_settings_keep_recall(pair):
    """Sampled statistics and a partial probe: most of the exact top 20 is still found."""
    fast, exact = engines()  # default ann_sample / ann_nprobe
    overlap = [len(set(ids(fast, q)) & set(ids(exact, q))) / 20 for q in QUERIES]
    assert np.mean(overlap) >= 0.9


def test_visibility_is_exact_with_partitions(pair):
    fast, _ = pair
    hidden = {f"s{i}" for i in range(0, 3000) if i % 10}  # 90% hidden
    calls = []

    def check(batch):
        calls.append(len(batch))
        return [i for i in batch if i not in hidden]

    for kw in ({"allowed_ids": lambda i: i not in hidden}, {"visible_ids": check}):
        got = ids(fast, "窓口の予約", **kw)
        assert len(got) == 20 and not set(got) & hidden
    assert len(calls) <= 6  # candidates are checked in batches, not one by one


def test_batch_check_matches_predicate(pair):
    fast, _ = pair
    visible = {f"s{i}" for i in range(0, 3000, 7)}
    a = ids(fast, "flood sensors", allowed_ids=lambda i: i in visible)
    b = ids(fast, "flood sensors", visible_ids=lambda batch: [i for i in batch if i in visible])
    assert a == b and set(a) <= visible


def test_live_updates_with_partitions():
    fast, exact = engines(n=1500, ann_sample=10**6, ann_nprobe=10**3)
    new = Document(
        id="new",
        kind="solution",
        title="ごみ収集 ルート 最適化 ひまわり",
        text="ごみ収集 ルート ひまわり",
        language="ja",
    )
    late = Document(id="late", kind="solution", title="保育園 入所 選考 つくし", text="保育園 つくし", language="ja")
    for eng in (fast, exact):
        eng.upsert(new)
        eng.remove("s3")
        eng.upsert(late, defer_embedding=True)
    assert "new" in ids(fast, "ひまわり ごみ収集", mode="lexical")
    assert "late" in ids(fast, "つくし 保育園", mode="lexical")  # searchable lexically at once
    for q in ("ひまわり ごみ収集", "つくし 保育園", fast._main_docs[3].title):
        for mode in ("semantic", "hybrid"):
            got = ids(fast, q, mode=mode)
            assert got == ids(exact, q, mode=mode) and "s3" not in got
    for eng in (fast, exact):
        eng.embed_pending()
    assert "late" in ids(fast, "つくし 保育園", mode="semantic", allowed_ids=["late", "s1"])
    assert ids(fast, "つくし 保育園") == ids(exact, "つくし 保育園")


def test_partitions_survive_save_load_and_compaction(tmp_path):
    fast, exact = engines(n=1500, ann_sample=10**6, ann_nprobe=10**3)
    fast.save(tmp_path / "idx")
    loaded = MatchingEngine.load(tmp_path / "idx", semantic=fast.embedder, config=fast.config)
    assert loaded._ann is not None
    for q in QUERIES[:3]:
        assert ids(loaded, q) == ids(exact, q)
    extra = corpus(1600)[1500:1600]
    for d in extra:
        loaded.upsert(d)
        exact.upsert(d)
    assert ids(loaded, QUERIES[0]) == ids(exact, QUERIES[0])
    loaded.compact()
    assert loaded._ann is not None and loaded._ann.segment == loaded.main_segment
    assert ids(loaded, QUERIES[1]) == ids(exact, QUERIES[1])


@pytest.mark.parametrize("ann_min_docs", [0, 200])
def test_vectors_embedded_after_compaction_survive_publish_and_reload(tmp_path, ann_min_docs):
    """A deferred document folded into the main segment by compaction, then embedded, keeps
    its real vector in the next generation: for a fresh process and for a reader that
    already holds the previous generation (whose main segment is shared)."""
    from app.matchmaking.engine import IndexStore, SharedEngine

    emb = HashEmbedder()
    cfg = EngineConfig(ann_min_docs=ann_min_docs, ann_ivf_min=100_000, compact_min_delta=5, compact_delta_ratio=0.0)
    docs = corpus(300)
    eng = MatchingEngine(cfg, semantic=emb)
    eng.build(docs[:-1])
    late = Document(
        id="late",
        kind="solution",
        title="イノシシ 罠 通知",
        text="イノシシ 鳥獣被害 センサー 罠 通知",
        language="ja",
        environments=["internet"],
    )
    eng.upsert(late, defer_embedding=True)
    eng.upsert_many(
        docs[-1:] + [Document(id=f"x{i}", kind="solution", title=f"x {i}", text=f"ごみ {i}") for i in range(5)],
        defer_embedding=True,
    )
    assert eng.ids["late"] < eng.lexical.main_n, "compaction should have moved the pending doc to main"
    assert eng.pending
    store = IndexStore(tmp_path / "idx")
    store.publish(eng)
    reader = SharedEngine(tmp_path / "idx", config=cfg, semantic=emb, check_interval=0)
    assert reader.engine().pending  # holds the generation with the placeholder

    assert eng.embed_pending() > 0 and not eng.pending
    store.publish(eng)
    real = emb._embed_many([late.semantic_text()], False, 32, None)[0]
    fresh = IndexStore(tmp_path / "idx").load(config=cfg, semantic=emb)
    for loaded in (fresh, reader.engine()):
        assert not loaded.pending
        np.testing.assert_allclose(loaded.dense.row(loaded.ids["late"]), real, atol=1e-6)
        hits = loaded.search("イノシシ 罠 通知", kinds=("solution",), k=300, mode="semantic")
        hit = next(m for m in hits if m.id == "late")
        assert hit.semantic_score and hit.semantic_score > 0.1
