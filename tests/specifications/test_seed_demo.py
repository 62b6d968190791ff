"""`flask seed-demo` shows each sharing flow: a Nagano specification with v2 and one adoption, a
comparison of three vendors with one reply, two zero-budget challenges with offers, practice notes."""

from sqlalchemy import select

from app.challenges.models import Challenge
from app.notes.models import PracticeNote
from app.procurement.comparison_models import ComparisonRow
from app.specifications.models import StandardSpecification


def test_the_demo_data_shows_every_sharing_flow(app, db):
    result = app.test_cli_runner().invoke(args=["seed-demo", "--if-empty"])
    assert result.exit_code == 0, result.output
    spec = db.session.scalar(select(StandardSpecification))
    assert [v.number for v in spec.versions] == [1, 2] and spec.origin_round.title.startswith("AI議事録")
    assert [u.organization.slug for u in spec.uses if u.kind == "adoption"] == ["kaga"]
    rows = db.session.scalars(select(ComparisonRow).where(ComparisonRow.round_id == spec.origin_round_id)).all()
    assert len(rows) == 3 and sum(1 for r in rows for c in r.cells if c.vendor_reply) == 1
    zero = db.session.scalars(select(Challenge).where(Challenge.co_development.is_(True))).all()
    assert len(zero) == 2 and all(c.offers and c.budget_max_jpy == 0 for c in zero)
    notes = db.session.scalars(select(PracticeNote)).all()
    assert len(notes) >= 3 and {n.visibility for n in notes} == {"members", "public"}
