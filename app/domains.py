"""The domain packages, in dependency order (create_app() initialises them, `flask seed-demo` seeds
them, in this order). Each exposes `init_app(app, api)` in its __init__.py, which registers its
models, policies, blueprints, CLI commands, sockets and periodic jobs. A module of its own, so
that app/seed can read it without importing the application factory."""

DOMAINS = (
    "accounts",
    "audit",
    "notifications",
    "attachments",
    "challenges",
    "solutions",
    "applications",
    "contributions",
    "reviews",
    "matchmaking",
    "events",
    "pilots",
    "procurement",
    "specifications",
    "notes",
    "opendata",
    "web",
)
