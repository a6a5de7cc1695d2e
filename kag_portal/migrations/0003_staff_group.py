from django.contrib.auth.management import create_permissions
from django.db import migrations

STAFF_GROUP = "KAG-Team"
PERMISSIONS = [
    ("kag_portal", "view_outboxmail"),
    ("kag_portal", "change_outboxmail"),  # the "send failed mails again" action
    ("kag_portal", "view_mailoptout"),
    ("kag_portal", "view_sitepage"),
    ("kag_portal", "change_sitepage"),
    ("kag_portal", "view_barrierreport"),
    ("kag_portal", "change_barrierreport"),
    ("companies", "view_town"),
    ("companies", "add_town"),
    ("companies", "change_town"),
]


def create_staff_group(apps, schema_editor):
    # Permissions are normally created after all migrations; create them now so the group can
    # hold them on a fresh database.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _created = Group.objects.get_or_create(name=STAFF_GROUP)
    for app_label, codename in PERMISSIONS:
        group.permissions.add(
            Permission.objects.get(content_type__app_label=app_label, codename=codename)
        )


class Migration(migrations.Migration):
    dependencies = [
        ("kag_portal", "0002_site_pages"),
        ("companies", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]
    operations = [migrations.RunPython(create_staff_group, migrations.RunPython.noop)]
