"""Shared pages, notifications, audit, attachments."""

from app.attachments.models import Attachment
from app.extensions import db
from tests.permissions.cases import Case
from tests.permissions.world import world_builder

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@world_builder
def _attachments(world):
    rows = {
        "challenge_file": Attachment(
            owner_type="challenge",
            owner_id=world.ids["challenge"],
            filename="要件.pdf",
            stored_name="a" * 32,
            content_type="application/pdf",
            size=10,
            sha256="0" * 64,
        ),
        "draft_file": Attachment(
            owner_type="challenge",
            owner_id=world.ids["draft_challenge"],
            filename="案.pdf",
            stored_name="b" * 32,
            content_type="application/pdf",
            size=10,
            sha256="0" * 64,
        ),
        "application_file": Attachment(
            owner_type="application",
            owner_id=world.ids["application"],
            filename="提案書.pdf",
            stored_name="c" * 32,
            content_type="application/pdf",
            size=10,
            sha256="0" * 64,
        ),
    }
    db.session.add_all(rows.values())
    db.session.flush()
    world.ids.update({k: v.id for k, v in rows.items()})
    from flask import current_app
    import os

    os.makedirs(current_app.config["UPLOAD_DIR"], exist_ok=True)
    for row in rows.values():
        with open(os.path.join(current_app.config["UPLOAD_DIR"], row.stored_name), "wb") as f:
            f.write(PDF)


CHALLENGE_EDITORS = dict(municipality_member=302, municipality_admin=302, platform_admin=302)

CASES = [
    Case("GET", "/dashboard", "/dashboard", anonymous=302, default=200),
    Case("GET", "/orgs", "/orgs", default=200),
    Case("GET", "/orgs/<slug>", "/orgs/{city_slug}", default=200),
    Case("GET", "/search", "/search?q=窓口", default=200),
    Case("GET", "/notifications", "/notifications", anonymous=302, default=200),
    Case("POST", "/notifications/read", "/notifications/read", anonymous=302, default=302),
    Case("GET", "/api/v1/notifications", "/api/v1/notifications", anonymous=401, default=200),
    Case("POST", "/api/v1/notifications/read", "/api/v1/notifications/read", json={}, anonymous=401, default=200),
    Case(
        "GET",
        "/audit",
        "/audit",
        anonymous=302,
        municipality_admin=200,
        co_owner=200,
        startup_admin=200,
        platform_admin=200,
        default=403,
    ),
    Case(
        "GET",
        "/audit.csv",
        "/audit.csv",
        anonymous=302,
        municipality_admin=200,
        co_owner=200,
        startup_admin=200,
        platform_admin=200,
        default=403,
    ),
    Case(
        "GET",
        "/api/v1/audit",
        "/api/v1/audit",
        anonymous=401,
        municipality_admin=200,
        co_owner=200,
        startup_admin=200,
        platform_admin=200,
        default=403,
    ),
    # Attachments: download needs the owner's view permission; a draft's file is invisible (404).
    Case("GET", "/attachments/<int:attachment_id>", "/attachments/{challenge_file}", default=200),
    Case(
        "GET",
        "/api/v1/attachments/<int:attachment_id>",
        "/api/v1/attachments/{draft_file}",
        anonymous=404,
        startup_member=404,
        startup_admin=404,
        co_owner=404,
        judge=404,
        default=200,
    ),
    Case(
        "DELETE",
        "/api/v1/attachments/<int:attachment_id>",
        "/api/v1/attachments/{challenge_file}",
        anonymous=401,
        municipality_member=204,
        municipality_admin=204,
        platform_admin=204,
        default=403,
    ),
    Case(
        "POST",
        "/attachments/<int:attachment_id>/delete",
        "/attachments/{application_file}/delete",
        anonymous=302,
        startup_member=302,
        startup_admin=302,
        platform_admin=403,
        municipality_member=403,
        municipality_admin=403,
        co_owner=403,
        judge=403,
    ),
    Case(
        "POST",
        "/attachments/<owner_type>/<int:owner_id>",
        "/attachments/challenge/{challenge}",
        files={"file": (PDF, "仕様書.pdf")},
        anonymous=302,
        default=403,
        **CHALLENGE_EDITORS,
    ),
    Case(
        "POST",
        "/api/v1/attachments",
        "/api/v1/attachments",
        data={"owner_type": "solution", "owner_id": "{solution}"},
        files={"file": (PDF, "資料.pdf")},
        anonymous=401,
        startup_member=201,
        startup_admin=201,
        platform_admin=201,
        default=403,
    ),
]
