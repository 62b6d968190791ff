"""The demo round seeds defensively and carries a real environment conflict."""

from sqlalchemy import select

from app.procurement import seed as proc_seed
from app.procurement.models import ProcurementRound
from app.procurement.services import consolidated
from tests.factories import CoordinatorFactory, MunicipalityFactory, StartupFactory


def test_seed_skips_without_the_coordinator(db):
    proc_seed.seed({})
    assert db.session.scalar(select(ProcurementRound)) is None


def test_seed_creates_an_open_round_with_a_conflict(db):
    CoordinatorFactory(slug="nagano-govtech")
    for slug, name in (("matsumoto", "松本市"), ("shiojiri", "塩尻市"), ("komoro", "小諸市"), ("achi", "阿智村")):
        MunicipalityFactory(slug=slug, name_ja=name)
    StartupFactory(slug="gijiroku-lab")
    context = {}
    proc_seed.seed(context)
    db.session.commit()
    proc_seed.seed(context)  # idempotent
    rounds = db.session.scalars(select(ProcurementRound)).all()
    assert len(rounds) == 1 and rounds[0].status == "open" and len(rounds[0].participants) == 4
    assert len(rounds[0].vendors) == 1
    m = consolidated(rounds[0])
    env = [c for c in m.conflicts if c.kind == "environment"][0]
    assert {"environments": ["lgwan"], "participants": ["松本市", "阿智村"]} in env.groups
    assert {"environments": ["internet"], "participants": ["塩尻市"]} in env.groups
    assert m.seats_total == 715
