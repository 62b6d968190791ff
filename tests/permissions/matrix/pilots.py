"""Pilots, KPIs, reports, replication, comparison; the contract hub; AI fact sheets."""

from datetime import date, timedelta

from app.extensions import db
from app.pilots.models import ContractRecord, FactSheet, KpiMeasurement, Pilot, PilotKpi
from tests.factories import ApplicationFactory, ChallengeFactory
from tests.permissions.cases import Case
from tests.permissions.world import world_builder

TODAY = date.today().isoformat()


@world_builder
def _pilots(world):
    city, startup, solution = world.objects["city"], world.objects["startup"], world.objects["solution"]
    common = dict(
        municipality_id=city.id,
        startup_id=startup.id,
        solution_id=solution.id,
        category="counter_services",
        environment="lgwan",
        start_date=date.today() - timedelta(days=90),
        end_date=date.today() + timedelta(days=90),
        budget_jpy=3_000_000,
        status="running",
    )
    public = Pilot(title="公開の実証実験", public=True, **common)
    private = Pilot(title="非公開の実証実験", public=False, **common)
    db.session.add_all([public, private])
    db.session.flush()
    kpi = PilotKpi(
        pilot_id=public.id, name="平均待ち時間", unit="分", direction="lower_is_better", baseline=60, target=30
    )
    db.session.add(kpi)
    db.session.flush()
    db.session.add(KpiMeasurement(kpi_id=kpi.id, measured_on=date.today() - timedelta(days=10), value=45))
    # A contract contributed by the co-owner city, naming the world startup as vendor.
    contract = ContractRecord(
        municipality_id=world.objects["co_city"].id,
        vendor_org_id=startup.id,
        title="窓口予約 利用契約",
        category="counter_services",
        price_jpy=1_000_000,
    )
    db.session.add(contract)
    db.session.add(FactSheet(solution_id=solution.id, version=1, system_purpose="来庁予約の混雑予測"))
    other_challenge = ChallengeFactory(owner=city, owner_org_id=city.id)
    selected = ApplicationFactory(
        challenge=other_challenge,
        challenge_id=other_challenge.id,
        solution=solution,
        solution_id=solution.id,
        applicant=startup,
        applicant_org_id=startup.id,
        status="selected",
    )
    db.session.commit()
    world.ids.update(
        public_pilot=public.id,
        private_pilot=private.id,
        kpi=kpi.id,
        contract=contract.id,
        selected_application=selected.id,
    )


PAGE = dict(anonymous=302)
PRIVATE_VIEW = dict(
    anonymous=404,
    startup_member=200,
    startup_admin=200,
    municipality_member=200,
    municipality_admin=200,
    co_owner=404,
    judge=404,
    platform_admin=200,
)
EDITORS_PAGE = dict(anonymous=302, municipality_member=302, municipality_admin=302, platform_admin=302, default=403)
REPORTERS_PAGE = dict(EDITORS_PAGE, startup_member=302, startup_admin=302)
KPI_FORM = {"name": "満足度", "unit": "点", "direction": "higher_is_better", "baseline": "3.2", "target": "4"}
REPORT_FORM = {"period_start": TODAY, "period_end": TODAY, "body": "順調に稼働"}
CONTRACT = {"title": "AI-OCR 利用契約", "category": "backoffice_dx", "vendor_name": "株式会社オフィスレス"}
FACT = {"system_purpose": "議事録の自動作成"}
P = "/pilots/{public_pilot}"
API = "/api/v1/pilots/{public_pilot}"

CASES = [
    # Library, pages, exports
    Case("GET", "/pilots", "/pilots?sort=improvement", default=200),
    Case("GET", "/pilots.csv", "/pilots.csv", default=200),
    Case("GET", "/pilots/<int:pilot_id>", "/pilots/{private_pilot}", **PRIVATE_VIEW),
    Case("GET", "/pilots/<int:pilot_id>/print", "/pilots/{private_pilot}/print", **PRIVATE_VIEW),
    Case("GET", "/pilots/<int:pilot_id>/measurements.csv", P + "/measurements.csv", default=200),
    Case("GET", "/pilots/compare", "/pilots/compare?solution={solution}", default=200),
    Case(
        "GET",
        "/pilots/new",
        "/pilots/new",
        anonymous=302,
        municipality_member=200,
        municipality_admin=200,
        co_owner=200,
        default=403,
    ),
    Case(
        "POST",
        "/pilots/new",
        "/pilots/new",
        data={"title": "新しい実証", "category": "community"},
        anonymous=302,
        municipality_member=302,
        municipality_admin=302,
        co_owner=302,
        default=403,
    ),
    Case(
        "GET",
        "/pilots/<int:pilot_id>/edit",
        P + "/edit",
        anonymous=302,
        municipality_member=200,
        municipality_admin=200,
        platform_admin=200,
        default=403,
    ),
    Case("POST", "/pilots/<int:pilot_id>/edit", P + "/edit", data={"title": "改題"}, **EDITORS_PAGE),
    Case(
        "POST",
        "/pilots/from-application/<int:application_id>",
        "/pilots/from-application/{selected_application}",
        anonymous=302,
        municipality_member=302,
        municipality_admin=302,
        platform_admin=302,
        startup_member=403,
        startup_admin=403,
        co_owner=404,
        judge=404,
    ),
    Case(
        "POST",
        "/pilots/<int:pilot_id>/status",
        P + "/status",
        data={"status": "completed"},
        anonymous=302,
        municipality_admin=302,
        platform_admin=302,
        default=403,
    ),
    Case("POST", "/pilots/<int:pilot_id>/kpis", P + "/kpis", data=KPI_FORM, **EDITORS_PAGE),
    Case(
        "POST",
        "/pilots/<int:pilot_id>/kpis/<int:kpi_id>/measurements",
        P + "/kpis/{kpi}/measurements",
        data={"measured_on": TODAY, "value": "40"},
        **REPORTERS_PAGE,
    ),
    Case("POST", "/pilots/<int:pilot_id>/reports", P + "/reports", data=REPORT_FORM, **REPORTERS_PAGE),
    # Replicating into one's own municipality is refused (422); the co-owner city may replicate.
    Case(
        "POST",
        "/pilots/<int:pilot_id>/replicate",
        P + "/replicate",
        data={},
        anonymous=302,
        municipality_member=422,
        municipality_admin=422,
        co_owner=302,
        default=403,
    ),
    # Contract hub: the city has not contributed, so the co-city's record is invisible to it (404).
    Case("GET", "/contracts", "/contracts", anonymous=302, default=200),
    Case("GET", "/contracts/template", "/contracts/template", default=200),
    Case(
        "GET",
        "/contracts/new",
        "/contracts/new",
        anonymous=302,
        municipality_member=200,
        municipality_admin=200,
        co_owner=200,
        platform_admin=200,
        default=403,
    ),
    Case(
        "POST",
        "/contracts/new",
        "/contracts/new",
        data=CONTRACT,
        anonymous=302,
        municipality_member=302,
        municipality_admin=302,
        co_owner=302,
        platform_admin=422,
        default=403,
    ),
    Case(
        "GET",
        "/contracts/<int:contract_id>",
        "/contracts/{contract}",
        anonymous=302,
        startup_member=200,
        startup_admin=200,
        co_owner=200,
        platform_admin=200,
        default=404,
    ),
    Case("GET", "/contracts/waivers", "/contracts/waivers", anonymous=302, platform_admin=200, default=403),
    Case(
        "POST",
        "/contracts/waivers",
        "/contracts/waivers",
        data={"org_id": "{city}"},
        anonymous=302,
        platform_admin=302,
        default=403,
    ),
    Case(
        "POST",
        "/contracts/waivers/<int:org_id>/delete",
        "/contracts/waivers/{city}/delete",
        anonymous=302,
        platform_admin=302,
        default=403,
    ),
    # Fact sheets
    Case("GET", "/solutions/<int:solution_id>/fact-sheet", "/solutions/{solution}/fact-sheet", default=200),
    Case(
        "GET",
        "/solutions/<int:solution_id>/fact-sheet/edit",
        "/solutions/{solution}/fact-sheet/edit",
        anonymous=302,
        startup_member=200,
        startup_admin=200,
        platform_admin=200,
        default=403,
    ),
    Case(
        "POST",
        "/solutions/<int:solution_id>/fact-sheet/edit",
        "/solutions/{solution}/fact-sheet/edit",
        data=FACT,
        anonymous=302,
        startup_member=302,
        startup_admin=302,
        platform_admin=302,
        default=403,
    ),
    # API
    Case("GET", "/api/v1/pilots", "/api/v1/pilots?sort=improvement", default=200),
    Case(
        "POST",
        "/api/v1/pilots",
        "/api/v1/pilots",
        json={"title": "新しい実証", "category": "community"},
        anonymous=401,
        municipality_member=201,
        municipality_admin=201,
        co_owner=201,
        default=403,
    ),
    Case("GET", "/api/v1/pilots/<int:pilot_id>", "/api/v1/pilots/{private_pilot}", **PRIVATE_VIEW),
    Case(
        "PATCH",
        "/api/v1/pilots/<int:pilot_id>",
        API,
        json={"title": "改題"},
        anonymous=401,
        municipality_member=200,
        municipality_admin=200,
        platform_admin=200,
        default=403,
    ),
    Case(
        "POST",
        "/api/v1/pilots/<int:pilot_id>/status",
        API + "/status",
        json={"status": "completed"},
        anonymous=401,
        municipality_admin=200,
        platform_admin=200,
        default=403,
    ),
    Case(
        "POST",
        "/api/v1/applications/<int:application_id>/pilot",
        "/api/v1/applications/{selected_application}/pilot",
        anonymous=404,
        municipality_member=201,
        municipality_admin=201,
        platform_admin=201,
        startup_member=403,
        startup_admin=403,
        co_owner=404,
        judge=404,
    ),
    Case("GET", "/api/v1/pilots/<int:pilot_id>/kpis", API + "/kpis", default=200),
    Case(
        "POST",
        "/api/v1/pilots/<int:pilot_id>/kpis",
        API + "/kpis",
        json={"name": "満足度", "unit": "点", "baseline": 3.2, "target": 4},
        anonymous=401,
        municipality_member=201,
        municipality_admin=201,
        platform_admin=201,
        default=403,
    ),
    Case(
        "GET",
        "/api/v1/pilots/<int:pilot_id>/kpis/<int:kpi_id>/measurements",
        API + "/kpis/{kpi}/measurements",
        default=200,
    ),
    Case(
        "POST",
        "/api/v1/pilots/<int:pilot_id>/kpis/<int:kpi_id>/measurements",
        API + "/kpis/{kpi}/measurements",
        json={"measured_on": TODAY, "value": 40},
        anonymous=401,
        municipality_member=201,
        municipality_admin=201,
        startup_member=201,
        startup_admin=201,
        platform_admin=201,
        default=403,
    ),
    Case("GET", "/api/v1/pilots/<int:pilot_id>/reports", API + "/reports", default=200),
    Case(
        "POST",
        "/api/v1/pilots/<int:pilot_id>/reports",
        API + "/reports",
        json=REPORT_FORM,
        anonymous=401,
        municipality_member=201,
        municipality_admin=201,
        startup_member=201,
        startup_admin=201,
        platform_admin=201,
        default=403,
    ),
    Case("GET", "/api/v1/pilots/<int:pilot_id>/replications", API + "/replications", default=200),
    Case(
        "POST",
        "/api/v1/pilots/<int:pilot_id>/replications",
        API + "/replications",
        json={},
        anonymous=401,
        municipality_member=422,
        municipality_admin=422,
        co_owner=201,
        default=403,
    ),
    Case("GET", "/api/v1/contracts", "/api/v1/contracts", anonymous=401, default=200),
    Case(
        "POST",
        "/api/v1/contracts",
        "/api/v1/contracts",
        json=CONTRACT,
        anonymous=401,
        municipality_member=201,
        municipality_admin=201,
        co_owner=201,
        platform_admin=422,
        default=403,
    ),
    Case(
        "GET",
        "/api/v1/contracts/<int:contract_id>",
        "/api/v1/contracts/{contract}",
        anonymous=404,
        startup_member=200,
        startup_admin=200,
        co_owner=200,
        platform_admin=200,
        default=404,
    ),
    # (JSON bodies are not filled with world ids: an unknown organisation shows the admin gets past the check.)
    Case(
        "POST",
        "/api/v1/contracts/waivers",
        "/api/v1/contracts/waivers",
        json={"org_id": 999999},
        anonymous=401,
        platform_admin=422,
        default=403,
    ),
    Case("GET", "/api/v1/fact-sheets", "/api/v1/fact-sheets", default=200),
    Case(
        "GET", "/api/v1/solutions/<int:solution_id>/fact-sheet", "/api/v1/solutions/{solution}/fact-sheet", default=200
    ),
    Case(
        "POST",
        "/api/v1/solutions/<int:solution_id>/fact-sheet",
        "/api/v1/solutions/{solution}/fact-sheet",
        json=FACT,
        anonymous=401,
        startup_member=201,
        startup_admin=201,
        platform_admin=201,
        default=403,
    ),
]
