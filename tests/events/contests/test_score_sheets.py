"""Finalising a contest whose judges have not all scored: the moderator sees who is missing (judge ×
entry), finalising needs an explicit confirmation that is recorded (who, when, k of n), and the results,
the contest page and the reveal say what the judges' part is based on."""

from __future__ import annotations

from app.db import commit
from app.events.contests.models import ContestJudge, JudgeDeclaration, JudgeScore
from app.extensions import db as _db
from tests.conftest import reload
from tests.factories import UserFactory

from .factories import make_contest

SCORES = {"understanding": 4, "feasibility": 5, "novelty": 3, "cost": 4, "continuity": 2}


def _contest_with_two_judges():
    """3 entries, 2 judges: judge A scored entry 0, is recused from entry 1; judge B declared entry 0 only.
    Expected sheets: A × {0, 2} + B × {0, 1, 2} = 5; done: 1."""
    contest, organiser, _staff = make_contest(entries=3)
    a, b = UserFactory(display_name="審査員A"), UserFactory(display_name="審査員B")
    e0, e1, _e2 = contest.entries
    _db.session.add_all(
        [
            ContestJudge(contest_id=contest.id, user_id=a.id),
            ContestJudge(contest_id=contest.id, user_id=b.id),
            JudgeDeclaration(entry_id=e0.id, judge_id=a.id, has_conflict=False),
            JudgeScore(entry_id=e0.id, judge_id=a.id, scores=SCORES),
            JudgeDeclaration(entry_id=e1.id, judge_id=a.id, has_conflict=True, reason="顧問"),
            JudgeDeclaration(entry_id=e0.id, judge_id=b.id, has_conflict=False),
        ]
    )
    commit()
    return reload(contest), organiser, a, b


def _english(user):
    user = reload(user)
    user.locale = "en"
    commit()


def test_api_lists_missing_sheets_and_refuses_to_finalise_without_confirmation(login, db):
    contest, organiser, a, b = _contest_with_two_judges()
    e0, e1, e2 = contest.entries
    org = login(organiser)
    sheets = org.get(f"/api/v1/contests/{contest.id}/score-sheets")
    assert sheets.status_code == 200 and (sheets.json["done"], sheets.json["expected"]) == (1, 5)
    missing = {(m["judge_id"], m["entry_id"]): m["state"] for m in sheets.json["missing"]}
    assert missing == {
        (a.id, e2.id): "declare",
        (b.id, e0.id): "score",
        (b.id, e1.id): "declare",
        (b.id, e2.id): "declare",
    }
    refused = org.post(f"/api/v1/contests/{contest.id}/finalize")
    assert refused.status_code == 409
    assert "1 of 5" in refused.json["error"]["message"] or "5 件中 1 件" in refused.json["error"]["message"]
    assert "confirm_incomplete_scores" in refused.json["error"]["fields"]
    assert reload(contest).status != "finalized"
    assert (
        org.post(f"/api/v1/contests/{contest.id}/finalize", json={"confirm_incomplete_scores": "maybe"}).status_code
        == 422
    )
    done = org.post(f"/api/v1/contests/{contest.id}/finalize", json={"confirm_incomplete_scores": True})
    assert done.status_code == 200
    summary = done.json["score_sheets"]
    assert (summary["done"], summary["expected"], summary["complete"]) == (1, 5, False)
    assert summary["confirmed_by"] == organiser.display_name and summary["confirmed_at"]
    stored = reload(contest)
    assert (stored.score_sheets_done, stored.score_sheets_expected) == (1, 5)
    assert stored.incomplete_confirmed_by_id == organiser.id and stored.incomplete_confirmed_at is not None
    again = org.get(f"/api/v1/contests/{contest.id}/results").json["score_sheets"]
    assert (again["done"], again["expected"], again["confirmed_by"]) == (1, 5, organiser.display_name)


def test_a_contest_without_judges_needs_the_confirmation_too(login, db):
    contest, organiser, _staff = make_contest(entries=2)
    org = login(organiser)
    assert org.post(f"/api/v1/contests/{contest.id}/finalize").status_code == 409
    assert (
        org.post(f"/api/v1/contests/{contest.id}/finalize", json={"confirm_incomplete_scores": True}).status_code == 200
    )


def test_complete_sheets_finalise_without_confirmation(login, db):
    contest, organiser, _staff = make_contest(entries=1)
    judge = UserFactory()
    entry = contest.entries[0]
    _db.session.add_all(
        [
            ContestJudge(contest_id=contest.id, user_id=judge.id),
            JudgeDeclaration(entry_id=entry.id, judge_id=judge.id, has_conflict=False),
            JudgeScore(entry_id=entry.id, judge_id=judge.id, scores=SCORES),
        ]
    )
    commit()
    r = login(organiser).post(f"/api/v1/contests/{contest.id}/finalize")
    assert r.status_code == 200 and r.json["score_sheets"]["complete"] is True
    assert r.json["score_sheets"]["confirmed_by"] is None and r.json["results"][0]["judge_score"] is not None


def test_moderator_page_shows_who_has_not_scored_and_asks_to_confirm(login, db):
    contest, organiser, _a, b = _contest_with_two_judges()
    page = login(organiser).get(f"/contests/{contest.id}/moderate")
    assert page.status_code == 200
    assert 'id="missing-sheets"' in page.text and "審査員B" in page.text
    assert contest.entries[2].title in page.text
    assert 'id="confirm-incomplete"' in page.text and "5 件中 1 件" in page.text
    _english(organiser)
    english = login(organiser).get(f"/contests/{contest.id}/moderate")
    assert "1 of 5 score sheets submitted" in english.text


def test_results_pages_and_presenter_say_what_the_judges_part_is_based_on(login, anon, db):
    contest, organiser, _a, _b = _contest_with_two_judges()
    org = login(organiser)
    provisional = org.get(f"/contests/{contest.id}/results")
    assert "審査員の評価は 5 件中 1 件の評価票に基づきます" in provisional.text
    org.post(f"/api/v1/contests/{contest.id}/finalize", json={"confirm_incomplete_scores": True})
    final = org.get(f"/contests/{contest.id}/results")
    assert "審査員の評価は 5 件中 1 件の評価票に基づきます" in final.text and organiser.display_name in final.text
    _english(organiser)
    english = org.get(f"/contests/{contest.id}/results")
    assert "Judges' part based on 1 of 5 score sheets" in english.text
    assert 'id="reveal-sheets"' in org.get(f"/contests/{contest.id}/present").text
    org.post(f"/api/v1/contests/{contest.id}/reveal")
    public = anon.get(f"/contests/{contest.id}")
    assert public.status_code == 200 and "5 件中 1 件" in public.text
