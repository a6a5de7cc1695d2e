from __future__ import annotations

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from .models import NewsletterIssue


class IssueForm(forms.ModelForm):
    class Meta:
        model = NewsletterIssue
        fields = [
            "subject",
            "intro",
            "subject_en",
            "intro_en",
            "include_events",
            "include_companies",
            "include_stories",
            "include_requests",
        ]
        widgets = {
            "intro": forms.Textarea(attrs={"rows": 10}),
            "intro_en": forms.Textarea(attrs={"rows": 10}),
        }


class SubscribeForm(forms.Form):
    email = forms.EmailField(label=_("Your email address"))
    language = forms.ChoiceField(
        label=_("Language of the newsletter"),
        choices=settings.LANGUAGES,
        initial=settings.LANGUAGE_CODE,
    )
    consent = forms.BooleanField(
        label=_(
            "I would like to receive the KAG newsletter by email about every six weeks. I can "
            "unsubscribe at any time with the link in every issue."
        ),
        error_messages={"required": _("Please confirm that you would like the newsletter.")},
    )
