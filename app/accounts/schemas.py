from flask_babel import lazy_gettext as _l
import unicodedata

from marshmallow import Schema, fields, pre_load, validate

from ..api import Integer, StrictSchema
from ..auth import MIN_PASSWORD_LENGTH
from ..constants import PREFECTURES
from .models import MEMBER_ROLES, ORG_KINDS, POPULATION_BANDS


def Password(**kw):  # noqa: N802  (used like a field class)
    return fields.String(
        required=True, load_only=True, validate=validate.Length(min=MIN_PASSWORD_LENGTH, max=256), **kw
    )


class OrganizationSchema(Schema):
    id = Integer(dump_only=True)
    slug = fields.String()
    kind = fields.String()
    name_ja = fields.String()
    name_en = fields.String(allow_none=True)
    prefecture = fields.String(allow_none=True)
    population_band = fields.String(allow_none=True)
    population = Integer(
        allow_none=True,
        metadata={
            "description": "A municipality's recorded population (null when not recorded: the band's midpoint is used)."
        },
    )
    description = fields.String()
    website = fields.String(allow_none=True)


class OrganizationCreateSchema(StrictSchema):
    slug = fields.String(
        required=True,
        validate=validate.Regexp(r"^[a-z0-9][a-z0-9-]{1,78}$", error=_l("Use lowercase letters, digits and hyphens.")),
    )
    kind = fields.String(required=True, validate=validate.OneOf(ORG_KINDS))
    name_ja = fields.String(required=True, validate=validate.Length(min=1, max=200))
    name_en = fields.String(allow_none=True, validate=validate.Length(max=200))
    prefecture = fields.String(allow_none=True, validate=validate.OneOf(PREFECTURES))
    population_band = fields.String(allow_none=True, validate=validate.OneOf(POPULATION_BANDS))
    population = Integer(allow_none=True, validate=validate.Range(min=1, max=50_000_000))
    description = fields.String(load_default="", validate=validate.Length(max=5000))
    website = fields.Url(allow_none=True, schemes={"http", "https"})


MAX_POPULATION = 50_000_000


def Population(**kwargs):  # noqa: N802  (a field factory)
    return Integer(
        allow_none=True,
        validate=validate.Range(min=1, max=MAX_POPULATION, error=_l("Enter a population between 1 and 50,000,000.")),
        error_messages={"invalid": _l("Enter the population as a whole number of residents, e.g. 241000.")},
        **kwargs,
    )


class OrganizationSettingsSchema(StrictSchema):
    """A municipality's settings (page and `PATCH /api/v1/organizations/{id}`): its real population.
    Empty (or null) clears it; the per-resident cost then falls back to the population band."""

    population = Population(required=True)

    @pre_load
    def _digits_as_people_type_them(self, data, **kwargs):
        """「２４１,０００人」 and "241,000" are 241000 (full-width digits, thousands separators, 人)."""
        value = data.get("population") if isinstance(data, dict) else None
        if isinstance(value, str):
            text = unicodedata.normalize("NFKC", value).strip().replace(",", "").replace(" ", "")
            text = text.removesuffix("人").strip()
            data = {**data, "population": text or None}
        return data


class OrganizationQuerySchema(StrictSchema):
    kind = fields.String(validate=validate.OneOf(ORG_KINDS))
    q = fields.String(validate=validate.Length(max=100))
    page = Integer(load_default=1, validate=validate.Range(min=1))
    per_page = Integer(load_default=20, validate=validate.Range(min=1, max=100))


class MembershipSchema(Schema):
    organization = fields.Nested(OrganizationSchema)
    role = fields.String()


class UserMeSchema(Schema):
    id = Integer()
    email = fields.Email()
    display_name = fields.String()
    locale = fields.String(allow_none=True)
    is_platform_admin = fields.Boolean()
    memberships = fields.List(fields.Nested(MembershipSchema))


class UserUpdateSchema(StrictSchema):
    display_name = fields.String(validate=validate.Length(min=1, max=120))
    locale = fields.String(allow_none=True, validate=validate.OneOf(("ja", "en")))


class SignupSchema(StrictSchema):
    email = fields.Email(required=True, validate=validate.Length(max=254))
    display_name = fields.String(required=True, validate=validate.Length(min=1, max=120))
    password = Password()
    locale = fields.String(load_default=None, allow_none=True, validate=validate.OneOf(("ja", "en")))
    invitation = fields.String(load_default=None, allow_none=True, load_only=True)


class LoginSchema(StrictSchema):
    email = fields.String(required=True, validate=validate.Length(max=254))
    password = fields.String(required=True, load_only=True, validate=validate.Length(max=256))
    next = fields.String(load_default=None, allow_none=True)


class PasswordChangeSchema(StrictSchema):
    current_password = fields.String(required=True, load_only=True)
    new_password = Password()


class InvitationCreateSchema(StrictSchema):
    email = fields.Email(required=True)
    role = fields.String(load_default="member", validate=validate.OneOf(MEMBER_ROLES))


class InvitationSchema(Schema):
    id = Integer()
    email = fields.String()
    role = fields.String()
    expires_at = fields.DateTime()
    accepted_at = fields.DateTime(allow_none=True)
    url = fields.String(dump_only=True)


class ApiTokenCreateSchema(StrictSchema):
    name = fields.String(required=True, validate=validate.Length(min=1, max=100))
    expires_in_days = Integer(load_default=None, allow_none=True, validate=validate.Range(min=1, max=365))


class ApiTokenSchema(Schema):
    id = Integer()
    name = fields.String()
    prefix = fields.String()
    created_at = fields.DateTime()
    last_used_at = fields.DateTime(allow_none=True)
    expires_at = fields.DateTime(allow_none=True)
    revoked_at = fields.DateTime(allow_none=True)
    token = fields.String(dump_only=True, metadata={"description": "Shown once, at creation."})
