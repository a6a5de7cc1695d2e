"""Reference data loaded by a data migration: WZ 2008 industries and certifications.

Functions take the model classes as arguments so the migration can pass its historical models.
Safe to run again: update_or_create by code.
"""

from __future__ import annotations

# (code, German name, English name): the 21 sections (letters) of WZ 2008.
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

# (code, section, German name, English name, typical for the region): the 88 divisions (two
# digits) of WZ 2008 with the Federal Statistical Office's German names and the NACE Rev. 2 English
# names. "Typical for the region" (South Thuringia: precision and measuring technology, clamping
# and tool making, glass, plastics, drives and sensors, gunsmiths (WZ 25.4 "Waffen und Munition"),
# automotive suppliers, tourism and winter sport in Oberhof, training academies) puts a division at
# the top of the choice lists; it never hides the others.
WZ_DIVISIONS: list[tuple[str, str, str, str, bool]] = [
    # A
    (
        "01",
        "A",
        "Landwirtschaft, Jagd und damit verbundene Tätigkeiten",
        "Crop and animal production, hunting and related service activities",
        False,
    ),
    ("02", "A", "Forstwirtschaft und Holzeinschlag", "Forestry and logging", False),
    ("03", "A", "Fischerei und Aquakultur", "Fishing and aquaculture", False),
    # B
    ("05", "B", "Kohlenbergbau", "Mining of coal and lignite", False),
    (
        "06",
        "B",
        "Gewinnung von Erdöl und Erdgas",
        "Extraction of crude petroleum and natural gas",
        False,
    ),
    ("07", "B", "Erzbergbau", "Mining of metal ores", False),
    (
        "08",
        "B",
        "Gewinnung von Steinen und Erden, sonstiger Bergbau",
        "Other mining and quarrying",
        False,
    ),
    (
        "09",
        "B",
        "Erbringung von Dienstleistungen für den Bergbau und für die Gewinnung von Steinen "
        "und Erden",
        "Mining support service activities",
        False,
    ),
    # C
    (
        "10",
        "C",
        "Herstellung von Nahrungs- und Futtermitteln",
        "Manufacture of food products",
        False,
    ),
    ("11", "C", "Getränkeherstellung", "Manufacture of beverages", False),
    ("12", "C", "Tabakverarbeitung", "Manufacture of tobacco products", False),
    ("13", "C", "Herstellung von Textilien", "Manufacture of textiles", False),
    ("14", "C", "Herstellung von Bekleidung", "Manufacture of wearing apparel", False),
    (
        "15",
        "C",
        "Herstellung von Leder, Lederwaren und Schuhen",
        "Manufacture of leather and related products",
        False,
    ),
    (
        "16",
        "C",
        "Herstellung von Holz-, Flecht-, Korb- und Korkwaren (ohne Möbel)",
        "Manufacture of wood and of products of wood and cork, except furniture; manufacture "
        "of articles of straw and plaiting materials",
        False,
    ),
    (
        "17",
        "C",
        "Herstellung von Papier, Pappe und Waren daraus",
        "Manufacture of paper and paper products",
        False,
    ),
    (
        "18",
        "C",
        "Herstellung von Druckerzeugnissen; Vervielfältigung von bespielten Ton-, Bild- und "
        "Datenträgern",
        "Printing and reproduction of recorded media",
        False,
    ),
    (
        "19",
        "C",
        "Kokerei und Mineralölverarbeitung",
        "Manufacture of coke and refined petroleum products",
        False,
    ),
    (
        "20",
        "C",
        "Herstellung von chemischen Erzeugnissen",
        "Manufacture of chemicals and chemical products",
        False,
    ),
    (
        "21",
        "C",
        "Herstellung von pharmazeutischen Erzeugnissen",
        "Manufacture of basic pharmaceutical products and pharmaceutical preparations",
        False,
    ),
    (
        "22",
        "C",
        "Herstellung von Gummi- und Kunststoffwaren",
        "Manufacture of rubber and plastic products",
        True,
    ),
    (
        "23",
        "C",
        "Herstellung von Glas und Glaswaren, Keramik, Verarbeitung von Steinen und Erden",
        "Manufacture of other non-metallic mineral products",
        True,
    ),
    ("24", "C", "Metallerzeugung und -bearbeitung", "Manufacture of basic metals", True),
    (
        "25",
        "C",
        "Herstellung von Metallerzeugnissen",
        "Manufacture of fabricated metal products, except machinery and equipment",
        True,
    ),
    (
        "26",
        "C",
        "Herstellung von Datenverarbeitungsgeräten, elektronischen und optischen Erzeugnissen",
        "Manufacture of computer, electronic and optical products",
        True,
    ),
    (
        "27",
        "C",
        "Herstellung von elektrischen Ausrüstungen",
        "Manufacture of electrical equipment",
        True,
    ),
    ("28", "C", "Maschinenbau", "Manufacture of machinery and equipment n.e.c.", True),
    (
        "29",
        "C",
        "Herstellung von Kraftwagen und Kraftwagenteilen",
        "Manufacture of motor vehicles, trailers and semi-trailers",
        True,
    ),
    ("30", "C", "Sonstiger Fahrzeugbau", "Manufacture of other transport equipment", False),
    ("31", "C", "Herstellung von Möbeln", "Manufacture of furniture", False),
    ("32", "C", "Herstellung von sonstigen Waren", "Other manufacturing", True),
    (
        "33",
        "C",
        "Reparatur und Installation von Maschinen und Ausrüstungen",
        "Repair and installation of machinery and equipment",
        True,
    ),
    # D
    (
        "35",
        "D",
        "Energieversorgung",
        "Electricity, gas, steam and air conditioning supply",
        True,
    ),
    # E
    ("36", "E", "Wasserversorgung", "Water collection, treatment and supply", False),
    ("37", "E", "Abwasserentsorgung", "Sewerage", False),
    (
        "38",
        "E",
        "Sammlung, Behandlung und Beseitigung von Abfällen; Rückgewinnung",
        "Waste collection, treatment and disposal activities; materials recovery",
        True,
    ),
    (
        "39",
        "E",
        "Beseitigung von Umweltverschmutzungen und sonstige Entsorgung",
        "Remediation activities and other waste management services",
        False,
    ),
    # F
    ("41", "F", "Hochbau", "Construction of buildings", False),
    ("42", "F", "Tiefbau", "Civil engineering", False),
    (
        "43",
        "F",
        "Vorbereitende Baustellenarbeiten, Bauinstallation und sonstiges Ausbaugewerbe",
        "Specialised construction activities",
        True,
    ),
    # G
    (
        "45",
        "G",
        "Handel mit Kraftfahrzeugen; Instandhaltung und Reparatur von Kraftfahrzeugen",
        "Wholesale and retail trade and repair of motor vehicles and motorcycles",
        False,
    ),
    (
        "46",
        "G",
        "Großhandel (ohne Handel mit Kraftfahrzeugen)",
        "Wholesale trade, except of motor vehicles and motorcycles",
        False,
    ),
    (
        "47",
        "G",
        "Einzelhandel (ohne Handel mit Kraftfahrzeugen)",
        "Retail trade, except of motor vehicles and motorcycles",
        False,
    ),
    # H
    (
        "49",
        "H",
        "Landverkehr und Transport in Rohrfernleitungen",
        "Land transport and transport via pipelines",
        True,
    ),
    ("50", "H", "Schifffahrt", "Water transport", False),
    ("51", "H", "Luftfahrt", "Air transport", False),
    (
        "52",
        "H",
        "Lagerei sowie Erbringung von sonstigen Dienstleistungen für den Verkehr",
        "Warehousing and support activities for transportation",
        False,
    ),
    ("53", "H", "Post-, Kurier- und Expressdienste", "Postal and courier activities", False),
    # I
    ("55", "I", "Beherbergung", "Accommodation", True),
    ("56", "I", "Gastronomie", "Food and beverage service activities", True),
    # J
    ("58", "J", "Verlagswesen", "Publishing activities", False),
    (
        "59",
        "J",
        "Herstellung, Verleih und Vertrieb von Filmen und Fernsehprogrammen; Kinos; "
        "Tonstudios und Verlegen von Musik",
        "Motion picture, video and television programme production, sound recording and "
        "music publishing activities",
        False,
    ),
    ("60", "J", "Rundfunkveranstalter", "Programming and broadcasting activities", False),
    ("61", "J", "Telekommunikation", "Telecommunications", False),
    (
        "62",
        "J",
        "Erbringung von Dienstleistungen der Informationstechnologie",
        "Computer programming, consultancy and related activities",
        True,
    ),
    ("63", "J", "Informationsdienstleistungen", "Information service activities", False),
    # K
    (
        "64",
        "K",
        "Erbringung von Finanzdienstleistungen",
        "Financial service activities, except insurance and pension funding",
        False,
    ),
    (
        "65",
        "K",
        "Versicherungen, Rückversicherungen und Pensionskassen (ohne Sozialversicherung)",
        "Insurance, reinsurance and pension funding, except compulsory social security",
        False,
    ),
    (
        "66",
        "K",
        "Mit Finanz- und Versicherungsdienstleistungen verbundene Tätigkeiten",
        "Activities auxiliary to financial services and insurance activities",
        False,
    ),
    # L
    ("68", "L", "Grundstücks- und Wohnungswesen", "Real estate activities", False),
    # M
    (
        "69",
        "M",
        "Rechts- und Steuerberatung, Wirtschaftsprüfung",
        "Legal and accounting activities",
        False,
    ),
    (
        "70",
        "M",
        "Verwaltung und Führung von Unternehmen und Betrieben; Unternehmensberatung",
        "Activities of head offices; management consultancy activities",
        False,
    ),
    (
        "71",
        "M",
        "Architektur- und Ingenieurbüros; technische, physikalische und chemische Untersuchung",
        "Architectural and engineering activities; technical testing and analysis",
        True,
    ),
    ("72", "M", "Forschung und Entwicklung", "Scientific research and development", False),
    ("73", "M", "Werbung und Marktforschung", "Advertising and market research", False),
    (
        "74",
        "M",
        "Sonstige freiberufliche, wissenschaftliche und technische Tätigkeiten",
        "Other professional, scientific and technical activities",
        False,
    ),
    ("75", "M", "Veterinärwesen", "Veterinary activities", False),
    # N
    ("77", "N", "Vermietung von beweglichen Sachen", "Rental and leasing activities", False),
    (
        "78",
        "N",
        "Vermittlung und Überlassung von Arbeitskräften",
        "Employment activities",
        False,
    ),
    (
        "79",
        "N",
        "Reisebüros, Reiseveranstalter und Erbringung sonstiger Reservierungsdienstleistungen",
        "Travel agency, tour operator reservation service and related activities",
        False,
    ),
    (
        "80",
        "N",
        "Wach- und Sicherheitsdienste sowie Detekteien",
        "Security and investigation activities",
        False,
    ),
    (
        "81",
        "N",
        "Gebäudebetreuung; Garten- und Landschaftsbau",
        "Services to buildings and landscape activities",
        False,
    ),
    (
        "82",
        "N",
        "Erbringung von wirtschaftlichen Dienstleistungen für Unternehmen und Privatpersonen "
        "a. n. g.",
        "Office administrative, office support and other business support activities",
        False,
    ),
    # O
    (
        "84",
        "O",
        "Öffentliche Verwaltung, Verteidigung; Sozialversicherung",
        "Public administration and defence; compulsory social security",
        False,
    ),
    # P: training academies (apprenticeships in 25 trades) belong here.
    ("85", "P", "Erziehung und Unterricht", "Education", True),
    # Q
    ("86", "Q", "Gesundheitswesen", "Human health activities", False),
    (
        "87",
        "Q",
        "Heime (ohne Erholungs- und Ferienheime)",
        "Residential care activities",
        False,
    ),
    ("88", "Q", "Sozialwesen (ohne Heime)", "Social work activities without accommodation", False),
    # R
    (
        "90",
        "R",
        "Kreative, künstlerische und unterhaltende Tätigkeiten",
        "Creative, arts and entertainment activities",
        False,
    ),
    (
        "91",
        "R",
        "Bibliotheken, Archive, Museen, botanische und zoologische Gärten",
        "Libraries, archives, museums and other cultural activities",
        False,
    ),
    ("92", "R", "Spiel-, Wett- und Lotteriewesen", "Gambling and betting activities", False),
    (
        "93",
        "R",
        "Erbringung von Dienstleistungen des Sports, der Unterhaltung und der Erholung",
        "Sports activities and amusement and recreation activities",
        True,
    ),
    # S
    (
        "94",
        "S",
        "Interessenvertretungen sowie kirchliche und sonstige religiöse Vereinigungen "
        "(ohne Sozialwesen und Sport)",
        "Activities of membership organisations",
        False,
    ),
    (
        "95",
        "S",
        "Reparatur von Datenverarbeitungsgeräten und Gebrauchsgütern",
        "Repair of computers and personal and household goods",
        False,
    ),
    (
        "96",
        "S",
        "Erbringung von sonstigen überwiegend persönlichen Dienstleistungen",
        "Other personal service activities",
        False,
    ),
    # T
    (
        "97",
        "T",
        "Private Haushalte mit Hauspersonal",
        "Activities of households as employers of domestic personnel",
        False,
    ),
    (
        "98",
        "T",
        "Herstellung von Waren und Erbringung von Dienstleistungen durch private Haushalte "
        "für den Eigenbedarf ohne ausgeprägten Schwerpunkt",
        "Undifferentiated goods- and services-producing activities of private households "
        "for own use",
        False,
    ),
    # U
    (
        "99",
        "U",
        "Exterritoriale Organisationen und Körperschaften",
        "Activities of extraterritorial organisations and bodies",
        False,
    ),
]

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
