"""The committee review as applications see it: who judges an application, whether scoring is still
open, what the detail page shows of the reviews and the ranking on the applications list.

app/reviews sits above applications (its committees score applications), so applications never
import it: reviews registers its answers here in its init_app (`register(...)`). Without them
(an app without the reviews package) there is no committee, no judge, no review and no rank."""

from __future__ import annotations

_answers: dict = {}


def register(*, committee_for_challenge, assignment, criteria_of, visible_reviews, ranking) -> None:
    _answers.update(
        committee_for_challenge=committee_for_challenge,
        assignment=assignment,
        criteria_of=criteria_of,
        visible_reviews=visible_reviews,
        ranking=ranking,
    )


def committee_for_challenge(challenge_id: int):
    """The challenge's review committee, or None."""
    answer = _answers.get("committee_for_challenge")
    return answer(challenge_id) if answer else None


def assignment(application, user):
    """The user's review assignment for this application, or None."""
    answer = _answers.get("assignment")
    return answer(application, user) if answer else None


def criteria_of(challenge) -> list:
    answer = _answers.get("criteria_of")
    return answer(challenge) if answer else []


def visible_reviews(application, user) -> list[dict]:
    answer = _answers.get("visible_reviews")
    return answer(application, user) if answer else []


def ranking(challenge) -> list[dict]:
    answer = _answers.get("ranking")
    return answer(challenge) if answer else []
