"""Forms behind the thank-you mail's links: feedback and "we started a cooperation"."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from companies.models import Company, Cooperation
from events.models import Event, Feedback, RetentionPolicy


class FeedbackForm(forms.ModelForm):
    rating = forms.TypedChoiceField(
        label=_("How was it?"),
        help_text=_("1 = not good, 5 = very good"),
        choices=[(n, str(n)) for n in range(1, 6)],
        coerce=int,
        widget=forms.RadioSelect,
    )
    next_format = forms.ChoiceField(
        label=_("Which format would you like next?"),
        choices=[("", _("No preference")), *Event.Format.choices],
        required=False,
    )

    class Meta:
        model = Feedback
        fields = ["rating", "next_format", "topics"]
        widgets = {"topics": forms.Textarea(attrs={"rows": 3})}


class CooperationForm(forms.Form):
    partner = forms.TypedChoiceField(label=_("With which company?"), coerce=int)
    description = forms.CharField(
        label=_("What do you do together?"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    without_kag = forms.ChoiceField(
        label=_("Would it have come about without the KAG network?"),
        choices=Cooperation.WithoutKag.choices,
        widget=forms.RadioSelect,
    )

    def __init__(self, *args, at_event, others, **kwargs) -> None:
        """`at_event`: companies met at the event, offered first; `others`: every other
        published company."""
        super().__init__(*args, **kwargs)
        met = list(at_event)
        met_ids = {company.pk for company in met}
        rest = [company for company in others if company.pk not in met_ids]
        self._companies = {company.pk: company for company in [*met, *rest]}
        choices: list = [("", _("Please choose"))]
        if met:
            choices.append((_("At this event"), [(c.pk, c.name) for c in met]))
        choices.append((_("All companies"), [(c.pk, c.name) for c in rest]))
        self.fields["partner"].choices = choices

    def clean_partner(self) -> Company:
        return self._companies[self.cleaned_data["partner"]]


class RetentionForm(forms.ModelForm):
    class Meta:
        model = RetentionPolicy
        fields = ["months"]
