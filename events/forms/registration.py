"""Forms of the public event pages: the list filter and the registration form."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from companies.models import Company, Town
from events.models import Event, RetentionPolicy
from events.services.registration import RegistrationError, attendee_account


class EventFilterForm(forms.Form):
    format = forms.ChoiceField(
        label=_("Format"), required=False, choices=[("", _("All formats")), *Event.Format.choices]
    )
    town = forms.ModelChoiceField(
        label=_("Town"), required=False, queryset=Town.objects.all(), empty_label=_("All towns")
    )


class RegistrationForm(forms.Form):
    ME = "me"
    COLLEAGUE = "colleague"

    company = forms.ModelChoiceField(label=_("For which company?"), queryset=Company.objects.none())
    attendee = forms.ChoiceField(
        label=_("Who will come?"),
        choices=[(ME, _("I will come myself")), (COLLEAGUE, _("A colleague"))],
        initial=ME,
        widget=forms.RadioSelect,
    )
    colleague_name = forms.CharField(label=_("Colleague's name"), max_length=120, required=False)
    colleague_email = forms.EmailField(
        label=_("Colleague's email address"),
        required=False,
        help_text=_("We send the confirmation there. No account is needed."),
    )
    topics = forms.CharField(
        label=_("Topics you would like to discuss"),
        max_length=1000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    show_to_attendees = forms.BooleanField(
        label=_("Show my company to the other attendees"), required=False
    )
    consent = forms.BooleanField(required=True)

    def __init__(self, *args, user, already_registered: bool = False, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # What really happens: names and addresses go after the retention period staff set.
        months = RetentionPolicy.months_in_force()
        self.fields["consent"].label = ngettext(
            "I agree that the KAG stores this registration to organise the event. %(months)s "
            "month after the event my name and address are removed; anonymous counts stay.",
            "I agree that the KAG stores this registration to organise the event. %(months)s "
            "months after the event my name and address are removed; anonymous counts stay.",
            months,
        ) % {"months": months}
        self.user = user
        self.colleague = None
        if already_registered:
            # The person has a place: the form now serves to register a colleague. (Sending
            # "myself" again still leads to the place they have, e.g. after a double click.)
            self.fields["attendee"].initial = self.COLLEAGUE
        companies = Company.objects.filter(memberships__user=user).order_by("name")
        self.fields["company"].queryset = companies
        if len(companies) == 1:
            self.fields["company"].initial = companies[0].pk

    def clean(self) -> dict:
        data = super().clean()
        if data.get("attendee") == self.COLLEAGUE:
            if not data.get("colleague_name"):
                self.add_error("colleague_name", _("Please enter your colleague's name."))
            if not data.get("colleague_email"):
                self.add_error("colleague_email", _("Please enter your colleague's email address."))
            elif data.get("company"):
                try:
                    self.colleague = attendee_account(
                        email=data["colleague_email"], company=data["company"]
                    )
                except RegistrationError as error:
                    self.add_error("colleague_email", str(error))
        return data

    def attendee_details(self) -> dict:
        """person, name and email for the register() service."""
        data = self.cleaned_data
        if data["attendee"] == self.COLLEAGUE:
            # A colleague with an account (login or confirmed address) is linked to it: clean().
            return {
                "person": self.colleague,
                "name": data["colleague_name"],
                "email": data["colleague_email"].strip().lower(),
            }
        return {
            "person": self.user,
            "name": self.user.display_name or self.user.email,
            "email": self.user.email,
        }
