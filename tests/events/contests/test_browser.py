"""A real browser (Chromium via Playwright) against a real server thread: the presenter's bar
chart updates live while two voters vote on their phones, without reloading."""

from __future__ import annotations

import os
import re
import shutil
import socket
import threading

import pytest

from app.extensions import socketio
from tests.conftest import PASSWORD

from .factories import add_round, make_contest, staff_of

CHROMIUM = "/usr/bin/chromium"
pytestmark = pytest.mark.skipif(
    not os.path.exists(CHROMIUM) or shutil.which("chromium") is None, reason="Debian chromium is not installed"
)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def live_server(app):
    from werkzeug.serving import make_server

    port = _free_port()
    origin = f"http://127.0.0.1:{port}"
    allowed = app.config["SOCKETIO_ALLOWED_ORIGINS"]
    allowed.append(origin)
    eio_allowed = socketio.server.eio.cors_allowed_origins
    if isinstance(eio_allowed, list) and eio_allowed is not allowed:
        eio_allowed.append(origin)
    app.config["CONTESTS_BROADCAST_WORKER"] = True
    server = make_server("127.0.0.1", port, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield origin
    server.shutdown()
    thread.join(5)
    app.config.pop("CONTESTS_BROADCAST_WORKER", None)
    allowed.remove(origin)
    if isinstance(eio_allowed, list) and origin in eio_allowed:
        eio_allowed.remove(origin)


def _login(browser, base, user):
    context = browser.new_context(viewport={"width": 390, "height": 844})
    page = context.new_page()
    page.goto(base + "/login")
    page.fill("input[name=email]", user.email)
    page.fill("input[name=password]", PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_load_state()
    return page


def test_presenter_chart_updates_live_while_two_voters_vote(live_server, db):
    from playwright.sync_api import expect, sync_playwright

    contest, organiser, _staff = make_contest(entries=3)
    add_round(contest, title="第1部")
    alice, bob = staff_of(contest, 2)
    first, second = contest.entries[0], contest.entries[1]
    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--no-first-run",
            ],
        )
        try:
            presenter = _login(browser, live_server, organiser)
            errors = []
            presenter.on("pageerror", lambda exc: errors.append(str(exc)))
            presenter.goto(f"{live_server}/contests/{contest.id}/present")
            expect(presenter.locator("#round-title")).to_have_text("第1部")
            expect(presenter.locator("#tally-total")).to_have_text("0")
            presenter.evaluate("window.__marker = 'no reload'")

            voters = []
            for user in (alice, bob):
                page = _login(browser, live_server, user)
                page.goto(f"{live_server}/contests/{contest.id}/vote")
                voters.append(page)
            voters[0].click(f'button.vote-button[data-entry-id="{first.id}"]')
            expect(voters[0].locator("#receipt")).to_contain_text("R-")
            expect(presenter.locator("#tally-total")).to_have_text("1", timeout=10000)
            voters[1].click(f'button.vote-button[data-entry-id="{second.id}"]')
            expect(voters[1].locator("#receipt")).to_contain_text("R-")
            expect(presenter.locator("#tally-total")).to_have_text("2", timeout=10000)
            expect(presenter.locator(f'.bar-row[data-entry-id="{first.id}"] .bar-count')).to_have_text("1")
            expect(presenter.locator(f'.bar-row[data-entry-id="{second.id}"] .bar-count')).to_have_text("1")
            # Alice changes her mind: the chart follows, and the page was never reloaded.
            voters[0].click(f'button.vote-button[data-entry-id="{second.id}"]')
            expect(presenter.locator(f'.bar-row[data-entry-id="{second.id}"] .bar-count')).to_have_text(
                "2", timeout=10000
            )
            expect(presenter.locator(f'.bar-row[data-entry-id="{first.id}"] .bar-count')).to_have_text("0")
            assert presenter.evaluate("window.__marker") == "no reload"
            share = presenter.evaluate(f"""getComputedStyle(document.querySelector(
                '.bar-row[data-entry-id="{second.id}"] .bar')).getPropertyValue('--share')""")
            assert share.strip() == "1"
            assert errors == []
        finally:
            browser.close()


def test_reveal_takes_the_big_screen_with_the_formula(live_server, db):
    """Revealing the results (after finalising) replaces the live chart with the ranking, each part's
    points and the formula, on the presenter screen that is already open."""
    from playwright.sync_api import expect, sync_playwright

    from app.db import commit
    from app.events.contests import results

    contest, organiser, _staff = make_contest(entries=3)
    results.finalize(contest, organiser, confirm_incomplete_scores=True)  # no judges in this contest
    commit()
    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--no-first-run",
            ],
        )
        try:
            presenter = _login(browser, live_server, organiser)
            presenter.set_viewport_size({"width": 1280, "height": 720})
            errors = []
            presenter.on("pageerror", lambda exc: errors.append(str(exc)))
            presenter.goto(f"{live_server}/contests/{contest.id}/present")
            expect(presenter.locator(".presenter-live")).to_be_visible()
            expect(presenter.locator("#reveal")).to_be_hidden()
            moderator = presenter.context.new_page()
            moderator.goto(f"{live_server}/contests/{contest.id}/moderate")
            moderator.click("#reveal")
            expect(presenter.locator("#reveal")).to_be_visible(timeout=10000)
            expect(presenter.locator("#reveal-list tr")).to_have_count(3)
            expect(presenter.locator(".presenter-live")).to_be_hidden()
            expect(presenter.locator("#reveal .contest-formula")).to_contain_text("60%")
            # what the judges' part rests on: this contest has no judges, finalised with the confirmation
            expect(presenter.locator("#reveal-sheets")).to_contain_text(
                "審査員の評価は 0 件中 0 件の評価票に基づきます"
            )
            box = presenter.locator("#reveal-list").bounding_box()
            assert box is not None and box["y"] < 720  # on screen, not below the fold
            assert errors == []
        finally:
            browser.close()


def test_finalising_turns_the_open_presenter_screen_to_voting_closed(live_server, db):
    """The presenter screen already open on the big screen: when the moderator finalises, it stops
    saying 「ピッチ中」 and drops the join code, and says that voting has closed and results will follow."""
    from playwright.sync_api import expect, sync_playwright

    contest, organiser, _staff = make_contest(entries=2)
    add_round(contest, status="closed", title="決勝")
    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--no-first-run",
            ],
        )
        try:
            presenter = _login(browser, live_server, organiser)
            presenter.set_viewport_size({"width": 1280, "height": 720})
            errors = []
            presenter.on("pageerror", lambda exc: errors.append(str(exc)))
            presenter.goto(f"{live_server}/contests/{contest.id}/present")
            expect(presenter.locator(".presenter-join")).to_contain_text(contest.join_code)
            expect(presenter.locator("#presenter-closed")).to_be_hidden()
            moderator = presenter.context.new_page()
            moderator.on("dialog", lambda dialog: dialog.accept())
            moderator.goto(f"{live_server}/contests/{contest.id}/moderate")
            confirm = moderator.locator("#confirm-incomplete")
            if confirm.count():
                confirm.check()
            moderator.click("#finalize")
            expect(presenter.locator("#presenter-closed")).to_be_visible(timeout=10000)
            expect(presenter.locator("#presenter-closed")).to_contain_text("投票は締め切りました")
            expect(presenter.locator(".presenter-join")).to_have_count(0)
            expect(presenter.get_by_text("ピッチ中")).to_have_count(0)
            assert contest.join_code not in presenter.content()
            assert errors == []
        finally:
            browser.close()


def test_vote_and_like_buttons_are_named_after_their_entry(live_server, db):
    """A screen reader lists 「Aに投票」「Bに投票」, not a row of identical 「投票」 buttons (ja and en)."""
    from playwright.sync_api import expect, sync_playwright

    contest, _organiser, _staff = make_contest(entries=2)
    add_round(contest, title="決勝")
    (voter,) = staff_of(contest, 1)
    first, second = contest.entries[0], contest.entries[1]
    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--no-first-run",
            ],
        )
        try:
            page = _login(browser, live_server, voter)
            page.goto(f"{live_server}/contests/{contest.id}/vote")
            expect(page.get_by_role("button", name=f"{first.title}に投票", exact=True)).to_have_count(1)
            expect(page.get_by_role("button", name=f"{second.title}に投票", exact=True)).to_have_count(1)
            names = page.locator("button.vote-button").evaluate_all("bs => bs.map(b => b.getAttribute('aria-label'))")
            assert len(set(names)) == 2
            expect(page.get_by_role("button", name=f"いいね 0 （{first.title}）", exact=True)).to_have_count(1)
            page.get_by_role("button", name=f"{second.title}に投票").click()
            expect(page.locator("#receipt")).to_contain_text("R-", timeout=10000)
            voter.locale = "en"
            db.session.commit()
            page.goto(f"{live_server}/contests/{contest.id}/vote")
            expect(page.get_by_role("button", name=f"Vote for {first.title}", exact=True)).to_have_count(1)
            expect(page.get_by_role("button", name=f"Like 0 for {second.title}", exact=True)).to_have_count(1)
            expect(page.locator("#vote-count")).to_have_text("Votes so far: 1")
        finally:
            browser.close()


def test_a_guest_phone_shows_how_many_votes_are_in(live_server, db):
    """A guest joins through the join page, votes, and watches the count move as others vote
    (the phones' paced tally), without the per-entry results."""
    import requests
    from playwright.sync_api import expect, sync_playwright

    contest, _organiser, _staff = make_contest(entries=2)
    rnd = add_round(contest, title="決勝", eligibility=["join_code"])
    first = contest.entries[0]
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"])
        try:
            page = browser.new_page(locale="ja-JP")
            errors = []
            page.on("pageerror", lambda exc: errors.append(str(exc)))
            page.goto(f"{live_server}/join/{contest.join_code}")
            page.fill("input[name=display_name]", "来場者A")
            page.click("main button[type=submit]")
            expect(page.locator("#vote-count")).to_have_text("これまでの投票：0票", timeout=10000)
            page.get_by_role("button", name=f"{first.title}に投票").click()
            expect(page.locator("#receipt")).to_contain_text("R-", timeout=10000)
            expect(page.locator("#vote-count")).to_have_text("これまでの投票：1票", timeout=10000)
            other = requests.Session()  # a second guest, as a plain HTTP client
            join = other.get(f"{live_server}/join/{contest.join_code}")
            token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', join.text).group(1)
            other.post(f"{live_server}/join/{contest.join_code}", data={"csrf_token": token, "display_name": "B"})
            vote_page = other.get(f"{live_server}/contests/{contest.id}/vote")
            csrf = re.search(r'<meta name="csrf-token" content="([^"]+)"', vote_page.text).group(1)
            r = other.post(
                f"{live_server}/api/v1/contests/{contest.id}/rounds/{rnd.id}/ballots",
                json={"choices": [first.id]},
                headers={"X-CSRFToken": csrf, "Idempotency-Key": "b1", "Referer": f"{live_server}/"},
            )
            assert r.status_code == 201, r.text
            expect(page.locator("#vote-count")).to_have_text("これまでの投票：2票", timeout=10000)
            assert page.locator(".bar-count").count() == 0 and errors == []
        finally:
            browser.close()
