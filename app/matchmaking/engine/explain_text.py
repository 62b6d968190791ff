"""Text helpers of match explanations (explain.py): the cheap features of a query, whether an
indexed word is worth showing as a "key term", and the sentences a snippet is cut from.

They read the index terms' own conventions (prefixes, character classes, stemming) from text.py,
so an explanation's terms are the ones the analyser indexed; none of them touches the index.
"""

from __future__ import annotations

import functools
import re

from .text import (
    _CJK_RUN,
    _EN_STOP,
    _HAS_CJK,
    _HAS_LETTER,
    _HIRAGANA,
    _LATIN_WORD,
    BIGRAM_PREFIX,
    default_analyzer,
    is_bigram,
    is_synonym,
    stem_en,
)

_SENTENCE_END = re.compile(r"(?<=[。．！？!?\n])|(?<=\.)\s+")


def char_bigrams(norm: str) -> set[str]:
    """Bigram terms (with prefix) of an already-normalised string; cheap, no Sudachi."""
    out = set()
    for run in _CJK_RUN.findall(norm):
        for i in range(len(run) - 1):
            bg = run[i : i + 2]
            if not _HIRAGANA.match(bg):
                out.add(BIGRAM_PREFIX + bg)
    return out


def latin_terms(norm: str) -> set[str]:
    """Stemmed space-delimited-script terms of an already-normalised string."""
    out = set()
    for m in _LATIN_WORD.finditer(_CJK_RUN.sub(" ", norm)):
        w = m.group(0).replace("'", "")
        if _HAS_LETTER.search(w) and w not in _EN_STOP and 2 <= len(w) <= 40:
            out.add(stem_en(w))
    return out


_KATAKANA_WORD = re.compile(r"^[\u30a1-\u30fa\u30fc-\u30fe]{2,}$")
_DISPLAY_POS = {"名詞"}
_AFFIX_POS = {"接頭辞", "接尾辞"}


@functools.lru_cache(maxsize=65536)
def is_display_word(term: str, surface: str) -> bool:
    """Whether an indexed word term is worth showing as a "key term": a noun or proper noun (compounds
    with prefixes/suffixes included), a katakana word or a Latin-script word; never a verb stem or an
    inflected fragment (「合わ」), nor a bigram or synonym term."""
    if not term or is_bigram(term) or is_synonym(term):
        return False
    if not _HAS_CJK.search(term):
        return bool(_HAS_LETTER.search(term))  # English (and other space-delimited) words
    if _KATAKANA_WORD.match(surface) or _KATAKANA_WORD.match(term):
        return True
    tok = default_analyzer()._tokenizer()
    if tok is None:  # no dictionary: only what does not end in kana (an inflection) is safe
        return not _HIRAGANA.match(surface[-1:])
    morphemes = list(tok.tokenize(term))
    if not morphemes:
        return False
    nouns = 0
    for m in morphemes:
        pos = m.part_of_speech()
        if pos[0] in _DISPLAY_POS and pos[1] != "数詞":
            nouns += 1
        elif pos[0] not in _AFFIX_POS:
            return False
    return nouns > 0


def split_sentences(text: str | None, max_len: int = 200) -> list[str]:
    """Sentence-ish pieces for snippets (Japanese and English punctuation, newlines)."""
    if not text:
        return []
    pieces = []
    for raw in _SENTENCE_END.split(str(text)):
        s = raw.strip()
        if not s:
            continue
        while len(s) > max_len:
            pieces.append(s[:max_len])
            s = s[max_len:]
        if s:
            pieces.append(s)
    return pieces
