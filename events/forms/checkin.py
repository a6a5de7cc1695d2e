"""Forms of the check-in at the door: search, a typed code, a walk-in."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from companies.models import Company


class SearchForm(forms.Form):
    q = forms.CharField(label=_("Name or company"), max_length=100, required=False)


class CodeForm(forms.Form):
    code = forms.CharField(
        label=_("Check-in code"),
        max_length=300,
        help_text=_("As in the confirmation mail, e.g. 1234-K7QF2MXA."),
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false"}
        ),
    )


class WalkInForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=120)
    email = forms.EmailField(label=_("Email address"))
    company = forms.ModelChoiceField(
        label=_("Company"),
        queryset=Company.objects.none(),
        help_text=_("Walk-ins come for a company on the portal."),
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["company"].queryset = Company.objects.filter(
            status=Company.Status.PUBLISHED
        ).order_by("name")
