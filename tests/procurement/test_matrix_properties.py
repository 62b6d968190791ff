"""Properties of the consolidated matrix that hold for any set of sheets."""

from hypothesis import given, settings
from hypothesis import strategies as st

from app.procurement.matrix import ENVIRONMENT_ORDER, Sheet, consolidate

FEATURES = st.sampled_from(["話者識別", "要約", "辞書", "Word出力", "LGWAN-ASP"])

sheets = st.lists(
    st.builds(
        Sheet,
        org_id=st.integers(1, 10_000),
        name=st.text(min_size=1, max_size=5),
        environments=st.lists(st.sampled_from(ENVIRONMENT_ORDER), min_size=1, max_size=3, unique=True).map(tuple),
        seats=st.integers(1, 5000),
        security_level=st.integers(1, 3),
        budget_max_jpy=st.integers(0, 50_000_000),
        must_have=st.lists(FEATURES, max_size=4).map(tuple),
        nice_to_have=st.lists(FEATURES, max_size=4).map(tuple),
        submitted=st.booleans(),
    ),
    max_size=8,
)


@settings(max_examples=200, deadline=None)
@given(sheets)
def test_matrix_invariants(items):
    m = consolidate(items)
    submitted = [s for s in items if s.submitted]
    for sheet in submitted:
        assert set(m.common_environments) <= set(sheet.environments)
    assert m.seats_total == sum(s.seats for s in submitted)
    assert m.budget_total_jpy == sum(s.budget_max_jpy for s in submitted)
    assert m.security_level == (max(s.security_level for s in submitted) if submitted else None)
    kinds = [c.kind for c in m.conflicts]
    assert ("environment" in kinds) == bool(submitted and not m.common_environments)
    assert ("security_level" in kinds) == (len({s.security_level for s in submitted}) > 1)
    for feature in m.must_have:
        assert 1 <= feature.count <= len(submitted) and len(feature.participants) == feature.count
    if "environment" in kinds:
        grouped = sum(len(g["participants"]) for g in m.conflicts[0].groups)
        assert grouped == len(submitted)
