"""Forms for members: asking to join, inviting, roles, deleting a company."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from ..models import Membership


class JoinSearchForm(forms.Form):
    q = forms.CharField(
        label=_("Name of the company"),
        required=False,
        max_length=100,
        widget=forms.TextInput(attrs={"type": "search", "autocomplete": "organization"}),
    )


class JoinRequestForm(forms.Form):
    message = forms.CharField(
        label=_("Message to the owner (optional)"),
        required=False,
        max_length=1000,
        help_text=_("For example who you are in the company."),
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class InviteForm(forms.Form):
    email = forms.EmailField(
        label=_("E-mail address of your colleague"),
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "off"}),
    )
    role = forms.ChoiceField(
        label=_("Role"),
        choices=Membership.Role.choices,
        initial=Membership.Role.EDITOR,
        widget=forms.RadioSelect,
        help_text=_("Editors can change the profile. Owners can also manage the members."),
    )


class RoleForm(forms.Form):
    role = forms.ChoiceField(label=_("Role"), choices=Membership.Role.choices)


class DeleteCompanyForm(forms.Form):
    confirm = forms.BooleanField(
        label=_("Yes, delete the company with its profile, members and requests for good."),
        error_messages={"required": _("Please tick the box to confirm.")},
    )
