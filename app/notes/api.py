"""REST: /api/v1/notes — practice notes (知恵の共有)."""

from __future__ import annotations

from flask.views import MethodView
from flask_login import current_user

from ..api import Blueprint, paged, paginate
from ..db import commit, get_or_404
from ..policies import authorize
from . import services
from .models import PracticeNote
from .schemas import NoteInputSchema, NotePatchSchema, NoteQuerySchema, NoteSchema

blp = Blueprint("notes_api", __name__, url_prefix="/api/v1", description="Practice notes (知恵の共有)")


def _user():
    return current_user if current_user.is_authenticated else None


@blp.route("/notes")
class Notes(MethodView):
    @blp.arguments(NoteQuerySchema, location="query")
    @blp.response(200, paged(NoteSchema))
    def get(self, args):
        """Notes you may read (public ones for everyone, all of them for logged-in users); filter by link."""
        page = paginate(services.notes_query(_user(), args), args["page"], args["per_page"])
        return {"items": page.items, "meta": page.meta}

    @blp.arguments(NoteInputSchema)
    @blp.response(201, NoteSchema)
    def post(self, data):
        """Write a note (staff of a municipality or coordinator); members-only unless visibility is public."""
        authorize("note.create")
        note = services.create(current_user, data)
        commit()
        return note


@blp.route("/notes/<int:note_id>")
class NoteItem(MethodView):
    @blp.response(200, NoteSchema)
    def get(self, note_id):
        note = get_or_404(PracticeNote, note_id)
        authorize("note.view", note)
        return note

    @blp.arguments(NotePatchSchema(partial=True))
    @blp.response(200, NoteSchema)
    def patch(self, data, note_id):
        """Edit your note, e.g. make it public."""
        note = get_or_404(PracticeNote, note_id)
        authorize("note.edit", note)
        services.update(note, current_user, data)
        commit()
        return note

    @blp.response(204)
    def delete(self, note_id):
        note = get_or_404(PracticeNote, note_id)
        authorize("note.edit", note)
        services.delete(note)
        commit()
