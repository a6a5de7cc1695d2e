"""Registry of personal data (DSGVO Art. 15 and 17).

Each app registers how to export and how to delete what it holds about a person, in its
AppConfig.ready(). Lower layers never import higher ones; the registry is how they plug in.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.db import transaction


@dataclass(frozen=True)
class Blocker:
    """Something to settle before an account can be deleted (e.g. a company that would be left
    without an owner), with links (label, url) to the pages where it is settled."""

    message: str
    actions: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class PersonalDataSection:
    name: str
    export: Callable[[object], object]
    delete: Callable[[object], None]
    # Optional: what stands in the way of deleting the person, as a list of Blocker.
    blockers: Callable[[object], list[Blocker]] | None = None


class DeletionBlocked(Exception):
    """The account cannot be deleted yet; see deletion_blockers()."""


_sections: dict[str, PersonalDataSection] = {}


def register(
    name: str,
    export: Callable[[object], object],
    delete: Callable[[object], None],
    blockers: Callable[[object], list[Blocker]] | None = None,
):
    _sections[name] = PersonalDataSection(name, export, delete, blockers)


def sections() -> list[PersonalDataSection]:
    return list(_sections.values())


def export_user_data(user) -> dict:
    return {section.name: section.export(user) for section in sections()}


def deletion_blockers(user) -> list[Blocker]:
    return [
        blocker
        for section in sections()
        if section.blockers is not None
        for blocker in section.blockers(user)
    ]


@transaction.atomic
def delete_user_data(user) -> None:
    """Delete a person: every app removes its part first (in reverse order), then the account.
    Raises DeletionBlocked while something must be settled first (nothing is deleted then)."""
    if deletion_blockers(user):
        raise DeletionBlocked
    for section in reversed(sections()):
        section.delete(user)
    user.delete()


def export_account(user) -> dict:
    from allauth.account.models import EmailAddress

    from .models import OutboxMail

    return {
        "email": user.email,
        "display_name": user.display_name,
        "preferred_language": user.preferred_language,
        "date_joined": user.date_joined.isoformat(),
        "last_login": user.last_login.isoformat() if user.last_login else None,
        "email_addresses": [
            {"email": a.email, "verified": a.verified, "primary": a.primary}
            for a in EmailAddress.objects.filter(user=user)
        ],
        "mails_sent_to_you": [
            {"subject": m.subject, "status": m.status, "created_at": m.created_at.isoformat()}
            for m in OutboxMail.objects.filter(recipient=user).order_by("created_at")
        ],
    }


def delete_account(user) -> None:
    from .models import BarrierReport, OutboxMail

    OutboxMail.objects.filter(recipient=user).delete()
    OutboxMail.objects.filter(to_email__iexact=user.email).delete()
    BarrierReport.objects.filter(reporter=user).update(reporter=None, contact_email="")
    # Opt-outs (MailOptOut) stay: deleting them would resume mail to an address that asked
    # for none. They hold only the address and the topic.
