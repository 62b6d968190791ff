"""The demo seed finds the core organisations defensively and builds a three-city lineage."""

from app.db import commit
from app.pilots import seed
from app.pilots.models import ContractRecord, FactSheet, Pilot
from tests.factories import MunicipalityFactory, SolutionFactory, StartupFactory


def test_seed_skips_gracefully_without_core_data(app, db):
    seed.seed({})
    commit()
    assert db.session.query(Pilot).count() == 0


def test_seed_builds_lineage_contracts_and_fact_sheets(app, db, client):
    for slug in ("kaga", "shiojiri", "komoro"):
        MunicipalityFactory(slug=slug)
    SolutionFactory(
        title="ギジロク for LGWAN（AI議事録作成）",
        organization=StartupFactory(slug="gijiroku-lab"),
        category="backoffice_dx",
    )
    context = {}
    seed.seed(context)
    commit()
    origin = context["pilots"]["origin"]
    children = db.session.query(Pilot).filter_by(origin_id=origin.id).all()
    assert len(children) == 2 and len({p.status for p in children} | {origin.status}) == 3
    assert db.session.query(ContractRecord).count() == 1
    assert sorted(f.version for f in db.session.query(FactSheet)) == [1, 2]
    html = client.get(f"/pilots/compare?solution={origin.solution_id}").get_data(as_text=True)
    assert "lineage-chart" in html
    assert client.get(f"/pilots/{origin.id}").status_code == 200
