"""Practice notes (知恵の共有): staff write them, linked to what they are about; members-only by default,
public when the author says so; the site search (the matchmaking engine) finds them."""

from tests.factories import ChallengeFactory, MunicipalityFactory, StartupFactory, member_of

NOTE = {
    "title": "AI議事録の実証をどう進めたか",
    "body": "録音環境の確認から始め、話者識別の精度を3回の会議で測った。",
    "tags": ["AI議事録"],
}


def test_staff_write_a_members_only_note_linked_to_a_challenge(api, client):
    city = MunicipalityFactory()
    challenge = ChallengeFactory(owner=city)
    author = api(member_of(city, "member"))
    r = author.post("/api/v1/notes", json={**NOTE, "challenge_id": challenge.id})
    assert r.status_code == 201, r.get_json()
    note = r.get_json()
    assert note["visibility"] == "members" and note["challenge_id"] == challenge.id
    assert client.get(f"/api/v1/notes/{note['id']}").status_code == 404  # members only
    assert client.get("/api/v1/notes").get_json()["items"] == []
    assert api(member_of(StartupFactory(), "member")).get(f"/api/v1/notes/{note['id']}").status_code == 200
    listed = author.get(f"/api/v1/notes?challenge_id={challenge.id}").get_json()["items"]
    assert [n["id"] for n in listed] == [note["id"]]


def test_the_author_makes_it_public_and_only_the_author_edits(api, client):
    city = MunicipalityFactory()
    author_user = member_of(city, "member")
    nid = api(author_user).post("/api/v1/notes", json=NOTE).get_json()["id"]
    colleague = api(member_of(city, "admin"))
    assert colleague.patch(f"/api/v1/notes/{nid}", json={"visibility": "public"}).status_code == 403
    assert api(author_user).patch(f"/api/v1/notes/{nid}", json={"visibility": "public"}).status_code == 200
    assert client.get(f"/api/v1/notes/{nid}").status_code == 200
    assert client.get(f"/notes/{nid}").status_code == 200
    assert colleague.delete(f"/api/v1/notes/{nid}").status_code == 403
    assert api(author_user).delete(f"/api/v1/notes/{nid}").status_code == 204


def test_who_may_write_and_bad_input(api, client):
    assert api(member_of(StartupFactory(), "admin")).post("/api/v1/notes", json=NOTE).status_code == 403
    assert client.post("/api/v1/notes", json=NOTE).status_code == 401
    author = api(member_of(MunicipalityFactory(), "member"))
    for change, field in (
        ({"title": ""}, "title"),
        ({"visibility": "secret"}, "visibility"),
        ({"body": None}, "body"),
        ({"challenge_id": 999999}, "challenge_id"),
    ):
        r = author.post("/api/v1/notes", json={**NOTE, **change})
        assert r.status_code == 422 and field in r.get_json()["error"]["fields"], (change, r.get_json())
    draft = ChallengeFactory(status="draft", published_at=None)  # someone else's draft: not linkable
    r = author.post("/api/v1/notes", json={**NOTE, "challenge_id": draft.id})
    assert r.status_code == 422 and "challenge_id" in r.get_json()["error"]["fields"]


def test_pages_write_from_a_challenge_and_read(login):
    city = MunicipalityFactory()
    challenge = ChallengeFactory(owner=city)
    browser = login(member_of(city, "member"))
    page = browser.get(f"/challenges/{challenge.id}").get_data(as_text=True)
    assert f"/notes/new?challenge_id={challenge.id}" in page
    form = browser.get(f"/notes/new?challenge_id={challenge.id}").get_data(as_text=True)
    assert f'name="challenge_id" value="{challenge.id}"' in form
    assert browser.post("/notes/new", data={"title": "", "body": ""}).status_code == 422
    r = browser.post(
        "/notes/new",
        data={"title": NOTE["title"], "body": NOTE["body"], "visibility": "members", "challenge_id": str(challenge.id)},
    )
    assert r.status_code == 302
    note_page = browser.get(r.headers["Location"]).get_data(as_text=True)
    assert NOTE["body"] in note_page and challenge.title in note_page
    assert NOTE["title"] in browser.get(f"/challenges/{challenge.id}").get_data(as_text=True)
    assert NOTE["title"] in browser.get("/notes").get_data(as_text=True)


def test_the_site_search_finds_notes_through_the_engine(api, login, client, app):
    city = MunicipalityFactory()
    author = member_of(city, "member")
    api(author).post(
        "/api/v1/notes", json={**NOTE, "title": "デモで事業者に聞いたこと", "body": "方言の辞書登録について質問した。"}
    )
    public = (
        api(author)
        .post(
            "/api/v1/notes",
            json={**NOTE, "title": "公開の実証メモ", "body": "方言の辞書で精度が上がった。", "visibility": "public"},
        )
        .get_json()
    )
    from app.matchmaking import services

    with app.test_request_context():
        found = services.search_kind("note", "方言の辞書", None, 10)
    assert [m["object_id"] for m in found] == [public["id"]]  # the engine, visibility applied
    results = login(member_of(StartupFactory(), "member")).get("/search?q=方言").get_data(as_text=True)
    assert "デモで事業者に聞いたこと" in results and "公開の実証メモ" in results
    anonymous = client.get("/search?q=方言").get_data(as_text=True)
    assert "公開の実証メモ" in anonymous and "デモで事業者に聞いたこと" not in anonymous
    # the notes list's keyword filter is the floor: the site search finds what /notes?q= finds
    nonsense = login(member_of(StartupFactory(), "member")).get("/search?q=zzzxxyy").get_data(as_text=True)
    assert "デモで事業者に聞いたこと" not in nonsense and "公開の実証メモ" not in nonsense
    narrow = client.get("/search?q=精度が上がった").get_data(as_text=True)
    assert "公開の実証メモ" in narrow and "デモで事業者に聞いたこと" not in narrow


def test_the_site_search_shows_no_note_for_nonsense_with_the_model_on(api, client, app, tmp_path):
    """The multilingual model finds every text somewhat close to any query: without the keyword floor
    ``zzzxxyy`` listed the demo's notes. With it the site search finds what /notes?q= finds."""
    from tests.matchmaking.factories import build_index, semantic_model_on

    with semantic_model_on(app, tmp_path / "sem") as index:
        author = api(member_of(MunicipalityFactory(), "member"))
        assert author.post("/api/v1/notes", json={**NOTE, "visibility": "public"}).status_code == 201
        build_index()
        assert index.shared_engine().engine().semantic_active, index.shared_engine().status()["semantic"]["reason"]
        for q in ("zzzxxyy", "存在しない言葉"):
            assert NOTE["title"] not in client.get(f"/search?q={q}").get_data(as_text=True), q
            assert client.get(f"/notes?q={q}").get_data(as_text=True).count(NOTE["title"]) == 0
        assert NOTE["title"] in client.get("/search?q=話者識別").get_data(as_text=True)
        assert NOTE["title"] in client.get("/notes?q=話者識別").get_data(as_text=True)
