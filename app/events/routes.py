"""Event pages: list, detail, create/edit, RSVP, ticket, attendees, check-in, iCal, problem board."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from flask import Blueprint, Response, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from marshmallow import ValidationError
from sqlalchemy import select

from ..accounts.models import Organization
from ..api import paginate
from ..db import commit
from ..errors import Conflict, InvalidInput, NotFound
from ..extensions import db
from ..forms import load_form
from ..policies import authorize
from . import board, queries, registration, services, tickets
from .api import get_card, get_event
from .calendar import calendar_for
from .models import EVENT_FORMATS, EVENT_KINDS
from .schemas import CardCreateSchema, EventCreateSchema, EventQuerySchema, EventUpdateSchema

bp = Blueprint("events", __name__, template_folder="templates")


def _user():
    return current_user if current_user.is_authenticated else None


def _detail(event_id):
    return redirect(url_for("events.detail", event_id=event_id))


@bp.route("/events")
def index():
    args = {k: v for k, v in request.args.items() if v != ""}
    try:
        query = EventQuerySchema().load(args)
        errors = {}
    except ValidationError as exc:  # bad filters: show the defaults and the message, never a 500
        query, errors = EventQuerySchema().load({}), exc.normalized_messages()
    page = paginate(
        services.search_events(
            _user(), query["when"], query.get("kind"), query.get("format"), query.get("org_id"), query.get("q")
        ),
        query["page"],
        12,
    )
    return render_template(
        "events/index.html", page=page, query=query, errors=errors, kinds=EVENT_KINDS, formats=EVENT_FORMATS
    ), 422 if errors else 200


def _form_values(event) -> dict:
    zone = ZoneInfo(event.timezone)
    values = {k: getattr(event, k) for k in services.EDITABLE}
    values["starts_at"] = event.starts_at.astimezone(zone).strftime("%Y-%m-%dT%H:%M")
    values["ends_at"] = event.ends_at.astimezone(zone).strftime("%Y-%m-%dT%H:%M")
    values["host_org_id"] = event.host_org_id
    values["co_host_org_ids"] = [c.org_id for c in event.co_hosts]
    values["challenge_ids"] = [c.id for c in event.challenges]
    return values


def _render_form(event, values, errors, status=200):
    return render_template(
        "events/form.html",
        event=event,
        values=values,
        errors=errors,
        hosts=services.host_options(current_user),
        orgs=services.all_org_options(),
        challenges=services.challenge_options(current_user, event),
        kinds=EVENT_KINDS,
        formats=EVENT_FORMATS,
    ), status


@bp.route("/events/new", methods=["GET", "POST"])
@login_required
def create():
    authorize("event.create")
    if request.method == "GET":
        hosts = services.host_options(current_user)
        values = {
            "kind": request.args.get("kind", "meetup"),
            "format": "venue",
            "timezone": "Asia/Tokyo",
            "visibility": "public",
            "host_org_id": hosts[0].id if hosts else None,
        }
        return _render_form(None, values, {})
    try:
        data = load_form(EventCreateSchema(), request.form)
        event = services.create_event(current_user, data)
    except InvalidInput as exc:
        db.session.rollback()
        return _render_form(None, request.form.to_dict() | _lists(), exc.fields, 422)
    commit()
    flash(_("The event was saved as a draft. Publish it when it is ready."), "success")
    return _detail(event.id)


def _lists() -> dict:
    return {
        "co_host_org_ids": [int(v) for v in request.form.getlist("co_host_org_ids") if v.isdigit()],
        "challenge_ids": [int(v) for v in request.form.getlist("challenge_ids") if v.isdigit()],
    }


@bp.route("/events/<int:event_id>/edit", methods=["GET", "POST"])
@login_required
def edit(event_id):
    event = get_event(event_id, "event.edit")
    if request.method == "GET":
        return _render_form(event, _form_values(event), {})
    try:
        data = load_form(EventUpdateSchema(), request.form, partial=True)
        services.update_event(event, current_user, data)
    except (InvalidInput, Conflict) as exc:
        db.session.rollback()
        event = get_event(event_id, "event.edit")
        fields = getattr(exc, "fields", None) or {"_schema": [exc.description]}
        return _render_form(event, request.form.to_dict() | _lists(), fields, exc.code)
    commit()
    flash(_("The event was updated."), "success")
    return _detail(event.id)


@bp.route("/events/<int:event_id>")
def detail(event_id):
    event = get_event(event_id)
    user = _user()
    return render_template(
        "events/detail.html",
        event=event,
        counts=services.counts(event),
        my_rsvp=queries.user_rsvp(event, user),
        ended=queries.has_ended(event),
        show_link=services.can_see_online_url(event, user),
    )


def _action(event_id, action, fn, message):
    event = get_event(event_id, action)
    try:
        fn(event)
    except Conflict as exc:
        db.session.rollback()
        flash(exc.description, "error")
        return _detail(event_id)
    commit()
    flash(message, "success")
    return _detail(event_id)


@bp.route("/events/<int:event_id>/publish", methods=["POST"])
@login_required
def publish(event_id):
    return _action(event_id, "event.manage", services.publish, _("The event is published."))


@bp.route("/events/<int:event_id>/cancel", methods=["POST"])
@login_required
def cancel(event_id):
    return _action(
        event_id,
        "event.manage",
        services.cancel_event,
        _("The event was cancelled and registered people were notified."),
    )


@bp.route("/events/<int:event_id>/registration", methods=["POST"])
@login_required
def set_registration(event_id):
    is_open = request.form.get("open") == "1"
    return _action(
        event_id,
        "event.manage",
        lambda e: registration.set_registration(e, is_open),
        _("Registration is open.") if is_open else _("Registration is closed."),
    )


@bp.route("/events/<int:event_id>/rsvp", methods=["POST"])
@login_required
def rsvp(event_id):
    event = get_event(event_id, "event.rsvp")
    try:
        row = registration.register(event, current_user)
    except Conflict as exc:
        db.session.rollback()
        flash(exc.description, "error")
        return _detail(event_id)
    commit()
    flash(
        _("You are registered. Your ticket is ready.")
        if row.status == "confirmed"
        else _("The event is full: you are on the waitlist and will be notified if a seat frees up."),
        "success",
    )
    return _detail(event_id)


@bp.route("/events/<int:event_id>/rsvp/cancel", methods=["POST"])
@login_required
def cancel_rsvp(event_id):
    event = get_event(event_id)
    try:
        registration.cancel(event, current_user.id)
    except (Conflict, NotFound) as exc:
        db.session.rollback()
        flash(exc.description, "error")
        return _detail(event_id)
    commit()
    flash(_("Your registration was cancelled."), "success")
    return _detail(event_id)


@bp.route("/events/<int:event_id>/ticket")
@login_required
def ticket(event_id):
    event = get_event(event_id)
    row = tickets.my_confirmed_rsvp(event, current_user)
    if row is None:
        raise NotFound(_("You do not have a confirmed seat for this event."))
    return render_template("events/ticket.html", event=event, rsvp=row, token=tickets.ticket_token(row))


@bp.route("/events/<int:event_id>/ticket.svg")
@login_required
def ticket_qr(event_id):
    event = get_event(event_id)
    row = tickets.my_confirmed_rsvp(event, current_user)
    if row is None:
        raise NotFound()
    response = Response(tickets.qr_svg(tickets.ticket_token(row)), mimetype="image/svg+xml")
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.route("/events/<int:event_id>/attendees")
@login_required
def attendees(event_id):
    event = get_event(event_id, "event.manage")
    status = (
        request.args.get("status") if request.args.get("status") in ("confirmed", "waitlisted", "cancelled") else None
    )
    page = paginate(
        registration.attendees_query(event, status, (request.args.get("q") or "")[:100] or None),
        max(1, request.args.get("page", 1, type=int)),
        50,
    )
    return render_template(
        "events/attendees.html",
        event=event,
        page=page,
        status=status,
        counts=services.counts(event),
        labels=tickets.STATUS_LABELS(),
    )


@bp.route("/events/<int:event_id>/attendees.csv")
@login_required
def attendees_csv(event_id):
    event = get_event(event_id, "event.manage")
    return Response(
        tickets.attendance_csv(event),
        content_type="text/csv; charset=utf-8",
        headers={
            "Content-Disposition": f"attachment; filename=attendance-event-{event.id}.csv",
            "Cache-Control": "private, no-store",
        },
    )


@bp.route("/events/<int:event_id>/checkin", methods=["GET", "POST"])
@login_required
def checkin(event_id):
    event = get_event(event_id, "event.manage")
    q = (request.args.get("q") or "").strip()[:100]
    status_code, result, error = 200, None, None
    if request.method == "POST":
        try:
            if request.form.get("rsvp_id", "").isdigit():
                row = db.session.get(tickets.Rsvp, int(request.form["rsvp_id"]))
                if row is None or row.event_id != event.id:
                    raise InvalidInput(
                        {"rsvp_id": [_("Not registered for this event.")]}, _("Not registered for this event.")
                    )
                result = tickets.check_in(event, row, current_user)
            else:
                result = tickets.check_in_token(event, request.form.get("token", ""), current_user)
            commit()
        except (InvalidInput, Conflict) as exc:
            db.session.rollback()
            error, status_code = exc.description, exc.code
    matches = db.session.scalars(registration.attendees_query(event, "confirmed", q).limit(30)).all() if q else []
    return render_template(
        "events/checkin.html",
        event=event,
        q=q,
        matches=matches,
        result=result,
        error=error,
        counts=services.counts(event),
    ), status_code


@bp.route("/events/<int:event_id>/event.ics")
def ics(event_id):
    event = get_event(event_id)
    body = calendar_for([event], request.host_url, event.title)
    return Response(
        body,
        content_type="text/calendar; charset=utf-8",
        headers={"Content-Disposition": f"attachment; filename=event-{event.id}.ics"},
    )


@bp.route("/orgs/<slug>/events.ics")
def org_ics(slug):
    org = db.session.scalar(select(Organization).where(Organization.slug == slug))
    if org is None:
        raise NotFound()
    events = db.session.scalars(services.search_events(_user(), "all", org_id=org.id).limit(500)).all()
    body = calendar_for(list(events), request.host_url, org.name_ja)
    return Response(
        body,
        content_type="text/calendar; charset=utf-8",
        headers={"Content-Disposition": f"inline; filename={org.slug}-events.ics"},
    )


@bp.route("/events/<int:event_id>/board", methods=["GET", "POST"])
@login_required
def board_page(event_id):
    event = get_event(event_id, "event.view_board")
    errors, values, status = {}, {}, 200
    if request.method == "POST":
        authorize("event.post_card", event)
        try:
            data = load_form(CardCreateSchema(), request.form)
            board.post_card(event, current_user, data)
            commit()
            flash(_("Your card was posted."), "success")
            return redirect(url_for("events.board_page", event_id=event.id))
        except InvalidInput as exc:
            db.session.rollback()
            event = get_event(event_id, "event.view_board")
            errors, values, status = exc.fields, request.form, 422
    return render_template(
        "events/board.html",
        event=event,
        cards=board.cards_with_likes(event, current_user),
        errors=errors,
        values=values,
    ), status


@bp.route("/cards/<int:card_id>/like", methods=["POST"])
@login_required
def like_card(card_id):
    card = get_card(card_id, "problem_card.like")
    board.toggle_like(card, current_user)
    commit()
    return redirect(url_for("events.board_page", event_id=card.event_id) + f"#card-{card.id}")


@bp.route("/cards/<int:card_id>/to-challenge", methods=["POST"])
@login_required
def card_to_challenge(card_id):
    card = get_card(card_id, "problem_card.to_challenge")
    try:
        board.to_challenge(card, current_user)
    except Conflict as exc:
        db.session.rollback()
        flash(exc.description, "error")
        return redirect(url_for("events.board_page", event_id=card.event_id))
    commit()
    flash(
        _(
            "A draft challenge was created for %(org)s. Its staff were notified to complete it.",
            org=card.organization.name_ja,
        ),
        "success",
    )
    return redirect(url_for("events.board_page", event_id=card.event_id) + f"#card-{card.id}")
