from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from companies.models import Company, Cooperation
from companies.services.logos import ImageMessages, process_image
from events.models import Event

from .models import Story, StoryImage

# A story's photos are shown up to the width of the text column and printed.
IMAGE_BOX = (1600, 1600)

IMAGE_MESSAGES = ImageMessages(
    too_large=_("The file is too large (%(size)s MB). An image may have at most 2 MB."),
    too_large_unknown=_("The file is too large. An image may have at most 2 MB."),
    not_an_image=_(
        "This file is not a PNG, JPEG or WebP image. Please upload the image in one of these "
        "formats (SVG is not possible)."
    ),
    too_many_pixels=_(
        "The image is too large (%(width)s × %(height)s pixels). An image may have at most "
        "%(max)s × %(max)s pixels."
    ),
    too_few_pixels=_(
        "The image is too small (%(width)s × %(height)s pixels). An image needs at least "
        "%(min)s × %(min)s pixels."
    ),
)


class StoryForm(forms.ModelForm):
    class Meta:
        model = Story
        fields = ["title", "lead", "body", "event"]
        widgets = {
            "lead": forms.Textarea(attrs={"rows": 3}),
            "body": forms.Textarea(attrs={"rows": 16}),
        }

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # Only events that took place or are public: a draft event is nobody's beginning.
        self.fields["event"].queryset = Event.objects.exclude(status=Event.Status.DRAFT).order_by(
            "-starts_at"
        )
        self.fields["event"].required = False


class NewStoryForm(StoryForm):
    cooperation = forms.ModelChoiceField(
        queryset=None,
        label=_("Cooperation"),
        help_text=_("Only cooperations every company in them has confirmed."),
    )

    class Meta(StoryForm.Meta):
        fields = ["cooperation", *StoryForm.Meta.fields]

    def __init__(self, *args, cooperations, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["cooperation"].queryset = cooperations
        self.fields["cooperation"].label_from_instance = cooperation_label


def cooperation_label(cooperation) -> str:
    names = " & ".join(company.name for company in cooperation.companies.all())
    return f"{names}: {cooperation.description[:80]}"


class StoryImageForm(forms.ModelForm):
    image = forms.FileField(
        label=_("Image"),
        help_text=_("PNG, JPEG or WebP, at most 2 MB. We reduce it to 1600 × 1600 pixels."),
        widget=forms.FileInput(attrs={"accept": "image/png,image/jpeg,image/webp"}),
        error_messages={"required": _("Please choose a file.")},
    )

    class Meta:
        model = StoryImage
        fields = ["image", "alt_text"]

    def clean_image(self):
        upload = self.cleaned_data["image"]
        # The processed bytes are stored; the upload itself never is.
        self.processed = process_image(upload, output_box=IMAGE_BOX, messages=IMAGE_MESSAGES)
        return upload

    def save(self, commit=True):  # pragma: no cover - the view stores through services.add_image
        raise NotImplementedError


class StaffCooperationForm(forms.Form):
    """Staff record a cooperation they heard of; every company named confirms it."""

    companies = forms.ModelMultipleChoiceField(
        label=_("Companies working together"),
        queryset=Company.objects.filter(status=Company.Status.PUBLISHED).order_by("name"),
        help_text=_("At least two. Each company's people are asked to confirm."),
    )
    description = forms.CharField(
        label=_("What do they do together?"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    started_on = forms.DateField(
        label=_("Started on"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    origin = forms.ChoiceField(label=_("How it began"), choices=Cooperation.Origin.choices)
    would_have_happened_without_kag = forms.ChoiceField(
        label=_("Would it have come about without the KAG network?"),
        choices=[("", _("not asked yet")), *Cooperation.WithoutKag.choices],
        required=False,
    )

    def clean_companies(self):
        companies = self.cleaned_data["companies"]
        if len(companies) < 2:
            raise forms.ValidationError(_("Please choose at least two companies."))
        return companies

    def clean_started_on(self):
        started_on = self.cleaned_data["started_on"]
        if started_on > timezone.localdate():
            raise forms.ValidationError(_("The start cannot lie in the future."))
        return started_on
