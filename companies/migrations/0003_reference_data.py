from django.db import migrations


def load(apps, schema_editor):
    from companies.services.reference_data import load_reference_data

    load_reference_data(apps.get_model("companies", "Industry"), apps.get_model("companies", "Certification"))


class Migration(migrations.Migration):
    dependencies = [("companies", "0002_company_profiles")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
