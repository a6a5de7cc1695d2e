"""seed_demo tells the clamping-tool and fine-mechanics story: published, approved by both
firms, begun at the past network evening; and cooperations in other states."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from companies.models import Cooperation
from stories.demo import OTHER_COOPERATIONS, STORY_TITLE
from stories.models import Story

pytestmark = pytest.mark.django_db


@pytest.fixture
def seeded(capsys):
    call_command("seed_demo")
    return capsys.readouterr().out


def test_the_spannwerk_and_feinwerk_story_is_published_with_both_approvals(seeded, client):
    story = Story.objects.get(title=STORY_TITLE)

    assert story.is_published
    assert sorted(c.slug for c in story.companies.all()) == [
        "feinwerk-suhl",
        "spannwerk-zella-mehlis",
    ]
    assert story.approvals.filter(text_version=story.text_version, withdrawn_at=None).count() == 2
    assert story.event is not None
    assert story.event.ends_at < story.published_at
    assert story.cooperation.would_have_happened_without_kag == "probably_not"
    assert client.get(story.get_absolute_url()).status_code == 200
    assert STORY_TITLE in client.get("/").text


def test_other_cooperations_are_one_confirmed_and_one_waiting(seeded):
    states = {
        cooperation.description: all(p.confirmed_at for p in cooperation.parties.all())
        for cooperation in Cooperation.objects.filter(
            description__in=[item[0] for item in OTHER_COOPERATIONS]
        )
    }

    assert sorted(states.values()) == [False, True]


def test_seeding_twice_makes_nothing_twice(seeded):
    call_command("seed_demo")

    assert Story.objects.filter(title=STORY_TITLE).count() == 1
    assert (
        Cooperation.objects.filter(description__in=[i[0] for i in OTHER_COOPERATIONS]).count() == 2
    )
