"""Accounts, organisations, tokens, language, invitations."""

from app.accounts.services import create_invitation
from tests.permissions.cases import Case
from tests.permissions.world import world_builder

ALL_LOGGED_IN = dict(anonymous=401, default=200)
PAGE_LOGGED_IN = dict(anonymous=302, default=200)


@world_builder
def _invitation(world):
    _inv, token = create_invitation(
        world.objects["city"], "newcomer@example.jp", "member", world.users["municipality_admin"]
    )
    world.ids["invitation_token"] = token


CASES = [
    Case("GET", "/", "/", default=200),
    Case("GET", "/login", "/login", default=200),
    Case("POST", "/login", "/login", data={"email": "nobody@example.jp", "password": "wrong-password"}, default=401),
    Case("POST", "/logout", "/logout", anonymous=302, default=302),
    Case("GET", "/signup", "/signup", default=200),
    Case("POST", "/signup", "/signup", data={"email": "bad"}, default=422),
    Case("GET", "/invitations/<token>", "/invitations/{invitation_token}", default=200),
    Case("POST", "/invitations/<token>", "/invitations/{invitation_token}", anonymous=302, default=302),
    Case("GET", "/account", "/account", **PAGE_LOGGED_IN),
    Case("POST", "/account", "/account", data={"display_name": "新しい名前"}, anonymous=302, default=302),
    Case("POST", "/account/password", "/account/password", data={"current_password": "x"}, anonymous=302, default=302),
    Case("POST", "/account/tokens", "/account/tokens", data={"name": "script"}, anonymous=302, default=302),
    Case("POST", "/account/tokens/<int:token_id>/revoke", "/account/tokens/999999/revoke", anonymous=302, default=404),
    Case("POST", "/lang/<code>", "/lang/en", default=302),
    Case(
        "GET",
        "/orgs/<slug>/members",
        "/orgs/{city_slug}/members",
        anonymous=302,
        municipality_admin=200,
        platform_admin=200,
        default=403,
    ),
    Case(
        "POST",
        "/orgs/<slug>/members",
        "/orgs/{city_slug}/members",
        data={"email": "x@example.jp"},
        anonymous=302,
        municipality_admin=200,
        platform_admin=200,
        default=403,
    ),
    Case(
        "GET",
        "/orgs/<slug>/settings",
        "/orgs/{city_slug}/settings",
        anonymous=302,
        municipality_admin=200,
        platform_admin=200,
        default=403,
    ),
    Case(
        "POST",
        "/orgs/<slug>/settings",
        "/orgs/{city_slug}/settings",
        data={"population": "0"},
        anonymous=302,
        municipality_admin=422,
        platform_admin=422,
        default=403,
    ),
    # API
    Case("GET", "/api/v1/auth/csrf", "/api/v1/auth/csrf", default=200),
    Case(
        "POST",
        "/api/v1/auth/token",
        "/api/v1/auth/token",
        json={"email": "nobody@example.jp", "password": "wrong-password"},
        default=401,
    ),
    Case("GET", "/api/v1/users/me", "/api/v1/users/me", **ALL_LOGGED_IN),
    Case("PATCH", "/api/v1/users/me", "/api/v1/users/me", json={"locale": "en"}, **ALL_LOGGED_IN),
    Case("GET", "/api/v1/users/me/tokens", "/api/v1/users/me/tokens", **ALL_LOGGED_IN),
    Case("POST", "/api/v1/users/me/tokens", "/api/v1/users/me/tokens", json={"name": "ci"}, anonymous=401, default=201),
    Case("DELETE", "/api/v1/users/me/tokens/<int:token_id>", "/api/v1/users/me/tokens/999999", default=404),
    Case("GET", "/api/v1/organizations", "/api/v1/organizations", default=200),
    Case(
        "POST",
        "/api/v1/organizations",
        "/api/v1/organizations",
        json={"slug": "new-city", "kind": "municipality", "name_ja": "新市"},
        anonymous=401,
        platform_admin=201,
        default=403,
    ),
    Case("GET", "/api/v1/organizations/<int:org_id>", "/api/v1/organizations/{city}", default=200),
    Case(
        "PATCH",
        "/api/v1/organizations/<int:org_id>",
        "/api/v1/organizations/{city}",
        json={"population": 241000},
        anonymous=401,
        municipality_admin=200,
        platform_admin=200,
        default=403,
    ),
    Case(
        "POST",
        "/api/v1/organizations/<int:org_id>/invitations",
        "/api/v1/organizations/{city}/invitations",
        json={"email": "staff@example.jp"},
        anonymous=401,
        municipality_admin=201,
        platform_admin=201,
        default=403,
    ),
    Case("GET", "/api/v1/openapi.json", "/api/v1/openapi.json", default=200),
    Case("GET", "/api/v1/docs", "/api/v1/docs", default=200),
]
