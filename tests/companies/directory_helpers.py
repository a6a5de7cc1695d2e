"""Helpers for the directory, search and matching tests (engineer A's area)."""

from __future__ import annotations

from companies.models import Company, Industry
from companies.services.search import refresh_search_document
from tests.factories import CompanyFactory, TownFactory


def listed(**fields) -> Company:
    """A published company whose search text is current, as the profile services leave it."""
    fields.setdefault("published", True)
    company = CompanyFactory(**fields)
    refresh_search_document(company)
    return company


def town(name: str) -> object:
    return TownFactory(name=name, slug=name.lower())


def division(code: str, section: str = "C") -> Industry:
    """A WZ division; made here if the test database predates the reference data."""
    industry, _created = Industry.objects.get_or_create(
        code=code,
        defaults={
            "section": Industry.objects.get(code=section),
            "name_de": f"Abteilung {code}",
            "name_en": f"Division {code}",
        },
    )
    return industry


def names(response) -> list[str]:
    """The company names on a directory page, in order."""
    return [company.name for company in response.context["companies"]]
