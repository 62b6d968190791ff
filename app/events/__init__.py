"""Events: meetups, workshops, pitch contests with live voting."""


def init_app(app, api):
    from . import models  # noqa: F401
