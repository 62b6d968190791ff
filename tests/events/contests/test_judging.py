"""The judge's scoring pages: only the contest's judges, declare a conflict of interest first, field errors
re-rendered in the form (Japanese and English), recusal, read-only once finalised, links from the
contest page, the event page and the dashboard."""

from __future__ import annotations

from sqlalchemy import func, select

from app.db import commit
from app.events.contests.models import ContestJudge, JudgeDeclaration, JudgeScore
from app.events.contests.results import compute_results
from app.extensions import db as _db
from tests.conftest import reload
from tests.factories import UserFactory

from .factories import make_contest

GOOD = {
    "score_understanding": "4",
    "score_feasibility": "5",
    "score_novelty": "3",
    "score_cost": "4",
    "score_continuity": "2",
}


def _judged_contest(n_judges=1, **kwargs):
    contest, organiser, staff = make_contest(**kwargs)
    judges = [UserFactory() for _ in range(n_judges)]
    for judge in judges:
        _db.session.add(ContestJudge(contest_id=contest.id, user_id=judge.id))
    commit()
    return contest, organiser, staff, judges


def _count(model) -> int:
    return _db.session.scalar(select(func.count()).select_from(model))


def test_judge_declares_then_scores_and_the_score_counts(login, db):
    contest, _o, _s, (judge,) = _judged_contest()
    entry = contest.entries[0]
    client = login(judge)
    index = client.get(f"/contests/{contest.id}/judging")
    assert index.status_code == 200 and entry.title in index.text and "利益相反" in index.text
    page = client.get(f"/contests/{contest.id}/judging/{entry.id}")
    assert page.status_code == 200 and 'name="has_conflict"' in page.text and "score_novelty" not in page.text
    # Scoring before declaring is refused on the page, nothing stored
    early = client.post(f"/contests/{contest.id}/judging/{entry.id}/score", data=GOOD)
    assert early.status_code == 409 and "利益相反の有無を申告" in early.text and _count(JudgeScore) == 0
    # As a browser sends it: the reason textarea comes along, empty
    r = client.post(
        f"/contests/{contest.id}/judging/{entry.id}/declaration", data={"has_conflict": "false", "reason": ""}
    )
    assert r.status_code == 302
    page = client.get(f"/contests/{contest.id}/judging/{entry.id}")
    assert 'name="score_novelty"' in page.text and "利益相反なしと申告済み" in page.text
    r = client.post(f"/contests/{contest.id}/judging/{entry.id}/score", data=GOOD)
    assert r.status_code == 302 and r.headers["Location"].endswith(f"/contests/{contest.id}/judging")
    row = db.session.scalar(select(JudgeScore).where(JudgeScore.entry_id == entry.id))
    assert row.judge_id == judge.id and row.scores == {
        "understanding": 4,
        "feasibility": 5,
        "novelty": 3,
        "cost": 4,
        "continuity": 2,
    }
    assert "採点済み" in client.get(f"/contests/{contest.id}/judging").text
    results = {r["entry_id"]: r for r in compute_results(reload(contest))}
    assert results[entry.id]["judges"] == 1 and results[entry.id]["judge_score"] is not None
    # Changing the scores until the contest is finalised
    changed = dict(GOOD, score_novelty="5")
    assert client.post(f"/contests/{contest.id}/judging/{entry.id}/score", data=changed).status_code == 302
    assert reload(row).scores["novelty"] == 5 and _count(JudgeScore) == 1


def test_field_errors_are_rerendered_in_the_form_and_nothing_is_saved(login, db):
    contest, _o, _s, (judge,) = _judged_contest()
    entry = contest.entries[0]
    client = login(judge)
    client.post(f"/contests/{contest.id}/judging/{entry.id}/declaration", data={"has_conflict": "false"})
    bad = dict(GOOD, score_novelty="9", score_cost="abc", score_continuity="")
    r = client.post(f"/contests/{contest.id}/judging/{entry.id}/score", data=bad)
    assert r.status_code == 422
    assert "点数は整数で入力してください。" in r.text and "点数を入力してください。" in r.text
    assert "点数は1から5の間で入力してください。" in r.text  # every field's error at once
    assert 'value="abc"' in r.text and 'aria-invalid="true"' in r.text  # what was typed is kept
    assert _count(JudgeScore) == 0
    # Out of the rubric's scale: the shared scoring validation, in the form's field
    r = client.post(f"/contests/{contest.id}/judging/{entry.id}/score", data=dict(GOOD, score_novelty="9"))
    assert r.status_code == 422 and "点数は1から5の間で入力してください。" in r.text and 'id="novelty-errors"' in r.text
    assert _count(JudgeScore) == 0


def test_errors_in_english_for_an_english_judge(login, db):
    contest, _o, _s, (judge,) = _judged_contest()
    judge.locale = "en"
    commit()
    entry = contest.entries[0]
    client = login(judge)
    client.post(f"/contests/{contest.id}/judging/{entry.id}/declaration", data={"has_conflict": "false"})
    r = client.post(f"/contests/{contest.id}/judging/{entry.id}/score", data=dict(GOOD, score_novelty="9"))
    assert r.status_code == 422 and "The score must be between 1 and 5." in r.text and "Your scores" in r.text


def test_declaring_a_conflict_needs_a_reason_and_recuses(login, db):
    contest, _o, _s, (judge,) = _judged_contest()
    entry = contest.entries[0]
    client = login(judge)
    r = client.post(
        f"/contests/{contest.id}/judging/{entry.id}/declaration", data={"has_conflict": "true", "reason": " "}
    )
    assert r.status_code == 422 and 'id="reason-errors"' in r.text and _count(JudgeDeclaration) == 0
    r = client.post(
        f"/contests/{contest.id}/judging/{entry.id}/declaration",
        data={"has_conflict": "true", "reason": "登壇企業の顧問をしている"},
    )
    assert r.status_code == 302
    page = client.get(f"/contests/{contest.id}/judging/{entry.id}")
    assert "審査回避" in page.text and "score_novelty" not in page.text
    r = client.post(f"/contests/{contest.id}/judging/{entry.id}/score", data=GOOD)
    assert r.status_code == 403 and _count(JudgeScore) == 0
    again = client.post(f"/contests/{contest.id}/judging/{entry.id}/declaration", data={"has_conflict": "false"})
    assert again.status_code == 409 and _count(JudgeDeclaration) == 1


def test_bad_declaration_input_is_a_field_error(login, db):
    contest, _o, _s, (judge,) = _judged_contest()
    entry = contest.entries[0]
    r = login(judge).post(
        f"/contests/{contest.id}/judging/{entry.id}/declaration", data={"reason": "x" * 2001, "has_conflict": "false"}
    )
    assert r.status_code == 422 and "長すぎます（2000文字・件以内）。" in r.text and 'id="reason-errors"' in r.text
    assert _count(JudgeDeclaration) == 0


def test_two_judges_one_recused_only_the_other_counts(login, db):
    contest, _o, _s, (first, second) = _judged_contest(n_judges=2)
    entry = contest.entries[0]
    a, b = login(first), login(second)
    a.post(f"/contests/{contest.id}/judging/{entry.id}/declaration", data={"has_conflict": "false"})
    a.post(f"/contests/{contest.id}/judging/{entry.id}/score", data=GOOD)
    b.post(
        f"/contests/{contest.id}/judging/{entry.id}/declaration", data={"has_conflict": "true", "reason": "親族が経営"}
    )
    results = {r["entry_id"]: r for r in compute_results(reload(contest))}
    assert results[entry.id]["judges"] == 1


def test_only_the_contests_judges(login, anon, db):
    contest, organiser, staff, (judge,) = _judged_contest()
    other_judge = _judged_contest()[3][0]
    entry = contest.entries[0]
    urls = [f"/contests/{contest.id}/judging", f"/contests/{contest.id}/judging/{entry.id}"]
    for url in urls:
        assert anon.get(url).status_code == 302
        for user in (organiser, staff, other_judge):
            assert login(user).get(url).status_code == 403
    r = login(organiser).post(f"/contests/{contest.id}/judging/{entry.id}/declaration", data={"has_conflict": "false"})
    assert r.status_code == 403 and _count(JudgeDeclaration) == 0
    # An entry of another contest is not found through this contest
    foreign = _judged_contest()[0].entries[0]
    assert login(judge).get(f"/contests/{contest.id}/judging/{foreign.id}").status_code == 404


def test_private_event_contest_is_not_found_for_strangers(login, db):
    contest, _o, _s, (judge,) = _judged_contest()
    contest.event.status = "draft"
    commit()
    stranger = UserFactory()
    assert login(stranger).get(f"/contests/{contest.id}/judging").status_code == 404
    assert login(judge).get(f"/contests/{contest.id}/judging").status_code == 200


def test_finalised_contest_is_read_only(login, db):
    contest, _o, _s, (judge,) = _judged_contest()
    entry = contest.entries[0]
    client = login(judge)
    client.post(f"/contests/{contest.id}/judging/{entry.id}/declaration", data={"has_conflict": "false"})
    client.post(f"/contests/{contest.id}/judging/{entry.id}/score", data=GOOD)
    contest = reload(contest)
    contest.status = "finalized"
    commit()
    page = client.get(f"/contests/{contest.id}/judging/{entry.id}")
    assert page.status_code == 200 and "閲覧のみ" in page.text and "<form" not in page.text.split("</header>")[-1]
    assert (
        client.post(f"/contests/{contest.id}/judging/{entry.id}/score", data=dict(GOOD, score_novelty="1")).status_code
        == 403
    )
    assert reload(db.session.scalar(select(JudgeScore))).scores["novelty"] == 3


def test_contest_without_rubric_explains_why_there_is_no_form(login, db):
    contest, _o, _s, (judge,) = _judged_contest(rubric=False)
    entry = contest.entries[0]
    client = login(judge)
    assert "審査基準を設定していません" in client.get(f"/contests/{contest.id}/judging").text
    client.post(f"/contests/{contest.id}/judging/{entry.id}/declaration", data={"has_conflict": "false"})
    page = client.get(f"/contests/{contest.id}/judging/{entry.id}")
    assert "評価基準を設定していません" in page.text and "score_novelty" not in page.text
    assert client.post(f"/contests/{contest.id}/judging/{entry.id}/score", data=GOOD).status_code == 409


def test_empty_contest_has_a_helpful_empty_state(login, db):
    contest, _o, _s, (judge,) = _judged_contest(entries=0)
    page = login(judge).get(f"/contests/{contest.id}/judging")
    assert page.status_code == 200 and "登壇者はイベント前に主催者が登録します" in page.text


def test_links_for_the_judge_contest_event_and_dashboard(login, db):
    contest, organiser, staff, (judge,) = _judged_contest()
    url = f"/contests/{contest.id}/judging"
    client = login(judge)
    assert url in client.get(f"/contests/{contest.id}").text
    assert url in client.get(f"/events/{contest.event_id}").text
    dashboard = client.get("/dashboard")
    assert url in dashboard.text and "審査するピッチコンテスト" in dashboard.text
    # An external judge (no organisation) has work here: a note that they need no organisation (issue #13),
    # not an "empty dashboard" state nor the newcomer's "ask for an invitation"
    assert "組織に所属せずに参加しています（外部審査員など）" in dashboard.text and "empty-state" not in dashboard.text
    assert "組織の一員として利用するには" not in dashboard.text
    for user in (organiser, staff):
        assert url not in login(user).get(f"/contests/{contest.id}").text
    # The event page links every visitor to the contest, organisers to the moderator page
    assert f'/contests/{contest.id}"' in login(staff).get(f"/events/{contest.event_id}").text
    assert f"/contests/{contest.id}/moderate" in login(organiser).get(f"/events/{contest.event_id}").text


def test_english_pages(login, db):
    contest, _o, _s, (judge,) = _judged_contest()
    judge.locale = "en"
    commit()
    client = login(judge)
    assert "Declare conflicts first" in client.get(f"/contests/{contest.id}/judging").text
    page = client.get(f"/contests/{contest.id}/judging/{contest.entries[0].id}")
    assert "Do you have a conflict of interest?" in page.text
