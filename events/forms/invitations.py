"""The staff form that chooses who is invited to an event."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from companies.models import Industry, Town
from events.models import Event
from events.services.invitations import Kind, parse_addresses


class AudienceForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Whom do you want to invite?"),
        choices=[
            (Kind.ALL, _("All published companies")),
            (Kind.TOWNS, _("Companies in these towns")),
            (Kind.INDUSTRIES, _("Companies in these industries")),
            (Kind.EVENTS, _("Attendees of earlier events")),
            (Kind.EMAILS, _("E-mail addresses (firms not yet on the portal)")),
        ],
        initial=Kind.ALL,
        widget=forms.RadioSelect,
    )
    towns = forms.ModelMultipleChoiceField(
        label=_("Towns"),
        queryset=Town.objects.all(),
        required=False,
        help_text=_("Hold Ctrl (or Cmd) to choose several."),
    )
    industries = forms.ModelMultipleChoiceField(
        label=_("Industries"),
        queryset=Industry.objects.order_by("code"),
        required=False,
        help_text=_("A section includes its divisions. Hold Ctrl (or Cmd) to choose several."),
    )
    events = forms.ModelMultipleChoiceField(
        label=_("Earlier events"),
        queryset=Event.objects.none(),
        required=False,
        help_text=_("Everyone who had a confirmed place. Hold Ctrl (or Cmd) to choose several."),
    )
    emails = forms.CharField(
        label=_("E-mail addresses"),
        required=False,
        max_length=200_000,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("One a line, or separated by commas. They get the invitation in German."),
    )

    def __init__(self, *args, event: Event, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.event = event
        self.fields["events"].queryset = (
            Event.objects.exclude(pk=event.pk)
            .exclude(status=Event.Status.DRAFT)
            .filter(starts_at__lt=event.starts_at)
            .select_related("town")
            .order_by("-starts_at")
        )
        self.fields["events"].label_from_instance = lambda other: (
            f"{other.title} ({timezone.localtime(other.starts_at):%d.%m.%Y})"
        )

    def clean(self) -> dict:
        data = super().clean()
        kind = data.get("kind")
        required = {
            Kind.TOWNS: ("towns", _("Please choose at least one town.")),
            Kind.INDUSTRIES: ("industries", _("Please choose at least one industry.")),
            Kind.EVENTS: ("events", _("Please choose at least one event.")),
        }
        if kind in required:
            field, message = required[kind]
            if not data.get(field):
                self.add_error(field, message)
        if kind == Kind.EMAILS:
            valid, invalid = parse_addresses(data.get("emails", ""))
            if invalid:
                self.add_error(
                    "emails",
                    _("These are not valid e-mail addresses: %(entries)s")
                    % {"entries": ", ".join(invalid)},
                )
            elif not valid:
                self.add_error("emails", _("Please enter at least one e-mail address."))
            data["addresses"] = valid
        return data

    def audience(self) -> dict:
        """The chosen audience as the JSON the sending task takes."""
        data = self.cleaned_data
        kind = data["kind"]
        audience: dict = {"kind": kind}
        if kind == Kind.TOWNS:
            audience["towns"] = sorted(town.pk for town in data["towns"])
        elif kind == Kind.INDUSTRIES:
            audience["industries"] = sorted(industry.pk for industry in data["industries"])
        elif kind == Kind.EVENTS:
            audience["events"] = sorted(event.pk for event in data["events"])
        elif kind == Kind.EMAILS:
            audience["emails"] = data["addresses"]
        return audience
