"""Reviews."""


def init_app(app, api):
    from . import models, policies  # noqa: F401
