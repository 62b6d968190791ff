"""Core demo data (organisations, users, challenges, solutions, applications, committee)."""


def seed(context: dict) -> None:
    pass
