"""/open-data and /api/v1/open-data: only what anonymous visitors may see on the pages, with a stable
schema and a licence, as CSV and JSON (issue #13)."""

from __future__ import annotations

import csv
import io

import pytest

from app.db import utcnow
from app.events.contests.models import ContestResult
from tests.events.contests.factories import make_contest
from tests.factories import ChallengeFactory
from tests.pilots.factories import PilotFactory, add_kpi

NAMES = ("challenges", "pilots", "pilot_kpis", "replications", "contest_results")


@pytest.fixture
def world(app, db):
    public = ChallengeFactory(title="公開の課題")
    members = ChallengeFactory(title="会員限定の課題", visibility="members")
    draft = ChallengeFactory(title="下書きの課題", status="draft", published_at=None)
    origin = PilotFactory(title="公開の元実証", costs_public=True, status="adopted")
    add_kpi(origin, values=(40.0, 30.0))
    copy = PilotFactory(title="公開の横展開", origin_id=origin.id)
    private = PilotFactory(title="非公開の実証", public=False)
    add_kpi(private, name="非公開のKPI")
    from_private = PilotFactory(title="非公開から横展開", origin_id=private.id)
    draft_pilot = PilotFactory(title="下書きの実証", status="draft")
    revealed, *_ = make_contest(entries=2)
    hidden, *_ = make_contest(entries=2)
    for contest, reveal in ((revealed, True), (hidden, False)):
        for rank, entry in enumerate(contest.entries, start=1):
            db.session.add(
                ContestResult(contest_id=contest.id, entry_id=entry.id, rank=rank, total=90.0 - rank, judges=1, votes=3)
            )
        contest.status = "finalized"
        contest.finalized_at = utcnow()
        contest.revealed_at = utcnow() if reveal else None
    db.session.commit()
    return locals()


def _json(client, name):
    r = client.get(f"/open-data/{name}.json")
    assert r.status_code == 200
    return r.json


def test_only_what_anonymous_visitors_see(client, world):
    challenges = {r["title"] for r in _json(client, "challenges")["records"]}
    assert challenges == {"公開の課題"}
    pilots = {r["title"]: r for r in _json(client, "pilots")["records"]}
    assert set(pilots) == {"公開の元実証", "公開の横展開", "非公開から横展開"}
    assert pilots["公開の元実証"]["budget_jpy"] == 3_000_000  # costs public
    assert pilots["公開の横展開"]["budget_jpy"] is None  # costs for members only
    kpis = _json(client, "pilot_kpis")["records"]
    assert [(k["pilot_id"], k["latest"], k["change_pct"]) for k in kpis] == [(world["origin"].id, 30.0, 50.0)]
    lineage = _json(client, "replications")["records"]
    assert lineage == [
        {
            "pilot_id": world["copy"].id,
            "origin_pilot_id": world["origin"].id,
            "municipality_id": world["copy"].municipality_id,
            "origin_municipality_id": world["origin"].municipality_id,
            "solution_id": world["copy"].solution_id,
        }
    ]
    results = _json(client, "contest_results")["records"]
    assert {r["contest_id"] for r in results} == {world["revealed"].id} and [r["rank"] for r in results] == [1, 2]


def test_every_record_is_visible_on_its_page_to_anonymous_visitors(client, world):
    for r in _json(client, "challenges")["records"]:
        assert client.get(f"/challenges/{r['id']}").status_code == 200
    for r in _json(client, "pilots")["records"]:
        assert client.get(f"/pilots/{r['id']}").status_code == 200
    for r in _json(client, "contest_results")["records"]:
        assert client.get(f"/contests/{r['contest_id']}/results").status_code == 200
    for hidden in ("members", "draft"):
        assert client.get(f"/challenges/{world[hidden].id}").status_code == 404
    for hidden in ("private", "draft_pilot"):
        assert client.get(f"/pilots/{world[hidden].id}").status_code == 404


def test_nothing_private_in_any_format(client, api, world):
    secret = ("会員限定", "下書き", "非公開の実証", "非公開のKPI")
    for name in NAMES:
        texts = [
            client.get(f"/open-data/{name}.csv").get_data(as_text=True),
            client.get(f"/open-data/{name}.json").get_data(as_text=True),
            client.get(f"/api/v1/open-data/{name}").get_data(as_text=True),
        ]
        for text in texts:
            assert not any(s in text for s in secret), name


def test_json_document_carries_schema_and_licence(client, world):
    doc = _json(client, "pilots")
    assert doc["dataset"] == "pilots" and doc["schema_version"] == 1
    assert doc["licence"] == {"name": "CC BY 4.0", "url": "https://creativecommons.org/licenses/by/4.0/"}
    names = [f["name"] for f in doc["fields"]]
    assert names[:3] == ["id", "title", "municipality_id"] and "best_kpi_change_pct" in names
    assert all(set(r) == set(names) for r in doc["records"])


def test_csv_has_stable_english_header_and_licence_column(client, world):
    r = client.get("/open-data/pilots.csv", headers={"Accept-Language": "ja"})
    assert r.status_code == 200 and r.mimetype == "text/csv"
    rows = list(csv.reader(io.StringIO(r.get_data(as_text=True).lstrip("\ufeff"))))
    assert rows[0][:3] == ["id", "title", "municipality_id"] and rows[0][-1] == "licence"
    assert len(rows) == 4 and all(
        row[-1] == "CC BY 4.0 https://creativecommons.org/licenses/by/4.0/" for row in rows[1:]
    )


def test_the_licence_is_configurable(app, client, world):
    app.config["OPEN_DATA_LICENCE"], saved = "CC0 1.0", app.config["OPEN_DATA_LICENCE"]
    try:
        assert _json(client, "challenges")["licence"]["name"] == "CC0 1.0"
        assert "CC0 1.0" in client.get("/open-data").get_data(as_text=True)
    finally:
        app.config["OPEN_DATA_LICENCE"] = saved


def test_api_lists_the_data_sets_and_is_in_the_openapi_document(client, world):
    r = client.get("/api/v1/open-data")
    assert r.status_code == 200 and [d["name"] for d in r.json["datasets"]] == list(NAMES)
    assert r.json["datasets"][1]["csv_url"] == "/open-data/pilots.csv"
    assert client.get("/api/v1/open-data/pilots").json["records"] == _json(client, "pilots")["records"]
    assert client.get("/api/v1/open-data/nope").status_code == 404
    assert client.get("/open-data/nope.csv").status_code == 404
    spec = client.get("/api/v1/openapi.json").json
    assert "/api/v1/open-data" in spec["paths"] and "/api/v1/open-data/{name}" in spec["paths"]


def test_page_lists_downloads_in_both_languages(client, world):
    html = client.get("/open-data", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert 'href="/open-data/pilots.csv"' in html and "Public pilots" in html and "CC BY 4.0" in html
    html = client.get("/open-data", headers={"Accept-Language": "ja"}).get_data(as_text=True)
    assert "公開された実証" in html
