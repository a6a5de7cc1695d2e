"""The wish-partner chooser: checkboxes of companies and a search box."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from events.models import Registration

from .services.wishes import wishable_companies


class WishesForm(forms.Form):
    # The template draws the checkboxes itself (chosen, suggested, found); the field checks them,
    # and the service how many (services/wishes.py).
    wish = forms.ModelMultipleChoiceField(queryset=None, required=False)
    q = forms.CharField(label=_("Search for a company"), max_length=100, required=False)

    def __init__(self, *args, registration: Registration, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["wish"].queryset = wishable_companies(registration)
        self.fields["wish"].error_messages["invalid_choice"] = _(
            "One of the chosen companies is not in the directory (any more). Please choose again."
        )
