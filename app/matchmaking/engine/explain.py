"""Why a candidate matched: overlapping key terms and the best matching sentence."""

from __future__ import annotations

import re
import unicodedata

import numpy as np

from .constraints import is_match
from .document import Match
from .lexical import TERM_BIGRAM, TERM_SYNONYM, TERM_WORD
from .explain_text import char_bigrams, is_display_word, latin_terms, split_sentences
from .text import BIGRAM_PREFIX, is_bigram, normalize

MAX_TERMS_SHOWN = 8
SNIPPET_CHARS = 160
MAX_SNIPPET_SENTENCES = 40  # long documents: only the first sentences are considered
MAX_NEEDLES = 32


_KATAKANA = re.compile(r"[\u30a1-\u30fa\u30fc-\u30fe]+")
_LATIN = re.compile(r"[a-z0-9]+")


def _runs(norm: str) -> tuple[set[str], set[str]]:
    """The whole katakana words and Latin words of a normalised text."""
    return set(_KATAKANA.findall(norm)), set(_LATIN.findall(norm))


class Explainer:
    """Built once per query; explains any number of candidates cheaply."""

    def __init__(self, query_weights: dict[int, float], query_norm: str, lexical):
        self.lexical = lexical
        self.weights = query_weights
        self.qids = np.array(sorted(query_weights), dtype=np.int64)
        # query terms most informative first (weight x idf, then term id, descending), sorted
        # once per query: a document's common terms are this order filtered
        qscore = {t: w * lexical.term_idf(t) for t, w in query_weights.items()}
        self.by_score = np.array(
            [t for _, t in sorted(((s, t) for t, s in qscore.items()), reverse=True)], dtype=np.int64
        )
        self.kinds = kinds = lexical.term_kinds()
        self.qkind = {t: int(kinds[t]) for t in query_weights}
        vocab = lexical.vocab
        feats = char_bigrams(query_norm) | latin_terms(query_norm)
        weighted = sorted(((lexical.term_idf(vocab[f]) if f in vocab else 1.0, f) for f in feats), reverse=True)
        # (needle, idf) of the most informative query features, matched as substrings
        self.needles = [(f[len(BIGRAM_PREFIX) :] if is_bigram(f) else f, w) for w, f in weighted[:MAX_NEEDLES]]
        self.query_runs = _runs(query_norm)

    def whole_words(self, terms: list[str], doc_text: str) -> list[str]:
        """``terms`` as words a reader recognises in both texts: a katakana term must be a whole
        katakana word of both (「タイム」 cut out of リアルタイム becomes リアルタイム when both
        texts have it, else it is dropped), a Latin term must begin a word of both (stems:
        sensor ~ sensors); Latin words take the document's own case (LGWAN, not lgwan)."""
        if not terms:
            return terms
        kata_q, latin_q = self.query_runs
        original = unicodedata.normalize("NFKC", doc_text or "")
        kata_d, latin_d = _runs(normalize(original))
        out: list[str] = []
        for t in terms:
            if _KATAKANA.fullmatch(t):
                if t not in kata_q or t not in kata_d:
                    whole = sorted((w for w in kata_q & kata_d if t in w), key=len)
                    t = whole[0] if whole else None
            elif _LATIN.fullmatch(t):
                if not (any(w.startswith(t) for w in latin_q) and any(w.startswith(t) for w in latin_d)):
                    t = None
                else:
                    m = re.search(r"(?<![A-Za-z0-9])" + re.escape(t), original, re.IGNORECASE)
                    t = m.group(0) if m else t
            if t and t not in out:
                out.append(t)
        return out

    def matched_terms(self, doc_ids: np.ndarray) -> list[str]:
        """Display forms of the query terms found in the document, most informative first.

        Only whole words are shown (nouns and proper nouns, katakana and Latin-script words); a matched
        character bigram is never shown itself: it stands for the document's word that contains it, if
        there is one (「合わ」 → 問い合わせ), and is dropped if it crosses a word boundary (「な問」).
        """
        if len(self.qids) == 0 or len(doc_ids) == 0:
            return []
        q = self.by_score
        pos = np.searchsorted(doc_ids, q)  # doc term ids are sorted
        pos[pos >= len(doc_ids)] = 0
        scored = q[doc_ids[pos] == q].tolist()  # common terms, most informative first
        lex = self.lexical
        qkind = self.qkind
        out: list[str] = []
        grams: list[str] = []
        for tid in scored:
            term = lex.terms[tid]
            kind = qkind[tid]
            if kind == TERM_SYNONYM:
                continue  # the words themselves are shown
            if kind == TERM_BIGRAM:
                grams.append(term[len(BIGRAM_PREFIX) :])
            elif is_display_word(term, lex.display[tid]) and lex.display[tid] not in out:
                out.append(lex.display[tid])
        shown = "\x00".join(out)  # g in shown <=> g in one of them: a bigram cannot span the separator
        grams = [g for g in grams if g not in shown]
        if grams and len(out) < MAX_TERMS_SHOWN:
            for word in self._words_containing(grams, doc_ids):
                if len(out) >= MAX_TERMS_SHOWN:
                    break
                if word not in out:
                    out.append(word)
        return out[:MAX_TERMS_SHOWN]

    def _words_containing(self, grams: list[str], doc_ids: np.ndarray) -> list[str]:
        """For each bigram (most informative first), the shortest displayable word of the document
        that contains it; bigrams inside no word are dropped."""
        lex = self.lexical
        terms, display = lex.terms, lex.display
        # surfaces come from normalised text, as the bigrams do
        word_ids = np.asarray(doc_ids)[self.kinds[doc_ids] == TERM_WORD].tolist()
        words = [(display[tid], terms[tid]) for tid in word_ids]
        found: list[str] = []
        for g in grams:
            containing = sorted((len(shown), shown, term) for shown, term in words if g in shown)
            best = next((shown for _, shown, term in containing if is_display_word(term, shown)), None)
            if best is not None and best not in found:
                found.append(best)
        return found

    def snippet(self, text: str, title: str) -> str:
        """The sentence sharing the most (idf-weighted) bigrams / Latin terms with the query."""
        sentences = split_sentences(text) or split_sentences(title)
        if not sentences:
            return ""
        best, best_score = sentences[0], 0.0
        if self.needles and len(sentences) > 1:
            for s in sentences[:MAX_SNIPPET_SENTENCES]:
                norm = normalize(s)
                score = 0.0
                for needle, w in self.needles:
                    if needle in norm:
                        score += w
                if score > best_score:
                    best, best_score = s, score
        return best if len(best) <= SNIPPET_CHARS else best[: SNIPPET_CHARS - 1] + "…"


def build_matches(
    rows,
    docs,
    lexical,
    query_terms,
    query_norm,
    fused,
    lex_p,
    sem_p,
    threshold,
    floor_active: bool,
    snippets: bool = True,
) -> list[Match]:
    """The Match of each ranked row (ranking.RankingMixin._tiered), with its key terms and snippet."""
    explainer = Explainer(dict(query_terms), query_norm, lexical)
    out = []
    for rank, (tier_, _, slot, i, fit, score, hard) in enumerate(rows, start=1):
        doc = docs[slot]
        ids, _ = lexical.doc_terms(slot)
        out.append(
            Match(
                id=doc.id,
                kind=doc.kind,
                title=doc.title,
                rank=rank,
                score=score,
                fused_score=float(fused[i]),
                lexical_score=float(lex_p[i]),
                semantic_score=None if sem_p is None else float(sem_p[i]),
                fit=fit,
                hard_violation=hard,
                is_match=is_match(score, threshold),
                tier=tier_,
                floor_active=floor_active,
                matched_terms=explainer.whole_words(explainer.matched_terms(ids), doc.lexical_text()),
                snippet=explainer.snippet(doc.text, doc.title) if snippets else "",
                language=doc.language,
                category=doc.category,
            )
        )
    return out
