from __future__ import annotations

from datetime import date, timedelta

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from companies.models import Town

from .figures import Period

LONGEST = timedelta(days=5 * 366)


def default_period() -> Period:
    """From the first of this month a year ago up to today."""
    today = timezone.localdate()
    return Period(start=date(today.year - 1, today.month, 1), end=today)


class PeriodForm(forms.Form):
    """The period and town every impact page is about; read from the query string."""

    start = forms.DateField(
        label=_("from"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    end = forms.DateField(
        # With a context: the bare "to" is the outbox's recipient ("Empfänger") in German.
        label=pgettext_lazy("end of a period", "to"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    town = forms.ModelChoiceField(
        label=_("town"), queryset=Town.objects.all(), required=False, empty_label=_("all towns")
    )

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("start"), cleaned.get("end")
        if start and end:
            if end < start:
                raise forms.ValidationError(_("The end of the period lies before its start."))
            if end - start > LONGEST:
                raise forms.ValidationError(_("Please choose a period of at most five years."))
        return cleaned

    def period(self) -> Period:
        return Period(
            start=self.cleaned_data["start"],
            end=self.cleaned_data["end"],
            town=self.cleaned_data.get("town"),
        )


def period_form(query) -> PeriodForm:
    """The form bound to the query string, or to the default period when none is given."""
    if "start" not in query and "end" not in query:
        default = default_period()
        data = {"start": default.start.isoformat(), "end": default.end.isoformat()}
        if query.get("town"):
            data["town"] = query["town"]
        return PeriodForm(data)
    return PeriodForm(query)
