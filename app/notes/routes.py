"""Practice note pages: list, read, write (pre-linked from a pilot, round, specification or challenge),
edit, delete."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ..api import paginate
from ..db import commit, get_or_404
from ..errors import InvalidInput
from ..extensions import db
from ..forms import load_form
from ..policies import authorize
from . import services
from .models import LINKS, PracticeNote
from .policies import writer_orgs
from .schemas import NoteInputSchema

bp = Blueprint("notes", __name__, template_folder="templates")


def _user():
    return current_user if current_user.is_authenticated else None


@bp.route("/notes")
def index():
    filters = {"q": (request.args.get("q") or "").strip()[:200] or None}
    filters.update({f: request.args.get(f, type=int) for f in LINKS if request.args.get(f, type=int)})
    page = paginate(services.notes_query(_user(), filters), max(1, request.args.get("page", 1, type=int)), 20)
    return render_template("notes/index.html", page=page, q=filters["q"] or "")


@bp.route("/notes/<int:note_id>")
def detail(note_id):
    note = get_or_404(PracticeNote, note_id)
    authorize("note.view", note)
    return render_template("notes/detail.html", note=note, links=services.visible_links(note, _user()))


def _form(values, errors, note=None, status=200):
    return render_template(
        "notes/form.html",
        note=note,
        values=values,
        errors=errors,
        org_options=[(o.id, o.name_ja) for o in writer_orgs(current_user)],
    ), status


@bp.route("/notes/new", methods=["GET", "POST"])
@login_required
def new():
    authorize("note.create")
    if request.method == "GET":
        values = {"visibility": "members", "language": "ja"}
        values.update({f: request.args.get(f, type=int) for f in LINKS if request.args.get(f, type=int)})
        return _form(values, {})
    try:
        note = services.create(current_user, load_form(NoteInputSchema(), request.form))
    except InvalidInput as exc:
        db.session.rollback()
        return _form(request.form, exc.fields, status=422)
    commit()
    flash(_("Your note is shared with the members."), "success")
    return redirect(url_for("notes.detail", note_id=note.id))


@bp.route("/notes/<int:note_id>/edit", methods=["GET", "POST"])
@login_required
def edit(note_id):
    note = get_or_404(PracticeNote, note_id)
    authorize("note.edit", note)
    if request.method == "GET":
        values = {k: getattr(note, k) for k in ("title", "body", "visibility", "language", *LINKS)}
        values["tags"] = ", ".join(note.tags or [])
        return _form(values, {}, note)
    try:
        services.update(note, current_user, load_form(NoteInputSchema(), request.form))
    except InvalidInput as exc:
        db.session.rollback()
        return _form(request.form, exc.fields, get_or_404(PracticeNote, note_id), status=422)
    commit()
    flash(_("Your changes were saved."), "success")
    return redirect(url_for("notes.detail", note_id=note_id))


@bp.route("/notes/<int:note_id>/delete", methods=["POST"])
@login_required
def delete(note_id):
    note = get_or_404(PracticeNote, note_id)
    authorize("note.edit", note)
    services.delete(note)
    commit()
    flash(_("The note was deleted."), "success")
    return redirect(url_for("notes.index"))
