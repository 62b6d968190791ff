"""flask matchmaking reindex | status | evaluate."""

from pathlib import Path

from app.matchmaking.cli import matchmaking_cli
from tests.factories import ChallengeFactory, MunicipalityFactory, SolutionFactory, StartupFactory

DEV_SET = Path(__file__).resolve().parents[2] / "benchmarks" / "data" / "matching-dev"


def test_reindex_shows_progress_and_publishes_a_generation(app):
    city = MunicipalityFactory()
    ChallengeFactory(owner=city, owner_org_id=city.id)
    startup = StartupFactory()
    SolutionFactory(organization=startup, org_id=startup.id)
    result = app.test_cli_runner().invoke(matchmaking_cli, ["reindex"])
    assert result.exit_code == 0, result.output
    assert "Indexing" in result.output and "Published generation gen-" in result.output
    status = app.test_cli_runner().invoke(matchmaking_cli, ["status"])
    assert status.exit_code == 0, status.output
    assert "Mode:        lexical" in status.output
    assert "Semantic:    off (disabled by configuration)" in status.output
    assert "challenge 1" in status.output and "solution 1" in status.output
    assert "Last build:  done 2/2" in status.output and "Failures:    0" in status.output


def test_status_as_json(app):
    import json

    result = app.test_cli_runner().invoke(matchmaking_cli, ["status", "--json"])
    assert result.exit_code == 0
    assert json.loads(result.output)["lexical"]["active"] is True


def test_evaluate_prints_the_configurations_side_by_side(app):
    result = app.test_cli_runner().invoke(matchmaking_cli, ["evaluate", str(DEV_SET), "--no-semantic"])
    assert result.exit_code == 0, result.output
    assert "| metric | subset | hybrid | lexical | semantic |" in result.output
    assert "nDCG@10" in result.output


def test_evaluate_rejects_a_missing_directory(app):
    result = app.test_cli_runner().invoke(matchmaking_cli, ["evaluate", "/nonexistent/dir"])
    assert result.exit_code == 2
