"""Accessibility gate (JIS X 8341-3 / WCAG 2.1 AA): axe-core in Chromium over the main pages of the
demo data, in Japanese and in English. The gate: 0 serious and 0 critical violations.

axe-core is a test-only npm package (tests/a11y/package.json, installed by `make a11y`, which
`make test` runs); it is injected by Playwright and never served by the app.
Set A11Y_REPORT=path to write every violation (any impact) as JSON.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from sqlalchemy import select, update

from app.accounts.models import User
from app.extensions import db
from tests.events.contests.test_browser import CHROMIUM, live_server  # noqa: F401  (fixture)

AXE = Path(__file__).parent / "node_modules" / "axe-core" / "axe.min.js"
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
BLOCKING = {"serious", "critical"}
PASSWORD = "demo-pass-2026"
USERS = {
    "platform": "admin@platform.example.jp",
    "city": "admin@matsumoto.example.jp",
    "startup": "admin@gijiroku-lab.example.jp",
}

pytestmark = [
    pytest.mark.skipif(not os.path.exists(CHROMIUM), reason="Debian chromium is not installed"),
    pytest.mark.skipif(not AXE.exists(), reason="axe-core is not installed: run `make a11y`"),
]


def demo_pages() -> list[tuple[str, str, str]]:
    """(name, user, path) for the pages the issue lists, with ids from the demo data."""
    from app.challenges.models import Challenge
    from app.events.contests.models import Contest
    from app.events.models import Event
    from app.pilots.models import Pilot
    from app.procurement.models import ProcurementRound
    from app.reviews.models import Committee
    from app.solutions.models import Solution

    def first(stmt):
        return db.session.scalars(stmt.limit(1)).first()

    challenge = first(
        select(Challenge)
        .where(Challenge.status == "published", Challenge.visibility == "public")
        .order_by(Challenge.id)
    )
    committee = first(select(Committee).order_by(Committee.id))
    contest = first(select(Contest).where(Contest.status == "live").order_by(Contest.id))
    from app.procurement.comparison_models import ComparisonRow

    comparison_round = db.session.get(
        ProcurementRound, first(select(ComparisonRow.round_id).order_by(ComparisonRow.id))
    )
    return [
        ("home", "platform", "/"),
        ("challenge list", "platform", "/challenges"),
        ("challenge detail", "city", f"/challenges/{challenge.id}"),
        ("new challenge", "city", "/challenges/new"),
        ("solution detail", "platform", f"/solutions/{first(select(Solution).order_by(Solution.id)).id}"),
        ("application form", "startup", f"/challenges/{challenge.id}/apply"),
        ("committee ranking", "platform", f"/challenges/{committee.challenge_id}/ranking"),
        ("event page", "platform", f"/events/{first(select(Event).order_by(Event.id)).id}"),
        ("voter page", "platform", f"/contests/{contest.id}/vote"),
        ("presenter screen", "platform", f"/contests/{contest.id}/present"),
        (
            "pilot detail",
            "platform",
            f"/pilots/{first(select(Pilot).where(Pilot.public.is_(True)).order_by(Pilot.id)).id}",
        ),
        ("pilot library", "platform", "/pilots"),
        ("contract hub", "city", "/contracts"),
        (
            "procurement matrix",
            "platform",
            f"/procurement/{first(select(ProcurementRound).order_by(ProcurementRound.id)).id}/matrix",
        ),
        ("audit log", "platform", "/audit"),
        ("open data", "platform", "/open-data"),
        # pages changed since the list (#13/#15 leftovers)
        (
            "contest setup with a solution search",
            "platform",
            f"/contests/{contest.id}/setup?solution_q=%E8%AD%B0%E4%BA%8B%E9%8C%B2",
        ),
        ("organisation settings", "city", "/orgs/matsumoto/settings"),
        ("tool comparison", "city", f"/procurement/{comparison_round.id}/comparison"),
        ("tool comparison, a vendor's row", "startup", f"/procurement/{comparison_round.id}/comparison"),
        ("challenges with an offer filter", "platform", "/challenges?offer=data"),
    ]


def _login(browser, base, email):
    context = browser.new_context(viewport={"width": 1366, "height": 900}, bypass_csp=True)
    page = context.new_page()
    page.goto(base + "/login")
    page.fill("input[name=email]", email)
    page.fill("input[name=password]", PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_load_state()
    return page


def run_axe(page) -> list[dict]:
    page.evaluate(AXE.read_text(encoding="utf-8"))
    result = page.evaluate("tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", TAGS)
    return [
        {
            "id": v["id"],
            "impact": v["impact"],
            "help": v["help"],
            "targets": [n["target"] for n in v["nodes"]][:5],
            "count": len(v["nodes"]),
        }
        for v in result["violations"]
    ]


@pytest.fixture
def demo(app, db):
    result = app.test_cli_runner().invoke(args=["seed-demo"])
    assert result.exit_code == 0, result.output
    return demo_pages()


def test_main_pages_have_no_serious_or_critical_violations(live_server, demo):  # noqa: F811
    from playwright.sync_api import sync_playwright

    report, blocking = [], []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        try:
            for lang in ("ja", "en"):
                db.session.execute(update(User).where(User.email.in_(USERS.values())).values(locale=lang))
                db.session.commit()
                pages = {role: _login(browser, live_server, email) for role, email in USERS.items()}
                for name, role, path in demo:
                    page = pages[role]
                    response = page.goto(live_server + path)
                    assert response.status == 200, f"{name} {path}: {response.status}"
                    assert page.evaluate("document.documentElement.lang") == lang, f"{name}: lang"
                    for v in run_axe(page):
                        report.append({"page": name, "lang": lang, "path": path, **v})
                        if v["impact"] in BLOCKING:
                            blocking.append(
                                f"{lang} {name}: {v['impact']} {v['id']} ({v['count']}) {v['help']} {v['targets'][:2]}"
                            )
                for page in pages.values():
                    page.context.close()
        finally:
            browser.close()
    if os.environ.get("A11Y_REPORT"):
        Path(os.environ["A11Y_REPORT"]).write_text(json.dumps(report, ensure_ascii=False, indent=1))
    assert not blocking, "\n".join(blocking)
