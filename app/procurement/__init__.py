"""Joint procurement rounds (共同調達): a coordinator gathers municipalities' requirements, consolidates
them into one matrix, invites vendors to demo and publishes the joint specification as a joint challenge."""

from flask_babel import lazy_gettext as _l


def init_app(app, api):
    from . import comparison_models, comparison_policies, models, policies  # noqa: F401  (models and rules)
    from .api import blp
    from .comparison_api import blp as comparison_blp
    from .comparison_routes import bp as comparison_bp
    from .routes import bp

    app.register_blueprint(bp)
    app.register_blueprint(comparison_bp)
    api.register_blueprint(blp)
    api.register_blueprint(comparison_blp)
    _register_messages()
    _register_pages()
    from .constants import SERVICE_TYPES, STATUS_LABELS

    app.jinja_env.globals.update(PROCUREMENT_SERVICES=SERVICE_TYPES, PROCUREMENT_STATUSES=STATUS_LABELS)


def _register_messages():
    from ..notifications.services import message_kind

    message_kind("procurement.opted_in", _l("%(org)s joined the joint procurement round “%(round)s”."))
    message_kind("procurement.opted_out", _l("%(org)s left the joint procurement round “%(round)s”."))
    message_kind(
        "procurement.vendor_invited", _l("%(coordinator)s invited you to the joint procurement round “%(round)s”.")
    )
    message_kind("procurement.demo_scheduled", _l("A demo day “%(event)s” was scheduled for “%(round)s”."))
    message_kind(
        "procurement.requirements_closed",
        _l("The requirement sheets of “%(round)s” are closed; the coordinator is consolidating them."),
    )
    message_kind(
        "procurement.specification_published",
        _l("The joint specification of “%(round)s” was drafted as a joint challenge you co-own."),
    )
    message_kind("procurement.awarded", _l("A vendor was chosen for “%(round)s”. Record your own contract."))
    message_kind("procurement.awarded_vendor", _l("You were chosen as the vendor for “%(round)s”."))
    message_kind("procurement.cancelled", _l("The joint procurement round “%(round)s” was cancelled."))


def _register_pages():
    from ..web.registry import register_nav, register_org_section, register_panel, register_search, register_section
    from . import panels

    register_nav(_l("Joint procurement"), "procurement.index", order=60)
    register_panel("procurement/panel_coordinator.html", panels.coordinator_panel, order=40)
    register_panel("procurement/panel_municipality.html", panels.municipality_panel, order=41)
    register_org_section("procurement/org_section.html", panels.org_section, order=60)
    register_section("challenge", "procurement/challenge_section.html", panels.challenge_section, order=70)
    register_search("procurement", _l("Joint procurement"), panels.search, order=60)
    register_section("solution", "procurement/solution_comparisons.html", panels.solution_comparisons, order=60)
