"""Rows written without the ORM get their search columns from `flask search-text rebuild`."""

from sqlalchemy import update

from app.challenges.models import Challenge
from app.extensions import db
from app.solutions.models import Solution
from tests.factories import ChallengeFactory, SolutionFactory


def test_rebuild_fills_search_text(app, client):
    challenge_id = ChallengeFactory(title="ＤＸ推進").id
    solution_id = SolutionFactory(certifications=["SOC2"]).id
    # As an import that bypasses the ORM leaves them: no search columns at all.
    db.session.execute(update(Challenge).values(search_text="", search_grams=None))
    db.session.execute(update(Solution).values(search_text="", search_grams=None, facets=""))
    db.session.commit()
    assert client.get("/api/v1/challenges?q=dx").get_json()["meta"]["total"] == 0
    result = app.test_cli_runner().invoke(args=["search-text", "rebuild"])
    assert result.exit_code == 0 and "challenges: 1 rows" in result.output
    assert client.get("/api/v1/challenges?q=dx").get_json()["items"][0]["id"] == challenge_id
    assert client.get("/api/v1/challenges?q=dx推進").get_json()["items"][0]["id"] == challenge_id
    assert client.get("/api/v1/solutions?certification=SOC2").get_json()["items"][0]["id"] == solution_id
