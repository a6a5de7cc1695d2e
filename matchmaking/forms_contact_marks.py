"""The follow-up form after the evening: per partner "stay in touch" and a private note."""

from __future__ import annotations

from django import forms
from django.forms import BaseFormSet, formset_factory
from django.utils.translation import gettext_lazy as _

from .services.contact_marks import MarkInput, Partner


class ContactMarkForm(forms.Form):
    partner = forms.IntegerField(widget=forms.HiddenInput)
    wants_contact = forms.BooleanField(label=_("I would like to stay in touch"), required=False)
    note = forms.CharField(
        label=_("Private note (only you see it)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class BaseContactMarkFormSet(BaseFormSet):
    """One form per partner. A partner id the person did not sit with (a forged form) makes the
    whole form invalid rather than being ignored."""

    def __init__(self, *args, partners: list[Partner], **kwargs) -> None:
        self.partners = {partner.registration.pk: partner for partner in partners}
        kwargs.setdefault(
            "initial",
            [
                {
                    "partner": partner.registration.pk,
                    "wants_contact": partner.wants_contact,
                    "note": partner.note,
                }
                for partner in partners
            ],
        )
        super().__init__(*args, **kwargs)

    def clean(self) -> None:
        if any(self.errors):
            return
        seen: set[int] = set()
        for form in self.forms:
            partner_id = form.cleaned_data.get("partner")
            if partner_id not in self.partners:
                raise forms.ValidationError(
                    _("You can only mark people you sat with at this event.")
                )
            if partner_id in seen:
                raise forms.ValidationError(_("Each partner can be marked once."))
            seen.add(partner_id)

    def rows(self) -> list[tuple[forms.Form, Partner | None]]:
        """Each form with the partner it is about, for the template."""
        rows = []
        for form in self.forms:
            try:
                partner_id = int(form["partner"].value())
            except (TypeError, ValueError):
                partner_id = None
            rows.append((form, self.partners.get(partner_id)))
        return rows

    def marks(self) -> list[MarkInput]:
        return [
            MarkInput(
                partner_id=form.cleaned_data["partner"],
                wants_contact=form.cleaned_data["wants_contact"],
                note=form.cleaned_data["note"],
            )
            for form in self.forms
        ]


def contact_mark_formset(partners: list[Partner]) -> type[BaseContactMarkFormSet]:
    # No more forms than partners: a tampered TOTAL_FORMS count is refused, not processed.
    return formset_factory(
        ContactMarkForm,
        formset=BaseContactMarkFormSet,
        extra=0,
        max_num=len(partners),
        validate_max=True,
        absolute_max=max(len(partners), 1),
    )
