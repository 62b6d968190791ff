"""Events (to be built)."""


def init_app(app, api):
    pass
