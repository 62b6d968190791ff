"""Demo data: last year's finished Nagano AI-minutes round, the tool comparison of its three vendors
(with one vendor's reply), the standard specification published from it (v1, v2) and its adoption
by 加賀市 in another prefecture."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select

from ..accounts.models import Organization
from ..db import utcnow
from ..extensions import db
from ..procurement.comparison_models import ComparisonCell, ComparisonRow
from ..procurement.models import ProcurementRound, RoundParticipant, RoundVendor
from ..solutions.models import Solution
from .models import SpecificationUse, SpecificationVersion, StandardSpecification

TITLE = "AI議事録 共同調達 2026（第1期）"
MUST = ["話者識別", "音声データの国内保管", "Word形式での出力"]
NICE = ["要約の自動生成", "方言・固有名詞の辞書登録"]
SHEETS = {
    "matsumoto": (["lgwan"], 400, 3, 4_500_000, MUST, NICE),
    "komoro": (["lgwan", "internet"], 120, 2, 1_200_000, MUST[:2], ["要約の自動生成"]),
    "achi": (["lgwan"], 25, 2, 150_000, ["話者識別", "方言・固有名詞の辞書登録"], []),
}
# vendor slug, solution title, quoted price, demo day offset, {requirement: (result, note)}
ROWS = [
    (
        "gijiroku-lab",
        "ギジロク for LGWAN（AI議事録作成）",
        1_980_000,
        40,
        {
            "話者識別": ("met", "8名まで自動識別。"),
            "音声データの国内保管": ("met", "国内2拠点で保管。"),
            "Word形式での出力": ("met", ""),
            "要約の自動生成": ("partial", "箇条書きの要点のみ。"),
            "方言・固有名詞の辞書登録": ("met", "CSVで一括登録できる。"),
        },
    ),
    (
        "officeless",
        "オフィスレス会議録アシスト",
        1_680_000,
        41,
        {
            "話者識別": ("partial", "事前の声紋登録が必要。"),
            "音声データの国内保管": ("met", ""),
            "Word形式での出力": ("met", ""),
            "要約の自動生成": ("not_met", "未対応。"),
            "方言・固有名詞の辞書登録": ("partial", "固有名詞のみ。"),
        },
    ),
    (
        "kotonoha-ai",
        "コトノハ for LGWAN（自治体向け生成AI）",
        2_400_000,
        42,
        {
            "話者識別": ("not_met", "デモ時点では未対応。"),
            "音声データの国内保管": ("met", ""),
            "Word形式での出力": ("partial", "テキスト出力のみ。"),
            "要約の自動生成": ("met", "議題ごとの要約を生成。"),
            "方言・固有名詞の辞書登録": ("met", ""),
        },
    ),
]
REPLY = ("kotonoha-ai", "話者識別", "2027年2月のリリースで話者識別（6名まで）に対応しました。再デモが可能です。")


def _org(slug: str) -> Organization | None:
    return db.session.scalar(select(Organization).where(Organization.slug == slug))


def seed(context: dict) -> None:
    coordinator = _org("nagano-govtech")
    if coordinator is None or db.session.scalar(select(ProcurementRound.id).where(ProcurementRound.title == TITLE)):
        return
    users = context.get("users") or {}
    creator = users.get("admin@nagano-govtech.example.jp")
    creator_id = creator.id if creator else None
    now = utcnow()
    rnd = ProcurementRound(
        coordinator_org_id=coordinator.id,
        created_by_id=creator_id,
        service_type="ai_minutes",
        title=TITLE,
        description="県内3市村でAI議事録ツールを共同調達した第1期。デモと機能比較を経て事業者を選定しました。",
        feature_catalogue=MUST + NICE,
        optin_deadline=now - timedelta(days=120),
        requirements_deadline=now - timedelta(days=100),
        expected_start=date(now.year, 4, 1),
        status="awarded",
        awarded_at=now - timedelta(days=40),
    )
    db.session.add(rnd)
    db.session.flush()
    for slug, (envs, seats, level, budget, must, nice) in SHEETS.items():
        org = _org(slug)
        if org is not None:
            p = RoundParticipant(
                org_id=org.id,
                seats=seats,
                security_level=level,
                budget_max_jpy=budget,
                must_have=must,
                nice_to_have=nice,
                sheet_submitted_at=now - timedelta(days=105),
            )
            p.environments = envs
            rnd.participants.append(p)
    for slug, title, price, offset, cells in ROWS:
        org, solution = _org(slug), db.session.scalar(select(Solution).where(Solution.title == title))
        if org is None or solution is None:
            continue
        rnd.vendors.append(RoundVendor(org_id=org.id, invited_by_id=creator_id))
        row = ComparisonRow(
            round_id=rnd.id,
            solution_id=solution.id,
            vendor_org_id=org.id,
            quoted_price_jpy=price,
            demo_date=(now - timedelta(days=100 - offset)).date(),
            recorded_by_id=creator_id,
        )
        for requirement, (result, note) in cells.items():
            cell = ComparisonCell(requirement=requirement, result=result, note=note)
            if (slug, requirement) == REPLY[:2]:
                cell.vendor_reply, cell.replied_at = REPLY[2], now - timedelta(days=30)
            row.cells.append(cell)
        db.session.add(row)
    gijiroku = _org("gijiroku-lab")
    rnd.awarded_vendor_org_id = gijiroku.id if gijiroku else None
    db.session.flush()
    _specification(rnd, coordinator, creator_id, now)


def _specification(rnd, coordinator, creator_id, now) -> None:
    spec = StandardSpecification(
        service_type="ai_minutes",
        title="AI議事録作成ツール 標準仕様書（長野県版）",
        coordinator_org_id=coordinator.id,
        origin_round_id=rnd.id,
        created_by_id=creator_id,
    )
    common = dict(
        environments=["lgwan"],
        seat_bands=[{"min_seats": 1, "max_seats": 100}, {"min_seats": 101, "max_seats": 500}],
        published_by_id=creator_id,
    )
    spec.versions.append(
        SpecificationVersion(
            number=1,
            must_have=MUST,
            nice_to_have=NICE,
            security_level=3,
            price_min_jpy=1_680_000,
            price_max_jpy=2_400_000,
            summary="第1期の参加3市村で合意した仕様。LGWAN接続系での利用を前提とします。",
            change_note="",
            published_at=now - timedelta(days=35),
            **common,
        )
    )
    spec.versions.append(
        SpecificationVersion(
            number=2,
            must_have=MUST + ["方言・固有名詞の辞書登録"],
            nice_to_have=["要約の自動生成", "リアルタイム文字起こし"],
            security_level=3,
            price_min_jpy=1_500_000,
            price_max_jpy=2_400_000,
            summary="第1期の運用結果を踏まえて改訂。地名・方言の辞書登録を必須にしました。",
            change_note="方言・固有名詞の辞書登録を必須要件に移し、リアルタイム文字起こしを追加。参考価格の下限を見直し。",
            published_at=now - timedelta(days=10),
            **common,
        )
    )
    db.session.add(spec)
    db.session.flush()
    kaga = _org("kaga")
    if kaga is not None:
        spec.uses.append(
            SpecificationUse(
                kind="adoption", object_id=kaga.id, org_id=kaga.id, version_number=2, created_at=now - timedelta(days=5)
            )
        )
    db.session.flush()
