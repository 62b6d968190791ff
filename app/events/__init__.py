"""Events: meetups, workshops, pitch contests with live voting."""


def init_app(app, api):
    from . import models  # noqa: F401
    from .contests import init_app as init_contests; init_contests(app, api)
