"""Forms of the company wizard and the profile pages (basics, offers and needs, consent, logo)."""

from __future__ import annotations

from django import forms
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from ..models import Certification, Company, Industry, Town
from ..services.logos import process_logo
from ..services.profiles import BASIC_FIELDS, MAX_TAGS_PER_LIST
from ..tags import split_tags

EMPTY_CHOICE = ("", "–––")


def town_choices() -> list:
    """The four KAG towns first, then the other towns of the region."""
    kag, other = [], []
    for town in Town.objects.order_by("-is_kag_member", "name"):
        (kag if town.is_kag_member else other).append((town.pk, town.name))
    choices: list = [EMPTY_CHOICE]
    if kag:
        choices.append((_("KAG towns"), kag))
    if other:
        choices.append((_("Other towns of the region"), other))
    return choices


def industry_choices(language: str | None = None) -> list:
    """WZ 2008 grouped by section, the region's typical divisions first. A section without
    divisions (before the division data is loaded) can be chosen itself."""
    language = language or translation.get_language() or "de"
    industries = list(Industry.objects.order_by("code"))
    sections = [i for i in industries if i.section_id is None]
    divisions_by_section: dict[int, list[Industry]] = {}
    for industry in industries:
        if industry.section_id is not None:
            divisions_by_section.setdefault(industry.section_id, []).append(industry)

    def label(industry: Industry) -> str:
        return f"{industry.code} – {industry.name_for(language)}"

    choices: list = [EMPTY_CHOICE]
    focus = [i for i in industries if i.is_regional_focus]
    if focus:
        choices.append((_("Typical in the region"), [(i.pk, label(i)) for i in focus]))
    for section in sections:
        members = divisions_by_section.get(section.pk) or [section]
        choices.append((label(section), [(i.pk, label(i)) for i in members]))
    return choices


class CompanyBasicsForm(forms.ModelForm):
    website = forms.URLField(
        label=_("Website"),
        required=False,
        max_length=200,
        assume_scheme="https",
        help_text=_("For example www.spannwerk-suhl.de"),
        widget=forms.URLInput(attrs={"autocomplete": "url"}),
    )
    postal_code = forms.CharField(
        label=_("Postal code"),
        required=False,
        max_length=5,
        validators=[RegexValidator(r"^\d{5}$", _("Please enter five digits, e.g. 98527."))],
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "postal-code"}),
    )
    public_phone = forms.CharField(
        label=_("Public phone"),
        required=False,
        max_length=40,
        validators=[
            RegexValidator(
                r"^\+?[0-9 ()/\-]{4,40}$",
                _("Please enter a phone number with digits, e.g. 03681 123456."),
            )
        ],
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"}),
    )
    certifications = forms.ModelMultipleChoiceField(
        label=_("Certifications"),
        queryset=Certification.objects.order_by("name"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    apprenticeship_places = forms.IntegerField(
        label=_("Apprenticeship places per year"),
        min_value=0,
        max_value=999,
        initial=0,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )
    internship_places = forms.IntegerField(
        label=_("Internship and trainee places per year"),
        min_value=0,
        max_value=999,
        initial=0,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )

    class Meta:
        model = Company
        fields = [*BASIC_FIELDS, "certifications"]
        widgets = {
            "name": forms.TextInput(attrs={"autocomplete": "organization"}),
            "street": forms.TextInput(attrs={"autocomplete": "address-line1"}),
            "public_email": forms.EmailInput(attrs={"autocomplete": "email"}),
            "short_description": forms.TextInput(),
            "description": forms.Textarea(attrs={"rows": 8}),
            "founded_year": forms.NumberInput(attrs={"inputmode": "numeric"}),
        }
        help_texts = {
            "name": _("As it is written, e.g. “Spannwerk Suhl GmbH”."),
            "industry": _(
                "The economic sector (WZ 2008). Typical industries of the region are at the top."
            ),
            "short_description": _(
                "What does your company do? One sentence, shown in the directory."
            ),
            "description": _(
                "More about your company. You can use Markdown: **bold**, lists with -, links."
            ),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "town" in self.fields:
            self.fields["town"].choices = town_choices()
        if "industry" in self.fields:
            self.fields["industry"].choices = industry_choices()
        self.fields["size_band"].choices = [EMPTY_CHOICE, *Company.SizeBand.choices]
        if "founded_year" in self.fields:
            self.fields["founded_year"].validators += [
                MinValueValidator(1500),
                MaxValueValidator(timezone.now().year),
            ]
            year = timezone.now().year
            self.fields["founded_year"].widget.attrs.update({"min": 1500, "max": year})

    def clean_name(self) -> str:
        name = " ".join(self.cleaned_data["name"].split())
        if not any(char.isalnum() for char in name):
            raise forms.ValidationError(
                _("Please enter the name of your company."), code="no_letters"
            )
        return name

    def clean_short_description(self) -> str:
        return " ".join(self.cleaned_data["short_description"].split())

    def profile_fields(self) -> dict:
        return {name: self.cleaned_data[name] for name in BASIC_FIELDS}


class CompanyImportRowForm(CompanyBasicsForm):
    """One row of a CSV import (companies.services.csv_io), checked by the profile's own field
    rules for the columns a file has. The import resolves town, industry and certifications by
    their names in a fixed number of queries for the whole file, so this form does not look
    them up row by row; and an imported draft may still lack its one sentence, which the owner
    adds in the wizard."""

    class Meta(CompanyBasicsForm.Meta):
        fields = [
            "name",
            "street",
            "postal_code",
            "website",
            "public_email",
            "public_phone",
            "short_description",
            "size_band",
        ]

    certifications = None
    apprenticeship_places = None
    internship_places = None

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["short_description"].required = False


class TagListField(forms.CharField):
    """Terms separated by commas; cleans to a list of labels (duplicates by spelling dropped)."""

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        kwargs.setdefault("max_length", 3000)
        super().__init__(**kwargs)

    def clean(self, value):
        text = super().clean(value)
        labels = split_tags(text)
        if len(labels) > MAX_TAGS_PER_LIST:
            raise forms.ValidationError(
                _("Please enter at most %(count)s terms (you entered %(entered)s).")
                % {"count": MAX_TAGS_PER_LIST, "entered": len(labels)}
            )
        return labels


class CompanyTagsForm(forms.Form):
    offers = TagListField(
        label=_("What does your company offer?"),
        help_text=_(
            "Products, services, skills. Separate the terms with commas, e.g. "
            "“Spannzangen, Sonderspannmittel, Härten”."
        ),
    )
    needs = TagListField(
        label=_("What is your company looking for?"),
        help_text=_(
            "Suppliers, services, partners, staff. Separate the terms with commas, e.g. "
            "“Beschichtung, Auszubildende, Exportberatung”."
        ),
    )

    def __init__(self, *args, company: Company | None = None, **kwargs):
        if company is not None and "initial" not in kwargs:
            kwargs["initial"] = {
                "offers": ", ".join(tag.name for tag in company.offers.all()),
                "needs": ", ".join(tag.name for tag in company.needs.all()),
            }
        super().__init__(*args, **kwargs)
        for name in ("offers", "needs"):
            self.fields[name].widget.attrs.update(
                {
                    "autocomplete": "off",
                    "list": f"{name}-suggestions",
                    "class": "tag-input",
                    "data-tag-input": "",
                }
            )


class ConsentForm(forms.Form):
    consent = forms.BooleanField(
        label=_(
            "We agree that our company profile appears in the public directory of the KAG Portal."
        ),
        error_messages={
            "required": _("Please tick the box if you agree. Without it the profile stays private.")
        },
    )


class LogoForm(forms.Form):
    logo = forms.FileField(
        label=_("Logo"),
        help_text=_("PNG, JPEG or WebP, at most 2 MB. We reduce it to 400 × 400 pixels."),
        widget=forms.FileInput(attrs={"accept": "image/png,image/jpeg,image/webp"}),
        error_messages={"required": _("Please choose a file.")},
    )

    def clean_logo(self):
        upload = self.cleaned_data["logo"]
        # The processed bytes; the upload itself is never stored.
        self.processed = process_logo(upload)
        return upload
