"""Faster forms of per-candidate work must give exactly what the plain forms give."""

import itertools
import re
import unicodedata

import numpy as np

from app.matchmaking.engine import constraints as C
from app.matchmaking.engine.document import Document
from app.matchmaking.engine.lexical import TERM_BIGRAM, TERM_SYNONYM, TERM_WORD, LexicalIndex
from app.matchmaking.engine.text import _TRANSLATE, normalize


def _normalize_reference(text):
    """normalize() as it was: translate and collapse whitespace unconditionally."""
    if not text:
        return ""
    text = unicodedata.normalize("NFKC", str(text)).lower()
    text = text.translate(_TRANSLATE)
    return re.sub(r"\s+", " ", text).strip()


def test_normalize_fast_paths_change_nothing():
    samples = [
        "",
        "  ",
        "abc",
        "ABC  def",
        "a\tb",
        "a\nb",
        "a \u3000b",
        "\u3000全角スペース\u3000",
        "ｶﾀｶﾅ〜ﾃｽﾄ",
        "ウェブ～アプリ",
        "e‐mail – test — x ― y − z",
        "it’s ‘quoted’",
        "ゼロ\u200b幅",
        "Ｆｕｌｌ　Ｗｉｄｔｈ１２３",
        "改行\r\nあり\n\n",
        "  trailing ",
        "が",
        "か\u3099",
        "㍿ ㌢",
        "İstanbul ΣΑΣ",
    ]
    for s in samples:
        assert normalize(s) == _normalize_reference(s), repr(s)


DOCS = []
for env, budget, price, pref, served, cat in itertools.product(
    ([], ["lgwan"], ["internet", "onprem"]),
    (None, 1_000_000),
    (None, 800_000, 3_000_000),
    (None, "東京都"),
    ([], ["全国"], ["大阪府", "東京都"], ["北海道"]),
    (None, "窓口", "防災"),
):
    DOCS.append(
        Document(
            id=f"d{len(DOCS)}",
            kind="solution",
            title="t",
            text="x",
            environments=env,
            budget_max_jpy=budget,
            price_jpy_per_year=price,
            prefecture=pref,
            prefectures_served=served,
            category=cat,
        )
    )


def test_fitter_equals_fit_for_every_pair():
    queries = [None] + DOCS[::7]
    for q in queries:
        fit_of = C.fitter(q)
        for c in DOCS:
            got = fit_of(c)
            assert got == C.fit(q, c)
            assert list(got) == ["environment", "budget", "region", "category"]
    # each call returns its own dict (callers keep them in Match.fit)
    f = C.fitter(None)
    assert f(DOCS[0]) is not f(DOCS[1])


def test_term_kinds_follow_the_vocabulary():
    from collections import Counter

    lex = LexicalIndex()
    lex._term_ids(Counter({"窓口": 1, "#窓口": 1, "~123": 1}), None)
    kinds = lex.term_kinds()
    assert [int(kinds[lex.vocab[t]]) for t in ("窓口", "#窓口", "~123")] == [TERM_WORD, TERM_BIGRAM, TERM_SYNONYM]
    lex._term_ids(Counter({"#予約": 2, "予約": 1}), None)  # the vocabulary grows (upserts)
    kinds = lex.term_kinds()
    assert len(kinds) == len(lex.terms)
    assert [int(kinds[lex.vocab[t]]) for t in ("#予約", "予約")] == [TERM_BIGRAM, TERM_WORD]
    assert kinds.dtype == np.uint8


def test_snippet_picks_the_sentence_with_most_query_evidence():
    from collections import Counter

    from app.matchmaking.engine.explain import Explainer

    lex = LexicalIndex()
    lex._term_ids(Counter({"#窓口": 1, "#予約": 1, "#待ち": 1}), None)
    ex = Explainer({}, normalize("窓口 予約 待ち"), lex)
    text = "当社は創業十年です。窓口の予約を受け付けます。窓口の待ち時間と予約の状況を表示します。ＡＢＣ。"
    assert ex.snippet(text, "title") == "窓口の待ち時間と予約の状況を表示します。"
    # the same needle twice in one sentence counts once; no evidence at all: the first sentence
    assert ex.snippet("予約予約予約。窓口と待ちと予約。", "t") == "窓口と待ちと予約。"
    assert ex.snippet("関係のない文。もう一つ。", "t") == "関係のない文。"
