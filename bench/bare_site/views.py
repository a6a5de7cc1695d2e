"""The two yardstick pages. Naive on purpose: what a first Django version of the page would do."""

from django.shortcuts import render

from .models import Company

PAGE_SIZE = 20


def template_page(request):
    """A ~15 KB template, a few variables and a loop, no query."""
    items = [{"number": n, "title": f"Abschnitt {n}"} for n in range(1, 13)]
    return render(request, "bare/page.html", {"title": "KAG Oberzentrum", "items": items})


def directory_page(request):
    """COUNT and the first 20 published companies by name with town and tags: 4 queries."""
    companies = Company.objects.filter(status="published", public_consent_at__isnull=False)
    count = companies.count()
    page = (
        companies.select_related("town")
        .prefetch_related("offers", "needs")
        .order_by("name")[:PAGE_SIZE]
    )
    return render(request, "bare/directory.html", {"count": count, "companies": page})
