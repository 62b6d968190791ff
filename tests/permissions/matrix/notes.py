"""Practice notes: the city's member wrote a members-only note (and a public one) about the world's
challenge; logged-in users read members-only notes, the public only public ones; staff of a
municipality or coordinator write; only the author edits and deletes."""

from app.extensions import db
from app.notes.models import PracticeNote
from tests.permissions.cases import Case
from tests.permissions.world import world_builder


@world_builder
def _notes(world):
    author = world.users["municipality_member"]
    members = PracticeNote(
        author_id=author.id,
        org_id=world.ids["city"],
        title="AI議事録の実証メモ",
        body="本文",
        visibility="members",
        challenge_id=world.ids["challenge"],
        tags=[],
    )
    public = PracticeNote(
        author_id=author.id, org_id=world.ids["city"], title="公開メモ", body="本文", visibility="public", tags=[]
    )
    db.session.add_all([members, public])
    db.session.flush()
    world.ids.update(note=members.id, public_note=public.id)


NOTE = {"title": "デモで聞いたこと", "body": "方言辞書について"}
WRITERS = dict(municipality_member=201, municipality_admin=201, co_owner=201, platform_admin=422)
AUTHOR_ONLY_API = dict(anonymous=404, municipality_member=200, platform_admin=200, default=403)

CASES = [
    Case("GET", "/notes", "/notes", default=200),
    Case(
        "GET",
        "/notes/new",
        "/notes/new",
        anonymous=302,
        municipality_member=200,
        municipality_admin=200,
        co_owner=200,
        platform_admin=200,
        default=403,
    ),
    Case(
        "POST",
        "/notes/new",
        "/notes/new",
        data={"title": ""},
        anonymous=302,
        municipality_member=422,
        municipality_admin=422,
        co_owner=422,
        platform_admin=422,
        default=403,
    ),
    Case("GET", "/notes/<int:note_id>", "/notes/{note}", anonymous=404, default=200),
    Case(
        "GET",
        "/notes/<int:note_id>/edit",
        "/notes/{note}/edit",
        anonymous=302,
        municipality_member=200,
        platform_admin=200,
        default=403,
    ),
    Case(
        "POST",
        "/notes/<int:note_id>/edit",
        "/notes/{note}/edit",
        data={"title": ""},
        anonymous=302,
        municipality_member=422,
        platform_admin=422,
        default=403,
    ),
    Case(
        "POST",
        "/notes/<int:note_id>/delete",
        "/notes/{note}/delete",
        anonymous=302,
        municipality_member=302,
        platform_admin=302,
        default=403,
    ),
    Case("GET", "/api/v1/notes", "/api/v1/notes", default=200),
    Case("POST", "/api/v1/notes", "/api/v1/notes", json=NOTE, anonymous=401, default=403, **WRITERS),
    Case("GET", "/api/v1/notes/<int:note_id>", "/api/v1/notes/{note}", anonymous=404, default=200),
    Case(
        "PATCH", "/api/v1/notes/<int:note_id>", "/api/v1/notes/{note}", json={"visibility": "public"}, **AUTHOR_ONLY_API
    ),
    Case(
        "DELETE",
        "/api/v1/notes/<int:note_id>",
        "/api/v1/notes/{note}",
        anonymous=404,
        municipality_member=204,
        platform_admin=204,
        default=403,
    ),
]
