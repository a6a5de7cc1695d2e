"""The company-run team form: one company, several runners (name, e-mail, shirt size)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from companies.models import Company
from events.models import RetentionPolicy, ShirtSize
from events.services.registration import RegistrationError, attendee_account

# Enough rows for a department; more runners: send the form again.
MAX_RUNNERS = 30
EXTRA_ROWS = 5


class TeamForm(forms.Form):
    """What holds for the whole team: the company and the registering member's confirmation."""

    company = forms.ModelChoiceField(label=_("For which company?"), queryset=Company.objects.none())
    show_to_attendees = forms.BooleanField(
        label=_("Show our company among the teams that are coming"), required=False
    )
    consent = forms.BooleanField(required=True)

    def __init__(self, *args, user, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # What really happens: names and addresses go after the retention period staff set.
        months = RetentionPolicy.months_in_force()
        self.fields["consent"].label = ngettext(
            "The runners agree that the KAG stores their registration to organise the run. "
            "%(months)s month after the event their names and addresses are removed; anonymous "
            "counts stay.",
            "The runners agree that the KAG stores their registration to organise the run. "
            "%(months)s months after the event their names and addresses are removed; anonymous "
            "counts stay.",
            months,
        ) % {"months": months}
        companies = Company.objects.filter(memberships__user=user).order_by("name")
        self.fields["company"].queryset = companies
        if len(companies) == 1:
            self.fields["company"].initial = companies[0].pk


class RunnerForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=120)
    # Each runner needs their own address: a place is one per address, and the confirmation,
    # the claim link and any waitlist news go there.
    email = forms.EmailField(label=_("Email address"))
    shirt_size = forms.ChoiceField(
        label=_("Shirt size"),
        choices=[("", _("no shirt")), *ShirtSize.choices],
        required=False,
    )

    def clean_email(self) -> str:
        return self.cleaned_data["email"].strip().lower()


class BaseRunnerFormSet(forms.BaseFormSet):
    def initial_form_count(self) -> int:
        # Every row may stay empty, the prefilled first one (the member) too: pass `initial`
        # only when showing the form, so a row counts when it is sent filled in.
        return 0

    def clean(self) -> None:
        if any(self.errors):
            return
        seen: set[str] = set()
        for form in self.forms:
            email = form.cleaned_data.get("email")
            if not email:
                continue
            if email in seen:
                form.add_error("email", _("This address is in the team twice."))
            seen.add(email)
        if not seen:
            raise forms.ValidationError(_("Please name at least one runner."))

    def check_accounts(self, company: Company) -> bool:
        """Whether every runner's address may run for `company` (events.services.registration.
        attendee_account); the rows that may not carry the reason on their address."""
        fine = True
        for form in self.forms:
            email = form.cleaned_data.get("email")
            if not email:
                continue
            try:
                attendee_account(email=email, company=company)
            except RegistrationError as error:
                form.add_error("email", str(error))
                fine = False
        return fine

    def runners(self) -> list[dict]:
        """The filled rows, in the order given (the waitlist keeps this order)."""
        return [form.cleaned_data for form in self.forms if form.cleaned_data.get("email")]


RunnerFormSet = forms.formset_factory(
    RunnerForm,
    formset=BaseRunnerFormSet,
    extra=EXTRA_ROWS,
    max_num=MAX_RUNNERS,
    validate_max=True,
    absolute_max=MAX_RUNNERS,
)
