"""What walking the contest on the demo data showed: the join page for a logged-in member, the reveal
with the formula on the big screen, button labels that say what they do, and the way to the contest."""

from __future__ import annotations

from tests.factories import UserFactory

from .factories import add_round, make_contest


def test_join_link_for_a_logged_in_member_joins_under_the_account_name(login, db):
    contest, _organiser, staff = make_contest()
    page = login(staff).get(f"/join/{contest.join_code}")
    assert page.status_code == 200
    assert f'value="{staff.display_name}"' in page.text and "としてログインしています" in page.text


def test_join_link_for_a_guest_asks_for_a_name(anon, db):
    contest, _o, _s = make_contest()
    page = anon.get(f"/join/{contest.join_code}")
    assert page.status_code == 200 and "ゲストとして" in page.text and 'value=""' in page.text


def test_presenter_reveal_shows_the_formula(login, db):
    contest, organiser, _s = make_contest(weight_judges=50, weight_votes=40, weight_likes=10)
    page = login(organiser).get(f"/contests/{contest.id}/present")
    reveal = page.text.split('id="reveal"')[1]
    assert "最優秀賞の決め方" in reveal and "50%" in reveal and "(40)" in reveal and "(10)" in reveal
    assert 'id="reveal-list"' in reveal
    # Before any pitch the big screen says so instead of a bare dash
    assert (
        'data-label-no-pitch="次のピッチを待っています"' in page.text and ">次のピッチを待っています</p>" in page.text
    )


def test_moderator_buttons_and_results_are_labelled_for_what_they_do(login, db):
    contest, organiser, _s = make_contest()
    add_round(contest, status="draft", title="決勝")
    client = login(organiser)
    moderate = client.get(f"/contests/{contest.id}/moderate").text
    assert "投票を開始" in moderate and "新しい投票ラウンド" in moderate and "結果・順位" in moderate
    assert "成果" not in moderate  # a pilot's "Results", not a contest's
    assert "結果・順位" in client.get(f"/contests/{contest.id}").text


def test_event_page_leads_to_its_contest(login, anon, db):
    contest, organiser, staff = make_contest()
    assert f'href="/contests/{contest.id}"' in anon.get(f"/events/{contest.event_id}").text
    assert f"/contests/{contest.id}/moderate" not in anon.get(f"/events/{contest.event_id}").text
    assert f"/contests/{contest.id}/moderate" in login(organiser).get(f"/events/{contest.event_id}").text
    # A contest on an unpublished event is not listed to outsiders
    contest.event.status = "draft"
    db.session.commit()
    assert f'/contests/{contest.id}"' not in login(UserFactory()).get(f"/events/{contest.event_id}").text


def test_finalised_presenter_says_voting_closed_without_the_join_code(login, db):
    """Once finalised (before the reveal) the big screen no longer says 「ピッチ中」 or shows how to join."""
    contest, organiser, _s = make_contest()
    add_round(contest, status="closed")
    client = login(organiser)
    live = client.get(f"/contests/{contest.id}/present").text
    assert "ピッチ中" in live and contest.join_code in live and "join-qr.svg" in live
    finalized = client.post(f"/api/v1/contests/{contest.id}/finalize", json={"confirm_incomplete_scores": True})
    assert finalized.status_code == 200
    page = client.get(f"/contests/{contest.id}/present")
    assert page.status_code == 200
    closed = page.text.split('id="presenter-closed"')[1].split("</section>")[0]
    assert "hidden" not in closed.split(">")[0]
    assert "投票は締め切りました" in closed and "結果は間もなく発表します" in closed
    assert "ピッチ中" not in page.text and "次のピッチを待っています</p>" not in page.text
    assert contest.join_code not in page.text and "join-qr.svg" not in page.text and "/join/" not in page.text
    # In English too
    organiser.locale = "en"
    db.session.commit()
    en = login(organiser).get(f"/contests/{contest.id}/present").text
    assert "Voting has closed" in en and "The results will be announced shortly." in en
    assert "Now pitching" not in en and contest.join_code not in en
    # After the reveal the closed notice steps aside for the ranking
    assert client.post(f"/api/v1/contests/{contest.id}/reveal").status_code == 200
    revealed = client.get(f"/contests/{contest.id}/present").text
    assert 'id="presenter-closed" aria-live="polite" hidden' in revealed and contest.join_code not in revealed
