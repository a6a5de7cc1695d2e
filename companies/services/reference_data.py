"""Reference data loaded by a data migration: WZ 2008 industries and certifications.

Functions take the model classes as arguments so the migration can pass its historical models.
Safe to run again: update_or_create by code.
"""

from __future__ import annotations

# (code, German name, English name, typical for the region)
WZ_SECTIONS: list[tuple[str, str, str]] = [
    ("A", "Land- und Forstwirtschaft, Fischerei", "Agriculture, forestry and fishing"),
    ("B", "Bergbau und Gewinnung von Steinen und Erden", "Mining and quarrying"),
    ("C", "Verarbeitendes Gewerbe", "Manufacturing"),
    ("D", "Energieversorgung", "Electricity, gas, steam and air conditioning supply"),
    (
        "E",
        "Wasserversorgung; Abwasser- und Abfallentsorgung",
        "Water supply; sewerage, waste management",
    ),
    ("F", "Baugewerbe", "Construction"),
    (
        "G",
        "Handel; Instandhaltung und Reparatur von Kraftfahrzeugen",
        "Wholesale and retail trade; repair of motor vehicles",
    ),
    ("H", "Verkehr und Lagerei", "Transportation and storage"),
    ("I", "Gastgewerbe", "Accommodation and food service"),
    ("J", "Information und Kommunikation", "Information and communication"),
    ("K", "Finanz- und Versicherungsdienstleistungen", "Financial and insurance activities"),
    ("L", "Grundstücks- und Wohnungswesen", "Real estate activities"),
    (
        "M",
        "Freiberufliche, wissenschaftliche und technische Dienstleistungen",
        "Professional, scientific and technical activities",
    ),
    (
        "N",
        "Sonstige wirtschaftliche Dienstleistungen",
        "Administrative and support service activities",
    ),
    (
        "O",
        "Öffentliche Verwaltung, Verteidigung; Sozialversicherung",
        "Public administration and defence; social security",
    ),
    ("P", "Erziehung und Unterricht", "Education"),
    ("Q", "Gesundheits- und Sozialwesen", "Human health and social work"),
    ("R", "Kunst, Unterhaltung und Erholung", "Arts, entertainment and recreation"),
    ("S", "Sonstige Dienstleistungen", "Other service activities"),
    ("T", "Private Haushalte", "Activities of households as employers"),
    ("U", "Exterritoriale Organisationen", "Extraterritorial organisations"),
]

# (code, section, German name, English name, typical for the region). The divisions (two digits)
# of WZ 2008; filled in by the companies issue's reference data work.
WZ_DIVISIONS: list[tuple[str, str, str, str, bool]] = []

CERTIFICATIONS: list[tuple[str, str]] = [
    ("iso-9001", "ISO 9001"),
    ("iso-13485", "ISO 13485"),
    ("iatf-16949", "IATF 16949"),
    ("iso-14001", "ISO 14001"),
    ("en-9100", "EN 9100"),
    ("iso-45001", "ISO 45001"),
    ("iso-50001", "ISO 50001"),
    ("iso-27001", "ISO/IEC 27001"),
]


def load_reference_data(industry_model, certification_model) -> None:
    sections = {}
    for code, name_de, name_en in WZ_SECTIONS:
        sections[code], _created = industry_model.objects.update_or_create(
            code=code, defaults={"name_de": name_de, "name_en": name_en, "section": None}
        )
    for code, section, name_de, name_en, is_focus in WZ_DIVISIONS:
        industry_model.objects.update_or_create(
            code=code,
            defaults={
                "name_de": name_de,
                "name_en": name_en,
                "section": sections[section],
                "is_regional_focus": is_focus,
            },
        )
    for code, name in CERTIFICATIONS:
        certification_model.objects.update_or_create(code=code, defaults={"name": name})
