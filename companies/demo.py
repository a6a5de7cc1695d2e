"""Demo data of the companies app for `manage.py seed_demo`: the towns of the region, about 60
fictional companies (their owners are demo people of kag_portal/demo.py) and open requests.

Idempotent: towns and companies are found by slug, requests by company and title.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from django.db import transaction

from .models import Certification, Company, HelpRequest, Industry, Membership, Tag, Town
from .services.reference_data import WZ_DIVISIONS, load_reference_data
from .services.search import refresh_search_document
from .services.tags import get_or_create_tags
from .tags import normalize_tag

Say = Callable[[str], None]

# The four towns of the "Kommunale Arbeitsgemeinschaft für ein Oberzentrum Südthüringen".
KAG_TOWNS = [
    ("Oberhof", "oberhof"),
    ("Schleusingen", "schleusingen"),
    ("Suhl", "suhl"),
    ("Zella-Mehlis", "zella-mehlis"),
]
# Neighbouring towns of the region whose firms take part too.
REGION_TOWNS = [
    ("Schmalkalden", "schmalkalden"),
    ("Hildburghausen", "hildburghausen"),
    ("Meiningen", "meiningen"),
    ("Ilmenau", "ilmenau"),
]
# One postal code per town for the demo addresses.
DEMO_POSTAL_CODES = {
    "oberhof": "98559",
    "schleusingen": "98553",
    "suhl": "98527",
    "zella-mehlis": "98544",
    "schmalkalden": "98574",
    "hildburghausen": "98646",
    "meiningen": "98617",
    "ilmenau": "98693",
}


@transaction.atomic
def seed_towns(say: Say) -> None:
    for towns, is_member in ((KAG_TOWNS, True), (REGION_TOWNS, False)):
        for name, slug in towns:
            Town.objects.update_or_create(
                slug=slug, defaults={"name": name, "is_kag_member": is_member}
            )
    say(f"towns: {Town.objects.filter(is_kag_member=True).count()} KAG towns")


# --- The demo region: fictional companies with the region's real industry mix -----------------
# Every name, address and person here is invented. Websites and mail addresses use the reserved
# ".example" domain so no link in the demo ever reaches a real firm.


@dataclass(frozen=True)
class DemoCompany:
    slug: str
    name: str
    town: str  # town slug
    industry: str  # WZ 2008 division
    size: str
    founded: int
    short: str
    offers: tuple[str, ...]
    needs: tuple[str, ...]
    status: str = "published"
    apprentices: int = 0
    certifications: tuple[str, ...] = ()
    international: bool = False
    owner: str = ""  # e-mail of a seed_demo person
    street: str = ""
    description: str = ""


SPANNWERK_DESCRIPTION = """\
Seit 1955 fertigen wir in Zella-Mehlis Spannzangen, Spannköpfe und Sonderspannmittel – **exakt
nach Zeichnung**, vom Einzelstück bis zur Serie. Wo Händler abwinken, fangen wir an: mitlaufende
Sonder-Spannzangen, ungewöhnliche Geometrien, kurze Lieferzeiten.

- rund 60 Mitarbeiterinnen und Mitarbeiter, sechs Auszubildende
- Kunden aus Optik, Medizintechnik und Maschinenbau, in Deutschland und weltweit
- Beratung direkt mit der Konstruktion: Sagen Sie uns, wofür das Teil gebraucht wird.
"""

FEINWERK_DESCRIPTION = """\
Seit mehr als 140 Jahren entwickeln und fertigen wir in Suhl feinmechanische Baugruppen, die
oft das Herzstück technischer Systeme bilden: in **Messsystemen, Laborgeräten und der
Medizintechnik**. Man sieht sie nicht – aber sie arbeiten im Hintergrund hochpräzise.

Unsere Stärke: komplexe Anforderungen in präzise, zuverlässige Lösungen übersetzen – von der
Gewindespindel bis zur montierten, kalibrierten Baugruppe.
"""

GLASWERK_DESCRIPTION = """\
Behälterglas aus Schleusingen: Flaschen und Konservengläser in Weiß- und Braunglas für Getränke
und Lebensmittel. Drei Wannen, Glasrecycling im eigenen Werk und ein eigenes Ausbildungszentrum.

Wir laden regelmäßig zu Werksführungen ein – auch als Gastgeber für Netzwerkabende der KAG.
"""

C = DemoCompany
DEMO_COMPANIES: list[DemoCompany] = [
    # --- Zella-Mehlis ---
    C("spannwerk-zella-mehlis", "Spannwerk Zella-Mehlis GmbH", "zella-mehlis", "25", "50-249",
      1955, "Spannzangen, Spannköpfe und Sonderspannmittel exakt nach Zeichnung – vom Einzelstück "
      "bis zur Serie.",
      ("Spannzangen", "Sonderspannmittel", "Spannköpfe", "Schleifen", "Drahterodieren"),
      ("Härten", "Kalibrierung", "Auszubildende", "Photovoltaik"),
      apprentices=6, certifications=("iso-9001",), international=True,
      owner="inhaberin@spannwerk-demo.de", street="Werkstraße 12",
      description=SPANNWERK_DESCRIPTION),
    C("haerterei-lautertal", "Härterei Lautertal GmbH", "zella-mehlis", "25", "10-49", 1991,
      "Lohnhärterei: Einsatzhärten, Vakuumhärten, Nitrieren und Anlassen für Werkzeug- und "
      "Maschinenbau.",
      ("Härten", "Wärmebehandlung", "Vakuumhärten", "Nitrieren"),
      ("Kurierdienst", "Energiemanagement"), certifications=("iso-9001",), apprentices=1),
    C("kellner-werkzeugbau", "Werkzeug- und Formenbau Kellner GmbH", "zella-mehlis", "25",
      "10-49", 1972, "Stanz- und Biegewerkzeuge, Spritzgussformen und Vorrichtungen nach "
      "Kundenzeichnung.",
      ("Werkzeugbau", "Formenbau", "Vorrichtungsbau", "Drahterodieren"),
      ("Härten", "Koordinatenmesstechnik", "Konstruktion"), apprentices=2),
    C("heyder-antriebstechnik", "Heyder Antriebstechnik GmbH", "zella-mehlis", "27", "50-249",
      1990, "Elektrische Kleinantriebe, Getriebemotoren und Mechatronik-Baugruppen für "
      "Medizin-, Labor- und Automatisierungstechnik.",
      ("Antriebstechnik", "Getriebemotoren", "Mechatronik"),
      ("Drehteile", "Spannzangen", "Leiterplattenbestückung"),
      apprentices=5, certifications=("iso-9001", "iatf-16949"), international=True),
    C("ortlepp-umformtechnik", "Ortlepp Umformtechnik GmbH", "zella-mehlis", "25", "50-249",
      1949, "Stanz-, Biege- und Tiefziehteile sowie geschweißte Baugruppen für Automobil und "
      "Hausgeräte.",
      ("Stanzen", "Umformen", "Tiefziehen", "Schweißen"),
      ("Werkzeugbau", "Härten", "Beschichten", "Transport"),
      apprentices=4, certifications=("iatf-16949", "iso-14001")),
    C("moeller-gravur", "Möller Gravur & Lasertechnik", "zella-mehlis", "25", "1-9", 2008,
      "Handgravur und Lasergravur auf Waffen, Werkzeugen, Typenschildern und Geschenken.",
      ("Gravur", "Lasergravur", "Lasermarkierung"), ("Webentwicklung", "Marketing")),
    C("technikakademie-zella-mehlis", "Technikakademie Zella-Mehlis e. V.", "zella-mehlis", "85",
      "10-49", 2001, "Weiterbildung für Metall- und Elektroberufe, Meisterkurse und "
      "Prüfungsvorbereitung.",
      ("Weiterbildung", "Meisterkurse", "Prüfungsvorbereitung", "CNC-Lehrgänge"),
      ("Praktikumsplätze", "Tagungsräume")),
    C("codewerk-zella-mehlis", "Codewerk Zella-Mehlis GmbH", "zella-mehlis", "62", "10-49", 2014,
      "Software für die Fertigung: Maschinenanbindung, MES und KI für vorausschauende "
      "Instandhaltung.",
      ("Softwareentwicklung", "KI für Instandhaltung", "MES", "Maschinenanbindung"),
      ("Pilotkunden", "Fachkräfte"), certifications=("iso-27001",)),
    C("elektro-ansorg", "Elektro Ansorg GmbH", "zella-mehlis", "43", "10-49", 1976,
      "Elektroinstallation, Schaltschrankbau und Gebäudetechnik für Industrie und Gewerbe.",
      ("Elektroinstallation", "Schaltschrankbau", "Gebäudetechnik"),
      ("Auszubildende", "Fachkräfte"), apprentices=3),
    C("recknagel-recycling", "Recknagel Recycling GmbH", "zella-mehlis", "38", "50-249", 1990,
      "Metallrecycling, Späne- und Schrottabholung, Containerdienst und Aktenvernichtung.",
      ("Metallrecycling", "Entsorgung", "Containerdienst", "Aktenvernichtung"),
      ("Berufskraftfahrer", "Photovoltaik"), certifications=("iso-14001",)),
    C("rennsteig-kurier", "Rennsteig Kurier", "zella-mehlis", "53", "1-9", 2010,
      "Kurierfahrten und Expresslieferungen in Südthüringen – Ersatzteile noch am selben Tag.",
      ("Kurierdienst", "Expresslieferung", "Transport"), ("Berufskraftfahrer",)),
    C("maschinenbau-ruppberg", "Maschinenbau Ruppberg GmbH", "zella-mehlis", "28", "50-249",
      1950, "Rundschleifmaschinen und Sondermaschinen für die Präzisionsfertigung, Retrofit "
      "älterer Anlagen.",
      ("Sondermaschinenbau", "Schleifmaschinen", "Retrofit"),
      ("Antriebstechnik", "Steuerungstechnik", "Exportberatung"),
      apprentices=4, certifications=("iso-9001",), international=True),
    C("luck-konstruktion", "Luck Konstruktion & Entwicklung GmbH", "zella-mehlis", "71", "10-49",
      2000, "Konstruktion von Sondermaschinen und Vorrichtungen, FEM-Berechnung und "
      "CE-Dokumentation.",
      ("Konstruktion", "FEM-Berechnung", "CE-Dokumentation"),
      ("Prototypenbau", "CNC-Fräsen")),
    C("industrieservice-mehlis", "Industrieservice Mehlis GmbH", "zella-mehlis", "33", "10-49",
      2003, "Instandhaltung, Maschinenumzüge und Montage von Produktionsanlagen.",
      ("Instandhaltung", "Maschinenumzüge", "Montage"),
      ("KI für Instandhaltung", "Drehteile", "Fachkräfte")),
    C("additiv-zella-mehlis", "Additiv Zella-Mehlis UG", "zella-mehlis", "25", "1-9", 2022,
      "3D-Druck in Kunststoff und Metall: Prototypen und Kleinserien in wenigen Tagen.",
      ("3D-Druck", "Prototypenbau", "Reverse Engineering"), ("Konstruktion", "CNC-Fräsen"),
      status="in_review"),
    # --- Suhl ---
    C("feinwerk-suhl", "Feinwerk Suhl GmbH", "suhl", "26", "50-249", 1881,
      "Feinmechanische Baugruppen für Messsysteme, Laborgeräte und Medizintechnik – seit über "
      "140 Jahren aus Suhl.",
      ("Feinmechanik", "Baugruppenmontage", "Gewindespindeln", "Kalibrierung"),
      ("Spannzangen", "Sonderspannmittel", "Härten", "Fachkräfte"),
      apprentices=4, certifications=("iso-9001", "iso-13485"), international=True,
      owner="leitung@feinwerk-demo.de", street="Uhrmacherweg 4",
      description=FEINWERK_DESCRIPTION),
    C("eichhorn-drehteile", "Eichhorn Präzisionsdrehteile GmbH", "suhl", "25", "10-49", 1994,
      "CNC-Dreh- und Frästeile aus Stahl, Messing und Aluminium, Losgröße 1 bis 10.000.",
      ("CNC-Drehen", "CNC-Fräsen", "Drehteile", "Lohnfertigung"),
      ("Härten", "Beschichten", "Auszubildende"), apprentices=2),
    C("steinbach-messtechnik", "Steinbach Messtechnik GmbH", "suhl", "26", "10-49", 1998,
      "Koordinatenmesstechnik, Kalibrierlabor und Prüfmittelmanagement für die Industrie.",
      ("Koordinatenmesstechnik", "Kalibrierung", "Prüfmittelmanagement", "Messtechnik"),
      ("Softwareentwicklung", "Fachkräfte"), certifications=("iso-9001",)),
    C("aerosense-thueringen", "AeroSense Thüringen GmbH", "suhl", "26", "10-49", 2011,
      "Sensoren für Luftqualität – CO₂, Feinstaub und VOC – für Gebäude, Fahrzeuge und "
      "Industrie.",
      ("Sensorik", "Luftqualitätssensoren", "Elektronikentwicklung"),
      ("Kunststoffspritzguss", "Leiterplattenbestückung", "Exportberatung"),
      international=True),
    C("sommer-lasersysteme", "Sommer Lasersysteme GmbH", "suhl", "28", "50-249", 2003,
      "Lasersysteme für die Bearbeitung von Solarglas: Schneiden, Bohren, Strukturieren.",
      ("Lasersysteme", "Solarglas", "Laserbearbeitung", "Sondermaschinenbau"),
      ("Feinmechanik", "Antriebstechnik", "Softwareentwicklung", "Exportberatung"),
      apprentices=3, certifications=("iso-9001",), international=True),
    C("kuehn-blechtechnik", "Kühn Blechtechnik GmbH", "suhl", "25", "10-49", 1996,
      "Laserschneiden, Kanten und Schweißen von Blech: Gehäuse, Verkleidungen und Gestelle.",
      ("Laserschneiden", "Blechbearbeitung", "Schweißen", "Gehäusebau"),
      ("Pulverbeschichtung", "Fachkräfte")),
    C("buechsenmacherei-reinhold", "Büchsenmacherei Reinhold", "suhl", "25", "1-9", 1921,
      "Jagd- und Sportwaffen nach Maß, Schaftbau, Reparatur und Gravur – Suhler "
      "Büchsenmacherhandwerk in dritter Generation.",
      ("Jagdwaffen", "Büchsenmacher", "Schaftbau", "Waffenreparatur"),
      ("CNC-Fräsen", "Härten", "Lasergravur", "Auszubildende"), apprentices=1),
    C("greiner-jagd-sportwaffen", "Greiner Jagd- und Sportwaffen GmbH", "suhl", "25", "50-249",
      1952, "Kipplaufbüchsen, Flinten und Sportwaffen für Jäger und Schützen in aller Welt.",
      ("Jagdwaffen", "Sportwaffen", "Laufbearbeitung"),
      ("Vakuumhärten", "Beschichten", "Spannzangen", "Exportberatung", "Zollabwicklung"),
      apprentices=4, certifications=("iso-9001",), international=True),
    C("bildungszentrum-suedthueringen", "Bildungszentrum Südthüringen gGmbH", "suhl", "85",
      "50-249", 1991, "Überbetriebliche Ausbildung in 25 Berufen, Schweißkurse, CNC-Lehrgänge "
      "und Weiterbildung für Betriebe.",
      ("Ausbildung", "Verbundausbildung", "Schweißkurse", "CNC-Lehrgänge", "Weiterbildung"),
      ("Fachkräfte", "Praktikumsplätze"), certifications=("iso-9001",)),
    C("systemhaus-ringberg", "Systemhaus Ringberg GmbH", "suhl", "62", "10-49", 1999,
      "IT-Betreuung für den Mittelstand: Netzwerke, Server, Datensicherung und IT-Sicherheit.",
      ("IT-Sicherheit", "Netzwerktechnik", "IT-Betreuung", "Datensicherung"),
      ("Fachkräfte", "Auszubildende"), apprentices=2, certifications=("iso-27001",)),
    C("cam-werkstatt-suhl", "CAM-Werkstatt Suhl GmbH", "suhl", "62", "10-49", 2006,
      "CAM-Software und Postprozessoren für Fräs- und Drehmaschinen, mit Schulung und Support.",
      ("CAM-Software", "Postprozessoren", "CNC-Lehrgänge"),
      ("CNC-Fräsen", "Vertriebspartner")),
    C("agentur-domberg", "Agentur Domberg", "suhl", "73", "1-9", 2016,
      "Websites, Fotos und Karriereseiten für Industriebetriebe der Region.",
      ("Webentwicklung", "Marketing", "Fotografie", "Employer Branding"), ("Bürofläche",)),
    C("werkstoffpruefung-suedthueringen", "Werkstoffprüfung Südthüringen GmbH", "suhl", "71",
      "10-49", 1997, "Prüflabor für Werkstoffprüfung, Härteprüfung und Schadensanalyse.",
      ("Werkstoffprüfung", "Härteprüfung", "Schadensanalyse"), ("CNC-Drehen",),
      certifications=("iso-9001",)),
    C("nahwaerme-friedberg", "Nahwärme Friedberg GmbH", "suhl", "35", "1-9", 2018,
      "Nahwärme und Strom aus Biomasse und Solarthermie für das Gewerbegebiet Friedberg.",
      ("Nahwärme", "Energiemanagement", "Abwärmenutzung"), ("Instandhaltung",)),
    C("spedition-wolfram", "Spedition Wolfram GmbH", "suhl", "49", "50-249", 1991,
      "Stückgut, Teil- und Komplettladungen in ganz Europa, Lager im Gewerbegebiet Friedberg.",
      ("Spedition", "Transport", "Lagerlogistik", "Zollabwicklung"),
      ("Winterdienst", "Berufskraftfahrer", "Photovoltaik"), apprentices=2,
      international=True),
    C("wachschutz-suedthueringen", "Wachschutz Südthüringen GmbH", "suhl", "80", "50-249", 1994,
      "Werkschutz, Revierdienst, Alarmaufschaltung und Schutz von Veranstaltungen.",
      ("Werkschutz", "Sicherheitsdienst", "Veranstaltungsschutz"), ("Fachkräfte",)),
    C("gebaeudeservice-friedberg", "Gebäudeservice Friedberg GmbH", "suhl", "81", "10-49", 1999,
      "Winterdienst, Grünpflege, Industriereinigung und Hausmeisterdienste im Gewerbegebiet.",
      ("Winterdienst", "Industriereinigung", "Grünpflege", "Hausmeisterdienst"),
      ("Fachkräfte",)),
    C("dachbau-suhl", "Dachbau Suhl GmbH", "suhl", "43", "10-49", 1958,
      "Dachdecker- und Klempnerarbeiten, Industriedächer und Dachsanierung für Solaranlagen.",
      ("Dachdeckerarbeiten", "Dachsanierung", "Klempnerarbeiten"), ("Photovoltaik",),
      apprentices=2),
    C("holzmanufaktur-vesser", "Holzmanufaktur Vesser", "suhl", "31", "1-9", 1931,
      "Möbel, Innenausbau und Messebau aus Thüringer Holz.",
      ("Innenausbau", "Messebau", "Tischlerarbeiten"), ("Lasergravur", "CNC-Fräsen")),
    C("automation-haseltal", "Automation Haseltal GmbH", "suhl", "28", "10-49", 2009,
      "Roboterzellen, Automatisierung von Werkzeugmaschinen und Steuerungstechnik.",
      ("Automatisierung", "Robotik", "Steuerungstechnik"),
      ("Konstruktion", "Schaltschrankbau", "Fachkräfte")),
    C("steuerkanzlei-heinemann", "Steuerkanzlei Heinemann", "suhl", "69", "10-49", 1992,
      "Steuerberatung, Lohnbuchhaltung und Nachfolgeberatung für Handwerk und Mittelstand.",
      ("Steuerberatung", "Lohnbuchhaltung", "Nachfolgeberatung"), ("IT-Sicherheit",)),
    C("personalservice-suedthueringen", "Personalservice Südthüringen GmbH", "suhl", "78",
      "10-49", 2005, "Personalvermittlung und Fachkräftegewinnung für Technik und Industrie, "
      "auch aus dem Ausland.",
      ("Personalvermittlung", "Fachkräfte", "Fachkräftegewinnung"), ("Deutschkurse",)),
    C("sprachzentrum-suhl", "Sprach- und Integrationszentrum Suhl", "suhl", "85", "1-9", 2015,
      "Deutschkurse für ausländische Fachkräfte, auch berufsbegleitend im Betrieb.",
      ("Deutschkurse", "Integrationsbegleitung"), ("Praktikumsplätze",), status="in_review"),
    # --- Schleusingen ---
    C("glaswerk-schleusetal", "Glaswerk Schleusetal GmbH", "schleusingen", "23", "250+", 1912,
      "Behälterglas für Getränke und Lebensmittel, in Weiß- und Braunglas.",
      ("Behälterglas", "Glasrecycling", "Werksführungen"),
      ("Energieberatung", "Instandhaltung", "Elektroinstallation", "Verbundausbildung"),
      apprentices=8, certifications=("iso-9001", "iso-14001", "iso-50001"), international=True,
      owner="chef@glaswerk-demo.de", street="Glashüttenweg 1",
      description=GLASWERK_DESCRIPTION),
    C("lindner-elektronik", "Lindner Elektronik GmbH", "schleusingen", "26", "50-249", 1992,
      "Leiterplattenbestückung in SMD und THT, Kabelkonfektion und Gerätemontage.",
      ("Leiterplattenbestückung", "Elektronikfertigung", "Kabelkonfektion"),
      ("Blechbearbeitung", "Fachkräfte"), apprentices=3,
      certifications=("iso-9001", "iso-13485")),
    C("trautmann-kunststofftechnik", "Trautmann Kunststofftechnik GmbH", "schleusingen", "22",
      "50-249", 1968, "Kunststoffspritzguss technischer Teile, Zwei-Komponenten-Technik und "
      "Montage.",
      ("Kunststoffspritzguss", "2K-Spritzguss", "Baugruppenmontage"),
      ("Formenbau", "Energieberatung", "Photovoltaik"), apprentices=3,
      certifications=("iso-9001", "iatf-16949")),
    C("technisches-glas-schleusingen", "Technisches Glas Schleusingen GmbH", "schleusingen",
      "23", "10-49", 1959, "Laborglas und technisches Glas: Glasapparatebau, Quarzglas, "
      "Reparatur von Laborgeräten.",
      ("Laborglas", "Quarzglas", "Glasapparatebau"), ("Feinmechanik", "Exportberatung")),
    C("ingenieurbuero-frommhold", "Ingenieurbüro Frommhold", "schleusingen", "71", "1-9", 1995,
      "Tragwerksplanung, Statik und Bauleitung für Industrie- und Gewerbebauten.",
      ("Statik", "Tragwerksplanung", "Bauleitung"), ("Vermessung",)),
    C("zitzmann-solar-elektro", "Zitzmann Solar & Elektro GmbH", "schleusingen", "43", "10-49",
      2004, "Photovoltaik auf Hallendächern, Stromspeicher und Ladesäulen für Gewerbe.",
      ("Photovoltaik", "Stromspeicher", "Ladesäulen", "Elektroinstallation"),
      ("Dachdeckerarbeiten", "Fachkräfte", "Auszubildende"), apprentices=2),
    C("haustechnik-braeutigam", "Haustechnik Bräutigam", "schleusingen", "43", "10-49", 1985,
      "Heizung, Sanitär, Lüftung und Wärmepumpen für Gewerbe und Wohnbau.",
      ("Heizung", "Sanitär", "Lüftungstechnik", "Wärmepumpen"), ("Auszubildende",),
      apprentices=2),
    C("kontraktlogistik-schleusingen", "Kontraktlogistik Schleusingen GmbH", "schleusingen", "52",
      "50-249", 2007, "Lagerlogistik, Kommissionierung und Verpackung für Industrie und "
      "Onlinehandel.",
      ("Lagerlogistik", "Kommissionierung", "Verpackung"),
      ("Transport", "Winterdienst", "Weiterbildung")),
    C("rennsteig-catering", "Rennsteig Catering", "schleusingen", "56", "10-49", 2006,
      "Kantinenessen und Catering für Betriebe und Veranstaltungen.",
      ("Catering", "Kantinenverpflegung", "Firmenfeiern"), ("Transport",), status="draft"),
    C("druckhaus-schleusingen", "Druckhaus am Bertholdsburg", "schleusingen", "18", "10-49", 1964,
      "Offset- und Digitaldruck, Faltschachteln und Etiketten.",
      ("Druck", "Etiketten", "Verpackung"), ("Photovoltaik",), status="draft"),
    # --- Oberhof ---
    C("hotel-am-skihang", "Hotel Am Skihang Oberhof", "oberhof", "55", "50-249", 1997,
      "Hotel mit 120 Zimmern, Tagungsräumen und Wellness, direkt an den Wintersportanlagen.",
      ("Hotelzimmer", "Tagungsräume", "Firmenevents", "Catering"),
      ("Fachkräfte", "Winterdienst", "Photovoltaik", "Industriereinigung"), apprentices=4),
    C("gasthof-rennsteigblick", "Gasthof Rennsteigblick", "oberhof", "55", "10-49", 1965,
      "Gasthof und Pension am Rennsteig: Thüringer Küche, 24 Zimmer, Räume für Feiern.",
      ("Hotelzimmer", "Catering", "Firmenfeiern"),
      ("Fachkräfte", "Auszubildende", "Energieberatung"), apprentices=1),
    C("oberhof-aktiv", "Oberhof Aktiv GmbH", "oberhof", "93", "1-9", 2012,
      "Teamevents und Outdoor-Programme: Biathlon-Schnupperkurs, Langlauf, Rennsteig-Touren.",
      ("Teamevents", "Firmenevents", "Biathlon-Schnupperkurs"), ("Marketing", "Transport")),
    C("wintersport-technik-oberhof", "Wintersport Technik Oberhof GmbH", "oberhof", "33",
      "10-49", 2005, "Wartung von Beschneiungsanlagen, Pistengeräten und Sportstättentechnik.",
      ("Instandhaltung", "Beschneiungstechnik", "Wartung"),
      ("Drehteile", "Schweißen", "Fachkräfte")),
    C("sportphysio-oberhof", "Sportphysio Oberhof", "oberhof", "86", "10-49", 2002,
      "Physiotherapie für Sportler und Betriebliches Gesundheitsmanagement für Unternehmen.",
      ("Physiotherapie", "Betriebliches Gesundheitsmanagement"), ("Marketing",)),
    C("metallbau-oberhof", "Metallbau Oberhof GmbH", "oberhof", "25", "10-49", 1992,
      "Stahl- und Metallbau: Treppen, Geländer, Hallen und Konstruktionen für Sportstätten.",
      ("Stahlbau", "Metallbau", "Schweißen"),
      ("Pulverbeschichtung", "Statik", "Laserschneiden"), apprentices=2),
    C("reisedienst-oberhof", "Reisedienst Oberhof", "oberhof", "49", "10-49", 1993,
      "Busreisen, Shuttle zu Wintersport-Events und Werksverkehr für Betriebe.",
      ("Busreisen", "Shuttle", "Werksverkehr"), ("Berufskraftfahrer",)),
    C("skiservice-oberhof", "Skiservice & Verleih Oberhof", "oberhof", "77", "1-9", 1999,
      "Verleih und Service von Langlauf-, Biathlon- und Skiausrüstung.",
      ("Skiverleih", "Skiservice"), ("Teamevents",), status="in_review"),
    # --- Neighbouring towns ---
    C("schilling-oberflaechentechnik", "Schilling Oberflächentechnik GmbH", "schmalkalden", "25",
      "10-49", 1993, "Galvanik, Pulverbeschichtung und Eloxal für Metallteile aller Größen.",
      ("Beschichten", "Pulverbeschichtung", "Galvanik", "Eloxieren"),
      ("Energiemanagement", "Entsorgung"), certifications=("iso-9001", "iso-14001")),
    C("fahrwerkteile-schmalkalden", "Fahrwerkteile Schmalkalden GmbH", "schmalkalden", "29",
      "250+", 1991, "Fahrwerks- und Karosserieteile sowie Schweißbaugruppen für "
      "Automobilhersteller.",
      ("Schweißbaugruppen", "Umformen", "Karosserieteile"),
      ("Werkzeugbau", "Transport", "Fachkräfte"), apprentices=10,
      certifications=("iatf-16949", "iso-14001"), international=True),
    C("industriebau-schmalkalden", "Industriebau Schmalkalden GmbH", "schmalkalden", "41",
      "50-249", 1990, "Hallen- und Industriebau schlüsselfertig, Umbau im laufenden Betrieb.",
      ("Industriebau", "Hallenbau", "Schlüsselfertiges Bauen"),
      ("Statik", "Elektroinstallation", "Auszubildende"), apprentices=3),
    C("ilmtal-glasveredelung", "Ilmtal Glasveredelung GmbH", "ilmenau", "23", "10-49", 1978,
      "Veredelung von Glas: Bedrucken, Ätzen, Lasergravur und Sonderanfertigungen.",
      ("Glasveredelung", "Glasdruck", "Lasergravur"), ("Behälterglas", "Verpackung")),
    C("ilmenauer-optik", "Ilmenauer Optik & Photonik GmbH", "ilmenau", "26", "10-49", 2002,
      "Optische Komponenten, Linsen und Baugruppen für Messtechnik und Medizintechnik.",
      ("Optische Komponenten", "Optikmontage", "Messtechnik"),
      ("Feinmechanik", "Reinraummontage"), certifications=("iso-13485",), international=True),
    C("medtec-werra", "MedTec Werra GmbH", "meiningen", "32", "50-249", 1996,
      "Chirurgische Instrumente und Implantat-Komponenten aus Titan und Edelstahl.",
      ("Medizintechnik", "Chirurgische Instrumente", "Titanbearbeitung"),
      ("Feinmechanik", "Härten", "Verpackung"), apprentices=3,
      certifications=("iso-13485",), international=True),
    C("aussenhandel-kuehnert", "Außenhandelsberatung Kühnert", "meiningen", "70", "1-9", 2011,
      "Export- und Zollberatung, Präferenzkalkulation und Ausfuhrabwicklung für KMU.",
      ("Exportberatung", "Zollabwicklung", "Außenhandel"), ("Übersetzungen",)),
    C("energieberatung-dietzel", "Energieberatung Dietzel", "hildburghausen", "71", "1-9", 2009,
      "Energieberatung für Betriebe, Energieaudits und Förderanträge für Solar und Effizienz.",
      ("Energieberatung", "Energieaudit", "Fördermittelberatung", "Energiemanagement"),
      ("Photovoltaik",)),
]  # fmt: skip

# Open requests on the board: (company slug, author e-mail or "", title, description, tags).
DEMO_REQUESTS: list[tuple[str, str, str, str, tuple[str, ...]]] = [
    (
        "feinwerk-suhl",
        "leitung@feinwerk-demo.de",
        "Wir suchen mitlaufende Sonder-Spannzangen, Kleinserie, Zeichnung liegt vor",
        "Für unseren Antrieb brauchen wir mitlaufende Sonder-Spannzangen mit sehr spezieller "
        "Geometrie, zunächst 20 Stück, später etwa 200 im Jahr. Die Zeichnung schicken wir "
        "gern. Über Händler war bisher nichts zu bekommen.",
        ("Spannzangen", "Sonderspannmittel"),
    ),
    (
        "spedition-wolfram",
        "",
        "Gemeinsamer Winterdienst im Gewerbegebiet Friedberg",
        "Mehrere Betriebe im Friedberg räumen ihre Zufahrten einzeln – oft zu spät für die "
        "Frühschicht. Wer räumt ab 4 Uhr für mehrere Höfe gemeinsam? Wir suchen einen Anbieter "
        "und weitere Betriebe, die mitmachen.",
        ("Winterdienst",),
    ),
    (
        "greiner-jagd-sportwaffen",
        "",
        "Vakuumhärten für Verschlussteile, etwa 800 Stück im Monat",
        "Wir suchen eine Härterei in der Nähe für Verschlussteile aus Werkzeugstahl: "
        "Vakuumhärten und Anlassen, verzugsarm, mit Prüfprotokoll.",
        ("Vakuumhärten", "Härten"),
    ),
    (
        "glaswerk-schleusetal",
        "chef@glaswerk-demo.de",
        "Verbundausbildung: Partner für den Abschnitt Zerspanung gesucht",
        "Unsere Industriemechaniker-Azubis (2. Lehrjahr) sollen drei Monate Drehen und Fräsen "
        "an CNC-Maschinen lernen. Wer nimmt zwei Auszubildende auf oder bildet mit uns im "
        "Verbund aus?",
        ("Verbundausbildung", "CNC-Fräsen", "Ausbildung"),
    ),
    (
        "aerosense-thueringen",
        "",
        "Spritzgussgehäuse für einen Luftqualitätssensor, 5.000 Stück im Jahr",
        "Zweiteiliges Gehäuse aus PC/ABS, Form vorhanden oder neu. Wir suchen einen Partner in "
        "der Region für Spritzguss und Montage der Sensorplatine.",
        ("Kunststoffspritzguss", "Baugruppenmontage"),
    ),
]

# Fixed moments, so the demo looks the same on every machine and every run.
DEMO_CONSENT_AT = datetime(2025, 3, 14, 18, 0, tzinfo=UTC)


def _demo_moment(index: int) -> datetime:
    return DEMO_CONSENT_AT + timedelta(hours=7 * index)


@dataclass(frozen=True)
class _Lookups:
    """The rows the demo companies point at, loaded once."""

    towns: dict[str, Town]
    industries: dict[str, Industry]
    certifications: dict[str, Certification]
    owners: dict[str, object]  # the demo people by e-mail
    tags: dict[str, Tag]

    def tag_list(self, names: tuple[str, ...]) -> list[Tag]:
        return [self.tags[normalize_tag(name)] for name in names]


@transaction.atomic
def seed_companies(say: Say) -> None:
    """About 60 fictional companies, their owners among the demo people, and open requests."""
    lookups = _lookups()
    companies = {
        demo.slug: _seed_company(demo, index, lookups) for index, demo in enumerate(DEMO_COMPANIES)
    }
    for request in DEMO_REQUESTS:
        _seed_request(request, companies, lookups)
    published = sum(1 for demo in DEMO_COMPANIES if demo.status == Company.Status.PUBLISHED)
    say(
        f"companies: {len(DEMO_COMPANIES)} demo companies ({published} published), "
        f"{len(DEMO_REQUESTS)} open requests"
    )


def _lookups() -> _Lookups:
    from kag_portal.models import User

    if Industry.objects.exclude(section=None).count() < len(WZ_DIVISIONS):
        # A database migrated before the divisions were filled in.
        load_reference_data(Industry, Certification)
    return _Lookups(
        towns={town.slug: town for town in Town.objects.all()},
        industries={industry.code: industry for industry in Industry.objects.all()},
        certifications={item.code: item for item in Certification.objects.all()},
        owners={user.email: user for user in User.objects.filter(email__in=_demo_owner_emails())},
        tags={tag.key: tag for tag in get_or_create_tags(_demo_labels())},
    )


def _demo_labels() -> list[str]:
    """The offers, needs and request tags of the demo, as written."""
    labels = [label for c in DEMO_COMPANIES for label in (*c.offers, *c.needs)]
    return labels + [label for request in DEMO_REQUESTS for label in request[4]]


def _demo_owner_emails() -> set[str]:
    emails = {demo.owner for demo in DEMO_COMPANIES if demo.owner}
    return emails | {request[1] for request in DEMO_REQUESTS if request[1]}


def _seed_company(demo: DemoCompany, index: int, lookups: _Lookups) -> Company:
    owner = lookups.owners.get(demo.owner)
    company, _created = Company.objects.update_or_create(
        slug=demo.slug, defaults=_company_fields(demo, index, lookups, owner)
    )
    company.offers.set(lookups.tag_list(demo.offers))
    company.needs.set(lookups.tag_list(demo.needs))
    company.certifications.set([lookups.certifications[code] for code in demo.certifications])
    if owner is not None:
        Membership.objects.update_or_create(
            company=company, user=owner, defaults={"role": Membership.Role.OWNER}
        )
    refresh_search_document(company)
    return company


def _company_fields(demo: DemoCompany, index: int, lookups: _Lookups, owner) -> dict:
    # A draft was never consented to, submitted or published; the others at a fixed moment.
    consented = demo.status != Company.Status.DRAFT
    moment = _demo_moment(index) if consented else None
    return {
        "name": demo.name,
        "town": lookups.towns[demo.town],
        "street": demo.street,
        "postal_code": DEMO_POSTAL_CODES[demo.town],
        "website": f"https://{demo.slug}.example",
        "public_email": f"info@{demo.slug}.example",
        # No phone numbers: an invented one could be a real person's.
        "public_phone": "",
        "short_description": demo.short,
        "description": demo.description,
        "founded_year": demo.founded,
        "size_band": demo.size,
        "industry": lookups.industries[demo.industry],
        "serves_regional": True,
        "serves_national": demo.size != "1-9",
        "serves_international": demo.international,
        "apprenticeship_places": demo.apprentices,
        "status": demo.status,
        "public_consent_at": moment,
        "public_consent_by": owner if consented else None,
        "submitted_at": moment,
        "published_at": moment if demo.status == Company.Status.PUBLISHED else None,
        "rejection_reason": "",
    }


def _seed_request(request: tuple, companies: dict[str, Company], lookups: _Lookups) -> None:
    slug, author_email, title, description, tags = request
    help_request, _created = HelpRequest.objects.get_or_create(
        company=companies[slug],
        title=title,
        defaults={
            "author": lookups.owners.get(author_email),
            "description": description,
            "status": HelpRequest.Status.OPEN,
        },
    )
    help_request.tags.set(lookups.tag_list(tags))
