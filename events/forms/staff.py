"""Forms of the KAG team's event pages: the event with its speed-dating block, and the agenda."""

from __future__ import annotations

from datetime import datetime, timedelta

from django import forms
from django.forms import inlineformset_factory
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from companies.models import Company

from ..models import AgendaItem, Event

DATETIME_FORMAT = "%Y-%m-%dT%H:%M"
SPEED_DATING_FIELDS = (
    "speed_dating_rounds",
    "speed_dating_round_minutes",
    "speed_dating_change_minutes",
    "speed_dating_table_size",
)


class DateTimeLocalInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, attrs=None):
        super().__init__(attrs, format=DATETIME_FORMAT)


class TimeInput(forms.TimeInput):
    input_type = "time"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%H:%M")


def on_event_day(event_start: datetime, time) -> datetime:
    """A time of day on the (local) day the event starts; before the start means the next day."""
    local = timezone.localtime(event_start)
    value = timezone.make_aware(datetime.combine(local.date(), time))
    if value < local - timedelta(hours=6):
        value += timedelta(days=1)
    return value


class EventForm(forms.ModelForm):
    speed_dating_time = forms.TimeField(
        label=_("Speed dating starts at"),
        required=False,
        widget=TimeInput,
        help_text=_(
            "Only for a network evening with speed dating. Leave the whole block empty otherwise."
        ),
    )

    class Meta:
        model = Event
        fields = [
            "title",
            "format",
            "description",
            "host_company",
            "venue_name",
            "venue_street",
            "venue_postal_code",
            "town",
            "starts_at",
            "ends_at",
            "registration_deadline",
            "capacity",
            "places_per_company",
            "audience",
            *SPEED_DATING_FIELDS,
        ]
        widgets = {
            "starts_at": DateTimeLocalInput,
            "ends_at": DateTimeLocalInput,
            "registration_deadline": DateTimeLocalInput,
            "description": forms.Textarea(attrs={"rows": 6}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["host_company"].queryset = Company.objects.filter(
            status=Company.Status.PUBLISHED
        ).order_by("name")
        for name in ("starts_at", "ends_at", "registration_deadline"):
            self.fields[name].input_formats = [DATETIME_FORMAT, "%Y-%m-%d %H:%M"]
        self.fields["venue_postal_code"].widget.attrs.update(
            {"inputmode": "numeric", "autocomplete": "postal-code"}
        )
        if self.instance.speed_dating_starts_at:
            self.initial.setdefault(
                "speed_dating_time", timezone.localtime(self.instance.speed_dating_starts_at).time()
            )

    def clean(self):
        data = super().clean()
        starts_at, ends_at = data.get("starts_at"), data.get("ends_at")
        deadline = data.get("registration_deadline")
        if starts_at and ends_at and ends_at <= starts_at:
            self.add_error("ends_at", _("The event must end after it starts."))
        if deadline and ends_at and deadline > ends_at:
            self.add_error(
                "registration_deadline", _("Registration must close before the event ends.")
            )
        self._clean_speed_dating(data, starts_at, ends_at)
        return data

    def _clean_speed_dating(self, data, starts_at, ends_at) -> None:
        names = ("speed_dating_time", *SPEED_DATING_FIELDS)
        if any(name in self.errors for name in names):
            return
        filled = [data.get(name) not in (None, "") for name in names]
        if not any(filled):
            self.instance.speed_dating_starts_at = None
            return
        if not all(filled):
            raise forms.ValidationError(
                _(
                    "Speed dating: fill in the start, rounds, minutes per round, minutes to "
                    "change seats and people per table – or leave all five empty."
                )
            )
        if not (starts_at and ends_at):
            return
        start = on_event_day(starts_at, data["speed_dating_time"])
        if not (starts_at <= start < ends_at):
            self.add_error("speed_dating_time", _("Speed dating must start during the event."))
            return
        self.instance.speed_dating_starts_at = start
        rounds = data["speed_dating_rounds"]
        block = (
            rounds * data["speed_dating_round_minutes"]
            + (rounds - 1) * data["speed_dating_change_minutes"]
        )
        if start + timedelta(minutes=block) > ends_at:
            self.add_error(
                "speed_dating_rounds",
                _("The speed-dating rounds would last beyond the end of the event."),
            )


class AgendaItemForm(forms.ModelForm):
    time = forms.TimeField(label=_("Time"), widget=TimeInput, required=False)

    class Meta:
        model = AgendaItem
        fields = ["title", "description"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.initial.setdefault("time", timezone.localtime(self.instance.starts_at).time())
        # Not marked as required: the empty extra rows are left out. A started row needs both.
        self.fields["title"].required = False

    def clean(self):
        data = super().clean()
        if self.has_changed() and not data.get("DELETE"):
            if not data.get("time") and "time" not in self.errors:
                self.add_error("time", _("Please give the time of this item."))
            if not data.get("title"):
                self.add_error("title", _("Please say what happens at this time."))
        return data


AgendaFormSet = inlineformset_factory(
    Event,
    AgendaItem,
    form=AgendaItemForm,
    extra=5,
    can_delete=True,
)


class DuplicateForm(forms.Form):
    on_date = forms.DateField(
        label=_("New date"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )


class FormatChoiceForm(forms.Form):
    format = forms.ChoiceField(label=_("format"), choices=Event.Format.choices, required=False)
