"""Registry of personal data (DSGVO Art. 15 and 17).

Each app registers how to export and how to delete what it holds about a person, in its
AppConfig.ready(). Lower layers never import higher ones; the registry is how they plug in.

Stored mails are the registry's own part: every app sends through the one outbox, so the
account's part exports every mail to the person's addresses and about them, and deleting the
person redacts them all (redact_mails), after every app has deleted its part.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Q
from django.utils import timezone


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
    # Optional: other names the person goes by in this section (the name on an event
    # registration), so that stored mails can be cleaned of them too.
    names: Callable[[object], Iterable[str]] | None = None


class DeletionBlocked(Exception):
    """The account cannot be deleted yet; see deletion_blockers()."""


_sections: dict[str, PersonalDataSection] = {}


def register(
    name: str,
    export: Callable[[object], object],
    delete: Callable[[object], None],
    blockers: Callable[[object], list[Blocker]] | None = None,
    names: Callable[[object], Iterable[str]] | None = None,
):
    _sections[name] = PersonalDataSection(name, export, delete, blockers, names)


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


@dataclass(frozen=True)
class Traces:
    """What identifies a person in stored text: their addresses and names, lower case."""

    addresses: frozenset[str]
    names: frozenset[str]


def addresses_of(user) -> set[str]:
    """Every address of the person: the account's and the others they added (allauth)."""
    from allauth.account.models import EmailAddress

    addresses = {
        user.email,
        *EmailAddress.objects.filter(user=user).values_list("email", flat=True),
    }
    return {address.lower() for address in addresses if address}


def address_q(field: str, addresses: Iterable[str]) -> Q:
    """`field` is one of the addresses, ignoring case (matches nothing for no address)."""
    condition = Q(pk__in=[])
    for address in addresses:
        condition |= Q(**{f"{field}__iexact": address})
    return condition


def traces_of(user) -> Traces:
    names = {user.display_name}
    for section in sections():
        if section.names is not None:
            names.update(section.names(user))
    # One or two letters would match inside other words.
    return Traces(
        addresses=frozenset(addresses_of(user)),
        names=frozenset(name.strip().lower() for name in names if len(name.strip()) > 2),
    )


@transaction.atomic
def delete_user_data(user) -> None:
    """Delete a person: every app removes its part first (in reverse order), then the stored
    mails are redacted, then the account goes.
    Raises DeletionBlocked while something must be settled first (nothing is deleted then)."""
    if deletion_blockers(user):
        raise DeletionBlocked
    # Gathered first: once the sections have run, the names the person went by are gone.
    traces = traces_of(user)
    for section in reversed(sections()):
        section.delete(user)
    # Last: a section's deletion can itself queue mail (a place given back moves the waitlist).
    redact_mails(user, traces)
    user.delete()


def mails_to(user):
    """Every mail to one of the person's addresses, with a recipient link or not."""
    from .models import OutboxMail

    return OutboxMail.objects.filter(Q(recipient=user) | address_q("to_email", addresses_of(user)))


def mails_about(user):
    """Mails to others that carry the person's words or details."""
    from .models import OutboxMail

    return OutboxMail.objects.filter(about_people=user).exclude(pk__in=mails_to(user).values("pk"))


def _replace(text: str, strings: Iterable[str], placeholder: str) -> str:
    for string in sorted(strings, key=len, reverse=True):
        # Whole words only: a name must not cut into the company name "Annaberger GmbH".
        text = re.sub(rf"(?<!\w){re.escape(string)}(?!\w)", placeholder, text, flags=re.IGNORECASE)
    return text


def redact_mails(user, traces: Traces) -> int:
    """Empty every stored mail to the person, about them, or quoting one of their addresses;
    their addresses and names leave the rows' subject, recipient, key and error too. A mail not
    sent yet is not sent any more (skipped). The rows stay, so counts (a newsletter's
    recipients, the outbox keys that keep fan-outs once per person) stay right. Returns how
    many rows were redacted."""
    from .models import OutboxMail

    touching = Q(recipient=user) | Q(about_people=user) | address_q("to_email", traces.addresses)
    for address in traces.addresses:
        # Mails recorded before about_people existed, or naming an address in passing.
        touching |= (
            Q(subject__icontains=address)
            | Q(body_text__icontains=address)
            | Q(body_html__icontains=address)
        )
    pks = set(OutboxMail.objects.filter(touching).values_list("pk", flat=True))
    now = timezone.now()
    unsent = {OutboxMail.Status.QUEUED, OutboxMail.Status.SENDING}
    for mail in OutboxMail.objects.filter(pk__in=pks):
        everything = traces.addresses | traces.names
        OutboxMail.objects.filter(pk=mail.pk).update(
            to_email=f"deleted-{mail.pk}@invalid"
            if mail.to_email.lower() in traces.addresses
            else mail.to_email,
            idempotency_key=_replace(mail.idempotency_key, traces.addresses, f"deleted-{mail.pk}"),
            subject=_replace(mail.subject, everything, "…"),
            last_error=_replace(mail.last_error, everything, "…"),
            body_text="",
            body_html="",
            headers={},
            body_removed_at=mail.body_removed_at or now,
            # Skipped, not failed: sent_at stays empty (outbox_sent_at_iff_sent).
            status=OutboxMail.Status.SKIPPED if mail.status in unsent else mail.status,
            updated_at=now,
        )
    return len(pks)


def _iso(value) -> str | None:
    return value.isoformat() if value else None


def _mail_entry(mail, *, with_body: bool) -> dict:
    entry = {
        "to": mail.to_email,
        "subject": mail.subject,
        "status": mail.status,
        "created_at": _iso(mail.created_at),
        "sent_at": _iso(mail.sent_at),
    }
    if with_body:
        # A mail that holds a key (a reset or confirmation link) keeps it out of the export.
        entry["text"] = mail.body_text if not mail.carries_secret else None
    return entry


def barrier_reports_of(user):
    from .models import BarrierReport

    addresses = addresses_of(user)
    return BarrierReport.objects.filter(Q(reporter=user) | address_q("contact_email", addresses))


def export_account(user) -> dict:
    from allauth.account.models import EmailAddress

    return {
        "email": user.email,
        "display_name": user.display_name,
        "preferred_language": user.preferred_language,
        "date_joined": user.date_joined.isoformat(),
        "last_login": _iso(user.last_login),
        "email_addresses": [
            {"email": a.email, "verified": a.verified, "primary": a.primary}
            for a in EmailAddress.objects.filter(user=user)
        ],
        "mails_sent_to_you": [
            _mail_entry(m, with_body=True) for m in mails_to(user).order_by("created_at", "pk")
        ],
        # Sent to others (the owners of a company you asked to join, the people you answered):
        # who got your details, not what their mail held for them.
        "mails_about_you": [
            _mail_entry(m, with_body=False) for m in mails_about(user).order_by("created_at", "pk")
        ],
        "barrier_reports": [
            {
                "page": r.page_url,
                "description": r.description,
                "contact_email": r.contact_email,
                "reported_at": _iso(r.created_at),
                "handled_at": _iso(r.handled_at),
            }
            for r in barrier_reports_of(user).order_by("created_at", "pk")
        ],
    }


def delete_account(user) -> None:
    """The account's own traces besides the mails (redact_mails runs after every section)."""
    from django.contrib.admin.models import LogEntry
    from django.contrib.contenttypes.models import ContentType

    # A barrier report stays as a fact about the page (it may still need fixing), without the
    # person's words or address: the description may well name them.
    barrier_reports_of(user).update(reporter=None, contact_email="", description="")
    # The admin's history of changes to the account shows the person by name or address.
    LogEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(user), object_id=str(user.pk)
    ).update(object_repr=f"#{user.pk}", change_message="")
    # Opt-outs (MailOptOut) stay: deleting them would resume mail to an address that asked
    # for none. They hold only the address and the topic.
