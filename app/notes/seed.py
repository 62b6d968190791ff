"""Demo data: a few practice notes, members-only and public, linked to a round, a specification and a
zero-budget challenge."""

from __future__ import annotations

from sqlalchemy import select

from ..extensions import db
from ..procurement.models import ProcurementRound
from ..specifications.models import StandardSpecification
from .models import PracticeNote

NOTES = [
    (
        "t.nakamura@matsumoto.example.jp",
        "AI議事録の実証をどう進めたか",
        "審議会3回分の録音で、話者識別と要約の精度を測りました。\n最初の1か月は録音環境（マイクの位置、発言前に名乗るルール）の整備が一番効きました。"
        "辞書登録は地名・人名を200語ほど事前に入れておくと修正時間が半分になりました。",
        "members",
        "round",
        ["AI議事録", "実証"],
    ),
    (
        "admin@komoro.example.jp",
        "デモで事業者に聞いたこと（AI議事録）",
        "1. 音声データはどこに、何日保管されるか\n2. LGWAN接続系で使えるか、ASPか\n3. 辞書登録はCSVで一括できるか\n4. 庁内の研修を誰がするか"
        "\n聞き忘れて後悔したのは、契約終了時のデータ削除の証明です。",
        "public",
        "specification",
        ["AI議事録", "デモ", "調達"],
    ),
    (
        "admin@kamiyama.example.jp",
        "予算ゼロで共同開発を始めるときに決めたこと",
        "お金を払わない代わりに、何を提供するかを最初に文書にしました（空き家3軒、職員の時間、自治会への説明の場）。"
        "成果物の権利と、他の自治体に展開するときの条件も先に決めておくと揉めません。",
        "public",
        "challenge",
        ["共同開発", "空き家"],
    ),
]


def seed(context: dict) -> None:
    users = context.get("users") or {}
    rnd = db.session.scalar(select(ProcurementRound).where(ProcurementRound.title.like("AI議事録 共同調達 2026%")))
    spec = db.session.scalar(select(StandardSpecification).order_by(StandardSpecification.id))
    challenge = (context.get("challenges") or {}).get("kamiyama-akiya-volunteer")
    targets = {
        "round": ("round_id", rnd),
        "specification": ("specification_id", spec),
        "challenge": ("challenge_id", challenge),
    }
    for email, title, body, visibility, link, tags in NOTES:
        user = users.get(email)
        if (
            user is None
            or not user.memberships
            or db.session.scalar(select(PracticeNote.id).where(PracticeNote.title == title))
        ):
            continue
        field, obj = targets[link]
        note = PracticeNote(
            author_id=user.id,
            org_id=user.memberships[0].org_id,
            title=title,
            body=body,
            visibility=visibility,
            tags=tags,
            language="ja",
        )
        if obj is not None:
            setattr(note, field, obj.id)
        db.session.add(note)
    db.session.flush()
