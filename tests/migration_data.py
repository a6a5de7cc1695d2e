"""Rows that data migrations create (legal pages, WZ industries, certifications, the KAG-Team
group). A transactional test empties every table when it ends, and --reuse-db keeps that empty
database for the next run; this puts the rows back."""

from __future__ import annotations

import importlib

from django.apps import apps


def restore_migration_data() -> None:
    from companies.models import Certification, Industry
    from companies.services.reference_data import load_reference_data
    from kag_portal.models import SitePage
    from kag_portal.site_page_texts import create_site_pages

    create_site_pages(SitePage)
    load_reference_data(Industry, Certification)
    _restore_staff_group()


def _restore_staff_group() -> None:
    from django.contrib.auth.management import create_permissions
    from django.contrib.auth.models import Group, Permission

    migration = importlib.import_module("kag_portal.migrations.0003_staff_group")
    for app_config in apps.get_app_configs():
        create_permissions(app_config, verbosity=0)
    group, _created = Group.objects.get_or_create(name=migration.STAFF_GROUP)
    for app_label, codename in migration.PERMISSIONS:
        group.permissions.add(
            Permission.objects.get(content_type__app_label=app_label, codename=codename)
        )
