"""Page sections: the offers on a challenge page."""

from __future__ import annotations


def challenge_offers(challenge, user) -> dict | None:
    if not challenge.co_development and not challenge.offers:
        return None
    return {"co_development": challenge.co_development, "offers": list(challenge.offers or [])}
