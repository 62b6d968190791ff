"""A guest's ballot, over the socket or over HTTP: one lean path for the big audience.

The caller has checked the join pass's signature (its age and its contest) without the database:
the socket when it connected (sockets.py), the HTTP request from its cookie or header
(identity.signed_pass). The pass row itself (it exists, for this contest, not claimed by a user)
is checked inside the group commit's transaction (one query per batch), and the round's rules
come from the per-process cache (rules_cache.py). The policy check and the write are
`ballots.cast`, as for every ballot: the same eligibility, key, choices, idempotency and receipt.
"""

from __future__ import annotations

from ...errors import NotFound
from . import ballots
from .identity import Voter
from .rules_cache import cached_rules


def cast(pass_id: int, contest_id: int, round_id: int, choices, key: str, via: str) -> ballots.Receipt:
    """Cast (or replay) the ballot of the guest holding join pass `pass_id`. NotFound when the
    round is not one of the pass's contest. Committed when it returns."""
    rules = cached_rules(round_id)
    if rules is None or rules.contest_id != contest_id:
        raise NotFound()
    return ballots.cast(
        round_id,
        Voter(key=f"g:{pass_id}", join_pass_id=pass_id),
        choices,
        key,
        via=via,
        rules=rules,
        verify_pass=True,
        reload_entries=lambda: (cached_rules(round_id, fresh=True) or rules).entry_ids,
    )
