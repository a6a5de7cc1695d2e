"""A story is public only while staff released it and every involved company approved the
current text; an edit asks again, a withdrawal takes it offline."""

from __future__ import annotations

import pytest
from django.db import IntegrityError, transaction

from kag_portal.models import OutboxMail
from stories import services
from stories.models import Story, StoryApproval
from tests.factories import MembershipFactory, StaffFactory

from .helpers import cooperation_of, story_about, two_firms

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    spannwerk, feinwerk, spannwerk_owner, feinwerk_owner = two_firms()
    story = story_about(cooperation_of(spannwerk, feinwerk))
    return {
        "story": story,
        "spannwerk": spannwerk,
        "feinwerk": feinwerk,
        "spannwerk_owner": spannwerk_owner,
        "feinwerk_owner": feinwerk_owner,
        "staff": StaffFactory(),
    }


def released_and_submitted(world) -> Story:
    story = services.submit_for_approval(story=world["story"])
    return services.release(story=story, by=world["staff"])


def test_the_story_has_the_cooperations_companies(world):
    assert set(world["story"].companies.all()) == {world["spannwerk"], world["feinwerk"]}
    assert world["story"].status == Story.Status.DRAFT


def test_submitting_asks_every_owner_once_per_version(world):
    services.submit_for_approval(story=world["story"])
    services.submit_for_approval(story=world["story"])

    mails = OutboxMail.objects.filter(idempotency_key__startswith="story-approval:")
    assert sorted(m.to_email for m in mails) == sorted(
        [world["spannwerk_owner"].email, world["feinwerk_owner"].email]
    )


def test_release_without_approvals_does_not_publish(world):
    story = released_and_submitted(world)

    assert story.status == Story.Status.IN_REVIEW
    assert story.published_at is None


def test_release_with_one_of_two_approvals_does_not_publish(world):
    story = released_and_submitted(world)
    services.approve(story=story, user=world["spannwerk_owner"])

    story.refresh_from_db()
    assert story.status == Story.Status.IN_REVIEW


def test_the_last_approval_publishes_a_released_story(world):
    story = released_and_submitted(world)
    services.approve(story=story, user=world["spannwerk_owner"])
    services.approve(story=story, user=world["feinwerk_owner"])

    story.refresh_from_db()
    assert story.status == Story.Status.PUBLISHED
    assert story.published_at is not None


def test_all_approvals_without_release_do_not_publish(world):
    story = services.submit_for_approval(story=world["story"])
    services.approve(story=story, user=world["spannwerk_owner"])
    services.approve(story=story, user=world["feinwerk_owner"])

    story.refresh_from_db()
    assert story.status == Story.Status.IN_REVIEW


def test_a_draft_cannot_be_approved(world):
    assert services.approve(story=world["story"], user=world["spannwerk_owner"]) == 0
    assert not StoryApproval.objects.exists()


def published(world) -> Story:
    story = released_and_submitted(world)
    services.approve(story=story, user=world["spannwerk_owner"])
    services.approve(story=story, user=world["feinwerk_owner"])
    story.refresh_from_db()
    assert story.is_published
    return story


def test_editing_the_text_resets_approvals_and_unpublishes(world):
    story = published(world)

    story = services.update_story(
        story=story, title=story.title, lead=story.lead, body="Ein neuer Text.", event=None
    )

    assert story.status == Story.Status.IN_REVIEW
    assert story.text_version == 2
    assert [approval for _company, approval in services.approval_states(story)] == [None, None]


def test_after_an_edit_the_owners_are_asked_again_and_their_new_approvals_publish(world):
    story = published(world)
    story = services.update_story(
        story=story, title="Neuer Titel", lead=story.lead, body=story.body, event=None
    )
    assert OutboxMail.objects.filter(idempotency_key__contains=":v2:").count() == 2

    services.approve(story=story, user=world["spannwerk_owner"])
    services.approve(story=story, user=world["feinwerk_owner"])

    story.refresh_from_db()
    assert story.is_published


def test_saving_the_same_text_keeps_the_approvals(world):
    story = published(world)

    story = services.update_story(
        story=story, title=story.title, lead=story.lead, body=story.body, event=None
    )

    assert story.is_published
    assert story.text_version == 1


def test_a_withdrawn_approval_unpublishes(world):
    story = published(world)

    services.withdraw(story=story, user=world["feinwerk_owner"])

    story.refresh_from_db()
    assert story.status == Story.Status.IN_REVIEW
    assert story.published_at is None


def test_approving_again_after_withdrawing_publishes_again(world):
    story = published(world)
    services.withdraw(story=story, user=world["feinwerk_owner"])

    services.approve(story=story, user=world["feinwerk_owner"])

    story.refresh_from_db()
    assert story.is_published
    assert StoryApproval.objects.filter(company=world["feinwerk"]).count() == 1


def test_staff_taking_it_back_unpublishes(world):
    story = published(world)

    story = services.take_back(story=story)

    assert story.status == Story.Status.IN_REVIEW
    assert story.released_at is None


def test_an_editor_is_not_an_owner_and_approves_for_no_company(world):
    editor = MembershipFactory(company=world["spannwerk"], role="editor").user
    story = services.submit_for_approval(story=world["story"])

    assert services.approve(story=story, user=editor) == 0


def test_a_former_owner_approves_for_no_company(world):
    story = services.submit_for_approval(story=world["story"])
    former = world["spannwerk_owner"]
    MembershipFactory(company=world["spannwerk"])  # someone stays owner
    former.memberships.all().delete()

    assert services.approve(story=story, user=former) == 0


def test_the_database_refuses_a_published_story_that_staff_never_released(world):
    story = world["story"]
    story.status = Story.Status.PUBLISHED
    story.published_at = story.created_at

    with pytest.raises(IntegrityError), transaction.atomic():
        story.save()


def test_one_approval_per_company_and_version(world):
    story = services.submit_for_approval(story=world["story"])
    services.approve(story=story, user=world["spannwerk_owner"])

    with pytest.raises(IntegrityError), transaction.atomic():
        StoryApproval.objects.create(
            story=story,
            company=world["spannwerk"],
            text_version=story.text_version,
            approved_at=story.created_at,
        )


def test_a_members_story_sent_for_review_is_announced_to_the_kag_team_once(world, settings):
    from .helpers import cooperation_of, story_about

    story = story_about(
        cooperation_of(world["spannwerk"], world["feinwerk"]), author=world["spannwerk_owner"]
    )
    services.submit_for_approval(story=story)
    services.submit_for_approval(story=story)
    staff_story = story_about(
        cooperation_of(world["spannwerk"], world["feinwerk"]), author=world["staff"]
    )
    services.submit_for_approval(story=staff_story)

    told = OutboxMail.objects.filter(idempotency_key__startswith="story-submitted:")
    assert [(m.to_email, m.idempotency_key) for m in told] == [
        (settings.KAG_CONTACT_EMAIL, f"story-submitted:{story.pk}")
    ]
    assert f"/staff/stories/{story.pk}/" in told.get().body_text
