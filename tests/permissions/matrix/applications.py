"""Applications: the API and the pages. The world's application (by `startup`) is under review."""
from tests.permissions.cases import Case

PAGE = dict(anonymous=302)
APPLICANT_ONLY = dict(anonymous=404, default=403)     # seen by everyone logged in here, changed by the applicant
OWNERS = dict(municipality_member=200, municipality_admin=200, co_owner=200, platform_admin=200)

CASES = [
    # API
    Case("GET", "/api/v1/challenges/<int:challenge_id>/applications", "/api/v1/challenges/{challenge}/applications",
         anonymous=401, default=403, **OWNERS),
    Case("POST", "/api/v1/challenges/<int:challenge_id>/applications", "/api/v1/challenges/{challenge}/applications",
         json={"solution_id": "{solution}", "proposal": "提案"}, anonymous=401, startup_member=409, startup_admin=409,
         default=403),
    Case("GET", "/api/v1/applications/<int:application_id>", "/api/v1/applications/{application}",
         anonymous=404, default=200),
    Case("PATCH", "/api/v1/applications/<int:application_id>", "/api/v1/applications/{application}",
         json={"proposal": "変更"}, startup_member=409, startup_admin=409, **APPLICANT_ONLY),
    Case("POST", "/api/v1/applications/<int:application_id>/submit", "/api/v1/applications/{application}/submit",
         startup_member=409, startup_admin=409, **APPLICANT_ONLY),
    Case("POST", "/api/v1/applications/<int:application_id>/recall", "/api/v1/applications/{application}/recall",
         startup_member=409, startup_admin=409, **APPLICANT_ONLY),
    Case("POST", "/api/v1/applications/<int:application_id>/withdraw",
         "/api/v1/applications/{application}/withdraw", startup_member=200, startup_admin=200, **APPLICANT_ONLY),
    Case("POST", "/api/v1/applications/<int:application_id>/status", "/api/v1/applications/{application}/status",
         json={"status": "shortlisted"}, anonymous=404, municipality_admin=200, platform_admin=200, default=403),
    Case("GET", "/api/v1/applications/<int:application_id>/history", "/api/v1/applications/{application}/history",
         anonymous=404, default=200),
    # Pages
    Case("GET", "/challenges/<int:challenge_id>/apply", "/challenges/{challenge}/apply",
         startup_member=302, startup_admin=302, default=403, **PAGE),
    Case("POST", "/challenges/<int:challenge_id>/apply", "/challenges/{challenge}/apply",
         data={"solution_id": "{solution}", "proposal": "提案"}, startup_member=302, startup_admin=302,
         default=403, **PAGE),
    Case("GET", "/applications/<int:application_id>", "/applications/{application}", default=200, **PAGE),
    Case("GET", "/applications/<int:application_id>/edit", "/applications/{application}/edit",
         startup_member=302, startup_admin=302, default=403, **PAGE),
    Case("POST", "/applications/<int:application_id>/edit", "/applications/{application}/edit",
         data={"proposal": "変更"}, startup_member=409, startup_admin=409, default=403, **PAGE),
    Case("POST", "/applications/<int:application_id>/submit", "/applications/{application}/submit",
         startup_member=409, startup_admin=409, default=403, **PAGE),
    Case("POST", "/applications/<int:application_id>/recall", "/applications/{application}/recall",
         startup_member=409, startup_admin=409, default=403, **PAGE),
    Case("POST", "/applications/<int:application_id>/withdraw", "/applications/{application}/withdraw",
         startup_member=302, startup_admin=302, default=403, **PAGE),
    Case("POST", "/applications/<int:application_id>/status", "/applications/{application}/status",
         data={"status": "shortlisted"}, municipality_admin=302, platform_admin=302, default=403, **PAGE),
    Case("GET", "/challenges/<int:challenge_id>/applications", "/challenges/{challenge}/applications",
         default=403, **OWNERS, **PAGE),
]
