"""The engine's settings (EngineConfig) and its ranking modes."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

MODES = ("hybrid", "lexical", "semantic")
Progress = Callable[[int, int], None]


@dataclass
class EngineConfig:
    # "z": alpha * z(centred cosine) + (1 - alpha) * z(log1p BM25), z-scores over the searched
    # documents; "max": the same weights on scores divided by their maximum; "rrf": rank fusion
    fusion: str = "z"
    alpha: float = 0.8  # weight of the semantic score
    language_centering: bool = True  # remove the same-language bias of the multilingual model
    cross_script_imputation: bool = True  # cross-script pairs: lexical z := semantic z
    centering_prior: float = 3.0  # pseudo-count shrinking a small group's mean to the global mean
    rrf_k: float = 60.0
    bigram_weight: float = 0.5  # query weight of a character bigram relative to a word
    synonym_weight: float = 0.5  # query weight of a Sudachi synonym group relative to a word
    max_query_terms: int = 64  # long queries keep their most informative terms
    pool_depth: int = 50  # candidates taken from each backend (at least k)
    category_bonus: float = 0.5  # added when categories agree (in standard deviations for "z")
    region_penalty: float = 0.0  # subtracted when the buyer's region is not served
    # hard-constraint violators rank below the satisfiers that are matches, i.e. score at
    # least this many standard deviations above a typical document ("z" fusion only; None:
    # below every satisfier). See constraints.tier.
    match_floor: float | None = 2.0
    lexical_ref_min: int = 10  # same-script documents needed to standardise BM25 over them only
    # documents of these kinds also get a stored "query: " vector, so searching with them
    # (e.g. "solutions for this challenge") needs no embedding at query time
    query_vector_kinds: tuple = ("challenge",)
    # "query": a document used as a query is embedded with e5's "query: " prefix (a stored
    # vector for query_vector_kinds); "passage": an indexed document searches with its passage
    # vector (symmetric; no second embedding per challenge)
    query_prefix: str = "query"
    compact_min_delta: int = 2_000  # fold the delta segment into the main one beyond this ...
    compact_delta_ratio: float = 0.10  # ... or this fraction of the main segment
    embed_batch_size: int = 32
    # Vector search at scale: from ``ann_min_docs`` documents in the main segment, vectors are
    # searched per (kind, script) partition instead of with one full scan; partitions of at
    # least ``ann_ivf_min`` rows use a faiss IVF index (8-bit storage, ``ann_nprobe`` lists per
    # query, candidates re-scored exactly). The semantic mean/deviation used for centring and
    # z-scores then come from a uniform sample of ``ann_sample`` documents (exact below that).
    ann_min_docs: int = 20_000
    ann_ivf_min: int = 20_000
    ann_nprobe: int = 32
    ann_sample: int = 32_768

    @classmethod
    def from_dict(cls, data: dict) -> EngineConfig:
        return cls(**{k: v for k, v in (data or {}).items() if k in cls.__dataclass_fields__})
