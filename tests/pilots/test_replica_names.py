"""A replicated pilot (and its draft challenge) is named for the replicating municipality, not the source
city, and the copy shows where it came from (a "replicated from" link on the pilot and the challenge)."""

from types import SimpleNamespace

import pytest

from app.challenges.models import Challenge
from app.pilots.models import Pilot
from app.pilots.naming import rename_for
from tests.factories import MunicipalityFactory, member_of
from tests.pilots.factories import PilotFactory

KAGA = SimpleNamespace(name_ja="石川県加賀市", name_en="Kaga City, Ishikawa", prefecture="石川県")
ACHI = SimpleNamespace(name_ja="長野県下伊那郡阿智村", name_en="Achi Village, Nagano", prefecture="長野県")


@pytest.mark.parametrize(
    "title, renamed",
    [
        ("審議会議事録のAI作成（加賀市）", "審議会議事録のAI作成（阿智村）"),
        ("審議会議事録のAI作成(石川県加賀市)", "審議会議事録のAI作成(阿智村)"),
        ("【加賀市】議事録作成の効率化", "【阿智村】議事録作成の効率化"),
        ("加賀市の議事録AI", "阿智村の議事録AI"),
        ("Council minutes by AI (Kaga City)", "Council minutes by AI (Achi Village)"),
        ("Kaga: council minutes by AI", "Achi Village: council minutes by AI"),
        ("[kaga city] minutes", "[Achi Village] minutes"),
        ("議事録のAI作成", "議事録のAI作成"),  # no place name: kept
        ("Kagawa-style minutes", "Kagawa-style minutes"),  # not the source's name
    ],
)
def test_the_source_place_name_is_replaced(title, renamed):
    assert rename_for(title, KAGA, ACHI) == renamed


def _kaga_pilot():
    kaga = MunicipalityFactory(name_ja="石川県加賀市", name_en="Kaga City, Ishikawa", prefecture="石川県")
    achi = MunicipalityFactory(name_ja="長野県下伊那郡阿智村", name_en="Achi Village, Nagano", prefecture="長野県")
    origin = PilotFactory(
        municipality=kaga,
        municipality_id=kaga.id,
        title="審議会議事録のAI作成（加賀市）",
        status="adopted",
        public=True,
    )
    return origin, achi


def test_api_copy_and_its_draft_challenge_are_named_for_the_replicating_municipality(api, db):
    origin, achi = _kaga_pilot()
    r = api(member_of(achi)).post(f"/api/v1/pilots/{origin.id}/replications", json={"with_challenge": True})
    assert r.status_code == 201 and r.get_json()["title"] == "審議会議事録のAI作成（阿智村）"
    copy = db.session.get(Pilot, r.get_json()["id"])
    assert copy.origin_id == origin.id
    assert db.session.get(Challenge, copy.challenge_id).title == "審議会議事録のAI作成（阿智村）"


def test_pages_show_the_lineage_on_the_copy_and_its_challenge(login, db):
    origin, achi = _kaga_pilot()
    user = member_of(achi, "admin")
    r = login(user).post(
        f"/pilots/{origin.id}/replicate", data={"municipality_id": str(achi.id), "with_challenge": "1"}
    )
    assert r.status_code == 302
    copy = db.session.query(Pilot).filter_by(municipality_id=achi.id).one()
    page = login(user).get(f"/pilots/{copy.id}").get_data(as_text=True)
    assert "審議会議事録のAI作成（阿智村）" in page
    assert f'href="/pilots/{origin.id}"' in page and "横展開元" in page
    challenge_page = login(user).get(f"/challenges/{copy.challenge_id}").get_data(as_text=True)
    assert 'id="replicated-from"' in challenge_page and f'href="/pilots/{origin.id}"' in challenge_page
    assert "審議会議事録のAI作成（阿智村）" in challenge_page
