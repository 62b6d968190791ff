"""A small world for application and committee tests."""

from __future__ import annotations

from dataclasses import dataclass

from app.challenges.models import ChallengeCoOwner
from app.extensions import db
from tests.factories import (
    ChallengeFactory,
    MunicipalityFactory,
    SolutionFactory,
    StartupFactory,
    UserFactory,
    member_of,
)

PROPOSAL = {
    "proposal": "番号発券と来庁予約を3か月で導入します。",
    "implementation_plan": "1か月目: 設定、2か月目: 試行、3か月目: 評価",
    "schedule": "2027年4月〜6月",
    "cost_estimate_jpy": 2_000_000,
    "expected_effect": "平均待ち時間を60分から25分へ",
}


@dataclass
class Scene:
    city: object
    co_city: object
    partner_city: object
    startup: object
    other_startup: object
    owner_admin: object
    owner_member: object
    co_owner: object
    founder: object
    partner_user: object
    rival: object
    judge_a: object
    judge_b: object
    outsider: object
    challenge: object
    solution: object
    rival_solution: object


def scene() -> Scene:
    city = MunicipalityFactory(slug="matsumoto", name_ja="松本市")
    co_city = MunicipalityFactory(slug="shiojiri", name_ja="塩尻市")
    partner_city = MunicipalityFactory(slug="azumino", name_ja="安曇野市")
    startup = StartupFactory(slug="madoguchi-tech")
    other = StartupFactory(slug="rival-inc")
    challenge = ChallengeFactory(owner=city, owner_org_id=city.id)
    db.session.add(ChallengeCoOwner(challenge_id=challenge.id, org_id=co_city.id, status="accepted"))
    db.session.commit()
    s = Scene(
        city=city,
        co_city=co_city,
        partner_city=partner_city,
        startup=startup,
        other_startup=other,
        owner_admin=member_of(city, "admin", email="admin@matsumoto.jp"),
        owner_member=member_of(city, "member", email="staff@matsumoto.jp"),
        co_owner=member_of(co_city, "admin", email="admin@shiojiri.jp"),
        founder=member_of(startup, "admin", email="ceo@madoguchi.jp"),
        partner_user=member_of(partner_city, "member", email="staff@azumino.jp"),
        rival=member_of(other, "admin", email="ceo@rival.jp"),
        judge_a=UserFactory(email="prof@univ.ac.jp", display_name="審査員A"),
        judge_b=UserFactory(email="expert@example.jp", display_name="審査員B"),
        outsider=UserFactory(email="someone@example.jp"),
        challenge=challenge,
        solution=SolutionFactory(organization=startup, org_id=startup.id),
        rival_solution=SolutionFactory(organization=other, org_id=other.id),
    )
    db.session.refresh(challenge)
    return s


def counts(*models) -> tuple:
    from sqlalchemy import func, select

    db.session.expire_all()
    return tuple(db.session.scalar(select(func.count()).select_from(m)) for m in models)
