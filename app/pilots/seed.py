"""Demo pilots with KPI histories, one solution replicated in three municipalities (origin → two
replications with different outcomes), contract records and fact sheets (two versions for one).

Looks up the core demo organisations and solutions by slug / title and skips what is missing."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select

from ..extensions import db
from .models import ContractRecord, FactSheet, KpiMeasurement, Pilot, PilotKpi, PilotReport


def _org(slug):
    from ..accounts.models import Organization

    return db.session.scalar(select(Organization).where(Organization.slug == slug))


def _solution(title):
    from ..solutions.models import Solution

    return db.session.scalar(select(Solution).where(Solution.title == title))


def _pilot(municipality, solution, title, status, start, months, kpis, origin=None, **extra):
    pilot = Pilot(
        municipality_id=municipality.id,
        startup_id=solution.org_id,
        solution_id=solution.id,
        origin_id=origin.id if origin else None,
        title=title,
        category=solution.category,
        status=status,
        start_date=start,
        end_date=start + timedelta(days=30 * months),
        public=True,
        **extra,
    )
    db.session.add(pilot)
    db.session.flush()
    for i, (name, unit, direction, baseline, target, values) in enumerate(kpis):
        kpi = PilotKpi(
            pilot_id=pilot.id, name=name, unit=unit, direction=direction, baseline=baseline, target=target, position=i
        )
        db.session.add(kpi)
        db.session.flush()
        for month, value in enumerate(values, start=1):
            day = min(start + timedelta(days=30 * month), pilot.end_date, date.today())
            db.session.add(KpiMeasurement(kpi_id=kpi.id, measured_on=day, value=value))
    return pilot


def seed(context: dict) -> None:
    today = date.today()
    gijiroku = _solution("ギジロク for LGWAN（AI議事録作成）")
    kaga, shiojiri, komoro = _org("kaga"), _org("shiojiri"), _org("komoro")
    pilots = {}
    if gijiroku and kaga and shiojiri and komoro:
        minutes = ("議事録1件あたりの作成時間", "時間", "lower_is_better")
        days = ("会議から公開までの日数", "日", "lower_is_better")
        origin = _pilot(
            kaga,
            gijiroku,
            "審議会議事録のAI作成（加賀市）",
            "adopted",
            today - timedelta(days=420),
            6,
            [(*minutes, 5.0, 1.5, [3.2, 2.1, 1.6, 1.4, 1.3, 1.3]), (*days, 21, 7, [14, 9, 7, 6, 6, 6])],
            environment="lgwan",
            budget_jpy=2_400_000,
            actual_cost_jpy=2_150_000,
            costs_public=True,
            objectives="審議会22会議の議事録作成時間を7割削減し、外部委託をなくす。",
            outcome_reason="作成時間が74%減り、文字起こし委託費 年約210万円が不要になったため本格導入。",
            results="22会議で試行。1件あたり5時間→1.3時間。公開まで21日→6日。",
            lessons="固有名詞辞書の整備を最初の1か月で終えると精度が大きく上がる。",
            replication_prerequisites="LGWAN接続系端末、会議室のマイク（指向性）",
            replication_effort="職員0.2人月、辞書整備2週間",
            replication_pitfalls="方言の多い会議は話者分離が崩れやすい。録音の音量を事前確認する。",
            team_municipality="総務課 DX推進室（2名）",
            team_startup="導入支援 1名、CS 1名",
        )
        pilots["origin"] = origin
        pilots["shiojiri"] = _pilot(
            shiojiri,
            gijiroku,
            "委員会議事録のAI作成（塩尻市）",
            "running",
            today - timedelta(days=75),
            6,
            [(*minutes, 4.5, 1.5, [3.0, 2.2])],
            origin=origin,
            environment="lgwan",
            budget_jpy=1_800_000,
            objectives="加賀市の成果を踏まえ、委員会議事録の作成時間を半減以下にする。",
            team_municipality="情報政策課（1名）",
        )
        pilots["komoro"] = _pilot(
            komoro,
            gijiroku,
            "議事録作成支援の試行（小諸市）",
            "not_adopted",
            today - timedelta(days=300),
            4,
            [(*minutes, 4.0, 1.5, [3.6, 3.4, 3.3])],
            origin=origin,
            environment="lgwan",
            budget_jpy=900_000,
            actual_cost_jpy=880_000,
            population=41_000,
            outcome_reason="会議の多くが現地開催で録音環境が整わず、削減効果が2割にとどまったため見送り。",
            lessons="録音機材の更新を先に予算化すべきだった。",
        )
        db.session.add(
            PilotReport(
                pilot_id=pilots["shiojiri"].id,
                period_start=today - timedelta(days=75),
                period_end=today - timedelta(days=45),
                body="10会議で試行を開始。辞書に地名120語を登録。",
                issues="庁舎外の会議は録音品質が低い。",
            )
        )
    agrisky, obihiro = _solution("アグリスカイ 農地パトロールAI"), _org("obihiro")
    if agrisky and obihiro:
        pilots["obihiro"] = _pilot(
            obihiro,
            agrisky,
            "農地利用状況調査のドローン・AI化（帯広市）",
            "running",
            today - timedelta(days=40),
            5,
            [
                ("調査1haあたりの作業時間", "分", "lower_is_better", 30, 10, [18]),
                ("判定の一致率", "%", "higher_is_better", 80, 95, [88]),
            ],
            environment="internet",
            budget_jpy=3_500_000,
            objectives="農地パトロールの作業時間を3分の1にする。",
        )
    ocr, komoro_org = _solution("オフィスレスAI-OCR for LGWAN"), _org("komoro")
    if ocr and komoro_org:
        pilots["ocr"] = _pilot(
            komoro_org,
            ocr,
            "税務申告書のAI-OCR読取（小諸市）",
            "completed",
            today - timedelta(days=200),
            5,
            [("申告書1枚あたりの入力時間", "秒", "lower_is_better", 180, 60, [120, 80, 65, 58])],
            environment="lgwan",
            budget_jpy=1_200_000,
            actual_cost_jpy=1_150_000,
            results="入力時間を68%削減。読取精度98.2%。",
        )
    db.session.flush()

    # Contract records (the contract hub) and fact sheets.
    if gijiroku and kaga:
        db.session.add(
            ContractRecord(
                municipality_id=kaga.id,
                pilot_id=pilots.get("origin").id if pilots.get("origin") else None,
                solution_id=gijiroku.id,
                vendor_org_id=gijiroku.org_id,
                title="AI議事録作成サービス 利用契約",
                category="backoffice_dx",
                scope="審議会・委員会の議事録作成（年約300会議）",
                price_jpy=1_980_000,
                price_unit="per_year",
                start_date=today - timedelta(days=200),
                end_date=today + timedelta(days=530),
                data_ownership="録音・文字起こしデータは市に帰属。契約終了後30日以内に削除証明を提出。",
                security="LGWAN-ASP、ISMS認証。国内データセンターのみ。",
                exit_terms="全データをWord/CSVで出力。移行支援は20時間まで無償。",
                checklist={
                    "data_ownership": {"answer": "yes", "note": "市に帰属"},
                    "exit": {"answer": "yes", "note": "CSV出力"},
                    "model_training": {"answer": "yes", "note": "学習に利用しない旨を明記"},
                    "audit": {"answer": "partial", "note": "第三者監査報告書の提出のみ"},
                },
            )
        )
    if agrisky and obihiro:
        db.session.add(
            ContractRecord(
                municipality_id=obihiro.id,
                solution_id=agrisky.id,
                vendor_org_id=agrisky.org_id,
                title="農地パトロールAI 実証業務委託",
                category="agriculture_wildlife",
                price_jpy=3_500_000,
                price_unit="one_off",
                start_date=today - timedelta(days=40),
                end_date=today + timedelta(days=110),
                data_ownership="空撮画像は市に帰属。",
                checklist={"security": {"answer": "yes", "note": ""}},
            )
        )
    if gijiroku:
        base = dict(
            solution_id=gijiroku.id,
            model_provider="自社開発の音声認識モデル＋国内クラウドの大規模言語モデル（要約）",
            training_data="公開された地方議会会議録と許諾済みの会議音声（約1.2万時間）",
            test_data="自治体会議20件（方言を含む）で評価",
            human_oversight="要約案は職員が必ず確認・修正してから公開",
            privacy="音声はLGWAN-ASP内で処理し、学習には利用しない",
            responsible_ai_policy="当社AI倫理方針（2025年版）",
        )
        db.session.add(
            FactSheet(
                version=1,
                system_purpose="会議音声から発言者付きの文字起こしと要約案を作成する",
                performance="文字誤り率 8.5%",
                known_limits="複数人が同時に話すと話者分離が崩れる",
                **base,
            )
        )
        db.session.add(
            FactSheet(
                version=2,
                system_purpose="会議音声から発言者付きの文字起こしと要約案を作成する",
                performance="文字誤り率 6.1%（方言辞書導入後）",
                known_limits="複数人が同時に話すと話者分離が崩れる。屋外録音は精度が下がる。",
                **base,
            )
        )
    if ocr:
        db.session.add(
            FactSheet(
                solution_id=ocr.id,
                version=1,
                system_purpose="手書き・活字の申告書を読み取りデータ化する",
                model_provider="自社OCRエンジン",
                performance="項目単位の読取精度 98.2%",
                human_oversight="信頼度の低い項目は職員が目視確認",
            )
        )
    db.session.flush()
    context["pilots"] = pilots
