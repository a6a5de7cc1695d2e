"""Registry of what happens around a sign-up: what the form starts with and where a person goes
after signing up, confirming the address or logging in.

kag_portal owns the accounts (allauth's adapter, the sign-up view); higher apps know what a new
person came for (a company to register, an invitation to join one). They register here in their
AppConfig.ready() without kag_portal importing them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class SignupInvitation:
    """A sign-up that follows an invitation: the invited address starts the form, and the page
    says whom the person is about to join."""

    email: str
    joining: str


InvitationLookup = Callable[[object], SignupInvitation | None]
# (request, user, signup) -> a URL, or None when the app has nothing to say. `signup` is true
# for the first arrival after signing up and confirming the address, false for a later log-in.
NextStep = Callable[[object, object, bool], str | None]

_invitation_lookups: list[InvitationLookup] = []
_next_steps: list[tuple[int, NextStep]] = []


def register_invitation(lookup: InvitationLookup) -> None:
    if lookup not in _invitation_lookups:
        _invitation_lookups.append(lookup)


def register_next_step(order: int, step: NextStep) -> None:
    if all(existing is not step for _order, existing in _next_steps):
        _next_steps.append((order, step))
        _next_steps.sort(key=lambda entry: entry[0])


def invitation_for_signup(request) -> SignupInvitation | None:
    for lookup in _invitation_lookups:
        invitation = lookup(request)
        if invitation is not None:
            return invitation
    return None


def next_step(request, user, *, signup: bool) -> str | None:
    """The first answer, by order, of the registered steps."""
    for _order, step in _next_steps:
        url = step(request, user, signup)
        if url:
            return url
    return None
