"""Pages shared by every domain: home, dashboard, organisation pages, site search."""


def init_app(app, api):
    from .routes import bp

    app.register_blueprint(bp)
