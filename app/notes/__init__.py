"""Practice notes (知恵の共有): municipal staff share how they ran a pilot or what they asked vendors,
linked to pilots, rounds, specifications or challenges; members-only unless the author makes a note
public; found by the site search through the matchmaking engine."""

from flask_babel import lazy_gettext as _l


def init_app(app, api):
    from . import models, policies  # noqa: F401  (register models and rules)
    from .api import blp
    from .routes import bp

    app.register_blueprint(bp)
    api.register_blueprint(blp)
    from ..web.registry import register_library, register_search, register_section
    from . import panels, search

    search.register_kind()
    register_library(_l("Practice notes"), "notes.index", order=64)
    register_search("note:engine", _l("Practice notes"), search.engine_search, order=64)
    register_search("note", _l("Practice notes"), search.text_search, order=65)
    for page, field in (("challenge", "challenge_id"), ("pilot", "pilot_id")):
        register_section(page, "notes/_linked_notes.html", panels.linked(field), order=90)
    app.jinja_env.globals.update(notes_linked_to=panels.notes_linked_to)
