"""The text the directory searches in, kept on the company row."""

from __future__ import annotations

from ..models import Company


def refresh_search_document(company: Company) -> None:
    """Rebuild the search text after a profile or its tags changed. Call it from every service
    that changes name, descriptions, town, industry, offers or needs."""
    parts = [
        company.name,
        company.short_description,
        company.description,
        company.town.name if company.town_id else "",
        company.industry.name_de if company.industry_id else "",
        " ".join(tag.name for tag in company.offers.all()),
        " ".join(tag.name for tag in company.needs.all()),
    ]
    document = "\n".join(part for part in parts if part)
    Company.objects.filter(pk=company.pk).update(search_document=document)
    company.search_document = document
