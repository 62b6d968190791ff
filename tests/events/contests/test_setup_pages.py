"""The organiser sets up a contest in the browser: create it on a contest event, the formula, the rubric,
entries from shortlisted applications or by invitation, and judges by email. Bad input is a 4xx with
field messages and changes nothing."""

from __future__ import annotations

from sqlalchemy import func, select

from app.applications.models import Application
from app.events.contests.models import Contest, ContestJudge, Entry
from app.extensions import db as _db
from tests.conftest import reload
from tests.factories import ApplicationFactory, ChallengeFactory, SolutionFactory, StartupFactory, UserFactory

from .factories import ContestEventFactory, add_round, make_contest


def _count(model, **where):
    stmt = select(func.count()).select_from(model)
    for key, value in where.items():
        stmt = stmt.where(getattr(model, key) == value)
    return _db.session.scalar(stmt)


def test_organiser_creates_a_contest_with_the_standard_rubric(login, db):
    contest, organiser, _staff = make_contest(entries=0)
    event = ContestEventFactory(host=contest.event.host, host_org_id=contest.event.host_org_id)
    client = login(organiser)
    page = client.get(f"/events/{event.id}")
    assert f'href="/events/{event.id}/contests/new"' in page.text
    assert client.get(f"/events/{event.id}/contests/new").status_code == 200
    r = client.post(f"/events/{event.id}/contests", data={"title": "本選"})
    assert r.status_code == 302
    created = _db.session.scalar(select(Contest).where(Contest.event_id == event.id))
    assert r.headers["Location"].endswith(f"/contests/{created.id}/setup")
    assert created.rubric is not None and len(created.rubric.criteria) == 5
    assert (created.weight_judges, created.weight_votes, created.weight_likes) == (60, 35, 5)
    setup = client.get(f"/contests/{created.id}/setup")
    assert setup.status_code == 200 and "課題理解" in setup.text


def test_contest_creation_rejects_an_empty_title_and_a_wrong_event_kind(login, db):
    contest, organiser, _staff = make_contest(entries=0)
    meetup = ContestEventFactory(host=contest.event.host, host_org_id=contest.event.host_org_id, kind="meetup")
    client = login(organiser)
    before = _count(Contest)
    r = client.post(f"/events/{contest.event_id}/contests", data={"title": ""})
    assert r.status_code == 422 and 'id="title-errors"' in r.text
    r = client.post(f"/events/{meetup.id}/contests", data={"title": "本選"})
    assert r.status_code == 422 and "コンテスト" in r.text
    assert _count(Contest) == before


def test_only_organisers_create_and_set_up(login, anon, db):
    contest, _organiser, staff = make_contest()
    assert login(staff).get(f"/contests/{contest.id}/setup").status_code == 403
    assert login(staff).post(f"/events/{contest.event_id}/contests", data={"title": "x"}).status_code == 403
    assert login(UserFactory()).get(f"/contests/{contest.id}/setup").status_code == 403  # public contest: seen
    assert anon.get(f"/contests/{contest.id}/setup").status_code == 302  # to the login page


def test_settings_save_the_formula_and_reject_weights_not_adding_up(login, db):
    contest, organiser, _staff = make_contest()
    client = login(organiser)
    form = {
        "title": "本選",
        "description": "",
        "pitch_seconds": "240",
        "weight_judges": "50",
        "weight_votes": "40",
        "weight_likes": "10",
        "named_export": "1",
    }
    assert client.post(f"/contests/{contest.id}/setup/settings", data=form).status_code == 302
    contest = reload(contest)
    assert (contest.weight_judges, contest.weight_votes, contest.weight_likes) == (50, 40, 10)
    assert contest.pitch_seconds == 240 and contest.named_export is True
    r = client.post(f"/contests/{contest.id}/setup/settings", data={**form, "weight_likes": "20"})
    assert r.status_code == 422 and "合計" in r.text
    r = client.post(f"/contests/{contest.id}/setup/settings", data={**form, "pitch_seconds": "abc"})
    assert r.status_code == 422 and 'id="pitch_seconds-errors"' in r.text
    assert reload(contest).weight_likes == 10
    # unchecked box: the browser sends nothing, the export goes anonymous
    form.pop("named_export")
    assert client.post(f"/contests/{contest.id}/setup/settings", data=form).status_code == 302
    assert reload(contest).named_export is False


def test_formula_is_frozen_once_voting_started(login, db):
    contest, organiser, _staff = make_contest()
    add_round(contest, status="open")
    form = {
        "title": contest.title,
        "pitch_seconds": "300",
        "weight_judges": "40",
        "weight_votes": "40",
        "weight_likes": "20",
    }
    r = login(organiser).post(f"/contests/{contest.id}/setup/settings", data=form)
    assert r.status_code == 409 and "投票" in r.text
    assert reload(contest).weight_judges == 60


def test_import_shortlisted_applications_and_invite_a_startup(login, db):
    contest, organiser, _staff = make_contest(entries=0)
    city = contest.event.host
    challenge = ChallengeFactory(owner=city, owner_org_id=city.id)
    shortlisted = [
        ApplicationFactory(challenge=challenge, challenge_id=challenge.id, status="shortlisted") for _ in range(2)
    ]
    ApplicationFactory(challenge=challenge, challenge_id=challenge.id, status="submitted")
    client = login(organiser)
    page = client.get(f"/contests/{contest.id}/setup")
    assert challenge.title in page.text and "最終候補 2件" in page.text
    r = client.post(f"/contests/{contest.id}/setup/import", data={"challenge_id": str(challenge.id)})
    assert r.status_code == 302
    orgs = {e.org_id for e in reload(contest).entries}
    assert orgs == {a.applicant_org_id for a in shortlisted}
    # invited: a startup with one of its solutions
    startup = StartupFactory()
    solution = SolutionFactory(organization=startup, org_id=startup.id)
    r = client.post(
        f"/contests/{contest.id}/setup/entries", data={"org_id": str(startup.id), "solution_id": str(solution.id)}
    )
    assert r.status_code == 302
    assert _count(Entry, contest_id=contest.id, org_id=startup.id, source="invitation") == 1


def test_entry_forms_refuse_what_does_not_fit(login, db):
    contest, organiser, _staff = make_contest(entries=1)
    client = login(organiser)
    other_city_challenge = ChallengeFactory()
    before = _count(Entry, contest_id=contest.id)
    r = client.post(f"/contests/{contest.id}/setup/import", data={"challenge_id": str(other_city_challenge.id)})
    assert r.status_code == 422 and 'id="challenge_id-errors"' in r.text
    startup, stranger = StartupFactory(), StartupFactory()
    foreign_solution = SolutionFactory(organization=stranger, org_id=stranger.id)
    r = client.post(
        f"/contests/{contest.id}/setup/entries",
        data={"org_id": str(startup.id), "solution_id": str(foreign_solution.id)},
    )
    assert r.status_code == 422 and 'id="solution_id-errors"' in r.text
    r = client.post(f"/contests/{contest.id}/setup/entries", data={"org_id": str(contest.event.host_org_id)})
    assert r.status_code == 422 and 'id="org_id-errors"' in r.text  # a city is not a startup
    entered = reload(contest).entries[0].org_id
    r = client.post(f"/contests/{contest.id}/setup/entries", data={"org_id": str(entered)})
    assert r.status_code == 409
    r = client.post(f"/contests/{contest.id}/setup/entries", data={"org_id": "x", "extra": "1"})
    assert r.status_code == 422
    assert _count(Entry, contest_id=contest.id) == before


def test_judges_are_added_by_email(login, db):
    contest, organiser, _staff = make_contest()
    client = login(organiser)
    judge = UserFactory(email="judge@univ.example.ac.jp")
    r = client.post(f"/contests/{contest.id}/setup/judges", data={"email": " Judge@Univ.example.ac.jp "})
    assert r.status_code == 302
    assert judge.id in reload(contest).judge_ids()
    assert judge.display_name in client.get(f"/contests/{contest.id}/setup").text
    r = client.post(f"/contests/{contest.id}/setup/judges", data={"email": "judge@univ.example.ac.jp"})
    assert r.status_code == 409
    r = client.post(f"/contests/{contest.id}/setup/judges", data={"email": "nobody@example.jp"})
    assert r.status_code == 422 and 'id="email-errors"' in r.text
    r = client.post(f"/contests/{contest.id}/setup/judges", data={"email": "not-an-email"})
    assert r.status_code == 422
    assert _count(ContestJudge, contest_id=contest.id) == 1


def test_standard_rubric_for_a_contest_without_one(login, db):
    contest, organiser, _staff = make_contest(rubric=False)
    client = login(organiser)
    assert "標準の評価基準を使う" in client.get(f"/contests/{contest.id}/setup").text
    assert client.post(f"/contests/{contest.id}/setup/rubric").status_code == 302
    assert reload(contest).rubric is not None
    assert client.post(f"/contests/{contest.id}/setup/rubric").status_code == 409  # already has one


def test_setup_in_english(login, db):
    contest, organiser, _staff = make_contest()
    organiser.locale = "en"
    _db.session.commit()
    page = login(organiser).get(f"/contests/{contest.id}/setup")
    assert "Set up the contest" in page.text and "Import shortlisted applications" in page.text
    assert _count(Application) == 0


def _search(client, contest, q):
    return client.get(f"/contests/{contest.id}/setup", query_string={"solution_q": q})


def test_organiser_finds_a_solution_by_name_and_adds_it(login, db):
    """No solution number copied from an address: the organiser searches published solutions by their
    name or their startup's name, and adds one with a button named after it."""
    contest, organiser, _staff = make_contest(entries=0)
    startup = StartupFactory(name_ja="株式会社ギジロク", name_en="Gijiroku Lab")
    minutes = SolutionFactory(
        organization=startup,
        org_id=startup.id,
        title="AI議事録クラウド",
        summary="会議の音声から議事録を作ります。",
        features=[],
        tags=[],
    )
    SolutionFactory(organization=startup, org_id=startup.id, title="AI議事録 下書き版", status="draft")
    other = SolutionFactory(title="道路損傷の自動検知")
    client = login(organiser)
    page = client.get(f"/contests/{contest.id}/setup")
    assert page.status_code == 200 and 'name="solution_q"' in page.text and 'role="search"' in page.text
    assert 'name="solution_id" type="number"' not in page.text and "/solutions/12" not in page.text

    found = _search(client, contest, "議事録")
    assert found.status_code == 200
    assert "AI議事録クラウド" in found.text and "下書き版" not in found.text and other.title not in found.text
    assert "「AI議事録クラウド」をコンテストに追加" in found.text and 'value="議事録"' in found.text
    assert f'name="solution_id" value="{minutes.id}"' in found.text
    # By the startup's name (Japanese or English) too
    assert "AI議事録クラウド" in _search(client, contest, "ギジロク").text
    assert "AI議事録クラウド" in _search(client, contest, "gijiroku lab").text
    # Nothing found: said so, with the way forward
    none = _search(client, contest, "存在しない言葉")
    assert none.status_code == 200 and ": 0件" in none.text and "ソリューションなしで" in none.text
    # Special characters are text, not patterns
    assert "AI議事録クラウド" not in _search(client, contest, "%").text

    r = client.post(
        f"/contests/{contest.id}/setup/entries", data={"org_id": str(startup.id), "solution_id": str(minutes.id)}
    )
    assert r.status_code == 302
    entry = _db.session.scalar(select(Entry).where(Entry.contest_id == contest.id))
    assert (entry.solution_id, entry.title, entry.source) == (minutes.id, "AI議事録クラウド", "invitation")
    # Once entered, the result says so instead of offering the button again
    again = _search(client, contest, "議事録")
    assert "このスタートアップはすでに出場しています。" in again.text
    assert "「AI議事録クラウド」をコンテストに追加" not in again.text


def test_solution_search_refuses_an_overlong_query(login, db):
    contest, organiser, _staff = make_contest(entries=0)
    r = _search(login(organiser), contest, "あ" * 101)
    assert r.status_code == 422 and 'id="solution_q-errors"' in r.text and "100文字以内" in r.text


def test_solution_search_in_english(login, db):
    contest, organiser, _staff = make_contest(entries=0)
    SolutionFactory(title="AI議事録クラウド")
    organiser.locale = "en"
    _db.session.commit()
    page = _search(login(organiser), contest, "議事録").text
    assert "Add a startup&#39;s solution" in page or "Add a startup's solution" in page
    assert "Add “AI議事録クラウド” to the contest" in page and "Published solutions matching" in page


def test_an_entry_invited_without_a_solution_is_named_once(login, anon, db):
    contest, organiser, _staff = make_contest(entries=0)
    startup = StartupFactory(name_ja="株式会社ソナエル", name_en="Sonaeru Inc.")
    client = login(organiser)
    assert client.post(f"/contests/{contest.id}/setup/entries", data={"org_id": str(startup.id)}).status_code == 302
    for url, entries in (
        (f"/contests/{contest.id}/setup", '<ol class="item-list">'),
        (f"/contests/{contest.id}/moderate", 'id="mod-entries"'),
        (f"/contests/{contest.id}", 'class="contest-entries"'),
    ):
        text = client.get(url).text.split(entries)[1].split("</ol>")[0]
        assert "株式会社ソナエル" in text and " — " not in text, url
        assert text.count("株式会社ソナエル") == 1, url
    organiser.locale = "en"
    _db.session.commit()
    english = login(organiser).get(f"/contests/{contest.id}/setup").text
    assert "Sonaeru Inc." in english and "株式会社ソナエル" not in english
