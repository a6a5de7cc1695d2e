"""The story pages: who sees drafts, who may approve, members writing, script in the text,
and the query budgets of the list pages."""

from __future__ import annotations

import pytest

from stories import services
from stories.models import Story, StoryApproval
from tests.factories import (
    CompanyFactory,
    EventFactory,
    MembershipFactory,
    StaffFactory,
    UserFactory,
)

from .helpers import cooperation_of, story_about, two_firms

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    spannwerk, feinwerk, spannwerk_owner, feinwerk_owner = two_firms()
    cooperation = cooperation_of(spannwerk, feinwerk)
    return {
        "cooperation": cooperation,
        "story": story_about(cooperation, author=spannwerk_owner),
        "spannwerk": spannwerk,
        "feinwerk": feinwerk,
        "spannwerk_owner": spannwerk_owner,
        "feinwerk_owner": feinwerk_owner,
        "staff": StaffFactory(),
    }


def publish(world, story: Story | None = None) -> Story:
    story = services.submit_for_approval(story=story or world["story"])
    services.release(story=story, by=world["staff"])
    services.approve(story=story, user=world["spannwerk_owner"])
    services.approve(story=story, user=world["feinwerk_owner"])
    story.refresh_from_db()
    assert story.is_published
    return story


# --- Drafts -------------------------------------------------------------------------------------


def test_a_draft_is_404_for_anonymous_visitors(client, world):
    assert client.get(world["story"].get_absolute_url()).status_code == 404


def test_a_draft_is_404_for_a_member_of_another_company(client, world):
    client.force_login(MembershipFactory().user)

    assert client.get(world["story"].get_absolute_url()).status_code == 404


@pytest.mark.parametrize("who", ["spannwerk_owner", "feinwerk_owner", "staff"])
def test_a_draft_is_shown_to_the_involved_companies_and_staff(client, world, who):
    client.force_login(world[who])

    assert client.get(world["story"].get_absolute_url()).status_code == 200


def test_a_draft_is_not_in_the_public_list(client, world):
    response = client.get("/stories/")

    assert world["story"].title not in response.text


def test_a_published_story_is_shown_to_everyone(client, world):
    story = publish(world)

    response = client.get(story.get_absolute_url())

    assert response.status_code == 200
    assert story.title in response.text
    assert "story-print.css" in response.text


# --- Script in the text -------------------------------------------------------------------------


def test_script_in_the_body_is_removed(client, world):
    story = story_about(
        world["cooperation"],
        body='Gut.<script>alert("x")</script> <a href="javascript:alert(1)">Link</a>'
        '<img src=x onerror="alert(2)">',
    )
    story = publish(world, story)

    html = client.get(story.get_absolute_url()).text

    assert "<script>alert" not in html
    assert "javascript:alert" not in html
    assert "onerror" not in html


# --- Approval -----------------------------------------------------------------------------------


def submitted(world) -> Story:
    return services.submit_for_approval(story=world["story"])


def test_an_owner_approves_through_the_page(client, world):
    story = submitted(world)
    client.force_login(world["feinwerk_owner"])

    response = client.post(f"/stories/{story.pk}/approve/", {"action": "approve"})

    assert response.status_code == 302
    assert StoryApproval.objects.filter(story=story, company=world["feinwerk"]).exists()


def test_an_owner_withdraws_through_the_page_and_the_story_goes_offline(client, world):
    story = publish(world)
    client.force_login(world["feinwerk_owner"])

    client.post(f"/stories/{story.pk}/approve/", {"action": "withdraw"})

    story.refresh_from_db()
    assert not story.is_published
    assert client.get(story.get_absolute_url()).status_code == 200  # still a member's page
    client.logout()
    assert client.get(story.get_absolute_url()).status_code == 404


def test_another_companys_owner_cannot_approve(client, world):
    story = submitted(world)
    client.force_login(MembershipFactory().user)

    response = client.post(f"/stories/{story.pk}/approve/", {"action": "approve"})

    assert response.status_code == 404
    assert not StoryApproval.objects.exists()


def test_another_companys_owner_cannot_approve_a_published_story_either(client, world):
    story = publish(world)
    services.withdraw(story=story, user=world["feinwerk_owner"])
    services.approve(story=story, user=world["feinwerk_owner"])
    client.force_login(MembershipFactory().user)

    response = client.post(f"/stories/{story.pk}/approve/", {"action": "withdraw"})

    assert response.status_code == 403
    story.refresh_from_db()
    assert story.is_published


def test_a_former_member_cannot_approve(client, world):
    story = submitted(world)
    former = world["feinwerk_owner"]
    MembershipFactory(company=world["feinwerk"])
    former.memberships.all().delete()
    client.force_login(former)

    response = client.post(f"/stories/{story.pk}/approve/", {"action": "approve"})

    assert response.status_code == 404
    assert not StoryApproval.objects.exists()


def test_an_editor_who_is_not_an_owner_cannot_approve(client, world):
    story = submitted(world)
    editor = MembershipFactory(company=world["feinwerk"], role="editor").user
    client.force_login(editor)

    response = client.post(f"/stories/{story.pk}/approve/", {"action": "approve"})

    assert response.status_code == 403
    assert not StoryApproval.objects.exists()


def test_a_forged_action_is_refused(client, world):
    story = submitted(world)
    client.force_login(world["feinwerk_owner"])

    response = client.post(f"/stories/{story.pk}/approve/", {"action": "publish"})

    assert response.status_code == 400
    assert not StoryApproval.objects.exists()


def test_an_approval_request_for_a_story_that_does_not_exist_is_404(client, world):
    client.force_login(world["feinwerk_owner"])

    assert client.post("/stories/999999/approve/", {"action": "approve"}).status_code == 404


def test_the_approval_page_needs_a_login(client, world):
    story = submitted(world)

    response = client.post(f"/stories/{story.pk}/approve/", {"action": "approve"})

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


# --- Writing ------------------------------------------------------------------------------------


def form_data(cooperation, **extra) -> dict:
    return {
        "cooperation": cooperation.pk,
        "title": "Zwölf Kilometer statt Schweiz",
        "lead": "Wie zwei Betriebe sich fanden.",
        "body": "Text mit **Zitat**.",
        "event": "",
        **extra,
    }


def test_a_member_writes_a_draft_about_their_cooperation(client, world):
    client.force_login(world["feinwerk_owner"])

    response = client.post("/stories/new/", form_data(world["cooperation"]))

    assert response.status_code == 302
    story = Story.objects.get(title="Zwölf Kilometer statt Schweiz")
    assert story.status == Story.Status.DRAFT
    assert story.author == world["feinwerk_owner"]


def test_a_member_cannot_write_about_another_companys_cooperation(client, world):
    other = MembershipFactory()
    client.force_login(other.user)
    cooperation_of(other.company, CompanyFactory(published=True))

    response = client.post("/stories/new/", form_data(world["cooperation"]))

    assert response.status_code == 200  # the form again, with an error
    assert not Story.objects.filter(title="Zwölf Kilometer statt Schweiz").exists()


def test_an_unconfirmed_cooperation_cannot_get_a_story(client, world):
    unconfirmed = cooperation_of(world["spannwerk"], CompanyFactory(), confirmed=False)
    client.force_login(world["spannwerk_owner"])

    response = client.post("/stories/new/", form_data(unconfirmed))

    assert response.status_code == 200
    assert not Story.objects.filter(title="Zwölf Kilometer statt Schweiz").exists()


def test_the_author_sends_the_draft_for_review(client, world):
    client.force_login(world["spannwerk_owner"])

    client.post(f"/stories/{world['story'].pk}/submit/")

    world["story"].refresh_from_db()
    assert world["story"].status == Story.Status.IN_REVIEW


def test_a_member_author_cannot_edit_after_submitting(client, world):
    submitted(world)
    client.force_login(world["spannwerk_owner"])

    assert client.get(f"/stories/{world['story'].pk}/edit/").status_code == 403


def test_a_colleague_who_is_not_the_author_cannot_edit_the_draft(client, world):
    client.force_login(world["feinwerk_owner"])

    assert client.get(f"/stories/{world['story'].pk}/edit/").status_code == 403


def test_staff_write_a_story_for_a_confirmed_cooperation(client, world):
    event = EventFactory(status="finished")
    client.force_login(world["staff"])

    response = client.post("/staff/stories/new/", form_data(world["cooperation"], event=event.pk))

    assert response.status_code == 302
    story = Story.objects.get(title="Zwölf Kilometer statt Schweiz")
    assert story.event == event


def test_staff_editing_a_published_story_takes_it_offline_until_approved_again(client, world):
    story = publish(world)
    client.force_login(world["staff"])

    client.post(
        f"/stories/{story.pk}/edit/",
        {"title": story.title, "lead": story.lead, "body": "Anders.", "event": ""},
    )

    story.refresh_from_db()
    assert story.status == Story.Status.IN_REVIEW
    assert story.text_version == 2


def test_staff_publish_through_the_staff_page(client, world):
    story = submitted(world)
    services.approve(story=story, user=world["spannwerk_owner"])
    services.approve(story=story, user=world["feinwerk_owner"])
    client.force_login(world["staff"])

    client.post(f"/staff/stories/{story.pk}/publish/")

    story.refresh_from_db()
    assert story.is_published


# --- Where published stories appear, and the query budgets --------------------------------------


def many_published(world, count: int) -> list[Story]:
    stories = []
    for number in range(count):
        story = story_about(world["cooperation"], title=f"Geschichte {number}")
        stories.append(publish(world, story))
    return stories


def test_the_public_list_has_a_fixed_number_of_queries(
    client, world, django_assert_max_num_queries
):
    many_published(world, 14)

    with django_assert_max_num_queries(6):
        response = client.get("/stories/")

    assert response.status_code == 200
    assert "Geschichte 13" in response.text


def test_the_staff_list_has_a_fixed_number_of_queries(client, world, django_assert_max_num_queries):
    many_published(world, 10)
    client.force_login(world["staff"])

    with django_assert_max_num_queries(8):
        response = client.get("/staff/stories/")

    assert response.status_code == 200
    assert "2 / 2" in response.text


def test_the_home_page_shows_the_newest_story_in_few_queries(
    client, world, django_assert_max_num_queries
):
    many_published(world, 5)

    # The story (3), the coming events (1) and the network's figures (3): tests/portal/test_home.py
    with django_assert_max_num_queries(7):
        response = client.get("/")

    assert "Geschichte 4" in response.text
    assert "Geschichte 3" not in response.text  # the newest only


def test_the_company_page_shows_its_published_stories(client, world):
    story = publish(world)
    unrelated = CompanyFactory(published=True, slug="glaswerk")

    assert story.title in client.get("/companies/feinwerk/").text
    assert story.title not in client.get(f"/companies/{unrelated.slug}/").text


def test_a_story_published_or_retitled_shows_on_the_next_company_page(client, world):
    assert world["story"].title not in client.get("/companies/feinwerk/").text  # kept: none yet

    story = publish(world)
    assert story.title in client.get("/companies/feinwerk/").text

    story.title = "Spannzangen aus dem Nachbarort"
    story.save()
    assert "Spannzangen aus dem Nachbarort" in client.get("/companies/feinwerk/").text


def test_a_company_page_shows_its_stories_from_the_cache_without_story_queries(
    client, world, django_assert_max_num_queries
):
    publish(world)
    client.get("/companies/feinwerk/")

    with django_assert_max_num_queries(100) as queries:
        response = client.get("/companies/feinwerk/")

    assert world["story"].title in response.text
    assert not [q for q in queries.captured_queries if "stories_story" in q["sql"]]


def test_the_company_page_stories_are_kept_per_language(client, world):
    publish(world)
    client.get("/companies/feinwerk/", HTTP_ACCEPT_LANGUAGE="de")

    english = client.get("/companies/feinwerk/", HTTP_ACCEPT_LANGUAGE="en").text

    assert "Success stories" in english


def test_the_event_page_shows_stories_that_began_there(client, world):
    event = EventFactory(status="finished")
    story = story_about(world["cooperation"], title="Begann am Abend", event=event)
    publish(world, story)

    assert "Begann am Abend" in client.get(f"/events/{event.pk}/").text


def test_a_draft_is_on_no_company_page(client, world):
    assert world["story"].title not in client.get("/companies/feinwerk/").text


def test_a_user_without_a_company_is_told_there_is_no_cooperation(client, world):
    client.force_login(UserFactory())

    response = client.get("/stories/new/")

    assert response.status_code == 200
    assert "form" not in response.context or response.context.get("form") is None


def test_the_company_page_with_stories_needs_only_three_queries_more(
    client, world, django_assert_max_num_queries
):
    with django_assert_max_num_queries(100) as without_stories:
        client.get("/companies/feinwerk/")
    many_published(world, 4)

    with django_assert_max_num_queries(len(without_stories) + 2):
        response = client.get("/companies/feinwerk/")

    assert "Geschichte 3" in response.text


def test_my_area_lists_the_stories_waiting_for_my_approval(client, world):
    story = submitted(world)
    client.force_login(world["feinwerk_owner"])

    assert f"/stories/{story.pk}/approve/" in client.get("/me/").text

    services.approve(story=story, user=world["feinwerk_owner"])
    assert f"/stories/{story.pk}/approve/" not in client.get("/me/").text


def test_my_area_lists_my_drafts(client, world):
    client.force_login(world["spannwerk_owner"])

    assert world["story"].get_absolute_url() in client.get("/me/").text


def test_staff_see_the_stories_in_review_on_their_area(client, world):
    submitted(world)
    client.force_login(world["staff"])

    assert "/staff/stories/?status=in_review" in client.get("/me/").text
