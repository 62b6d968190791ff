"""Pitch contests: pages, API, ballots, likes, judges. City staff organise (host of the event)."""

from app.events.contests.models import Contest, ContestJudge, Entry, JudgeDeclaration, VotingRound
from app.events.contests.services import new_join_code
from app.events.models import Event
from app.db import utcnow
from app.extensions import db
from tests.factories import SolutionFactory, StartupFactory
from tests.permissions.cases import Case
from tests.permissions.world import world_builder


def _contest(world, event, title, status="draft"):
    contest = Contest(
        event_id=event.id,
        title=title,
        join_code=new_join_code(),
        status=status,
        rubric_id=world.ids["rubric"],
        weight_judges=60,
        weight_votes=35,
        weight_likes=5,
    )
    db.session.add(contest)
    db.session.flush()
    return contest


@world_builder
def _contests(world):
    city = world.objects["city"]
    event = Event(
        host_org_id=city.id,
        title="課題解決ピッチ",
        kind="contest",
        starts_at=utcnow(),
        ends_at=utcnow(),
        status="published",
        visibility="public",
    )
    db.session.add(event)
    db.session.flush()
    contest = _contest(world, event, "本選")
    first = Entry(contest_id=contest.id, org_id=world.ids["startup"], title="窓口予約", position=0)
    other = StartupFactory(slug="startup-b")
    SolutionFactory(organization=other, org_id=other.id)
    second_startup = StartupFactory(slug="startup-c")
    second = Entry(contest_id=contest.id, org_id=second_startup.id, title="防災通知", position=1)
    db.session.add_all([first, second, ContestJudge(contest_id=contest.id, user_id=world.users["judge"].id)])
    db.session.flush()
    open_round = VotingRound(contest_id=contest.id, title="第1部", status="open", eligibility=["staff"])
    draft_round = VotingRound(contest_id=contest.id, title="決勝", status="draft", eligibility=["staff"])
    contest2 = _contest(world, event, "予選")
    db.session.add(Entry(contest_id=contest2.id, org_id=second_startup.id, title="防災通知", position=0))
    db.session.flush()
    ready_round = VotingRound(contest_id=contest2.id, title="予選投票", status="draft", eligibility=["staff"])
    finalized = _contest(world, event, "昨年度", status="finalized")
    db.session.add_all(
        [
            open_round,
            draft_round,
            ready_round,
            JudgeDeclaration(entry_id=second.id, judge_id=world.users["judge"].id, has_conflict=False),
        ]
    )
    db.session.commit()
    world.ids.update(
        contest=contest.id,
        contest2=contest2.id,
        finalized_contest=finalized.id,
        entry=first.id,
        open_round=open_round.id,
        draft_round=draft_round.id,
        ready_round=ready_round.id,
        join_code=contest.join_code,
        contest_event=event.id,
        startup_b=other.id,
        declared_entry=second.id,
    )


MANAGERS = dict(municipality_admin=200, platform_admin=200)  # host staff members vote, admins organise
PAGE_MANAGE = dict(anonymous=302, default=403, **MANAGERS)
API_MANAGE = dict(anonymous=401, default=403, **MANAGERS)


def page_manage(status):
    return dict(anonymous=302, default=403, municipality_admin=status, platform_admin=status)


def manage(status):
    return dict(anonymous=401, default=403, municipality_admin=status, platform_admin=status)


C = "/api/v1/contests/{contest}"
SCORES = {"understanding": 3, "feasibility": 4, "novelty": 2, "cost": 5, "continuity": 3}

CASES = [
    # Pages
    Case("GET", "/contests/<int:contest_id>", "/contests/{contest}", default=200),
    Case("GET", "/contests/<int:contest_id>/present", "/contests/{contest}/present", **PAGE_MANAGE),
    Case("GET", "/contests/<int:contest_id>/vote", "/contests/{contest}/vote", anonymous=302, default=200),
    Case("GET", "/join/<code>", "/join/{join_code}", default=200),
    Case("POST", "/join/<code>", "/join/{join_code}", data={"display_name": "来場者"}, default=302),
    Case("GET", "/contests/<int:contest_id>/moderate", "/contests/{contest}/moderate", **PAGE_MANAGE),
    Case("GET", "/contests/<int:contest_id>/results", "/contests/{contest}/results", **PAGE_MANAGE),
    Case("GET", "/contests/<int:contest_id>/join-qr.svg", "/contests/{contest}/join-qr.svg", **PAGE_MANAGE),
    Case("GET", "/contests/<int:contest_id>/export.csv", "/contests/{contest}/export.csv", **PAGE_MANAGE),
    # The judge's pages (only the contest's judges; the judge has declared no conflict for {declared_entry})
    Case(
        "GET",
        "/contests/<int:contest_id>/judging",
        "/contests/{contest}/judging",
        anonymous=302,
        judge=200,
        default=403,
    ),
    Case(
        "GET",
        "/contests/<int:contest_id>/judging/<int:entry_id>",
        "/contests/{contest}/judging/{entry}",
        anonymous=302,
        judge=200,
        default=403,
    ),
    Case(
        "POST",
        "/contests/<int:contest_id>/judging/<int:entry_id>/declaration",
        "/contests/{contest}/judging/{entry}/declaration",
        data={"has_conflict": "false"},
        anonymous=302,
        judge=302,
        default=403,
    ),
    Case(
        "POST",
        "/contests/<int:contest_id>/judging/<int:entry_id>/score",
        "/contests/{contest}/judging/{declared_entry}/score",
        data={f"score_{k}": str(v) for k, v in SCORES.items()},
        anonymous=302,
        judge=302,
        default=403,
    ),
    # The organiser's setup pages (bad input on purpose: managers get the field errors, nothing changes)
    Case("GET", "/events/<int:event_id>/contests/new", "/events/{contest_event}/contests/new", **PAGE_MANAGE),
    Case(
        "POST",
        "/events/<int:event_id>/contests",
        "/events/{contest_event}/contests",
        data={"title": ""},
        **page_manage(422),
    ),
    Case("GET", "/contests/<int:contest_id>/setup", "/contests/{contest}/setup", **PAGE_MANAGE),
    Case(
        "POST",
        "/contests/<int:contest_id>/setup/settings",
        "/contests/{contest}/setup/settings",
        data={"title": ""},
        **page_manage(422),
    ),
    Case(
        "POST", "/contests/<int:contest_id>/setup/rubric", "/contests/{contest}/setup/rubric", **page_manage(409)
    ),  # it has one already
    Case(
        "POST",
        "/contests/<int:contest_id>/setup/import",
        "/contests/{contest}/setup/import",
        data={"challenge_id": "999999"},
        **page_manage(422),
    ),
    Case(
        "POST",
        "/contests/<int:contest_id>/setup/entries",
        "/contests/{contest}/setup/entries",
        data={"org_id": "999999"},
        **page_manage(422),
    ),
    Case(
        "POST",
        "/contests/<int:contest_id>/setup/judges",
        "/contests/{contest}/setup/judges",
        data={"email": "nobody@example.jp"},
        **page_manage(422),
    ),
    # API: contests and entries
    Case("GET", "/api/v1/contests", "/api/v1/contests", default=200),
    Case(
        "POST",
        "/api/v1/contests",
        "/api/v1/contests",
        json={"event_id": 999999, "title": "x"},
        anonymous=401,
        default=422,
    ),
    Case("GET", "/api/v1/contests/<int:contest_id>", C, default=200),
    Case("PATCH", "/api/v1/contests/<int:contest_id>", C, json={"title": "本選（改）"}, **API_MANAGE),
    Case("GET", "/api/v1/contests/<int:contest_id>/entries", C + "/entries", default=200),
    Case("POST", "/api/v1/contests/<int:contest_id>/entries", C + "/entries", json={"org_id": 999999}, **manage(422)),
    Case("POST", "/api/v1/contests/<int:contest_id>/entries/import", C + "/entries/import", json={}, **manage(422)),
    Case(
        "PUT",
        "/api/v1/contests/<int:contest_id>/entries/order",
        C + "/entries/order",
        json={"entry_ids": [999999]},
        **manage(422),
    ),
    Case("POST", "/api/v1/contests/<int:contest_id>/pitch", C + "/pitch", json={"entry_id": None}, **API_MANAGE),
    Case("POST", "/api/v1/contests/<int:contest_id>/judges", C + "/judges", json={"user_id": 999999}, **manage(422)),
    # Judges
    Case(
        "POST",
        "/api/v1/contests/<int:contest_id>/entries/<int:entry_id>/declaration",
        C + "/entries/{entry}/declaration",
        json={"has_conflict": False},
        anonymous=401,
        judge=201,
        default=403,
    ),
    Case(
        "PUT",
        "/api/v1/contests/<int:contest_id>/entries/<int:entry_id>/score",
        C + "/entries/{entry}/score",
        json={"scores": SCORES},
        anonymous=401,
        judge=200,
        default=403,
    ),
    # Rounds
    Case("GET", "/api/v1/contests/<int:contest_id>/rounds", C + "/rounds", default=200),
    Case("POST", "/api/v1/contests/<int:contest_id>/rounds", C + "/rounds", json={"title": "追加投票"}, **manage(201)),
    Case(
        "PATCH",
        "/api/v1/contests/<int:contest_id>/rounds/<int:round_id>",
        C + "/rounds/{draft_round}",
        json={"title": "決勝投票"},
        **API_MANAGE,
    ),
    Case(
        "POST",
        "/api/v1/contests/<int:contest_id>/rounds/<int:round_id>/open",
        "/api/v1/contests/{contest2}/rounds/{ready_round}/open",
        **API_MANAGE,
    ),
    Case(
        "POST",
        "/api/v1/contests/<int:contest_id>/rounds/<int:round_id>/close",
        C + "/rounds/{open_round}/close",
        **API_MANAGE,
    ),
    Case(
        "GET",
        "/api/v1/contests/<int:contest_id>/rounds/<int:round_id>/verify",
        C + "/rounds/{open_round}/verify",
        **API_MANAGE,
    ),
    # Ballots (no Idempotency-Key here: eligible staff get 422, everyone else is refused first)
    Case(
        "POST",
        "/api/v1/contests/<int:contest_id>/rounds/<int:round_id>/ballots",
        C + "/rounds/{open_round}/ballots",
        json={"choices": [1]},
        anonymous=401,
        default=403,
        municipality_member=422,
        municipality_admin=422,
    ),
    Case(
        "POST",
        "/api/v1/contests/<int:contest_id>/entries/<int:entry_id>/like",
        C + "/entries/{entry}/like",
        anonymous=401,
        default=403,
        municipality_member=200,
        municipality_admin=200,
    ),
    Case(
        "DELETE",
        "/api/v1/contests/<int:contest_id>/entries/<int:entry_id>/like",
        C + "/entries/{entry}/like",
        anonymous=401,
        default=403,
        municipality_member=200,
        municipality_admin=200,
    ),
    Case("GET", "/api/v1/contests/<int:contest_id>/state", C + "/state", default=200),
    Case("GET", "/api/v1/contests/<int:contest_id>/results", C + "/results", **API_MANAGE),
    Case("GET", "/api/v1/contests/<int:contest_id>/score-sheets", C + "/score-sheets", **API_MANAGE),
    Case(
        "POST",
        "/api/v1/contests/<int:contest_id>/finalize",
        "/api/v1/contests/{contest2}/finalize",
        json={"confirm_incomplete_scores": True},
        **API_MANAGE,
    ),
    Case(
        "POST", "/api/v1/contests/<int:contest_id>/reveal", "/api/v1/contests/{finalized_contest}/reveal", **API_MANAGE
    ),
]
