"""What events add to other pages: nav link, dashboard panel, organisation page, challenge pages."""

from flask import render_template

from app.events.display import challenge_section
from app.events.models import Event
from app.extensions import db
from app.web.registry import sections_for
from tests.factories import ChallengeFactory, UserFactory, member_of

from .factories import EventFactory, rsvp


def test_nav_link_and_dashboard_panel(login):
    event = EventFactory(title="官民共創ナイト 松本")
    organised = EventFactory(title="主催する勉強会", status="draft")
    guest = UserFactory()
    rsvp(event, guest)
    html = login(guest).get("/dashboard").get_data(as_text=True)
    assert 'href="/events"' in html and "官民共創ナイト 松本" in html
    assert f"/events/{event.id}/ticket" in html
    organiser_html = login(member_of(organised.host)).get("/dashboard").get_data(as_text=True)
    assert "主催する勉強会" in organiser_html


def test_org_page_lists_upcoming_events_and_feed(client):
    event = EventFactory(title="長野の交流会")
    html = client.get(f"/orgs/{event.host.slug}").get_data(as_text=True)
    assert "長野の交流会" in html and f"/orgs/{event.host.slug}/events.ics" in html


def test_challenge_section_lists_linked_visible_events(app):
    challenge = ChallengeFactory()
    event = EventFactory(title="課題ワークショップ")
    hidden = EventFactory(title="非公開", status="draft")
    for e in (event, hidden):
        db.session.get(Event, e.id).challenges.append(challenge)
    db.session.commit()
    assert challenge_section(ChallengeFactory(), None) is None
    ctx = challenge_section(challenge, None)
    assert [e.id for e in ctx["events"]] == [event.id]
    with app.test_request_context():
        sections = sections_for("challenge", challenge, None)
        template, context = [s for s in sections if s[0] == "events/_challenge_section.html"][0]
        html = render_template(template, ctx=context)
    assert "課題ワークショップ" in html and "非公開" not in html


def test_site_search_finds_visible_events(client):
    EventFactory(title="鳥獣害対策ミートアップ")
    EventFactory(title="鳥獣害 下書き", status="draft")
    html = client.get("/search?q=鳥獣害").get_data(as_text=True)
    assert "鳥獣害対策ミートアップ" in html and "鳥獣害 下書き" not in html
