"""How a domain lists its routes for the permission matrix.

    CASES = [
        Case("GET", "/api/v1/challenges/<int:challenge_id>", "/api/v1/challenges/{draft_challenge}",
             anonymous=404, startup_member=404, municipality_member=200, default=200),
    ]

`rule` is the Flask URL rule exactly as in app.url_map; `path` fills in world ids.
Unsafe methods get a fresh world per role (their body may change it). Expected values
are HTTP status codes; `default` covers the roles not named.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .world import ROLES


@dataclass
class Case:
    method: str
    rule: str
    path: str
    expected: dict = field(default_factory=dict)
    json: Any = None
    data: dict | None = None
    files: dict | None = None  # name -> (bytes, filename)

    def __init__(self, method, rule, path, json=None, data=None, files=None, default=None, **expected):
        unknown = set(expected) - set(ROLES)
        if unknown:
            raise ValueError(f"Unknown roles {unknown} in case {method} {rule}")
        if default is None and set(expected) != set(ROLES):
            raise ValueError(f"Case {method} {rule}: give every role or a default")
        self.method, self.rule, self.path = method.upper(), rule, path
        self.json, self.data, self.files = json, data, files
        self.expected = {role: expected.get(role, default) for role in ROLES}

    @property
    def key(self) -> tuple[str, str]:
        return self.method, self.rule

    def __str__(self) -> str:
        return f"{self.method} {self.rule}"
