"""factory_boy factories for every core model. Users share one pre-hashed password."""

from __future__ import annotations

from datetime import date, timedelta

import factory
from factory.alchemy import SQLAlchemyModelFactory

from app.accounts.models import Membership, Organization, User
from app.applications.models import Application
from app.auth import hash_password
from app.challenges.models import Challenge, ChallengeCoOwner
from app.db import utcnow
from app.extensions import db
from app.reviews.models import Committee, CommitteeMember, Criterion, Rubric
from app.solutions.models import Solution

from .conftest import PASSWORD

_HASH = hash_password(PASSWORD)


def save() -> None:
    """Commit, or only flush while a caller batches many objects into one commit."""
    if Base._meta.sqlalchemy_session_persistence == "flush":
        db.session.flush()
    else:
        db.session.commit()


class Base(SQLAlchemyModelFactory):
    class Meta:
        abstract = True
        sqlalchemy_session_factory = lambda: db.session  # noqa: E731
        sqlalchemy_session_persistence = "commit"


class OrganizationFactory(Base):
    class Meta:
        model = Organization

    slug = factory.Sequence(lambda n: f"org-{n}")
    kind = "municipality"
    name_ja = factory.Sequence(lambda n: f"テスト市{n}")
    name_en = factory.Sequence(lambda n: f"Test City {n}")
    prefecture = "長野県"
    population_band = "100k_300k"
    description = ""


class MunicipalityFactory(OrganizationFactory):
    kind = "municipality"


class StartupFactory(OrganizationFactory):
    kind = "startup"
    name_ja = factory.Sequence(lambda n: f"株式会社テスト{n}")
    name_en = factory.Sequence(lambda n: f"Test Inc. {n}")
    population_band = None


class CoordinatorFactory(OrganizationFactory):
    kind = "coordinator"
    name_ja = factory.Sequence(lambda n: f"GovTech推進機構{n}")
    population_band = None


class UserFactory(Base):
    class Meta:
        model = User

    email = factory.Sequence(lambda n: f"user{n}@example.jp")
    password_hash = _HASH
    display_name = factory.Sequence(lambda n: f"利用者{n}")
    locale = "ja"


class MembershipFactory(Base):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    organization = factory.SubFactory(MunicipalityFactory)
    role = "member"


def member_of(org: Organization, role: str = "member", **user_kwargs) -> User:
    user = UserFactory(**user_kwargs)
    MembershipFactory(user=user, organization=org, role=role)
    db.session.refresh(user)
    return user


class ChallengeFactory(Base):
    class Meta:
        model = Challenge

    owner = factory.SubFactory(MunicipalityFactory)
    owner_org_id = factory.SelfAttribute("owner.id")
    title = factory.Sequence(lambda n: f"窓口の待ち時間を短縮したい {n}")
    summary = "来庁者の待ち時間が長く、苦情が多い。"
    background = "繁忙期には90分待ちになる。"
    current_workflow = "紙の番号札で呼び出している。"
    desired_outcome = "待ち時間を半減したい。"
    kpis = factory.LazyFunction(lambda: ["平均待ち時間 60分→30分"])
    category = "counter_services"
    tags = factory.LazyFunction(lambda: ["窓口", "予約"])
    env_lgwan = True
    env_internet = False
    env_onprem = False
    security_level = 2
    budget_min_jpy = 1_000_000
    budget_max_jpy = 5_000_000
    application_deadline = factory.LazyFunction(lambda: utcnow() + timedelta(days=30))
    pilot_start = factory.LazyFunction(lambda: date.today() + timedelta(days=60))
    pilot_end = factory.LazyFunction(lambda: date.today() + timedelta(days=240))
    status = "published"
    visibility = "public"
    published_at = factory.LazyFunction(utcnow)


class CoOwnerFactory(Base):
    class Meta:
        model = ChallengeCoOwner

    challenge = factory.SubFactory(ChallengeFactory)
    organization = factory.SubFactory(MunicipalityFactory)
    org_id = factory.SelfAttribute("organization.id")
    status = "accepted"


class SolutionFactory(Base):
    class Meta:
        model = Solution

    organization = factory.SubFactory(StartupFactory)
    org_id = factory.SelfAttribute("organization.id")
    title = factory.Sequence(lambda n: f"来庁予約・番号発券のオンライン化 {n}")
    summary = "スマートフォンから来庁予約と番号発券ができるサービス。"
    features = factory.LazyFunction(lambda: ["来庁予約", "呼び出し通知"])
    category = "counter_services"
    tags = factory.LazyFunction(lambda: ["予約", "窓口DX"])
    env_lgwan = True
    env_internet = True
    price_jpy_per_year = 2_400_000
    certifications = factory.LazyFunction(lambda: ["ISMS"])
    languages = factory.LazyFunction(lambda: ["ja"])
    regions_served = factory.LazyFunction(lambda: ["全国"])
    status = "published"


class ApplicationFactory(Base):
    class Meta:
        model = Application

    challenge = factory.SubFactory(ChallengeFactory)
    challenge_id = factory.SelfAttribute("challenge.id")
    solution = factory.SubFactory(SolutionFactory)
    solution_id = factory.SelfAttribute("solution.id")
    applicant = factory.SelfAttribute("solution.organization")
    applicant_org_id = factory.SelfAttribute("applicant.id")
    proposal = "番号発券と来庁予約を3か月で導入します。"
    implementation_plan = "1か月目: 設定、2か月目: 試行、3か月目: 評価"
    schedule = "2027年4月〜6月"
    cost_estimate_jpy = 2_000_000
    expected_effect = "平均待ち時間を60分から25分へ"
    status = "submitted"
    submitted_at = factory.LazyFunction(utcnow)


class RubricFactory(Base):
    class Meta:
        model = Rubric

    title = "標準評価基準"

    @factory.post_generation
    def criteria(self, create, extracted, **kwargs):
        specs = extracted or [
            ("understanding", "課題理解", 30),
            ("feasibility", "実現可能性", 30),
            ("novelty", "新規性", 10),
            ("cost", "費用対効果", 20),
            ("continuity", "継続性", 10),
        ]
        for i, (key, name, weight) in enumerate(specs):
            self.criteria.append(
                Criterion(
                    key=key, name_ja=name, name_en=key.title(), weight=weight, scale_min=1, scale_max=5, position=i
                )
            )
        if create:
            save()


class CommitteeFactory(Base):
    class Meta:
        model = Committee

    challenge = factory.SubFactory(ChallengeFactory)
    challenge_id = factory.SelfAttribute("challenge.id")
    status = "open"


def add_judge(committee: Committee, user: User) -> CommitteeMember:
    member = CommitteeMember(committee_id=committee.id, user_id=user.id)
    db.session.add(member)
    save()
    db.session.refresh(committee)
    return member
