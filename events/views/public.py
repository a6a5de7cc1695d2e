from __future__ import annotations

from django.shortcuts import render


def event_list(request):
    return render(request, "events/list.html")
