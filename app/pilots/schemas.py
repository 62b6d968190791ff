"""Input (Strict) and output schemas for pilots, KPIs, reports, replication, contracts, fact sheets."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_login import current_user
from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from ..api import Integer, StrictSchema
from ..constants import CATEGORIES, ENVIRONMENTS, PREFECTURES
from ..policies import can
from .models import DIRECTIONS, PILOT_STATUSES, PRICE_UNITS

Text = lambda n=10000, **kw: fields.String(allow_none=True, validate=validate.Length(max=n), **kw)  # noqa: E731
Money = lambda **kw: Integer(big=True, allow_none=True, validate=validate.Range(min=0, max=10**12), **kw)  # noqa: E731
Number = lambda **kw: fields.Float(allow_nan=False, validate=validate.Range(min=-1e12, max=1e12), **kw)  # noqa: E731
POPULATION_BANDS = ("lt10k", "10k_50k", "50k_100k", "100k_300k", "300k_1m", "gt1m")


def _check_period(data, start="start_date", end="end_date"):
    if data.get(start) and data.get(end) and data[start] > data[end]:
        raise ValidationError({end: [_l("The end date must not be before the start date.")]})


class PilotFieldsMixin:
    objectives = Text()
    scope = Text()
    sites = Text(2000)
    environment = fields.String(allow_none=True, validate=validate.OneOf(ENVIRONMENTS))
    start_date = fields.Date(allow_none=True)
    end_date = fields.Date(allow_none=True)
    budget_jpy = Money()
    actual_cost_jpy = Money()
    population = Integer(allow_none=True, validate=validate.Range(min=1, max=50_000_000))
    team_municipality = Text(2000)
    team_startup = Text(2000)
    public = fields.Boolean()
    costs_public = fields.Boolean()
    report_interval_days = Integer(validate=validate.Range(min=7, max=365))


class PilotCreateSchema(PilotFieldsMixin, StrictSchema):
    title = fields.String(required=True, validate=validate.Length(min=1, max=200))
    category = fields.String(required=True, validate=validate.OneOf(list(CATEGORIES)))
    municipality_id = Integer(allow_none=True)
    startup_id = Integer(allow_none=True)
    solution_id = Integer(allow_none=True)
    challenge_id = Integer(allow_none=True)

    @validates_schema
    def period(self, data, **kw):
        _check_period(data)


class PilotUpdateSchema(PilotFieldsMixin, StrictSchema):
    title = fields.String(validate=validate.Length(min=1, max=200))
    category = fields.String(validate=validate.OneOf(list(CATEGORIES)))
    results = Text()
    lessons = Text()
    replication_prerequisites = Text()
    replication_effort = Text()
    replication_pitfalls = Text()
    origin_id = Integer(allow_none=True)

    @validates_schema
    def period(self, data, **kw):
        _check_period(data)


class StatusChangeSchema(StrictSchema):
    status = fields.String(required=True, validate=validate.OneOf(PILOT_STATUSES))
    reason = fields.String(allow_none=True, validate=validate.Length(max=5000))


class KpiCreateSchema(StrictSchema):
    name = fields.String(required=True, validate=validate.Length(min=1, max=200))
    unit = fields.String(required=True, validate=validate.Length(min=1, max=30))
    direction = fields.String(load_default="higher_is_better", validate=validate.OneOf(DIRECTIONS))
    baseline = Number(required=True)
    target = Number(allow_none=True)


class MeasurementCreateSchema(StrictSchema):
    measured_on = fields.Date(required=True)
    value = Number(required=True)
    note = Text(2000, load_default="")


class ReportCreateSchema(StrictSchema):
    period_start = fields.Date(required=True)
    period_end = fields.Date(required=True)
    body = fields.String(required=True, validate=validate.Length(min=1, max=20000))
    issues = Text(load_default="")

    @validates_schema
    def period(self, data, **kw):
        _check_period(data, "period_start", "period_end")


class ReplicateSchema(StrictSchema):
    municipality_id = Integer(allow_none=True)
    with_challenge = fields.Boolean(load_default=False)


class PilotQuerySchema(StrictSchema):
    q = fields.String(validate=validate.Length(max=100))
    category = fields.String(validate=validate.OneOf(list(CATEGORIES)))
    environment = fields.String(validate=validate.OneOf(ENVIRONMENTS))
    prefecture = fields.String(validate=validate.OneOf(PREFECTURES))
    population_band = fields.String(validate=validate.OneOf(POPULATION_BANDS))
    status = fields.String(validate=validate.OneOf(PILOT_STATUSES))
    solution_id = Integer()
    sort = fields.String(load_default="-date", validate=validate.OneOf(("-date", "date", "improvement")))
    page = Integer(load_default=1, validate=validate.Range(min=1, max=100000))
    per_page = Integer(load_default=20, validate=validate.Range(min=1, max=100))


class MeasurementSchema(Schema):
    id = Integer()
    measured_on = fields.Date()
    value = fields.Float()
    note = fields.String()


class KpiSchema(Schema):
    id = Integer()
    name = fields.String()
    unit = fields.String()
    direction = fields.String()
    baseline = fields.Float()
    target = fields.Float(allow_none=True)
    reference_baseline = fields.Float(allow_none=True)
    reference_target = fields.Float(allow_none=True)
    improvement_pct = fields.Method("get_improvement")
    target_warning = fields.Method("get_warning")
    measurements = fields.List(fields.Nested(MeasurementSchema))

    def get_improvement(self, kpi):
        from .kpis import kpi_improvement

        value = kpi_improvement(kpi)
        return None if value is None else round(value, 1)

    def get_warning(self, kpi):
        from .kpis import target_consistent

        return not target_consistent(kpi.direction, kpi.baseline, kpi.target)


class OrgRefSchema(Schema):
    id = Integer()
    slug = fields.String()
    name_ja = fields.String()
    name_en = fields.String(allow_none=True)
    prefecture = fields.String(allow_none=True)
    population_band = fields.String(allow_none=True)


class PilotSchema(Schema):
    id = Integer()
    title = fields.String()
    status = fields.String()
    category = fields.String()
    environment = fields.String(allow_none=True)
    municipality = fields.Nested(OrgRefSchema)
    startup = fields.Nested(OrgRefSchema, allow_none=True)
    solution_id = Integer(allow_none=True)
    challenge_id = Integer(allow_none=True)
    application_id = Integer(allow_none=True)
    origin_id = Integer(allow_none=True)
    objectives = fields.String()
    scope = fields.String()
    sites = fields.String()
    start_date = fields.Date(allow_none=True)
    end_date = fields.Date(allow_none=True)
    population = Integer(allow_none=True)
    team_municipality = fields.String()
    team_startup = fields.String()
    outcome_reason = fields.String(allow_none=True)
    public = fields.Boolean()
    costs_public = fields.Boolean()
    report_interval_days = Integer()
    results = fields.String()
    lessons = fields.String()
    replication_prerequisites = fields.String()
    replication_effort = fields.String()
    replication_pitfalls = fields.String()
    budget_jpy = fields.Method("get_budget")
    actual_cost_jpy = fields.Method("get_cost")
    best_improvement_pct = fields.Method("get_best")
    kpis = fields.List(fields.Nested(KpiSchema))
    created_at = fields.DateTime()
    updated_at = fields.DateTime()

    def _costs(self, pilot):
        return can(current_user, "pilot.view_costs", pilot)

    def get_budget(self, pilot):
        return pilot.budget_jpy if self._costs(pilot) else None

    def get_cost(self, pilot):
        return pilot.actual_cost_jpy if self._costs(pilot) else None

    def get_best(self, pilot):
        from .kpis import best_improvement

        value = best_improvement(pilot)
        return None if value is None else round(value, 1)


class ReportSchema(Schema):
    id = Integer()
    period_start = fields.Date()
    period_end = fields.Date()
    body = fields.String()
    issues = fields.String()
    created_at = fields.DateTime()


# Contracts and fact sheets -------------------------------------------------------------------


class ContractCreateSchema(StrictSchema):
    title = fields.String(required=True, validate=validate.Length(min=1, max=200))
    category = fields.String(required=True, validate=validate.OneOf(list(CATEGORIES)))
    municipality_id = Integer(allow_none=True)
    pilot_id = Integer(allow_none=True)
    solution_id = Integer(allow_none=True)
    vendor_org_id = Integer(allow_none=True)
    vendor_name = fields.String(allow_none=True, validate=validate.Length(max=200))
    scope = Text()
    price_jpy = Money()
    price_unit = fields.String(load_default="per_year", validate=validate.OneOf(PRICE_UNITS))
    start_date = fields.Date(allow_none=True)
    end_date = fields.Date(allow_none=True)
    data_ownership = Text()
    security = Text()
    exit_terms = Text()
    checklist = fields.Dict(keys=fields.String(), values=fields.Dict(), load_default=dict)

    @validates_schema
    def period(self, data, **kw):
        _check_period(data)
        if not data.get("vendor_org_id") and not (data.get("vendor_name") or "").strip():
            raise ValidationError({"vendor_name": [_l("Name the vendor (or choose a startup).")]})


class ContractQuerySchema(StrictSchema):
    q = fields.String(validate=validate.Length(max=100))
    solution_id = Integer()
    vendor_org_id = Integer()
    category = fields.String(validate=validate.OneOf(list(CATEGORIES)))
    price_min = Integer(big=True, validate=validate.Range(min=0))
    price_max = Integer(big=True, validate=validate.Range(min=0))
    page = Integer(load_default=1, validate=validate.Range(min=1, max=100000))
    per_page = Integer(load_default=20, validate=validate.Range(min=1, max=100))


class ContractSchema(Schema):
    id = Integer()
    title = fields.String()
    category = fields.String()
    municipality = fields.Nested(OrgRefSchema)
    vendor = fields.Nested(OrgRefSchema, allow_none=True)
    vendor_name = fields.String()
    pilot_id = Integer(allow_none=True)
    solution_id = Integer(allow_none=True)
    scope = fields.String()
    price_jpy = Integer(big=True, allow_none=True)
    price_unit = fields.String()
    start_date = fields.Date(allow_none=True)
    end_date = fields.Date(allow_none=True)
    data_ownership = fields.String()
    security = fields.String()
    exit_terms = fields.String()
    checklist = fields.Dict()
    created_at = fields.DateTime()


class WaiverCreateSchema(StrictSchema):
    org_id = Integer(required=True)
    reason = Text(2000, load_default="")


class WaiverSchema(Schema):
    id = Integer()
    org_id = Integer()
    reason = fields.String()
    created_at = fields.DateTime()


FACT_SHEET_FIELDS = (
    "system_purpose",
    "model_provider",
    "training_data",
    "test_data",
    "performance",
    "known_limits",
    "privacy",
    "human_oversight",
    "responsible_ai_policy",
)


class FactSheetInputSchema(StrictSchema):
    system_purpose = fields.String(required=True, validate=validate.Length(min=1, max=10000))
    model_provider = Text(load_default="")
    training_data = Text(load_default="")
    test_data = Text(load_default="")
    performance = Text(load_default="")
    known_limits = Text(load_default="")
    privacy = Text(load_default="")
    human_oversight = Text(load_default="")
    responsible_ai_policy = Text(load_default="")


class FactSheetSchema(Schema):
    id = Integer()
    solution_id = Integer()
    version = Integer()
    system_purpose = fields.String()
    model_provider = fields.String()
    training_data = fields.String()
    test_data = fields.String()
    performance = fields.String()
    known_limits = fields.String()
    privacy = fields.String()
    human_oversight = fields.String()
    responsible_ai_policy = fields.String()
    created_at = fields.DateTime()
