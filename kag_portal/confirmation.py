"""Ask before a step that cannot be taken back (cancelling a registration, leaving a company,
removing an image): the button is a link to a GET of the action's URL, which shows this page; its
form POSTs to the same URL, which does it. Without JavaScript, and the same for every such step."""

from __future__ import annotations

from collections.abc import Sequence

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _


def ask_first(
    request: HttpRequest,
    *,
    title: str,
    subject: str,
    consequences: Sequence[str],
    confirm_label: str,
    back_url: str,
    back_label: str | None = None,
    hidden: Sequence[tuple[str, object]] = (),
) -> HttpResponse:
    """The page that asks "really?": what the step is about (subject), what happens (each
    consequence a sentence), a red button that does it and a link back that keeps everything.
    `hidden`: (name, value) pairs the POST carries on (a plan version, which person)."""
    return render(
        request,
        "confirm.html",
        {
            "title": title,
            "subject": subject,
            "consequences": consequences,
            "confirm_label": confirm_label,
            "back_url": back_url,
            "back_label": back_label or _("No, go back"),
            "hidden": hidden,
        },
    )
