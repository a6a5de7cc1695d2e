"""Forms of the staff area (/staff/companies/)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from ..models import Company, Tag
from ..services.csv_io import MAX_FILE_BYTES, CsvFileError, decode_upload
from ..tags import MAX_TAG_LENGTH, normalize_tag


class RejectForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"),
        help_text=_("The owner reads this in the mail and on their page. Say what to change."),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 5}),
    )

    def clean_reason(self) -> str:
        reason = self.cleaned_data["reason"].strip()
        if not reason:
            raise forms.ValidationError(_("Please give a reason: the owner reads it."))
        return reason


class CompanyFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("all")), *Company.Status.choices],
    )
    q = forms.CharField(label=_("Name contains"), required=False, max_length=100)


class TagSearchForm(forms.Form):
    q = forms.CharField(label=_("Tag contains"), required=False, max_length=MAX_TAG_LENGTH)


class TagRenameForm(forms.Form):
    name = forms.CharField(label=_("New name"), max_length=MAX_TAG_LENGTH)

    def clean_name(self) -> str:
        name = " ".join(self.cleaned_data["name"].split())
        if not normalize_tag(name):
            raise forms.ValidationError(_("Please enter a name with at least one letter or digit."))
        return name


class TagMergeForm(forms.Form):
    """Merge the selected tags into the one chosen to remain."""

    tags = forms.ModelMultipleChoiceField(
        queryset=Tag.objects.all(), widget=forms.MultipleHiddenInput
    )
    target = forms.ModelChoiceField(
        label=_("Which tag remains?"),
        queryset=Tag.objects.all(),
        widget=forms.RadioSelect,
        empty_label=None,
    )

    def __init__(self, *args, selected=None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if selected is not None:
            self.fields["target"].queryset = selected

    def clean(self) -> dict:
        cleaned = super().clean()
        tags, target = cleaned.get("tags"), cleaned.get("target")
        if tags is not None and len(tags) < 2:
            raise forms.ValidationError(_("Select at least two tags to merge."))
        if tags is not None and target is not None and target not in tags:
            self.add_error("target", _("Choose one of the selected tags."))
        return cleaned


class ImportUploadForm(forms.Form):
    file = forms.FileField(
        label=_("CSV file"),
        help_text=_("At most 2 MB and 5,000 rows."),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.txt,text/csv"}),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_FILE_BYTES:
            raise forms.ValidationError(
                _("The file is larger than 2 MB. Please split it into smaller files.")
            )
        try:
            self.text, self.encoding = decode_upload(upload.read())
        except CsvFileError as error:
            raise forms.ValidationError(str(error)) from error
        return upload


class ImportCommitForm(forms.Form):
    # Ties the commit to the preview the person saw (another tab may have uploaded a new file).
    digest = forms.CharField(widget=forms.HiddenInput, max_length=64)
