"""Normalisation and tokenisation for Japanese and English text.

Index terms come in two families, kept apart by a prefix:

* words: SudachiPy (mode C, plus mode-A sub-units of compounds) ``normalized_form``
  so that 子ども/子供/こども, ｶﾀｶﾅ/カタカナ, コンピュータ/コンピューター meet; Latin-script
  words are lowercased, stop-worded and lightly stemmed instead (Sudachi would
  transliterate "reduce" into katakana);
* ``#`` + character bigrams of the normalised text inside runs of kanji/kana, for
  recall on compounds and katakana that the dictionary splits differently
  (bigrams made only of hiragana are dropped: they are mostly inflections).

Script detection (``detect_script``) is here too; the helpers that explain a match with these
terms (query features, key terms, snippet sentences) are in explain_text.py.
"""

from __future__ import annotations

import re
import threading
import unicodedata
from collections import Counter
from dataclasses import dataclass, field

BIGRAM_PREFIX = "#"
SYNONYM_PREFIX = "~"  # + a Sudachi synonym group id: 高齢者/老人/お年寄り share one
MAX_SYNONYM_GROUPS = 2  # words in more groups than this are too ambiguous to expand
MAX_ANALYZE_CHARS = 20_000  # longer texts are truncated for lexical indexing
MAX_TERMS = 30_000  # cap on terms per analysed text (words + bigrams)
_SUDACHI_CHUNK = 3_000  # characters per Sudachi call (its input limit is ~49 kB)

_DROP_POS0 = {"助詞", "助動詞", "補助記号", "空白", "記号", "接続詞", "感動詞", "代名詞", "接頭辞", "接尾辞"}
_FORMAL_NOUNS = {
    "こと",
    "事",
    "もの",
    "物",
    "為",
    "ため",
    "所",
    "ところ",
    "様",
    "よう",
    "等",
    "方",
    "上",
    "中",
    "際",
    "他",
    "ほか",
    "毎",
}
_EN_STOP = set(
    """a an and are as at be been being but by can could did do does for from had has have
how i if in into is it its itself may more most must no not of on or our ours should so such than
that the their them then there these they this those through to too very via was we were what when
where which while who whom why will with would you your yours also each other per use using
""".split()
)  # noqa: SIM905 (a word list reads better as text)

_KANA_KANJI = (
    r"\u3041-\u3096\u309d\u309e\u30a1-\u30fa\u30fc-\u30fe\u3005\u3006\u3400-\u4dbf"
    r"\u4e00-\u9fff\uf900-\ufaff"
)
_CJK_RUN = re.compile(f"[{_KANA_KANJI}]+")
_HAS_CJK = re.compile(f"[{_KANA_KANJI}]")
_HIRAGANA = re.compile(r"^[\u3041-\u3096\u309d\u309e\u30fc]+$")
_PARTICLES = set("のがをにはでともへや")  # a bigram touching one of these crosses a word boundary
_LATIN_WORD = re.compile(r"[^\W_]+(?:'[^\W_]+)?")  # any script with spaces (after CJK runs are cut)
_HAS_LETTER = re.compile(r"[^\W\d_]")
_SPACE = re.compile(r"\s+")


def normalize(text: str | None) -> str:
    """NFKC, lowercase, unify a few dashes/tildes, collapse whitespace."""
    if not text:
        return ""
    text = unicodedata.normalize("NFKC", str(text)).lower()
    if _TRANSLATED.search(text):  # translate() and sub() copy the string: only when needed
        text = text.translate(_TRANSLATE)
    if _SPACE_TO_FIX.search(text):
        text = _SPACE.sub(" ", text)
    return text.strip()


_TRANSLATE = str.maketrans(
    {
        "〜": "~",
        "～": "~",
        "‐": "-",
        "‑": "-",
        "–": "-",
        "—": "-",
        "―": "-",
        "−": "-",
        "’": "'",
        "‘": "'",
        "\u200b": None,
    }
)
_TRANSLATED = re.compile("[" + "".join(re.escape(chr(c)) for c in _TRANSLATE) + "]")
_SPACE_TO_FIX = re.compile(r"\s{2,}|[^\S ]")  # what _SPACE.sub(" ", ...) would change


def stem_en(word: str) -> str:
    """A light English stemmer (plural, -ing, -ed, final e) — enough for retrieval."""
    w = word
    if len(w) <= 3 or not (w.isascii() and w.isalpha()):
        return w
    if w.endswith("ies") and len(w) > 4:
        w = w[:-3] + "y"
    elif w.endswith("sses"):  # noqa: SIM114 (two suffix rules, kept apart as in the stemmer's description)
        w = w[:-2]
    elif w.endswith("es") and len(w) > 4 and w[-3] in "sxz" and not w.endswith("ses"):
        w = w[:-2]
    elif w.endswith("s") and not w.endswith(("ss", "us", "is")):
        w = w[:-1]
    for suffix in ("ing", "ed"):
        if w.endswith(suffix) and len(w) - len(suffix) >= 3:
            w = w[: -len(suffix)]
            if len(w) >= 4 and w[-1] == w[-2] and w[-1] not in "lsz":
                w = w[:-1]
            break
    if w.endswith("e") and len(w) >= 4:
        w = w[:-1]
    return w


@dataclass
class Analysis:
    """Terms of one text: index terms in order, and a display surface per term."""

    terms: list[str] = field(default_factory=list)
    surfaces: dict[str, str] = field(default_factory=dict)

    def counts(self) -> Counter:
        return Counter(self.terms)


class Analyzer:
    """Thread-safe text analyser; the Sudachi dictionary loads lazily once per process."""

    def __init__(self, bigrams: bool = True, sub_units: bool = True, synonyms: bool = True):
        self.bigrams = bigrams
        self.sub_units = sub_units
        self.synonyms = synonyms
        self._local = threading.local()
        self._dict = None
        self._lock = threading.Lock()
        self.sudachi_error: str | None = None

    # -- Sudachi plumbing -------------------------------------------------
    def _tokenizer(self):
        tok = getattr(self._local, "tok", None)
        if tok is None:
            with self._lock:
                if self._dict is None and self.sudachi_error is None:
                    try:
                        from sudachipy import Dictionary

                        self._dict = Dictionary(dict="core")
                    except Exception as exc:  # noqa: BLE001  # pragma: no cover - depends on install
                        self.sudachi_error = f"{type(exc).__name__}: {exc}"
            if self._dict is None:
                return None
            from sudachipy import SplitMode

            tok = self._dict.tokenizer(mode=SplitMode.C)
            self._local.tok = tok
            self._local.mode_a = SplitMode.A
        return tok

    @property
    def sudachi_available(self) -> bool:
        return self._tokenizer() is not None

    # -- public API -------------------------------------------------------
    def analyze(self, text: str | None, max_chars: int = MAX_ANALYZE_CHARS) -> Analysis:
        """Normalise and tokenise ``text`` into index terms (words, then bigrams)."""
        norm = normalize(text)[:max_chars]
        out = Analysis()
        if not norm:
            return out
        if _HAS_CJK.search(norm):
            self._japanese_words(norm, out)
            if self.bigrams:
                self._bigrams(norm, out)
        else:
            self._latin_words(norm, out)
        if len(out.terms) > MAX_TERMS:
            out.terms = out.terms[:MAX_TERMS]
        return out

    def query_terms(self, text: str | None) -> Counter:
        return self.analyze(text).counts()

    # -- internals --------------------------------------------------------
    def _latin_words(self, norm: str, out: Analysis) -> None:
        for m in _LATIN_WORD.finditer(norm):
            word = m.group(0)
            if _HAS_CJK.search(word):  # only when Sudachi is missing: bigrams cover CJK
                continue
            self._add_latin(word, out)

    def _add_latin(self, word: str, out: Analysis) -> None:
        word = word.replace("'", "")
        if not _HAS_LETTER.search(word) or word in _EN_STOP or not 2 <= len(word) <= 40:
            return
        term = stem_en(word)
        out.terms.append(term)
        out.surfaces.setdefault(term, word)

    def _japanese_words(self, norm: str, out: Analysis) -> None:
        tok = self._tokenizer()
        if tok is None:  # no dictionary: Latin words + bigrams still work
            self._latin_words(norm, out)
            return
        mode_a = self._local.mode_a
        for chunk in _chunks(norm, _SUDACHI_CHUNK):
            for m in tok.tokenize(chunk):
                surface = m.surface()
                if _LATIN_WORD.fullmatch(surface) and not _HAS_CJK.search(surface):
                    self._add_latin(surface, out)
                    continue
                if not self._keep(m.part_of_speech(), m.normalized_form()):
                    continue
                self._add_morpheme(m, out)
                if self.sub_units and len(surface) > 2:
                    parts = m.split(mode_a)
                    if len(parts) > 1:
                        for p in parts:
                            if self._keep(p.part_of_speech(), p.normalized_form()):
                                self._add_morpheme(p, out)

    def _add_morpheme(self, m, out: Analysis) -> None:
        self._add_word(m.normalized_form(), m.surface(), out)
        if self.synonyms:
            groups = m.synonym_group_ids()
            if 0 < len(groups) <= MAX_SYNONYM_GROUPS:
                for gid in groups:
                    term = f"{SYNONYM_PREFIX}{gid}"
                    out.terms.append(term)
                    out.surfaces.setdefault(term, m.surface())

    @staticmethod
    def _keep(pos, norm_form: str) -> bool:
        if pos[0] in _DROP_POS0 or pos[1] == "非自立可能" or pos[1] == "数詞":
            return False
        if norm_form in _FORMAL_NOUNS:
            return False
        return not (len(norm_form) == 1 and _HIRAGANA.match(norm_form))

    @staticmethod
    def _add_word(term: str, surface: str, out: Analysis) -> None:
        term = term.lower()
        if not term or term.isspace() or (len(term) == 1 and _HAS_CJK.match(term)):
            return  # single kana/kanji: too ambiguous as a word (bigrams still see it)
        out.terms.append(term)
        out.surfaces.setdefault(term, surface)

    @staticmethod
    def _bigrams(norm: str, out: Analysis) -> None:
        for run in _CJK_RUN.findall(norm):
            for i in range(len(run) - 1):
                bg = run[i : i + 2]
                if _skip_bigram(bg):
                    continue
                term = BIGRAM_PREFIX + bg
                out.terms.append(term)
                out.surfaces.setdefault(term, bg)


def _chunks(text: str, size: int):
    """Split text into pieces of at most ``size`` chars, preferring sentence ends."""
    start = 0
    n = len(text)
    while start < n:
        end = min(n, start + size)
        if end < n:
            cut = max(text.rfind("。", start, end), text.rfind(" ", start, end), text.rfind(".", start, end))
            if cut > start + size // 2:
                end = cut + 1
        yield text[start:end]
        start = end


SCRIPTS = ("ja", "latin", "other", "empty")
_LATIN_LETTER = re.compile(r"[a-zA-Z]")


def detect_script(text: str | None, sample: int = 600) -> str:
    """ "ja" if kana/kanji dominate, "latin" if Latin letters do, "other", or "empty"."""
    if not text or not text.strip():
        return "empty"
    head = unicodedata.normalize("NFKC", text[:sample])
    cjk = len(_HAS_CJK.findall(head))
    latin = len(_LATIN_LETTER.findall(head))
    if cjk == 0 and latin == 0:
        return "other"
    return "ja" if cjk * 3 >= latin else "latin"  # a kana/kanji carries ~3 letters' worth


EMPTY_SCRIPT = SCRIPTS.index("empty")


def script_code(text: str | None) -> int:
    """Index in SCRIPTS of ``text``'s script (stored per indexed document)."""
    return SCRIPTS.index(detect_script(text))


def _skip_bigram(bg: str) -> bool:
    return bool(_HIRAGANA.match(bg)) or bg[0] in _PARTICLES or bg[1] in _PARTICLES


def is_bigram(term: str) -> bool:
    return term.startswith(BIGRAM_PREFIX)


def is_synonym(term: str) -> bool:
    return term.startswith(SYNONYM_PREFIX)


_default_analyzer: Analyzer | None = None
_default_lock = threading.Lock()


def default_analyzer() -> Analyzer:
    global _default_analyzer
    with _default_lock:
        if _default_analyzer is None:
            _default_analyzer = Analyzer()
        return _default_analyzer
