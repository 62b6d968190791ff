"""Pilots (実証実験) with KPIs and reports, the replication library (横展開), and the shared contract hub
with AI fact sheets and the vendor-agreement checklist."""


def init_app(app, api):
    from . import models, policies  # noqa: F401  (register models and rules)
    from .api import blp
    from .contract_routes import bp as contracts_bp
    from .routes import bp
    from .sections import register

    app.register_blueprint(bp)
    app.register_blueprint(contracts_bp)
    api.register_blueprint(blp)
    register(app)
    from .kpis import format_number

    app.jinja_env.filters["kpi_number"] = format_number
