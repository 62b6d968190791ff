"""Matching, explanations, invitations and Dejima referrals (flush, never commit)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from ..db import get_or_404, id_in, utcnow
from ..errors import Conflict, InvalidInput
from ..extensions import db
from ..notifications.services import message_kind, notify_org
from . import documents, index, tiers
from .models import MatchInvitation, Referral, ReferralTarget

MATCH_LIMIT = 20
REFERRAL_TARGETS = 5

message_kind("matchmaking.invited", _l("%(org)s invites you to apply to the challenge “%(challenge)s”."))
message_kind(
    "matchmaking.referral_consent",
    _l(
        "%(org)s proposes to pass your not-selected proposal for “%(challenge)s” on to %(count)s other "
        "challenges. Do you agree?"
    ),
)
message_kind("matchmaking.referred", _l("A proposal was referred to your challenge “%(challenge)s” (出島 pass-on)."))
message_kind("matchmaking.digest", _l("%(count)s new challenges match your solutions."))


# ------------------------------------------------------------------------- matches
def _explain(match, objects: dict) -> dict | None:
    kind, object_id = documents.split_id(match.id)
    obj = None if objects is None else objects.get((kind, object_id))
    if obj is None and objects is not None:
        return None
    d = match.to_dict()
    d.update(
        object_id=object_id,
        url=documents.KINDS[kind].url(object_id),
        object=obj,
        passage=d.get("snippet", ""),
        group=tiers.group_of(match.tier),
        failed_requirements=tiers.failed_requirements(match.fit),
    )
    d["meaning"] = tiers.meaning(d)
    return d


RAW_SCORES = ("score", "fused_score", "lexical_score", "semantic_score")


def without_raw_scores(entries: list[dict], user) -> list[dict]:
    """Raw scores are diagnostics for platform admins; everyone else reads the reasons."""
    if user is not None and getattr(user, "is_platform_admin", False):
        return entries
    return [{k: v for k, v in e.items() if k not in RAW_SCORES} for e in entries]


def _load(matches) -> dict:
    wanted: dict[str, list[int]] = {}
    for m in matches:
        kind, object_id = documents.split_id(m.id)
        wanted.setdefault(kind, []).append(object_id)
    objects = {}
    for kind, ids in wanted.items():
        model = documents.KINDS[kind].model
        for obj in db.session.scalars(select(model).where(id_in(model.id, ids))):
            objects[(kind, obj.id)] = obj
    return objects


def _search(query_doc, kinds, user, k=MATCH_LIMIT, check=None, exclude=(), with_objects=True):
    """Top ``k`` of ``kinds`` for the query that ``user`` may see.

    Visibility is checked at query time on the engine's candidates only, a batch at a time
    (``check(ids)`` -> the visible ones; default: ``documents.allowed_for``), so a query costs
    one small ``IN (...)`` lookup per kind instead of loading every visible id.
    Without ``with_objects`` the rows are not loaded (``object`` is None) and no passage is
    picked: for lists that show only what the index holds (title, link, key terms); every
    result passed ``check`` just now.
    """
    kinds = tuple(kinds)
    if check is None:

        def check(ids):
            return documents.allowed_for(user, kinds, ids)

    matches = index.engine().search(
        query_doc, kinds=kinds, k=k, visible_ids=check, exclude_ids=exclude, snippets=with_objects
    )
    if not with_objects:
        return [_explain(m, None) for m in matches]
    objects = _load(matches)
    return [e for e in (_explain(m, objects) for m in matches) if e is not None]


def matches_for_challenge(challenge, user, k: int = MATCH_LIMIT) -> list[dict]:
    """Published solutions ranked for the challenge, each with the reasons."""
    return _search(documents.challenge_document(challenge), ("solution",), user, k)


def matches_for_solution(solution, user, k: int = MATCH_LIMIT) -> list[dict]:
    """Open challenges (published, deadline not passed) the user may see, ranked for the solution."""
    return _search(documents.solution_document(solution), ("challenge",), user, k, check=_open_challenges(user))


def published_solutions(org_ids, limit: int):
    from ..solutions.models import Solution

    return db.session.scalars(
        select(Solution)
        .where(Solution.org_id.in_(list(org_ids) or [-1]), Solution.status == "published")
        .order_by(Solution.id)
        .limit(limit)
    ).all()


def match_previews(user, org_ids, solutions: int = 3, k: int = 3) -> list[tuple]:
    """The startup dashboard's preview: the top ``k`` open challenges for each of its first
    published solutions (the same ranking as the solution's page)."""
    return [(s, matches_for_solution(s, user, k)) for s in published_solutions(org_ids, solutions)]


def _open_challenges(user, not_owned_by=()):
    """Batch check: the open challenges among the candidate ids that ``user`` may see
    (without those that the organisations ``not_owned_by`` own or co-own)."""

    def check(ids):
        wanted = [documents.split_id(i)[1] for i in ids]
        return {
            documents.doc_id("challenge", i)
            for i in documents.visible_challenge_ids(user, wanted, open_only=True, not_owned_by=not_owned_by)
        }

    return check


def similar_to_challenge(challenge, user, k: int = 5) -> list[dict]:
    """Similar published challenges (and pilots etc. once registered), safe for any viewer."""
    kinds = [name for name in documents.KINDS if name != "solution"]
    return _search(
        documents.challenge_document(challenge),
        kinds,
        user,
        k,
        exclude=[documents.doc_id("challenge", challenge.id)],
        with_objects=False,
    )


def search_kind(kind: str, q: str, user, limit: int = 10, within: set[int] | None = None) -> list[dict]:
    """Top ``limit`` of ``kind`` for the text ``q``; ``within``: only these object ids (a keyword floor)."""
    if within is None:
        return _search(q, (kind,), user, limit)
    keep = {documents.doc_id(kind, i) for i in within}

    def check(ids):
        return documents.allowed_for(user, (kind,), [i for i in ids if i in keep])

    return _search(q, (kind,), user, limit, check=check)


# ------------------------------------------------------------------------- invitations
def invite(challenge, solution_id: int, user, referral: Referral | None = None) -> MatchInvitation:
    from ..solutions.models import Solution

    solution = db.session.get(Solution, solution_id)
    if solution is None or solution.status != "published":
        raise InvalidInput({"solution_id": [str(_l("Choose a published solution."))]})
    if challenge.status != "published":
        raise Conflict(str(_l("Only a published challenge can invite startups to apply.")))
    exists = db.session.scalar(
        select(MatchInvitation.id).where(
            MatchInvitation.challenge_id == challenge.id, MatchInvitation.org_id == solution.org_id
        )
    )
    if exists:
        raise Conflict(str(_l("This startup was already invited to this challenge.")))
    row = MatchInvitation(
        challenge_id=challenge.id,
        solution_id=solution.id,
        org_id=solution.org_id,
        invited_by_id=user.id,
        referral_id=referral.id if referral else None,
    )
    row.challenge = challenge
    db.session.add(row)
    db.session.flush()
    notify_org(
        solution.org_id,
        "matchmaking.invited",
        {"org": challenge.owner.name_ja, "challenge": challenge.title},
        link=f"/challenges/{challenge.id}",
    )
    return row


def invitations_for(challenge) -> list[MatchInvitation]:
    return db.session.scalars(
        select(MatchInvitation).where(MatchInvitation.challenge_id == challenge.id).order_by(MatchInvitation.id)
    ).all()


def invited_org_ids(challenge) -> set[int]:
    return set(
        db.session.scalars(select(MatchInvitation.org_id).where(MatchInvitation.challenge_id == challenge.id)).all()
    )


# ------------------------------------------------------------------------- Dejima (出島)
def application_document(application):
    """The proposal as a query: the application's text plus its solution profile."""
    from ..contributions.documents import contribution_meta
    from .engine import Document

    base = documents.solution_document(application.solution) if application.solution else None
    text = "\n".join(
        p
        for p in (
            application.proposal,
            application.implementation_plan,
            application.expected_effect,
            base.text if base else "",
        )
        if p
    )
    return Document(
        id=f"application:{application.id}",
        kind="application",
        title=base.title if base else application.challenge.title,
        text=text,
        tags=base.tags if base else [],
        category=base.category if base else None,
        environments=base.environments if base else [],
        price_jpy_per_year=application.cost_estimate_jpy or (base.price_jpy_per_year if base else None),
        prefectures_served=base.prefectures_served if base else [],
        meta=contribution_meta(application) or (base.meta if base else {}),
    )


def referral_list(application, user, k: int = REFERRAL_TARGETS * 2) -> list[dict]:
    """Other municipalities' open challenges ranked for the proposal (every tier): never a
    challenge that an owner or co-owner of the proposal's challenge owns or co-owns (that is
    not a pass-on). Each entry's ``suggested``: a match meeting the hard requirements."""
    owners = application.challenge.owning_org_ids()
    matches = _search(
        application_document(application),
        ("challenge",),
        user,
        k,
        check=_open_challenges(user, not_owned_by=owners),
        exclude=[documents.doc_id("challenge", application.challenge_id)],
    )
    for m in matches:
        m["suggested"] = m["is_match"] and not m["hard_violation"]
    return matches


def referral_candidates(application, user, k: int = REFERRAL_TARGETS) -> list[dict]:
    """The suggested targets: matches (the engine's match floor) meeting the hard requirements."""
    return [m for m in referral_list(application, user, k * 2) if m["suggested"]][:k]


def propose_referral(application, user, challenge_ids: list[int] | None = None, note: str = "") -> Referral:
    if db.session.scalar(select(Referral.id).where(Referral.application_id == application.id)):
        raise Conflict(str(_l("This proposal was already passed on.")))
    candidates = referral_candidates(application, user, k=REFERRAL_TARGETS if not challenge_ids else 50)
    by_id = {m["object_id"]: m for m in candidates}
    if challenge_ids:
        open_ids = documents.visible_challenge_ids(
            user, challenge_ids, open_only=True, not_owned_by=application.challenge.owning_org_ids()
        )
        bad = [i for i in challenge_ids if i not in open_ids]
        if bad:
            raise InvalidInput({"challenge_ids": [str(_l("Choose open challenges of other municipalities."))]})
        targets = [(i, by_id.get(i, {}).get("score", 0.0)) for i in dict.fromkeys(challenge_ids)]
    else:
        targets = [(m["object_id"], m["score"]) for m in candidates]
    if not targets:
        raise InvalidInput({"challenge_ids": [str(_l("No open challenge matches this proposal."))]})
    referral = Referral(
        application_id=application.id,
        from_challenge_id=application.challenge_id,
        startup_org_id=application.applicant_org_id,
        proposed_by_id=user.id,
        note=note or "",
    )
    referral.targets = [ReferralTarget(challenge_id=i, score=float(s)) for i, s in targets]
    db.session.add(referral)
    db.session.flush()
    notify_org(
        application.applicant_org_id,
        "matchmaking.referral_consent",
        {"org": application.challenge.owner.name_ja, "challenge": application.challenge.title, "count": len(targets)},
        link=f"/matchmaking/referrals/{referral.id}",
    )
    return referral


def respond_referral(referral: Referral, user, accept: bool) -> Referral:
    if referral.status != "pending_consent":
        raise Conflict(str(_l("This referral was already answered.")))
    referral.status = "consented" if accept else "declined"
    referral.responded_at = utcnow()
    referral.responded_by_id = user.id
    db.session.flush()
    if accept:
        for target in referral.targets:
            for org_id in sorted(target.challenge.owning_org_ids()):
                notify_org(
                    org_id,
                    "matchmaking.referred",
                    {"challenge": target.challenge.title},
                    link=f"/matchmaking/referrals/{referral.id}",
                )
    return referral


def referrals_for_challenge(challenge) -> list[Referral]:
    """Consented referrals that target this challenge (what its owners see)."""
    return (
        db.session.scalars(
            select(Referral)
            .join(ReferralTarget)
            .where(ReferralTarget.challenge_id == challenge.id, Referral.status == "consented")
            .order_by(Referral.id.desc())
        )
        .unique()
        .all()
    )


def referrals_for_org(org_ids) -> list[Referral]:
    if not org_ids:
        return []
    return db.session.scalars(
        select(Referral).where(Referral.startup_org_id.in_(list(org_ids))).order_by(Referral.id.desc()).limit(20)
    ).all()


def invite_from_referral(referral: Referral, challenge_id: int, user) -> MatchInvitation:
    target = next((t for t in referral.targets if t.challenge_id == challenge_id), None)
    if target is None or not (user.org_ids() & target.challenge.owning_org_ids()):
        raise InvalidInput({"challenge_id": [str(_l("Choose one of your challenges this proposal was referred to."))]})
    solution_id = referral.application.solution_id
    if solution_id is None:
        raise InvalidInput({"challenge_id": [str(_l("The referred proposal has no solution profile."))]})
    return invite(target.challenge, solution_id, user, referral=referral)


def get_referral(referral_id: int) -> Referral:
    return get_or_404(Referral, referral_id)
