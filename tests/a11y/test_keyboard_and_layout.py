"""Beyond axe (issue #13): the voter page works by keyboard alone; the logged-in header fits on one
line at 1366 px; the footer reaches the bottom of a short page; the live chart reads as text."""

from __future__ import annotations

import os

import pytest

from tests.events.contests.factories import add_round, make_contest, staff_of
from tests.events.contests.test_browser import CHROMIUM, _login, live_server  # noqa: F401  (fixture)

from .test_axe import ARGS

pytestmark = pytest.mark.skipif(not os.path.exists(CHROMIUM), reason="Debian chromium is not installed")


def _browser(p):
    return p.chromium.launch(executable_path=CHROMIUM, args=ARGS)


def test_voter_page_works_by_keyboard_alone(live_server, db):  # noqa: F811
    from playwright.sync_api import expect, sync_playwright

    contest, _organiser, _staff = make_contest(entries=2)
    add_round(contest, title="決勝")
    (voter,) = staff_of(contest, 1)
    with sync_playwright() as p:
        browser = _browser(p)
        try:
            page = _login(browser, live_server, voter)
            page.goto(f"{live_server}/contests/{contest.id}/vote")
            expect(page.locator("button.vote-button").first).to_be_visible()
            for _ in range(60):  # Tab through the page until a vote button has focus
                page.keyboard.press("Tab")
                if page.evaluate("document.activeElement.classList.contains('vote-button')"):
                    break
            else:
                pytest.fail("no vote button is reachable with Tab")
            page.keyboard.press("Enter")
            expect(page.locator("#receipt")).to_contain_text("R-", timeout=10000)
            outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
            assert outline != "none" or page.evaluate("document.activeElement === document.body")
        finally:
            browser.close()


def test_logged_in_header_is_one_line_at_1366_and_footer_reaches_the_bottom(live_server, db):  # noqa: F811
    from playwright.sync_api import sync_playwright
    from tests.factories import MunicipalityFactory, member_of

    user = member_of(MunicipalityFactory(), "admin", display_name="山田花子", is_platform_admin=True)
    with sync_playwright() as p:
        browser = _browser(p)
        try:
            for locale in ("ja", "en"):
                user.locale = locale
                db.session.commit()
                page = _login(browser, live_server, user)
                page.set_viewport_size({"width": 1366, "height": 900})
                page.goto(live_server + "/dashboard")
                header = page.locator(".site-header .header-row").bounding_box()
                parts = page.evaluate("""[...document.querySelectorAll('.header-row > *, .user-nav > *, .main-nav > *')]
                    .map(e => e.className + ':' + e.textContent.trim().slice(0, 20) + ':' + Math.round(e.getBoundingClientRect().width)
                         + 'x' + Math.round(e.getBoundingClientRect().top))""")
                assert header["height"] <= 80, f"{locale}: the header wraps ({header}) {parts}"
            page.goto(live_server + "/notifications")
            footer = page.locator(".site-footer").bounding_box()
            assert abs(footer["y"] + footer["height"] - 900) < 2, footer
        finally:
            browser.close()


def test_a_long_english_display_name_does_not_wrap_the_header(live_server, db):  # noqa: F811
    """Found walking #15 in English: a startup member called "Emily Carter" pushed the user links onto a
    second line at 1366 px. A long name is cut with an ellipsis; the link keeps the full name."""
    from playwright.sync_api import sync_playwright
    from tests.factories import StartupFactory, member_of

    user = member_of(StartupFactory(), "admin", display_name="Emily Carter-Robinson", locale="en")
    with sync_playwright() as p:
        browser = _browser(p)
        try:
            page = _login(browser, live_server, user)
            page.set_viewport_size({"width": 1366, "height": 900})
            page.goto(live_server + "/dashboard")
            header = page.locator(".site-header .header-row").bounding_box()
            assert header["height"] <= 80, f"the header wraps ({header})"
            name = page.locator(".user-nav .user-name")
            assert name.get_attribute("title") == "Emily Carter-Robinson"
            assert name.text_content() == "Emily Carter-Robinson"
        finally:
            browser.close()
