"""Demo events: an upcoming 官民共創ナイト meetup, a workshop with problem cards and likes, a past
event with check-ins, and an upcoming contest event for app/events/contests to attach to
(its id goes into context["contest_event_id"]). Missing demo users or organisations are skipped."""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select

from ..accounts.models import Organization, User
from ..db import utcnow
from ..extensions import db
from .models import CardLike, Event, EventCoHost, ProblemCard, Rsvp

TOKYO = ZoneInfo("Asia/Tokyo")

CARDS = [
    (
        "matsumoto",
        "t.nakamura@matsumoto.example.jp",
        "審議会の議事録作成に毎回5時間かかる",
        "録音を聞き直してWordで文字起こししている。公開まで3週間。",
        "backoffice_dx",
    ),
    (
        "matsumoto",
        "nourin@matsumoto.example.jp",
        "わなの見回り記録が紙で、報奨金の集計に手間",
        "猟友会から月末に紙の調書が届き、Excelへ転記している。",
        "agriculture_wildlife",
    ),
    (
        "shiojiri",
        "admin@shiojiri.example.jp",
        "窓口で同じことを何度も書いてもらっている",
        "転入時に平均7枚の申請書。書かない窓口を検討中。",
        "counter_services",
    ),
    (
        "komoro",
        "admin@komoro.example.jp",
        "デマンド交通の予約が電話のみで混雑",
        "朝8時台に電話が集中し、オペレーター2名では受けきれない。",
        "mobility_transport",
    ),
    (
        "achi",
        "admin@achi.example.jp",
        "職員90名で情報システムの担当が1名",
        "更新時期の管理や調達仕様書の作成が属人化している。",
        "backoffice_dx",
    ),
    (
        "matsumoto",
        "admin@matsumoto.example.jp",
        "観光シーズンの松本城周辺の渋滞",
        "駐車場の満空情報を電話で集約しており、発信が遅い。",
        "tourism_culture",
    ),
]


def _at(days: int, hour: int, minute: int = 0) -> datetime:
    day = (utcnow().astimezone(TOKYO) + timedelta(days=days)).date()
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=TOKYO)


def _org(slug: str) -> Organization | None:
    return db.session.scalar(select(Organization).where(Organization.slug == slug))


def _host() -> Organization | None:
    return (
        _org("nagano-govtech")
        or db.session.scalar(select(Organization).where(Organization.kind == "coordinator").limit(1))
        or db.session.scalar(select(Organization).where(Organization.kind == "municipality").limit(1))
        or db.session.scalar(select(Organization).limit(1))
    )


def _user(email: str) -> User | None:
    return db.session.scalar(select(User).where(User.email == email))


def _users(emails) -> list[User]:
    return [u for u in (_user(e) for e in emails) if u is not None]


def _event(host, **kwargs) -> Event:
    event = Event(host_org_id=host.id, status="published", timezone="Asia/Tokyo", **kwargs)
    db.session.add(event)
    db.session.flush()
    return event


def _rsvp(event: Event, user: User, status: str = "confirmed", checked_in: bool = False) -> Rsvp:
    now = utcnow()
    row = Rsvp(
        event=event,
        user_id=user.id,
        status=status,
        requested_at=now,
        confirmed_at=now if status == "confirmed" else None,
        ticket_nonce=secrets.token_hex(16),
    )
    if checked_in:
        row.checked_in_at = event.starts_at + timedelta(minutes=5)
    db.session.add(row)
    return row


def seed(context: dict) -> None:
    host = _host()
    if host is None:
        return
    creator = _user("admin@nagano-govtech.example.jp")
    created_by = creator.id if creator else None
    matsumoto = _org("matsumoto")

    meetup = _event(
        host,
        created_by_id=created_by,
        kind="meetup",
        format="hybrid",
        title="官民共創ナイト vol.12 〜自治体×スタートアップ 横展開のリアル〜",
        description=(
            "自治体職員とスタートアップが気軽に語り合う交流会です。ある市で成果の出た取り組みを"
            "他の自治体へ広げる「横展開」をテーマに、実証実験の担当者が本音で話します。\n\n"
            "1つの自治体で合わなかった提案を、別の自治体へつなぐ「出島」の考え方も紹介します。"
        ),
        agenda="18:30 開場・受付\n19:00 開会あいさつ\n19:10 事例紹介（松本市・塩尻市）\n19:50 パネルトーク\n20:30 交流会\n21:30 終了",
        venue="長野県松本市中央1-18-1 Mウイング 6階ホール",
        online_url="https://meet.example.jp/kanmin-night-12",
        starts_at=_at(14, 19),
        ends_at=_at(14, 21, 30),
        capacity=60,
        visibility="public",
    )
    if matsumoto:
        meetup.co_hosts.append(EventCoHost(org_id=matsumoto.id))
    for user in _users(
        [
            "admin@matsumoto.example.jp",
            "admin@gijiroku-lab.example.jp",
            "admin@kotonoha-ai.example.jp",
            "admin@shiojiri.example.jp",
            "admin@sonaeru.example.jp",
            "admin@northwind.example.jp",
        ]
    ):
        _rsvp(meetup, user)

    workshop = _event(
        host,
        created_by_id=created_by,
        kind="workshop",
        format="venue",
        title="庁内課題共有ワークショップ（長野県内市町村）",
        description="県内の自治体職員が日々の業務で困っていることをカードにして共有し、スタートアップと一緒に深掘りします。",
        agenda="13:30 趣旨説明\n13:45 課題カードの記入\n14:30 スタートアップとの対話\n15:30 いいねの多い課題の深掘り\n16:30 終了",
        venue="長野県長野市大字南長野字幅下692-2 県庁西庁舎 301会議室",
        starts_at=_at(5, 13, 30),
        ends_at=_at(5, 16, 30),
        capacity=40,
        visibility="members",
    )
    attendees = _users(
        [
            "t.nakamura@matsumoto.example.jp",
            "nourin@matsumoto.example.jp",
            "admin@matsumoto.example.jp",
            "admin@shiojiri.example.jp",
            "admin@komoro.example.jp",
            "admin@achi.example.jp",
            "admin@gijiroku-lab.example.jp",
            "admin@kemonomichi.example.jp",
            "admin@noriai.example.jp",
            "admin@madoguchi-tech.example.jp",
        ]
    )
    for user in attendees:
        _rsvp(workshop, user)
    db.session.flush()
    likers = [u.id for u in attendees]
    for i, (slug, email, title, body, category) in enumerate(CARDS):
        org, author = _org(slug), _user(email)
        if org is None or author is None:
            continue
        card = ProblemCard(
            event=workshop, author_id=author.id, org_id=org.id, title=title, body=body, category=category
        )
        db.session.add(card)
        db.session.flush()
        for user_id in likers[: max(1, len(likers) - i * 2)]:
            db.session.add(CardLike(card_id=card.id, user_id=user_id))

    past = _event(
        host,
        created_by_id=created_by,
        kind="meetup",
        format="venue",
        title="官民共創ナイト vol.11 〜鳥獣害対策とテクノロジー〜",
        description="わなセンサーやドローンを使った鳥獣害対策の実証事例を共有しました。",
        agenda="19:00 事例紹介\n19:40 ディスカッション\n20:30 交流会",
        venue="長野県塩尻市大門一番町12-2 えんぱーく 多目的ホール",
        starts_at=_at(-30, 19),
        ends_at=_at(-30, 21),
        capacity=50,
        visibility="public",
        registration_open=False,
    )
    for i, user in enumerate(
        _users(
            [
                "nourin@matsumoto.example.jp",
                "admin@kemonomichi.example.jp",
                "admin@agrisky.example.jp",
                "admin@shiojiri.example.jp",
                "admin@komoro.example.jp",
                "admin@toyooka.example.jp",
            ]
        )
    ):
        _rsvp(past, user, checked_in=i < 5)

    contest = _event(
        host,
        created_by_id=created_by,
        kind="contest",
        format="hybrid",
        title="自治体課題解決ピッチコンテスト 2026",
        description=(
            "職員が共有した庁内課題に対し、スタートアップ10社がピッチします。審査には審査員の評価に加えて"
            "職員の投票も反映されます。最優秀チームは自治体と実証実験を行います。"
        ),
        agenda="13:00 開会\n13:10 ピッチ（1社7分＋質疑3分）\n15:00 投票・審査\n15:30 結果発表",
        venue="長野県松本市島立1020 松本市役所 大会議室",
        online_url="https://meet.example.jp/pitch-2026",
        starts_at=_at(21, 13),
        ends_at=_at(21, 16),
        capacity=120,
        visibility="public",
    )
    for user in _users(
        [
            "admin@matsumoto.example.jp",
            "t.nakamura@matsumoto.example.jp",
            "admin@shiojiri.example.jp",
            "admin@komoro.example.jp",
        ]
    ):
        _rsvp(contest, user)
    db.session.flush()
    context["contest_event_id"] = contest.id
    context["events"] = {"meetup": meetup.id, "workshop": workshop.id, "past": past.id, "contest": contest.id}

    # The pitch contest on the contest event (rounds, entries, a verified snapshot).
    from .contests.seed import seed as seed_contest

    seed_contest(context)
