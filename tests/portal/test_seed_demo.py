from __future__ import annotations

import pytest
from allauth.account.models import EmailAddress
from django.core.management import call_command

from companies.models import Town
from kag_portal.models import User

pytestmark = pytest.mark.django_db


def test_seed_demo_loads_the_four_kag_towns_and_demo_people(capsys):
    call_command("seed_demo")

    towns = set(Town.objects.filter(is_kag_member=True).values_list("name", flat=True))
    assert towns == {"Oberhof", "Schleusingen", "Suhl", "Zella-Mehlis"}
    assert User.objects.filter(is_staff=True).exists()
    assert EmailAddress.objects.filter(verified=True).count() == User.objects.count()
    assert "kag-demo-2026" in capsys.readouterr().out


def test_seed_demo_can_run_again_without_duplicates():
    call_command("seed_demo")
    counts = (User.objects.count(), Town.objects.count(), EmailAddress.objects.count())

    call_command("seed_demo")

    assert (User.objects.count(), Town.objects.count(), EmailAddress.objects.count()) == counts


def test_demo_people_can_log_in(client):
    call_command("seed_demo")

    response = client.post(
        "/accounts/login/", {"login": "team@kag-demo.de", "password": "kag-demo-2026"}
    )

    assert response.status_code == 302
    assert client.get("/me/").status_code == 200
