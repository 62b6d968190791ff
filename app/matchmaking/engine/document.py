"""Plain data types exchanged with the engine: Document in, Match out."""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass, field
from typing import Any

ENVIRONMENTS = ("lgwan", "internet", "onprem")
NATIONWIDE = "全国"


@dataclass
class Document:
    """Anything that can be matched: a challenge, a solution, a pilot, ..."""

    id: str
    kind: str
    title: str = ""
    text: str = ""
    language: str | None = None
    category: str | None = None
    tags: list[str] = field(default_factory=list)
    environments: list[str] = field(default_factory=list)
    budget_max_jpy: int | None = None
    price_jpy_per_year: int | None = None
    prefecture: str | None = None
    prefectures_served: list[str] = field(default_factory=list)
    meta: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self):
        self.id = str(self.id)
        self.kind = str(self.kind or "")
        self.title = "" if self.title is None else str(self.title)
        self.text = "" if self.text is None else str(self.text)
        self.tags = [str(t) for t in (self.tags or []) if t is not None and str(t).strip()]
        self.environments = [str(e).strip().lower() for e in (self.environments or []) if e]
        self.prefectures_served = [str(p).strip() for p in (self.prefectures_served or []) if p]
        self.budget_max_jpy = _int_or_none(self.budget_max_jpy)
        self.price_jpy_per_year = _int_or_none(self.price_jpy_per_year)
        self.meta = dict(self.meta or {})

    # -- text views ----------------------------------------------------------
    def lexical_text(self) -> str:
        """Title and tags count twice: they are the author's own summary."""
        head = " ".join([self.title, " ".join(self.tags)]).strip()
        return "\n".join(p for p in (head, head, self.text) if p)

    def semantic_text(self) -> str:
        parts = [self.title.strip()]
        if self.tags:
            parts.append(" / ".join(self.tags))
        parts.append(self.text.strip())
        return "\n".join(p for p in parts if p)

    def content_hash(self) -> str:
        """Hash of what the embedding depends on (reuse vectors when unchanged)."""
        return text_hash(self.semantic_text())

    # -- (de)serialisation -----------------------------------------------------
    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict) -> Document:
        known = {f for f in cls.__dataclass_fields__}
        return cls(**{k: v for k, v in data.items() if k in known})

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), ensure_ascii=False, default=str)


def text_hash(semantic_text: str) -> str:
    """``Document.content_hash`` of a document whose ``semantic_text()`` is this."""
    return hashlib.sha1(semantic_text.encode("utf-8")).hexdigest()


def _int_or_none(value) -> int | None:
    if value is None or value == "":
        return None
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


@dataclass
class Match:
    """One ranked result with everything needed to explain it."""

    id: str
    kind: str
    title: str
    rank: int
    score: float  # final ranking score (fused + soft adjustments)
    fused_score: float
    lexical_score: float
    semantic_score: float | None
    fit: dict[str, bool | None]
    hard_violation: bool
    # relevant enough to propose (an alert, a pass-on suggestion): see constraints.is_match;
    # independent of hard_violation, which callers check as well
    is_match: bool = False
    # ranking tier (constraints.tier): 0 match meeting the hard requirements, 1 match failing
    # one, 2 weaker candidate (below the match floor) meeting them, 3 weaker and failing
    tier: int = 0
    # False: too few documents for the floor (constraints.effective_floor), tiers 0 and 1 only
    floor_active: bool = True
    matched_terms: list[str] = field(default_factory=list)
    snippet: str = ""
    language: str | None = None
    category: str | None = None

    def to_dict(self) -> dict:
        d = asdict(self)
        for key in ("score", "fused_score", "lexical_score", "semantic_score"):
            if d[key] is not None:
                d[key] = round(float(d[key]), 6)
        return d
