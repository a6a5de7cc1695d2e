"""The directory's search and filters: a GET form, so every search is a link."""

from __future__ import annotations

from django import forms
from django.db.models import Q
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from kag_portal import caching

from ..models import Certification, Company, Industry, Town
from ..services.directory import DIRECTORY_SCOPE, DirectoryFilters
from ..services.search import MAX_QUERY_LENGTH
from ..tags import normalize_tag

# Towns, industries and certifications change seldom; every directory view needs them all. Kept
# until the directory changes (a town renamed, a company published in a new industry).
CHOICES_CACHE_KEY = "page:directory:filter-choices"
CHOICES_CACHE_SECONDS = 24 * 3600


def _choice_rows() -> dict[str, list[tuple]]:
    """Plain rows (no translated text) for the filter choices, cached under the directory's
    generation."""

    def load() -> dict[str, list[tuple]]:
        return {
            "towns": list(Town.objects.values_list("slug", "name")),
            # Every section, but only the divisions some public company is in: a shorter list
            # on a phone, and no choice that can only find nothing.
            "industries": list(
                Industry.objects.filter(
                    Q(section__isnull=True)
                    | Q(
                        companies__status=Company.Status.PUBLISHED,
                        companies__public_consent_at__isnull=False,
                    )
                )
                .distinct()
                .order_by("code")
                .values_list("code", "section__code", "name_de", "name_en")
            ),
            "certifications": list(Certification.objects.values_list("code", "name")),
        }

    stamps, found = caching.get_many_current({CHOICES_CACHE_KEY: [DIRECTORY_SCOPE]})
    if CHOICES_CACHE_KEY in found:
        return found[CHOICES_CACHE_KEY]
    rows = load()
    caching.set_current(CHOICES_CACHE_KEY, stamps[CHOICES_CACHE_KEY], rows, CHOICES_CACHE_SECONDS)
    return rows


def _industry_choices(rows: list[tuple], language: str) -> list:
    """Sections as groups; choosing a section takes in all its divisions."""
    groups: dict[str, list[tuple[str, str]]] = {}
    labels: dict[str, str] = {}
    for code, section, name_de, name_en in rows:
        name = name_en if language == "en" else name_de
        if section is None:
            labels[code] = f"{code} {name}"
            groups.setdefault(code, []).insert(
                0, (code, _("%(section)s – all") % {"section": labels[code]})
            )
        else:
            groups.setdefault(section, []).append((code, f"{code} {name}"))
    choices: list = [("", _("All industries"))]
    for code in sorted(groups):
        choices.append((labels.get(code, code), groups[code]))
    return choices


class SearchField(forms.CharField):
    """The search box: a NUL character (pasted, or a probe) counts as a space, so the search
    still runs instead of being dropped (which would list every company)."""

    def to_python(self, value) -> str:
        return str(super().to_python(value) or "").replace("\x00", " ")


class DirectoryFilterForm(forms.Form):
    # The filter fields sit in a sidebar outside the <form> element and join it by its id.
    FORM_ID = "directory-form"

    q = SearchField(
        label=_("Search"),
        required=False,
        widget=forms.SearchInput(attrs={"maxlength": MAX_QUERY_LENGTH}),
        help_text=_("A company name or what you are looking for, e.g. “Spannzange”."),
    )
    town = forms.ChoiceField(label=_("Town"), required=False)
    industry = forms.ChoiceField(label=_("Industry"), required=False)
    offer = forms.CharField(label=_("Offers"), required=False, max_length=60)
    need = forms.CharField(label=_("Is looking for"), required=False, max_length=60)
    certification = forms.ChoiceField(label=_("Certification"), required=False)
    size = forms.ChoiceField(
        label=_("Size"),
        required=False,
        choices=[("", _("Any size")), *Company.SizeBand.choices],
    )
    trainees = forms.BooleanField(
        label=_("Offers apprenticeships or trainee places"), required=False
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        rows = _choice_rows()
        self.fields["town"].choices = [("", _("All towns")), *rows["towns"]]
        self.fields["industry"].choices = _industry_choices(
            rows["industries"], get_language() or "de"
        )
        self.fields["certification"].choices = [
            ("", _("Any certification")),
            *rows["certifications"],
        ]
        for name, field in self.fields.items():
            if name != "q":
                field.widget.attrs["form"] = self.FORM_ID
        for name in ("offer", "need"):
            # static/js/tag-input.js fills the <datalist> from companies:tag_suggest as you type.
            self.fields[name].widget.attrs.update(
                {"data-tag-input": "", "list": f"{name}-suggestions", "autocomplete": "off"}
            )

    def clean_q(self) -> str:
        # An over-long search (a pasted paragraph) is cut, not refused.
        return " ".join(self.cleaned_data["q"].split())[:MAX_QUERY_LENGTH]

    def clean_offer(self) -> str:
        return normalize_tag(self.cleaned_data["offer"])

    def clean_need(self) -> str:
        return normalize_tag(self.cleaned_data["need"])

    def filters(self) -> DirectoryFilters:
        """The valid part of the search: a wrong value in one field (an old link to a town
        that was renamed) drops that filter only, and the form says so beside the field."""
        if not self.is_bound:
            return DirectoryFilters()
        self.is_valid()
        data = self.cleaned_data
        return DirectoryFilters(
            q=data.get("q", "") or "",
            town=data.get("town", "") or "",
            industry=data.get("industry", "") or "",
            offer=data.get("offer", "") or "",
            need=data.get("need", "") or "",
            certification=data.get("certification", "") or "",
            size=data.get("size", "") or "",
            trainees=bool(data.get("trainees")),
        )
