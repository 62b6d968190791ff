"""Standard specifications: publish from a round, new versions, adoption, starting a challenge or a
round from one, and what used it. Services validate fully, then change, then flush; never commit."""

from __future__ import annotations

from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import or_, select

from ..accounts.models import Organization
from ..db import get_or_404, utcnow
from ..errors import Conflict, InvalidInput
from ..extensions import db
from ..policies import can
from ..procurement import matrix as matrix_mod
from ..procurement.constants import SERVICE_CATEGORIES, SERVICE_TYPES
from .diff import diff_versions, seat_bands_for
from .models import SpecificationUse, SpecificationVersion, StandardSpecification


def _service_type_ja(code: str) -> str:
    """The service type's name written INTO a Japanese document (a title, a tag), whatever the language
    of the person pressing the button: not 「AI meeting minutes 標準仕様書」 for an English user."""
    with force_locale("ja"):
        return str(SERVICE_TYPES.get(code, code))


VERSION_FIELDS = (
    "must_have",
    "nice_to_have",
    "environments",
    "security_level",
    "seat_bands",
    "price_min_jpy",
    "price_max_jpy",
    "summary",
    "change_note",
)


def get_spec(spec_id: int) -> StandardSpecification:
    return get_or_404(StandardSpecification, spec_id)


def specs_query(service_type=None, q=None):
    stmt = select(StandardSpecification).order_by(
        StandardSpecification.updated_at.desc(), StandardSpecification.id.desc()
    )
    if service_type:
        stmt = stmt.where(StandardSpecification.service_type == service_type)
    if q:
        stmt = stmt.where(StandardSpecification.title.ilike(f"%{q}%"))
    return stmt


def version_values(version: SpecificationVersion | None) -> dict:
    return {k: getattr(version, k) for k in VERSION_FIELDS} if version is not None else {}


def _version(data: dict, number: int, user) -> SpecificationVersion:
    values = {k: data.get(k) for k in VERSION_FIELDS}
    values["must_have"] = matrix_mod.normalise_features(values["must_have"])
    nice = [
        f
        for f in matrix_mod.normalise_features(values["nice_to_have"])
        if f.casefold() not in {m.casefold() for m in values["must_have"]}
    ]
    values.update(
        nice_to_have=nice,
        summary=values["summary"] or "",
        change_note=values["change_note"] or "",
        seat_bands=list(values["seat_bands"] or []),
        security_level=values["security_level"] or 2,
    )
    return SpecificationVersion(number=number, published_by_id=user.id, **values)


# From a round ----------------------------------------------------------------------------------
def draft_from_round(rnd) -> dict:
    """The form of a new specification, pre-filled from the round's consolidated matrix (and the quoted
    prices of its comparison, when one was recorded)."""
    from ..procurement.services import consolidated

    result = consolidated(rnd)
    budgets = [p.budget_max_jpy for p in rnd.participants if p.has_sheet and p.budget_max_jpy is not None]
    prices = _quoted_prices(rnd) or budgets
    must = [f.feature for f in result.must_have if result.submitted_count and f.count * 2 > result.submitted_count]
    nice = [f.feature for f in result.must_have if f.feature not in must] + [f.feature for f in result.nice_to_have]
    return {
        "title": f"{_service_type_ja(rnd.service_type)} 標準仕様書（{rnd.title}）"[:200],
        "round_id": rnd.id,
        "must_have": must,
        "nice_to_have": matrix_mod.normalise_features(nice),
        "environments": result.common_environments
        or [e for g in result.environment_groups for e in g.environments][:1],
        "security_level": result.security_level or 2,
        "seat_bands": seat_bands_for([p.seats for p in rnd.participants if p.has_sheet]),
        "price_min_jpy": min(prices) if prices else None,
        "price_max_jpy": max(prices) if prices else None,
        "summary": rnd.description or "",
        "change_note": "",
    }


def _quoted_prices(rnd) -> list[int]:
    try:
        from ..procurement.comparison_models import ComparisonRow
    except ImportError:  # the comparison is optional
        return []
    return [
        r.quoted_price_jpy
        for r in db.session.scalars(select(ComparisonRow).where(ComparisonRow.round_id == rnd.id))
        if r.quoted_price_jpy is not None
    ]


def publish_from_round(rnd, user, data: dict) -> StandardSpecification:
    if rnd.status in ("draft", "open", "cancelled"):
        raise Conflict(_("Close the requirement sheets before publishing a standard specification."))
    existing = db.session.scalar(
        select(StandardSpecification.id).where(StandardSpecification.origin_round_id == rnd.id)
    )
    if existing:
        raise Conflict(_("This round already has a standard specification: publish a new version of it."))
    spec = StandardSpecification(
        service_type=rnd.service_type,
        title=data["title"].strip(),
        coordinator_org_id=rnd.coordinator_org_id,
        origin_round_id=rnd.id,
        created_by_id=user.id,
    )
    spec.versions.append(_version(data, 1, user))
    db.session.add(spec)
    db.session.flush()
    return spec


def add_version(spec: StandardSpecification, user, data: dict) -> SpecificationVersion:
    if not (data.get("change_note") or "").strip():
        raise InvalidInput({"change_note": [_("Say what changed from the previous version.")]})
    version = _version(data, (spec.current.number if spec.current else 0) + 1, user)
    current = version_values(spec.current)
    if current and diff_versions(current, version_values(version))["empty"]:
        raise InvalidInput({"must_have": [_("Nothing changed from the current version.")]})
    spec.versions.append(version)
    spec.updated_at = utcnow()
    db.session.flush()
    return version


def diff(spec: StandardSpecification, from_number: int | None, to_number: int | None) -> dict:
    to_number = to_number or (spec.current.number if spec.current else 1)
    from_number = from_number or max(1, to_number - 1)
    old, new = spec.version(from_number), spec.version(to_number)
    if old is None or new is None:
        raise InvalidInput({"from" if old is None else "to": [_("No such version.")]})
    return {
        "from_version": from_number,
        "to_version": to_number,
        **diff_versions(version_values(old), version_values(new)),
    }


# Uses ------------------------------------------------------------------------------------------
def _record(spec, kind: str, object_id: int, org_id: int | None, user) -> SpecificationUse:
    use = SpecificationUse(
        kind=kind,
        object_id=object_id,
        org_id=org_id,
        created_by_id=user.id,
        version_number=spec.current.number if spec.current else 1,
    )
    spec.uses.append(use)
    return use


def _choose(options: list[Organization], org_id: int | None, field: str, message: str) -> Organization:
    if org_id is not None:
        org = next((o for o in options if o.id == org_id), None)
        if org is None:
            raise InvalidInput({field: [message]})
        return org
    if len(options) != 1:
        raise InvalidInput({field: [message]})
    return options[0]


def adopt(spec: StandardSpecification, user, org_id: int | None = None) -> SpecificationUse:
    from ..procurement.services import admin_municipalities

    org = _choose(admin_municipalities(user), org_id, "org_id", _("Choose a municipality you administer."))
    if any(u.kind == "adoption" and u.object_id == org.id for u in spec.uses):
        raise Conflict(_("%(org)s already adopted this specification.", org=org.name_ja))
    use = _record(spec, "adoption", org.id, org.id, user)
    db.session.flush()
    return use


def challenge_fields(spec: StandardSpecification) -> dict:
    v = spec.current
    outcome = []
    if v.must_have:
        outcome.append("必須要件: " + "、".join(v.must_have))
    if v.nice_to_have:
        outcome.append("あれば望ましい要件: " + "、".join(v.nice_to_have))
    if v.seat_bands:
        from .diff import band_label

        outcome.append("利用者数の区分: " + "、".join(band_label(b) + "名" for b in v.seat_bands))
    return {
        "title": spec.title[:200],
        "summary": (v.summary or spec.title)[:5000],
        "background": f"標準仕様書「{spec.title}」v{v.number} に基づく課題です。",
        "desired_outcome": "\n".join(outcome),
        "kpis": [f"必須要件「{m}」を満たす" for m in v.must_have][:20],
        "category": SERVICE_CATEGORIES.get(spec.service_type, "backoffice_dx"),
        "tags": ["標準仕様書", _service_type_ja(spec.service_type)],
        "environments": list(v.environments),
        "security_level": v.security_level,
        "budget_min_jpy": v.price_min_jpy,
        "budget_max_jpy": v.price_max_jpy,
    }


def start_challenge(spec: StandardSpecification, user, owner_org_id: int | None = None):
    """A draft challenge pre-filled from the current version; the link is recorded."""
    from ..challenges import services as challenges

    fields = challenge_fields(spec)
    if owner_org_id is not None:
        fields["owner_org_id"] = owner_org_id
    challenge = challenges.create(user, fields)
    _record(spec, "challenge", challenge.id, challenge.owner_org_id, user)
    db.session.flush()
    return challenge


def start_round(spec: StandardSpecification, user, coordinator_org_id: int | None = None):
    """A draft procurement round whose feature catalogue is the specification's requirements."""
    from ..procurement import services as procurement

    v = spec.current
    rnd = procurement.create_round(
        user,
        {
            "coordinator_org_id": coordinator_org_id,
            "service_type": spec.service_type,
            "title": f"{spec.title}（v{v.number}による共同調達）"[:200],
            "description": v.summary or "",
            "feature_catalogue": [*v.must_have, *v.nice_to_have][:30],
            **procurement.default_deadlines(),
        },
    )
    _record(spec, "round", rnd.id, rnd.coordinator_org_id, user)
    db.session.flush()
    return rnd


def spec_for(kind: str, object_id: int) -> StandardSpecification | None:
    use = db.session.scalar(
        select(SpecificationUse).where(SpecificationUse.kind == kind, SpecificationUse.object_id == object_id)
    )
    return use.specification if use else None


def usage(spec: StandardSpecification, user) -> dict:
    """Every challenge, round, pilot and contract that used the specification, as far as `user` may see
    them (each through its own view rule, so the contract hub's give-to-get rule still applies)."""
    from ..challenges.models import Challenge
    from ..pilots.models import ContractRecord, Pilot
    from ..procurement.models import ProcurementRound

    round_ids = [u.object_id for u in spec.uses if u.kind == "round"]
    if spec.origin_round_id:
        round_ids.insert(0, spec.origin_round_id)
    rounds = db.session.scalars(select(ProcurementRound).where(ProcurementRound.id.in_(round_ids or [0]))).all()
    challenge_ids = {u.object_id for u in spec.uses if u.kind == "challenge"}
    challenge_ids |= {r.challenge_id for r in rounds if r.challenge_id}
    challenges = (
        db.session.scalars(select(Challenge).where(Challenge.id.in_(challenge_ids or {0})).order_by(Challenge.id))
        .unique()
        .all()
    )
    pilots = db.session.scalars(
        select(Pilot).where(Pilot.challenge_id.in_(challenge_ids or {0})).order_by(Pilot.id)
    ).all()
    contracts = (
        db.session.scalars(
            select(ContractRecord).where(or_(ContractRecord.pilot_id.in_([p.id for p in pilots] or [0])))
        ).all()
        if pilots
        else []
    )
    return {
        "adoptions": [u for u in spec.uses if u.kind == "adoption"],
        "rounds": [r for r in rounds if can(user, "procurement_round.view", r)],
        "challenges": [c for c in challenges if can(user, "challenge.view", c)],
        "pilots": [p for p in pilots if can(user, "pilot.view", p)],
        "contracts": [c for c in contracts if can(user, "contract.view", c)],
    }
