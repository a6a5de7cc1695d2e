"""First texts of the legal pages, loaded by a data migration.

They are placeholders, clearly marked as such on the page, until the KAG enters its real texts in
the admin (Verwaltung → Seiten). Where the law asks for a fact (address, register, officer), the
placeholder names what belongs there instead of inventing it.
"""

IMPRINT_DE = """\
**Platzhalter:** Die KAG trägt hier ihre Angaben nach § 5 Digitale-Dienste-Gesetz (DDG) ein.

## Anbieter

Kommunale Arbeitsgemeinschaft (KAG) für ein Oberzentrum Südthüringen
vertreten durch den jeweils vorsitzenden Bürgermeister / die vorsitzende Bürgermeisterin
der Städte Oberhof, Schleusingen, Suhl und Zella-Mehlis

[Anschrift der Geschäftsstelle eintragen]

## Kontakt

E-Mail: [E-Mail-Adresse eintragen]
Telefon: [Telefonnummer eintragen]

## Verantwortlich für den Inhalt

[Name und Anschrift der verantwortlichen Person nach § 18 Abs. 2 MStV eintragen]
"""

IMPRINT_EN = """\
**Placeholder:** the KAG enters its details under § 5 of the German Digital Services Act (DDG) here.

## Provider

Municipal working group (KAG) for an Oberzentrum Südthüringen,
represented by the chairing mayor of the towns Oberhof, Schleusingen, Suhl and Zella-Mehlis

[Enter the office's postal address]

## Contact

E-mail: [enter e-mail address]
Phone: [enter phone number]

## Responsible for the content

[Enter name and address of the person responsible under § 18 (2) MStV]
"""

PRIVACY_DE = """\
**Platzhalter:** Die KAG ergänzt hier ihre Datenschutzerklärung nach Art. 13 DSGVO.

## Verantwortliche Stelle

[Name und Anschrift der KAG eintragen]

## Datenschutzbeauftragte Person

[Kontakt der oder des Datenschutzbeauftragten eintragen]

## Welche Daten das Portal verarbeitet

- **Konto:** E-Mail-Adresse, Name, bevorzugte Sprache und Passwort (nur als Prüfsumme) –
  damit Sie sich anmelden und E-Mails in Ihrer Sprache erhalten.
- **Unternehmensprofile:** nur mit Ihrer ausdrücklichen Einwilligung öffentlich sichtbar.
- **E-Mails:** Jede E-Mail, die das Portal sendet, wird mit Empfänger und Versandstatus
  gespeichert, damit sie genau einmal zugestellt wird.
- **Cookies:** ausschließlich technisch notwendige (Anmeldung, Schutz vor gefälschten Formularen,
  gewählte Sprache). Keine Analyse, keine Werbung, keine Inhalte fremder Anbieter.

## Ihre Rechte

Unter „Mein Bereich“ können Sie Ihre Daten jederzeit herunterladen (Art. 15 und 20 DSGVO)
und Ihr Konto mit allen persönlichen Daten löschen (Art. 17 DSGVO). Newsletter und Einladungen
können Sie mit einem Klick abbestellen. Beschwerden richten Sie an die Thüringer Landesbeauftragte bzw. den
Landesbeauftragten für den Datenschutz und die Informationsfreiheit.
"""

PRIVACY_EN = """\
**Placeholder:** the KAG completes its privacy notice under Art. 13 GDPR here.

## Controller

[Enter the KAG's name and address]

## Data protection officer

[Enter the data protection officer's contact]

## What data the portal processes

- **Account:** e-mail address, name, preferred language and password (stored only as a hash) – so
  that you can log in and get e-mails in your language.
- **Company profiles:** public only with your explicit consent.
- **E-mails:** every e-mail the portal sends is stored with its recipient and delivery status so
  that it is delivered exactly once.
- **Cookies:** only technically necessary ones (login, protection against forged forms, chosen
  language). No analytics, no advertising, no third-party content.

## Your rights

Under "My area" you can download your data at any time (Art. 15 and 20 GDPR) and delete your
account with all personal data (Art. 17 GDPR). Newsletters and invitations can be unsubscribed
with one click. Complaints go to the Thuringian data protection commissioner.
"""

ACCESSIBILITY_DE = """\
**Platzhalter:** Die KAG prüft das Portal und ergänzt hier das Ergebnis und das Datum der Prüfung.

Die KAG ist bemüht, dieses Portal im Einklang mit dem Thüringer Gesetz über den barrierefreien
Zugang zu den Websites und mobilen Anwendungen öffentlicher Stellen und der
Barrierefreie-Informationstechnik-Verordnung (BITV 2.0) barrierefrei zugänglich zu machen.

## Stand der Vereinbarkeit

Das Portal soll die Anforderungen der WCAG 2.1 auf Stufe AA erfüllen. Jede Seite wird bei der
Entwicklung automatisch mit axe-core geprüft. [Ergebnis der Prüfung und Datum eintragen]

## Barriere melden

Stoßen Sie auf eine Barriere? Beschreiben Sie sie im Formular unten oder schreiben Sie uns eine
E-Mail. Wir antworten innerhalb von sechs Wochen.

## Durchsetzungsverfahren

Antworten wir nicht oder nicht zufriedenstellend, können Sie sich an die Durchsetzungsstelle des
Freistaats Thüringen wenden. [Kontakt der Durchsetzungsstelle eintragen]
"""

ACCESSIBILITY_EN = """\
**Placeholder:** the KAG tests the portal and adds the result and the date of the test here.

The KAG aims to make this portal accessible in accordance with the Thuringian law on accessible
websites and mobile applications of public bodies and the German accessible IT regulation
(BITV 2.0).

## Compliance status

The portal is meant to meet WCAG 2.1 level AA. Every page is checked automatically with axe-core
during development. [Enter the result and the date of the test]

## Report a barrier

Did you find a barrier? Describe it in the form below or send us an e-mail. We answer within six
weeks.

## Enforcement procedure

If we do not answer, or not satisfactorily, you can turn to the enforcement body of the Free State
of Thuringia. [Enter the enforcement body's contact]
"""

PAGES = {
    "impressum": ("Impressum", "Legal notice", IMPRINT_DE, IMPRINT_EN),
    "datenschutz": ("Datenschutzerklärung", "Privacy policy", PRIVACY_DE, PRIVACY_EN),
    "barrierefreiheit": (
        "Erklärung zur Barrierefreiheit",
        "Accessibility statement",
        ACCESSIBILITY_DE,
        ACCESSIBILITY_EN,
    ),
}


def create_site_pages(site_page_model) -> None:
    """Create the legal pages that do not exist yet; never overwrite what the KAG entered.

    Takes the model as an argument so the data migration can pass its historical model.
    """
    for slug, (title_de, title_en, body_de, body_en) in PAGES.items():
        site_page_model.objects.get_or_create(
            slug=slug,
            defaults={
                "title_de": title_de,
                "title_en": title_en,
                "body_de": body_de,
                "body_en": body_en,
                "is_placeholder": True,
            },
        )
