from django.db import migrations


def create_site_pages(apps, schema_editor):
    from kag_portal.site_page_texts import create_site_pages

    create_site_pages(apps.get_model("kag_portal", "SitePage"))


class Migration(migrations.Migration):
    dependencies = [("kag_portal", "0001_initial")]
    operations = [migrations.RunPython(create_site_pages, migrations.RunPython.noop)]
