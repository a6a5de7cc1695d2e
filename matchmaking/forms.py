"""Forms of the seat plan page. Each carries the plan version the page showed, so a change made
on an outdated page is refused (matchmaking.services.seating.StalePlan)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import SeatingPlan


class VersionForm(forms.Form):
    """Publish, unpublish: nothing but the version."""

    expected_version = forms.IntegerField(min_value=0, widget=forms.HiddenInput)


class GenerateForm(forms.Form):
    source = forms.ChoiceField(
        label=_("Seat"),
        choices=SeatingPlan.Source.choices,
        widget=forms.RadioSelect,
    )
    # Empty when the event has no plan yet.
    expected_version = forms.IntegerField(min_value=0, required=False, widget=forms.HiddenInput)


class ReplanForm(forms.Form):
    source = forms.ChoiceField(
        label=_("Seat in the rounds to come"),
        choices=SeatingPlan.Source.choices,
        widget=forms.RadioSelect,
    )
    expected_version = forms.IntegerField(min_value=0, widget=forms.HiddenInput)


class RoundForm(forms.Form):
    round = forms.TypedChoiceField(label=_("Round running now"), coerce=int)
    expected_version = forms.IntegerField(min_value=0, widget=forms.HiddenInput)

    def __init__(self, *args, rounds: int, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["round"].choices = [(0, _("not started"))] + [
            (number, _("Round %(number)d") % {"number": number}) for number in range(1, rounds + 1)
        ]


class SwapForm(forms.Form):
    round = forms.TypedChoiceField(label=_("Round"), coerce=int)
    first = forms.TypedChoiceField(label=_("Person A"), coerce=int)
    second = forms.TypedChoiceField(label=_("Person B"), coerce=int)
    expected_version = forms.IntegerField(min_value=0, widget=forms.HiddenInput)

    def __init__(self, *args, rounds: list[int], people: list[tuple[int, str]], **kwargs):
        """`rounds`: the rounds not played yet; `people`: (registration id, label)."""
        super().__init__(*args, **kwargs)
        self.fields["round"].choices = [
            (number, _("Round %(number)d") % {"number": number}) for number in rounds
        ]
        self.fields["first"].choices = people
        self.fields["second"].choices = people

    def clean(self):
        data = super().clean()
        if data.get("first") is not None and data.get("first") == data.get("second"):
            raise forms.ValidationError(_("Choose two different people."))
        return data
