"""Factories and a small contest world for the contest tests."""

from __future__ import annotations

from datetime import timedelta

import factory

from app.db import utcnow
from app.events.contests.models import Contest, Entry, VotingRound
from app.events.contests.services import new_join_code
from app.events.models import Event
from app.extensions import db
from tests.factories import (
    Base,
    MunicipalityFactory,
    RubricFactory,
    SolutionFactory,
    StartupFactory,
    UserFactory,
    member_of,
)


class ContestEventFactory(Base):
    class Meta:
        model = Event

    host = factory.SubFactory(MunicipalityFactory)
    host_org_id = factory.SelfAttribute("host.id")
    title = factory.Sequence(lambda n: f"自治体課題ピッチコンテスト {n}")
    kind = "contest"
    format = "venue"
    venue = "市役所 大会議室"
    starts_at = factory.LazyFunction(lambda: utcnow() + timedelta(days=1))
    ends_at = factory.LazyFunction(lambda: utcnow() + timedelta(days=1, hours=3))
    visibility = "public"
    status = "published"


class ContestFactory(Base):
    class Meta:
        model = Contest

    event = factory.SubFactory(ContestEventFactory)
    event_id = factory.SelfAttribute("event.id")
    title = factory.Sequence(lambda n: f"スタートアップ・ピッチ {n}")
    join_code = factory.LazyFunction(new_join_code)
    weight_judges = 60
    weight_votes = 35
    weight_likes = 5


def make_contest(entries: int = 3, rubric: bool = True, **kwargs):
    """A contest on a public event hosted by a city, with `entries` startup entries.
    Returns (contest, organiser (host admin), staff (host member))."""
    city = MunicipalityFactory()
    organiser = member_of(city, "admin")
    staff = member_of(city, "member")
    event = ContestEventFactory(host=city, host_org_id=city.id)
    rb = RubricFactory() if rubric else None
    contest = ContestFactory(event=event, event_id=event.id, rubric_id=rb.id if rb else None, **kwargs)
    for i in range(entries):
        startup = StartupFactory()
        solution = SolutionFactory(organization=startup, org_id=startup.id)
        db.session.add(
            Entry(contest_id=contest.id, org_id=startup.id, solution_id=solution.id, title=solution.title, position=i)
        )
    db.session.commit()
    db.session.refresh(contest)
    return contest, organiser, staff


def add_round(contest, status: str = "open", **kwargs) -> VotingRound:
    values = {
        "title": "決勝投票",
        "method": "single",
        "max_choices": 1,
        "eligibility": ["staff"],
        "allow_change": True,
        **kwargs,
    }
    rnd = VotingRound(contest_id=contest.id, status=status, opened_at=utcnow() if status != "draft" else None, **values)
    db.session.add(rnd)
    db.session.commit()
    return rnd


def staff_of(contest, n: int = 1):
    return [member_of(contest.event.host, "member") for _ in range(n)]


__all__ = [
    "ContestEventFactory",
    "ContestFactory",
    "make_contest",
    "add_round",
    "ballot_items",
    "staff_of",
    "UserFactory",
]


def ballot_items(contest, rnd, n, prefix="v"):
    """n checked socket ballots of distinct voters for the group commit (voter v<i>, key k<i>)."""
    from app.events.contests.group_commit import Item

    entry = contest.entries[0].id
    return [
        Item(
            round_id=rnd.id,
            contest_id=contest.id,
            voter_key=f"{prefix}{i}",
            user_id=None,
            join_pass_id=None,
            choices=[entry],
            key=f"k{i}",
            via="socket",
        )
        for i in range(n)
    ]
