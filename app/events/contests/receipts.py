"""What a voter gets back for a ballot: the stored ballot's acknowledgement and its receipt code.

Built by the group commit (group_commit.py) from the rows it reads or inserts, returned by
`ballots.cast()`; no ORM object, so an answer can cross threads after its transaction ended.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime


@dataclass
class BallotRow:
    """What an acknowledgement needs of a stored ballot."""

    id: int
    round_id: int
    voter_key: str
    choices: list
    idempotency_key: str
    receipt: str
    created_at: datetime


@dataclass
class Receipt:
    ballot: BallotRow
    created: bool  # False when an idempotent retry returned the existing ballot

    @property
    def receipt(self) -> str:
        return self.ballot.receipt


def new_receipt() -> str:
    return "R-" + secrets.token_hex(8).upper()
