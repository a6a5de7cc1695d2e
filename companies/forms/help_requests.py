"""Forms of the requests board. They validate input; the rules live in services/help_requests.py."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ..models import Company, HelpOffer, HelpRequest
from ..services.help_requests import MAX_TAGS
from ..tags import split_tags


class CompanyChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Company) -> str:
        return f"{obj.name} ({obj.town.name})"


class HelpRequestForm(forms.Form):
    """Post or change a request. `companies`: the person's public companies; the choice is shown
    only when there is more than one (and never when editing)."""

    company = CompanyChoiceField(
        label=_("For which company?"), queryset=Company.objects.none(), empty_label=None
    )
    title = forms.CharField(
        label=_("What are you looking for?"),
        max_length=HelpRequest._meta.get_field("title").max_length,
        help_text=_("One short sentence, e.g. “Special collets for a small batch”."),
    )
    description = forms.CharField(
        label=_("Details"),
        max_length=HelpRequest._meta.get_field("description").max_length,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_(
            "Quantity, material, drawings, where and when. Markdown is allowed "
            "(**bold**, lists with -)."
        ),
    )
    tags = forms.CharField(
        label=_("Keywords"),
        max_length=600,
        help_text=_(
            "Separate them with commas, e.g. “Spannzangen, Kleinserie”. Companies that offer "
            "these find your request."
        ),
    )
    deadline = forms.DateField(
        label=_("Needed by (optional)"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )

    def __init__(self, *args, companies: list[Company] | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        companies = companies or []
        if len(companies) > 1:
            self.fields["company"].queryset = Company.objects.filter(
                pk__in=[c.pk for c in companies]
            ).select_related("town")
        else:
            del self.fields["company"]
            self.only_company = companies[0] if companies else None

    def clean_title(self) -> str:
        title = " ".join(self.cleaned_data["title"].split())
        if not title:
            raise forms.ValidationError(_("Please say in a few words what you are looking for."))
        return title

    def clean_description(self) -> str:
        description = self.cleaned_data["description"].strip()
        if not description:
            raise forms.ValidationError(_("Please describe what you need."))
        return description

    def clean_tags(self) -> list[str]:
        labels = split_tags(self.cleaned_data["tags"])
        if not labels:
            raise forms.ValidationError(_("Please give at least one keyword."))
        if len(labels) > MAX_TAGS:
            raise forms.ValidationError(
                _("Please use at most %(count)d keywords.") % {"count": MAX_TAGS}
            )
        return labels

    def clean_deadline(self):
        deadline = self.cleaned_data["deadline"]
        initial = self.initial.get("deadline")
        # When editing, a deadline that has passed since posting may stay as it is.
        if deadline and deadline != initial and deadline < timezone.localdate():
            raise forms.ValidationError(_("The date lies in the past."))
        return deadline

    def chosen_company(self) -> Company | None:
        return self.cleaned_data.get("company") or getattr(self, "only_company", None)

    def request_fields(self) -> dict:
        """What the services take to post or change a request."""
        return {
            "title": self.cleaned_data["title"],
            "description": self.cleaned_data["description"],
            "tag_labels": self.cleaned_data["tags"],
            "deadline": self.cleaned_data["deadline"],
        }


class AnswerForm(forms.Form):
    company = CompanyChoiceField(
        label=_("Answer for"), queryset=Company.objects.none(), empty_label=None
    )
    message = forms.CharField(
        label=_("Your message"),
        max_length=HelpOffer._meta.get_field("message").max_length,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_(
            "How can you help? Your company's contact details and your name and e-mail address "
            "are sent with it."
        ),
    )

    def __init__(self, *args, companies: list[Company], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["company"].queryset = Company.objects.filter(
            pk__in=[c.pk for c in companies]
        ).select_related("town")
        if len(companies) == 1:
            self.fields["company"].widget = forms.HiddenInput()
            self.fields["company"].initial = companies[0].pk

    def clean_message(self) -> str:
        message = self.cleaned_data["message"].strip()
        if not message:
            raise forms.ValidationError(_("Please write a short message."))
        return message


class CloseForm(forms.Form):
    helped_by = CompanyChoiceField(
        label=_("Who helped?"),
        queryset=Company.objects.none(),
        required=False,
        empty_label=_("Nobody from the portal"),
        # Without blank=True Django drops the empty choice from radio buttons.
        blank=True,
        widget=forms.RadioSelect,
        help_text=_("The company you name is asked to confirm the cooperation."),
    )

    def __init__(self, *args, answering: list[Company], **kwargs):
        super().__init__(*args, **kwargs)
        self.answering = answering
        self.fields["helped_by"].queryset = Company.objects.filter(
            pk__in=[c.pk for c in answering]
        ).select_related("town")
        # Nothing preselected: closing with a helper is what records the cooperation, so the
        # requester chooses on purpose, "nobody" included.
        self.initial.setdefault("helped_by", "-")

    def clean(self):
        cleaned = super().clean()
        if self.answering and "helped_by" not in self.data:
            self.add_error(
                "helped_by", _("Please choose who helped – or “Nobody from the portal”.")
            )
        return cleaned


class HelpRequestFilterForm(forms.Form):
    tag = forms.CharField(label=_("Keyword"), required=False, max_length=60)
    mine = forms.BooleanField(
        label=_("Only requests that match my company's offers"), required=False
    )
