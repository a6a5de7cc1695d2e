"""Anonymising attendance details: after a person's deletion and after the retention period.

Anonymised registrations keep what the statistics need (event, company, status, check-in time,
walk-in, feedback) and lose everything that names or reaches a person: account, name, address,
wishes, topics, who registered or checked them in.
"""

from __future__ import annotations

import calendar
from datetime import datetime

from django.db import transaction
from django.db.models import CharField, QuerySet, Value
from django.db.models.functions import Cast, Concat
from django.utils import timezone

from kag_portal import caching

from ..models import Registration, RetentionPolicy

BATCH_SIZE = 500


@transaction.atomic
def anonymise_registrations(registrations: QuerySet[Registration], *, now: datetime) -> int:
    """Remove the personal details of these registrations. Returns how many were anonymised.

    Rows anonymised before are left alone, so running this again changes nothing.
    """
    pks = list(registrations.filter(anonymised_at__isnull=True).values_list("pk", flat=True))
    for start in range(0, len(pks), BATCH_SIZE):
        batch = pks[start : start + BATCH_SIZE]
        Registration.wish_partners.through.objects.filter(registration_id__in=batch).delete()
        Registration.objects.filter(pk__in=batch).update(
            person=None,
            name="",
            # A unique placeholder per row: the address is part of a uniqueness rule per event.
            email=Concat(
                Value("deleted-"), Cast("pk", output_field=CharField()), Value("@invalid")
            ),
            topics="",
            show_to_attendees=False,
            registered_by=None,
            checked_in_by=None,
            anonymised_at=now,
            updated_at=now,
        )
    if pks:
        # An update sends no signal: pages that cache attendees' names (the partners pages,
        # kag_portal.caching) are made stale here.
        caching.bump_now_and_at_commit("partners")
    return len(pks)


def months_before(moment: datetime, months: int) -> datetime:
    """The same wall-clock time `months` calendar months earlier (31 March - 1 month: 28/29 Feb)."""
    local = timezone.localtime(moment)
    month_index = local.year * 12 + (local.month - 1) - months
    year, month = divmod(month_index, 12)
    month += 1
    day = min(local.day, calendar.monthrange(year, month)[1])
    return local.replace(year=year, month=month, day=day)


def retention_cutoff(*, now: datetime, months: int | None = None) -> datetime:
    """Events that ended before this moment are past the retention period."""
    if months is None:
        months = RetentionPolicy.current().months
    return months_before(now, months)


def registrations_due(*, now: datetime, months: int | None = None) -> QuerySet[Registration]:
    """Registrations of events that ended more than the retention period ago, not yet anonymised."""
    cutoff = retention_cutoff(now=now, months=months)
    return Registration.objects.filter(event__ends_at__lt=cutoff, anonymised_at__isnull=True)


def anonymise_past_attendance(*, now: datetime) -> int:
    """The periodic task: anonymise every registration past the retention period."""
    return anonymise_registrations(registrations_due(now=now), now=now)
