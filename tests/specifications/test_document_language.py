"""Text the platform writes into a Japanese document (a specification's proposed title, a challenge's tags)
is Japanese whoever presses the button: an English user does not get 「AI meeting minutes 標準仕様書」."""

from app.challenges.models import Challenge
from app.extensions import db
from tests.factories import MunicipalityFactory, member_of

from .helpers import closed_round, published_spec


def test_an_english_coordinator_gets_a_japanese_title_proposal(login, db):
    rnd, coordinator_user, _ = closed_round()
    coordinator_user.locale = "en"
    db.session.commit()
    form = login(coordinator_user).get(f"/procurement/{rnd.id}/specification/new").get_data(as_text=True)
    assert f'value="AI議事録 標準仕様書（{rnd.title}）"' in form and "AI meeting minutes 標準仕様書" not in form


def test_a_challenge_started_by_an_english_user_has_japanese_tags(login):
    spec, _rnd, _c, _cities = published_spec()
    admin = member_of(MunicipalityFactory(), "admin", locale="en")
    r = login(admin).post(f"/specifications/{spec.id}/start-challenge")
    assert r.status_code == 302
    challenge = db.session.scalars(db.select(Challenge).order_by(Challenge.id.desc())).first()
    assert challenge.tags == ["標準仕様書", "AI議事録"] and challenge.language == "ja"
