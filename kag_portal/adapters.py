from __future__ import annotations

from allauth.account.adapter import DefaultAccountAdapter
from django.utils import translation

from . import mail


class AccountAdapter(DefaultAccountAdapter):
    """Routes allauth's mails (verification, password reset …) through our outbox."""

    def send_mail(self, template_prefix: str, email: str, context: dict) -> None:
        message = self.render_mail(template_prefix, email, context)
        body_html = ""
        for content, mimetype in getattr(message, "alternatives", []):
            if mimetype == "text/html":
                body_html = content
        user = context.get("user")
        recipient = user if getattr(user, "pk", None) else None
        mail.record_mail(
            to_email=email,
            subject=message.subject,
            body_text=message.body,
            body_html=body_html,
            template=template_prefix,
            recipient=recipient,
            language=translation.get_language() or "de",
        )

    def save_user(self, request, user, form, commit=True):
        # A new person starts in the language they signed up in.
        user.preferred_language = (translation.get_language() or "de")[:2]
        return super().save_user(request, user, form, commit=commit)
