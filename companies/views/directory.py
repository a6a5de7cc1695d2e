from __future__ import annotations

from django.shortcuts import render

from ..models import Town


def directory(request):
    towns = Town.objects.filter(is_kag_member=True)
    return render(request, "companies/directory.html", {"towns": towns})
