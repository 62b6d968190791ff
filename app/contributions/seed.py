"""Demo data: two zero-budget co-development challenges with what the towns offer, and a startup's
free pilot period (so the matcher does not call it over budget)."""

from __future__ import annotations

OFFERS = {
    "kamiyama-akiya-volunteer": [
        ("test_field", "町内の空き家3軒（所有者の同意済み）を実証の場として使えます。"),
        ("data", "空き家バンクの登録情報と、過去5年分の空き家実態調査の結果を提供します。"),
        ("staff_time", "地域おこし協力隊と総務課の職員が、週に半日ずつ実証に参加します。"),
        ("residents", "自治会長会と移住者交流会で、ボランティアの募集と説明の場を設けます。"),
        ("reference_letter", "成果が出た場合は、町長名の導入実績の推薦状を出します。"),
    ],
    "nichinan-shopping-street": [
        ("test_field", "油津商店街の空き店舗2区画を、実証期間中は無償でお貸しします。"),
        ("office_space", "商店街内のサテライトオフィス「ABURATSU GARDEN」の席を使えます。"),
        ("residents", "市の広報誌とLINE公式アカウントで、出店希望者の募集を告知します。"),
        ("reference_letter", "成功時には、他の自治体への紹介と推薦状をお約束します。"),
    ],
}
FREE_PILOT = {"machitsumugi": 6, "kotonoha-ai": 3}


def seed(context: dict) -> None:
    challenges = context.get("challenges") or {}
    for key, offers in OFFERS.items():
        challenge = challenges.get(key)
        if challenge is None:
            continue
        challenge.co_development = True
        challenge.budget_min_jpy = challenge.budget_max_jpy = 0
        challenge.offers = [{"kind": kind, "description": text} for kind, text in offers]
    for solution in (context.get("solutions") or {}).values():
        months = FREE_PILOT.get(solution.organization.slug if solution.organization else "")
        if months and not solution.free_pilot_months:
            solution.free_pilot_months = months
