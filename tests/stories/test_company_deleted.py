"""A company that is deleted takes its approval with it: a story naming it goes offline."""

from __future__ import annotations

import pytest

from companies.services.profiles import delete_company
from stories import services
from stories.models import Story
from tests.factories import StaffFactory

from .helpers import cooperation_of, story_about, two_firms

pytestmark = pytest.mark.django_db


def test_deleting_a_company_takes_its_published_story_offline():
    spannwerk, feinwerk, spannwerk_owner, feinwerk_owner = two_firms()
    story = story_about(cooperation_of(spannwerk, feinwerk))
    story = services.submit_for_approval(story=story)
    story = services.release(story=story, by=StaffFactory())
    services.approve(story=story, user=spannwerk_owner)
    services.approve(story=story, user=feinwerk_owner)
    story.refresh_from_db()
    assert story.status == Story.Status.PUBLISHED

    delete_company(company=spannwerk, user=spannwerk_owner)

    story.refresh_from_db()
    assert story.status != Story.Status.PUBLISHED
    assert not services.published_stories().exists()
