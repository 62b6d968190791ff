"""Demo content for `flask seed-demo` (wired by the integrator): a pitch contest on the demo
contest event with 6 startup entries, a rubric, the demo's judges with their score sheets (one left to fill
in), one closed round with a snapshot and one ready to open."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from ...accounts.models import Membership, Organization, User
from ...auth import hash_password
from ...db import utcnow
from ...extensions import db
from ...reviews.models import Criterion, Rubric
from ...solutions.models import Solution
from ..models import Event
from . import tally
from .models import Ballot, Contest, ContestJudge, Entry, JudgeDeclaration, JudgeScore, VotingRound
from .services import new_join_code

CRITERIA = [
    ("understanding", "課題理解", "Understanding of the problem", 30),
    ("feasibility", "実現可能性", "Feasibility", 30),
    ("novelty", "新規性", "Novelty", 10),
    ("cost", "費用対効果", "Cost effectiveness", 20),
    ("continuity", "継続性・横展開", "Continuity", 10),
]
DEMO_STARTUPS = [
    ("demo-pitch-ai-counter", "株式会社まどぐちAI", "AI窓口案内"),
    ("demo-pitch-bousai", "防災テック株式会社", "避難所混雑の見える化"),
    ("demo-pitch-kosodate", "こそだてDX合同会社", "保育所入所申請のオンライン化"),
    ("demo-pitch-choju", "スマート鳥獣対策株式会社", "罠センサーによる見回り削減"),
    ("demo-pitch-mobility", "まちなかモビリティ株式会社", "デマンド交通の配車最適化"),
    ("demo-pitch-paperless", "ペーパーレス行政株式会社", "庁内決裁の電子化支援"),
]


def _host() -> Organization:
    host = db.session.scalar(select(Organization).where(Organization.kind == "municipality").order_by(Organization.id))
    if host is None:
        host = Organization(
            slug="demo-contest-city",
            kind="municipality",
            name_ja="デモ市",
            name_en="Demo City",
            prefecture="長野県",
            population_band="100k_300k",
        )
        db.session.add(host)
        db.session.flush()
    return host


def _event(context: dict, host: Organization) -> Event:
    event = db.session.get(Event, context["contest_event_id"]) if context.get("contest_event_id") else None
    if event is None:
        start = utcnow().replace(hour=4, minute=0, second=0, microsecond=0) + timedelta(days=14)
        event = Event(
            host_org_id=host.id,
            title="自治体課題解決ピッチコンテスト",
            kind="contest",
            format="hybrid",
            venue="市役所 大会議室",
            starts_at=start,
            ends_at=start + timedelta(hours=3),
            status="published",
            visibility="public",
            description="職員が共有した庁内の課題に、スタートアップ10社がピッチで解決策を提案します。"
            "審査員の評価と職員投票で最優秀賞を決め、受賞企業と実証実験を行います。",
        )
        db.session.add(event)
        db.session.flush()
        context["contest_event_id"] = event.id
    return event


def _entries(contest: Contest) -> None:
    startups = list(
        db.session.scalars(
            select(Organization).where(Organization.kind == "startup").order_by(Organization.id).limit(6)
        )
    )
    for slug, name, title in DEMO_STARTUPS[len(startups) :]:
        org = Organization(slug=slug, kind="startup", name_ja=name)
        db.session.add(org)
        db.session.flush()
        db.session.add(
            Solution(
                org_id=org.id, title=title, summary=f"{title}のサービス。", category="backoffice_dx", status="published"
            )
        )
        startups.append(org)
    db.session.flush()
    for position, org in enumerate(startups[:6]):
        solution = db.session.scalar(select(Solution).where(Solution.org_id == org.id).order_by(Solution.id))
        contest.entries.append(
            Entry(
                org_id=org.id,
                solution_id=solution.id if solution else None,
                title=solution.title if solution else org.name_ja,
                summary=solution.summary if solution else "",
                position=position,
                source="invitation",
            )
        )
    db.session.flush()


def _staff(host: Organization, n: int, password: str | None = None) -> list[User]:
    """The host's staff, topped up with demo staff (same demo password) so a round has real ballots."""
    users = list(
        db.session.scalars(
            select(User)
            .join(Membership, Membership.user_id == User.id)
            .where(Membership.org_id == host.id)
            .order_by(User.id)
        )
    )
    for i in range(len(users), n):
        password = password or hash_password("demo-pass-2026")
        user = User(
            email=f"contest-staff{i + 1}@demo.example.jp",
            password_hash=password,
            display_name=f"職員{i + 1}",
            locale="ja",
        )
        db.session.add(user)
        db.session.flush()
        db.session.add(Membership(user_id=user.id, org_id=host.id, role="member"))
        users.append(user)
    db.session.flush()
    return users[:n]


def seed(context: dict) -> None:
    host = _host()
    event = _event(context, host)
    rubric = Rubric(title="ピッチ審査基準")
    for i, (key, ja, en, weight) in enumerate(CRITERIA):
        rubric.criteria.append(
            Criterion(key=key, name_ja=ja, name_en=en, weight=weight, scale_min=1, scale_max=5, position=i)
        )
    db.session.add(rubric)
    db.session.flush()
    contest = Contest(
        event_id=event.id,
        rubric_id=rubric.id,
        title="スタートアップ・ピッチ本選",
        description="審査員60%・職員投票35%・いいね5%で総合評価します。",
        weight_judges=60,
        weight_votes=35,
        weight_likes=5,
        status="live",
        join_code=new_join_code(),
    )
    db.session.add(contest)
    db.session.flush()
    _entries(contest)
    first = VotingRound(
        contest_id=contest.id,
        title="第1部 職員投票",
        method="single",
        eligibility=["staff"],
        status="open",
        opened_at=utcnow() - timedelta(minutes=30),
    )
    final = VotingRound(
        contest_id=contest.id,
        title="決勝 職員投票",
        method="approval",
        max_choices=2,
        eligibility=["join_code", "staff"],
        status="draft",
    )
    db.session.add_all([first, final])
    db.session.flush()
    entries = contest.entries
    staff = _staff(host, 8, context.get("password_hash"))
    for i, user in enumerate(staff):
        entry = entries[(0, 0, 0, 1, 1, 2, 0, 1)[i]]  # a clear leader, a runner-up, a third
        db.session.add(
            Ballot(
                round_id=first.id,
                voter_key=f"u:{user.id}",
                user_id=user.id,
                choices=[entry.id],
                idempotency_key=f"seed-{i}",
                receipt=f"R-SEED{contest.id:04d}{i:04d}",
                via="http",
                created_at=first.opened_at + timedelta(minutes=2 + 2 * i),
            )
        )  # while the round was open
    db.session.flush()
    first.version = len(staff)
    first.status, first.closed_at = "closed", utcnow() - timedelta(minutes=5)
    db.session.flush()
    tally.take_snapshot(first)
    _judges(contest)
    context["contest_id"] = contest.id


DEMO_JUDGES = ("yamaguchi@shinano-u.example.ac.jp", "kobayashi@nagano-govtech.example.jp", "mori@it-consult.example.jp")


# Each judge's rubric scores per entry (understanding, feasibility, novelty, cost, continuity): the judges
# favour the vote runner-up, so the hybrid ranking differs from the vote alone.
JUDGE_SCORES = {
    "yamaguchi@shinano-u.example.ac.jp": [
        (4, 3, 3, 3, 3),
        (5, 5, 4, 4, 4),
        (3, 3, 4, 3, 2),
        (4, 4, 2, 3, 3),
        (3, 2, 4, 2, 3),
        (2, 3, 2, 3, 2),
    ],
    "kobayashi@nagano-govtech.example.jp": [
        (3, 4, 3, 4, 3),
        (5, 4, 4, 5, 4),
        (4, 3, 3, 3, 3),
        (3, 4, 3, 3, 4),
        (3, 3, 3, 3, 2),
        (3, 2, 3, 2, 3),
    ],
    "mori@it-consult.example.jp": [(4, 4, 3, 3, 4), None, (3, 4, 3, 4, 3), (4, 3, 3, 3, 3), (2, 3, 3, 3, 3), "todo"],
}


def _judges(contest: Contest) -> None:
    """The demo's judges: 山口 and 小林 declared no conflict and scored every entry; 森 is recused from the
    second entry and has one entry left to score, so the moderator page shows who is missing and the
    walkthrough ends, once he has scored it, on a ranking with every score sheet."""
    users = db.session.scalars(select(User).where(User.email.in_(DEMO_JUDGES)).order_by(User.id))
    keys = [c[0] for c in CRITERIA]
    for user in users:
        contest.judges.append(ContestJudge(contest_id=contest.id, user_id=user.id))
        for entry, values in zip(contest.entries, JUDGE_SCORES[user.email]):
            if values == "todo":
                continue
            db.session.add(
                JudgeDeclaration(
                    entry_id=entry.id,
                    judge_id=user.id,
                    has_conflict=values is None,
                    reason="応募企業の技術顧問を務めているため" if values is None else "",
                )
            )
            if values is not None:
                db.session.add(JudgeScore(entry_id=entry.id, judge_id=user.id, scores=dict(zip(keys, values))))
    db.session.flush()
