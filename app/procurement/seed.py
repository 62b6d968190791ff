"""Demo data: an OPEN joint procurement round for AI meeting minutes with four Nagano municipalities,
whose sheets hold a real conflict (LGWAN-only 松本市・阿智村 vs internet-only 塩尻市)."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select

from ..accounts.models import Organization, User
from ..db import utcnow
from ..extensions import db
from ..seed.core import TOKYO, tokyo_at
from .constants import FEATURE_CATALOGUES
from .models import ProcurementRound, RoundParticipant, RoundVendor

TITLE = "AI議事録 共同調達 2027"

SHEETS = {
    "matsumoto": dict(
        environments=["lgwan"],
        seats=420,
        security_level=3,
        budget_max_jpy=4_800_000,
        must_have=["話者識別", "要約の自動生成", "音声データの国内保管"],
        nice_to_have=["方言・固有名詞の辞書登録", "Word形式での出力"],
        notes="審議会の議事録に個人情報を含むため、LGWAN接続系での利用が必須です。",
    ),
    "shiojiri": dict(
        environments=["internet"],
        seats=150,
        security_level=2,
        budget_max_jpy=1_500_000,
        must_have=["話者識別", "リアルタイム文字起こし"],
        nice_to_have=["要約の自動生成"],
        notes="三層分離の見直しでインターネット接続系の端末に集約済み。LGWAN接続系には端末がありません。",
    ),
    "komoro": dict(
        environments=["lgwan", "internet"],
        seats=120,
        security_level=2,
        budget_max_jpy=1_100_000,
        must_have=["話者識別", "録音ファイルの取込"],
        nice_to_have=["Word形式での出力"],
        notes="どちらの接続系でも利用できます。",
    ),
    "achi": dict(
        environments=["lgwan"],
        seats=25,
        security_level=2,
        budget_max_jpy=90_000,
        must_have=["話者識別", "方言・固有名詞の辞書登録"],
        nice_to_have=[],
        notes="職員約90名。予算は小規模ですが、伊那谷の地名・方言の認識を重視します。",
    ),
}
VENDORS = ("gijiroku-lab", "kotonoha-ai")


def _org(slug: str) -> Organization | None:
    return db.session.scalar(select(Organization).where(Organization.slug == slug))


def seed(context: dict) -> None:
    coordinator = _org("nagano-govtech")
    if coordinator is None or coordinator.kind != "coordinator":
        return
    if db.session.scalar(select(ProcurementRound.id).where(ProcurementRound.title == TITLE)):
        return
    creator = db.session.scalar(select(User).where(User.email == "admin@nagano-govtech.example.jp"))
    now = utcnow()
    today = now.astimezone(TOKYO).date()  # deadlines at 17:00 Tokyo, not at the time of seeding
    rnd = ProcurementRound(
        coordinator_org_id=coordinator.id,
        created_by_id=creator.id if creator else None,
        service_type="ai_minutes",
        title=TITLE,
        description=(
            "長野県GovTech推進機構が呼びかけ、県内市町村でAI議事録作成ツールを共同調達します。"
            "参加団体の要件シートを集約し、ベンダーのデモデイを経て共同で事業者を選定します。"
            "契約は各団体がそれぞれ締結します。"
        ),
        feature_catalogue=list(FEATURE_CATALOGUES["ai_minutes"]),
        optin_deadline=tokyo_at(today + timedelta(days=14)),
        requirements_deadline=tokyo_at(today + timedelta(days=35)),
        expected_start=date(now.year + 1, 4, 1),
        status="open",
    )
    db.session.add(rnd)
    db.session.flush()
    for slug, sheet in SHEETS.items():
        org = _org(slug)
        if org is None or org.kind != "municipality":
            continue
        participant = RoundParticipant(
            org_id=org.id,
            seats=sheet["seats"],
            security_level=sheet["security_level"],
            budget_max_jpy=sheet["budget_max_jpy"],
            must_have=sheet["must_have"],
            nice_to_have=sheet["nice_to_have"],
            notes=sheet["notes"],
            sheet_submitted_at=now - timedelta(days=2),
        )
        participant.environments = sheet["environments"]
        rnd.participants.append(participant)
    for slug in VENDORS:
        org = _org(slug)
        if org is not None and org.kind == "startup":
            rnd.vendors.append(RoundVendor(org_id=org.id, invited_by_id=creator.id if creator else None))
    db.session.flush()
    context["procurement_round"] = rnd
