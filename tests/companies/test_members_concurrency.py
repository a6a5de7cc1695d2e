"""A company always keeps an owner, even when two owners act at the same moment (PostgreSQL,
two threads with their own database connections)."""

from __future__ import annotations

import time

import pytest
from django.core.exceptions import PermissionDenied

from companies.models import Membership
from companies.services import members
from tests.concurrency import run_at_once
from tests.factories import CompanyFactory, MembershipFactory

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def slow_check(monkeypatch):
    """Widen the window between reading the owners and changing them: without the row locks
    both requests would see two owners and both pass."""
    real = members._owner_count

    def slow(memberships):
        count = real(memberships)
        time.sleep(0.3)
        return count

    monkeypatch.setattr(members, "_owner_count", slow)


@pytest.fixture
def two_owners():
    company = CompanyFactory(published=True)
    first = MembershipFactory(company=company)
    second = MembershipFactory(company=company)
    return company, first, second


def owners_left(company) -> int:
    return Membership.objects.filter(company=company, role=Membership.Role.OWNER).count()


def test_two_owners_removing_each_other_at_once_leave_one_owner(two_owners, slow_check):
    company, first, second = two_owners

    results, errors = run_at_once(
        [
            lambda: members.remove_member(company=company, membership_id=second.pk, by=first.user),
            lambda: members.remove_member(company=company, membership_id=first.pk, by=second.user),
        ]
    )

    assert owners_left(company) == 1
    # Whoever gets the lock second has just been removed, so may remove nobody any more.
    assert results == [None]
    assert len(errors) == 1
    assert isinstance(errors[0], PermissionDenied)


def test_two_owners_stepping_down_at_once_leave_one_owner(two_owners, slow_check):
    company, first, second = two_owners

    _, errors = run_at_once(
        [
            lambda: members.change_role(
                company=company, membership_id=first.pk, role="editor", by=first.user
            ),
            lambda: members.change_role(
                company=company, membership_id=second.pk, role="editor", by=second.user
            ),
        ]
    )

    assert owners_left(company) == 1
    assert sum(isinstance(error, members.LastOwnerError) for error in errors) == 1


def test_two_owners_leaving_at_once_leave_one_owner(two_owners, slow_check):
    company, first, second = two_owners

    _, errors = run_at_once(
        [
            lambda: members.leave_company(company=company, user=first.user),
            lambda: members.leave_company(company=company, user=second.user),
        ]
    )

    assert owners_left(company) == 1
    assert sum(isinstance(error, members.LastOwnerError) for error in errors) == 1
