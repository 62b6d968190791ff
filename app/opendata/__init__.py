"""Open data: public challenges, public pilots with KPIs and outcomes, replication lineage and contest
results as CSV and JSON with a stable schema and a licence (page, downloads and API)."""


def init_app(app, api):
    from .api import blp
    from .routes import bp

    app.register_blueprint(bp)
    api.register_blueprint(blp)
