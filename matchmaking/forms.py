"""Forms of the seat plan page. Each carries the plan version the page showed, so a change made
on an outdated page is refused (matchmaking.services.seating.StalePlan)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import SeatingPlan


class SeatPlanForm(forms.Form):
    """The page shows five of these forms, most with an expected_version and some with the same
    fields: each form's ids start with its own name, so no id is there twice and a label ticks
    the radio of its own form. The field names, which are sent, stay the same."""

    id_prefix = ""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", f"id_{self.id_prefix}_%s")
        super().__init__(*args, **kwargs)


class VersionForm(SeatPlanForm):
    """Publish, unpublish: nothing but the version."""

    id_prefix = "version"

    expected_version = forms.IntegerField(min_value=0, widget=forms.HiddenInput)


class GenerateForm(SeatPlanForm):
    id_prefix = "generate"

    source = forms.ChoiceField(
        label=_("Seat"),
        choices=SeatingPlan.Source.choices,
        widget=forms.RadioSelect,
    )
    # Empty when the event has no plan yet.
    expected_version = forms.IntegerField(min_value=0, required=False, widget=forms.HiddenInput)


class ReplanForm(SeatPlanForm):
    id_prefix = "replan"

    source = forms.ChoiceField(
        label=_("Seat in the rounds to come"),
        choices=SeatingPlan.Source.choices,
        widget=forms.RadioSelect,
    )
    expected_version = forms.IntegerField(min_value=0, widget=forms.HiddenInput)


class RoundForm(SeatPlanForm):
    id_prefix = "round"

    round = forms.TypedChoiceField(label=_("Round running now"), coerce=int)
    expected_version = forms.IntegerField(min_value=0, widget=forms.HiddenInput)

    def __init__(self, *args, rounds: int, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["round"].choices = [(0, _("not started"))] + [
            (number, _("Round %(number)d") % {"number": number}) for number in range(1, rounds + 1)
        ]


class SwapForm(SeatPlanForm):
    id_prefix = "swap"

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


class LiveRoundForm(forms.Form):
    """A round button of the live page: the round to start or end and the plan version."""

    round = forms.IntegerField(min_value=1, max_value=12, widget=forms.HiddenInput)
    expected_version = forms.IntegerField(min_value=0, widget=forms.HiddenInput)


class LeaveForm(forms.Form):
    """ "Verlässt den Abend" on the live page: whose registration, and the plan version."""

    registration = forms.IntegerField(min_value=1, widget=forms.HiddenInput)
    expected_version = forms.IntegerField(min_value=0, widget=forms.HiddenInput)
