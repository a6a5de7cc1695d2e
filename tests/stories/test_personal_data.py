"""A person's stories and approvals are in their data export; deleting them keeps the story and
the company's approval but not the link to the person."""

from __future__ import annotations

import pytest

from kag_portal.personal_data import delete_user_data, export_user_data
from stories import services
from stories.models import Story, StoryApproval
from tests.factories import MembershipFactory

from .helpers import cooperation_of, story_about, two_firms

pytestmark = pytest.mark.django_db


@pytest.fixture
def story():
    spannwerk, feinwerk, spannwerk_owner, feinwerk_owner = two_firms()
    story = story_about(cooperation_of(spannwerk, feinwerk), author=spannwerk_owner)
    story = services.submit_for_approval(story=story)
    services.approve(story=story, user=feinwerk_owner)
    # A second owner, so the first can leave (a company always keeps an owner).
    MembershipFactory(company=spannwerk)
    MembershipFactory(company=feinwerk)
    return story


def test_the_export_has_the_stories_written_and_the_approvals_given(story):
    author = story.author
    approver = StoryApproval.objects.get().approved_by

    assert export_user_data(author)["stories"]["stories_written"][0]["title"] == story.title
    approvals = export_user_data(approver)["stories"]["story_approvals"]
    assert approvals[0]["story"] == story.title
    assert approvals[0]["company"] == "Feinwerk GmbH"


def test_deleting_the_author_keeps_the_story_without_the_person(story):
    author = story.author
    author.memberships.all().delete()

    delete_user_data(author)

    story.refresh_from_db()
    assert story.author is None


def test_deleting_the_approver_keeps_the_companys_approval(story):
    approval = StoryApproval.objects.get()
    approver = approval.approved_by
    approver.memberships.all().delete()

    delete_user_data(approver)

    approval.refresh_from_db()
    assert approval.approved_by is None
    assert Story.objects.filter(pk=story.pk).exists()
