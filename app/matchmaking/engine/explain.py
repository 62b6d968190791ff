"""Why a candidate matched: overlapping key terms and the best matching sentence."""
from __future__ import annotations

import numpy as np

from .text import char_bigrams, is_bigram, is_synonym, latin_terms, normalize, split_sentences

MAX_TERMS_SHOWN = 8
SNIPPET_CHARS = 160


def matched_terms(query_weights: dict[int, float], doc_ids: np.ndarray, lexical) -> list[str]:
    """Display forms of the query terms found in the document, most informative first.

    Words come first; a bigram is shown only if no shown word already contains it.
    """
    if not query_weights or len(doc_ids) == 0:
        return []
    q = np.fromiter(query_weights.keys(), dtype=np.int64, count=len(query_weights))
    common = q[np.isin(q, doc_ids, assume_unique=True)]
    scored = sorted(((query_weights[int(t)] * lexical.term_idf(int(t)), int(t)) for t in common), reverse=True)
    words, grams = [], []
    for _, tid in scored:
        term = lexical.terms[tid]
        if is_synonym(term):
            continue  # the words themselves are shown
        (grams if is_bigram(term) else words).append(lexical.display[tid])
    out: list[str] = []
    for w in words:
        if w not in out:
            out.append(w)
    for g in grams:
        if len(out) >= MAX_TERMS_SHOWN:
            break
        if not any(g in w for w in out):
            out.append(g)
    return out[:MAX_TERMS_SHOWN]


def best_snippet(text: str, title: str, query_norm: str, idf_of) -> str:
    """The sentence sharing the most (idf-weighted) bigrams / Latin terms with the query."""
    sentences = split_sentences(text) or split_sentences(title)
    if not sentences:
        return ""
    q_feats = char_bigrams(query_norm) | latin_terms(query_norm)
    best, best_score = sentences[0], 0.0
    if q_feats:
        for s in sentences:
            norm = normalize(s)
            feats = (char_bigrams(norm) | latin_terms(norm)) & q_feats
            score = sum(idf_of(f) for f in feats)
            if score > best_score:
                best, best_score = s, score
    return best if len(best) <= SNIPPET_CHARS else best[: SNIPPET_CHARS - 1] + "…"
