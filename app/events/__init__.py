"""Events: meetups, workshops, pitch contests with live voting (contests in app/events/contests/)."""

from datetime import time

try:
    from .contests import init_app as init_contests
except ModuleNotFoundError:
    init_contests = None


def init_app(app, api):
    from flask_babel import lazy_gettext as _l

    from ..jobs import periodic
    from ..notifications.services import message_kind
    from ..web.registry import register_nav, register_org_section, register_panel, register_search, register_section
    from . import models, policies  # noqa: F401
    from .api import blp
    from .display import challenge_section, dashboard_panel, event_when, labels, org_section, search
    from .routes import bp

    app.register_blueprint(bp)
    api.register_blueprint(blp)
    app.add_template_filter(event_when, "event_when")
    app.context_processor(lambda: {"event_labels": labels})

    periodic("events.reminders", "app.events.jobs:send_day_before_reminders", queue="events", at=time(9, 0))

    message_kind("events.rsvp_confirmed", _l("Your seat for “%(event)s” is confirmed."))
    message_kind("events.rsvp_waitlisted", _l("“%(event)s” is full: you are on the waitlist."))
    message_kind("events.rsvp_promoted", _l("A seat freed up: your registration for “%(event)s” is now confirmed."))
    message_kind("events.rsvp_cancelled", _l("Your registration for “%(event)s” was cancelled."))
    message_kind("events.event_cancelled", _l("The event “%(event)s” has been cancelled."))
    message_kind("events.reminder", _l("Reminder: “%(event)s” starts tomorrow at %(start)s."))
    message_kind(
        "events.card_to_challenge", _l("Your workshop card “%(title)s” became a draft challenge. Please complete it.")
    )

    register_nav(_l("Events"), "events.index", order=40)
    register_panel("events/_panel.html", dashboard_panel, order=40)
    register_org_section("events/_org_section.html", org_section, order=40)
    register_search("events", _l("Events"), search, order=40)
    register_section("challenge", "events/_challenge_section.html", challenge_section, order=60)

    if init_contests is not None:
        init_contests(app, api)
