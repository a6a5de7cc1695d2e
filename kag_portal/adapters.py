from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit

from allauth.account.adapter import DefaultAccountAdapter
from allauth.core import context as allauth_context
from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.urls import reverse
from django.utils import translation
from django.utils.crypto import get_random_string
from django.utils.http import urlencode

from . import mail, onboarding


@dataclass(frozen=True)
class PortalSite:
    """What allauth's mail templates call `current_site` (we do not use django.contrib.sites)."""

    name: str
    domain: str


def portal_site() -> PortalSite:
    return PortalSite(name="KAG Portal", domain=urlsplit(settings.SITE_URL).netloc)


class AccountAdapter(DefaultAccountAdapter):
    """Routes allauth's mails (verification, password reset …) through our outbox, rendered in
    the language the recipient chose (or, for a stranger, the language of the page they used)."""

    def send_mail(self, template_prefix: str, email: str, context: dict) -> None:
        from .models import User

        user = context.get("user")
        if getattr(user, "pk", None) is None:
            user = User.objects.filter(email__iexact=email).first()
        language = user.preferred_language if user else (translation.get_language() or "de")
        full_context = {
            "request": allauth_context.request,
            "email": email,
            "current_site": portal_site(),
            "site_url": settings.SITE_URL,
            **context,
        }
        with translation.override(language):
            message = self.render_mail(template_prefix, email, full_context)
        body_html = ""
        for content, mimetype in getattr(message, "alternatives", []):
            if mimetype == "text/html":
                body_html = content
        mail.record_mail(
            to_email=email,
            subject=message.subject,
            body_text=message.body,
            body_html=body_html,
            template=template_prefix,
            recipient=user,
            language=language,
        )

    def respond_email_verification_sent(self, request, user):
        # A sign-up that made no account (the address is known; allauth then mails its owner
        # through send_mail like any confirmation) would answer in a fraction of the time a new
        # address takes, whose password is hashed: hash this one too, so the answer time does
        # not tell which addresses have an account. Also when the mail was rate limited.
        if user is None and request.method == "POST":
            make_password(request.POST.get("password1") or get_random_string(32))
        return super().respond_email_verification_sent(request, user)

    def _get_login_attempts_cache_key(self, request, **credentials) -> str:
        # allauth's "login_failed" limit per key counts failures per address; with the client
        # address in the key, a stranger guessing from elsewhere cannot lock the owner out.
        # (The per-IP part of the limit still slows one client guessing many addresses.)
        from allauth.core.internal.ratelimit import get_ip

        return f"{super()._get_login_attempts_cache_key(request, **credentials)}:{get_ip(request)}"

    def save_user(self, request, user, form, commit=True):
        # A new person starts in the language they signed up in.
        user.preferred_language = (translation.get_language() or "de")[:2]
        return super().save_user(request, user, form, commit=commit)

    def add_message(self, request, level, message_template=None, *args, **kwargs) -> None:
        # Confirming the address logs the person in within the same request: "address
        # confirmed" says enough, a second box "logged in as …" is one more thing to read.
        if message_template == "account/messages/email_confirmed.txt":
            request.kag_address_just_confirmed = True
        elif message_template == "account/messages/logged_in.txt" and getattr(
            request, "kag_address_just_confirmed", False
        ):
            return
        super().add_message(request, level, message_template, *args, **kwargs)

    # --- Where a person goes next (kag_portal.onboarding: the higher apps decide) -------------

    def get_signup_redirect_url(self, request) -> str:
        # After signing up and confirming the address in the same browser session (allauth
        # logs the person in then): the company wizard, or the company they were invited to.
        return onboarding.next_step(
            request, request.user, signup=True
        ) or super().get_signup_redirect_url(request)

    def get_login_redirect_url(self, request) -> str:
        # A log-in without ?next=: an invitation opened before logging in, else "Mein Bereich".
        return onboarding.next_step(
            request, request.user, signup=False
        ) or super().get_login_redirect_url(request)

    def get_email_verification_redirect_url(self, email_address) -> str:
        request = self.request
        if request.user.is_authenticated:
            return super().get_email_verification_redirect_url(email_address)
        # The link was opened in another browser (or the sign-up session is gone): allauth does
        # not log in there, so the person logs in with their password and then goes on where
        # they would have gone right away.
        login_url = reverse("account_login")
        then = onboarding.next_step(request, email_address.user, signup=True)
        if then:
            return f"{login_url}?{urlencode({'next': then})}"
        return login_url
