"""`flask users create --org` and `flask users grant --org`: the user joins the organisation, or a clear error."""

from app.accounts.models import Membership, User
from tests.factories import OrganizationFactory


def test_users_create_and_grant_join_an_org(app, db):
    org = OrganizationFactory(slug="tmp-org")
    db.session.commit()
    runner = app.test_cli_runner()
    r = runner.invoke(
        args=[
            "users",
            "create",
            "--email",
            "a@example.jp",
            "--name",
            "A",
            "--password",
            "x" * 12,
            "--org",
            "tmp-org",
            "--role",
            "admin",
        ]
    )
    assert r.exit_code == 0, r.output
    r = runner.invoke(
        args=["users", "create", "--email", "b@example.jp", "--name", "B", "--password", "x" * 12, "--org", "nope"]
    )
    assert r.exit_code != 0 and "No organisation 'nope'" in r.output
    r = runner.invoke(args=["users", "grant", "b@example.jp", "--org", "nope"])
    assert "No organisation 'nope'" in r.output
    r = runner.invoke(args=["users", "grant", "b@example.jp", "--org", "tmp-org"])
    assert r.exit_code == 0, r.output
    b = db.session.scalar(db.select(User).where(User.email == "b@example.jp"))
    a = db.session.scalar(db.select(User).where(User.email == "a@example.jp"))
    roles = {m.user_id: m.role for m in db.session.scalars(db.select(Membership).where(Membership.org_id == org.id))}
    assert roles == {a.id: "admin", b.id: "member"}
