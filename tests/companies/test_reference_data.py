from __future__ import annotations

import pytest

from companies.models import Certification, Industry
from companies.services.reference_data import WZ_DIVISIONS, WZ_SECTIONS, load_reference_data

pytestmark = pytest.mark.django_db


def test_the_migration_loads_all_21_sections_and_88_divisions_of_wz_2008():
    assert Industry.objects.filter(section=None).count() == 21
    assert Industry.objects.exclude(section=None).count() == 88


def test_every_division_has_a_two_digit_code_both_names_and_a_known_section():
    sections = {code for code, _de, _en in WZ_SECTIONS}
    for code, section, name_de, name_en, _focus in WZ_DIVISIONS:
        assert len(code) == 2, code
        assert code.isdigit(), code
        assert section in sections, code
        assert name_de, code
        assert name_en, code


def test_divisions_hang_under_the_right_section():
    assert Industry.objects.get(code="28").section.code == "C"
    assert Industry.objects.get(code="62").section.code == "J"
    assert Industry.objects.get(code="55").section.code == "I"
    assert list(Industry.objects.get(code="F").divisions.values_list("code", flat=True)) == [
        "41",
        "42",
        "43",
    ]


def test_the_regions_typical_industries_are_marked():
    focus = set(Industry.objects.filter(is_regional_focus=True).values_list("code", flat=True))
    # Fabricated metal products (incl. clamping tools and gunsmiths), measuring and optics,
    # machinery, glass, plastics, hotels in Oberhof, IT, engineering offices, training academies.
    assert {"22", "23", "25", "26", "27", "28", "55", "62", "71", "85", "93"} <= focus
    assert "12" not in focus  # tobacco
    assert Industry.objects.get(code="26").name_for("en") == (
        "Manufacture of computer, electronic and optical products"
    )


def test_loading_the_reference_data_again_changes_nothing():
    before = (Industry.objects.count(), Certification.objects.count())
    Industry.objects.filter(code="28").update(name_de="verändert", is_regional_focus=False)

    load_reference_data(Industry, Certification)

    assert (Industry.objects.count(), Certification.objects.count()) == before
    machinery = Industry.objects.get(code="28")
    assert machinery.name_de == "Maschinenbau"
    assert machinery.is_regional_focus
