from django.db import migrations


def create_site_pages(apps, schema_editor):
    from kag_portal.site_page_texts import PAGES

    SitePage = apps.get_model("kag_portal", "SitePage")
    for slug, (title_de, title_en, body_de, body_en) in PAGES.items():
        SitePage.objects.get_or_create(
            slug=slug,
            defaults={
                "title_de": title_de,
                "title_en": title_en,
                "body_de": body_de,
                "body_en": body_en,
                "is_placeholder": True,
            },
        )


class Migration(migrations.Migration):
    dependencies = [("kag_portal", "0001_initial")]
    operations = [migrations.RunPython(create_site_pages, migrations.RunPython.noop)]
