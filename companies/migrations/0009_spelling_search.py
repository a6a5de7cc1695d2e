"""Typo-tolerant search (issue 13): pg_trgm with GIN trigram indexes on company and tag names,
idempotent tag keys, and search documents in the looser search spelling.

1. PostgreSQL only (the extension and the indexes are no-ops on SQLite, both ways, checked by
   schema_editor.connection.vendor): "Meinten Sie …?" looks up names like the search's words
   with pg_trgm's word similarity (`name %> word`), which the GIN indexes serve instead of a
   scan over every company.
2. Both databases: tag keys are now their own key (companies.tags.strip_ending removes endings
   until none is left: "kalibrieren" was "kalibrier", and that again "kalibri"). Every stored key
   is recomputed from the tag's name; tags that now share a key are one word and are merged
   into the oldest, as staff's merge does (links moved, no duplicate rows).
3. Both databases: every search document is rebuilt, so its last line is in search spelling
   ("Härten" -> "harten") like the queries now are.
"""

from collections import defaultdict

from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations

from companies.services.search import search_document_text
from companies.tags import normalize_tag

TRIGRAM_INDEXES = [
    "CREATE INDEX IF NOT EXISTS company_name_trgm ON companies_company "
    "USING gin (name gin_trgm_ops)",
    "CREATE INDEX IF NOT EXISTS tag_name_trgm ON companies_tag USING gin (name gin_trgm_ops)",
]
DROP_TRIGRAM_INDEXES = [
    "DROP INDEX IF EXISTS company_name_trgm",
    "DROP INDEX IF EXISTS tag_name_trgm",
]


class TrigramExtensionOnPostgreSQL(TrigramExtension):
    """CREATE EXTENSION pg_trgm on PostgreSQL, nothing on SQLite, both ways: Django's operation
    checks schema_editor.connection.vendor going forward only (its backward step would query
    pg_extension on SQLite)."""

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            super().database_forwards(app_label, schema_editor, from_state, to_state)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            super().database_backwards(app_label, schema_editor, from_state, to_state)


def run_on_postgresql(statements):
    def apply(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            for statement in statements:
                schema_editor.execute(statement)

    return apply


def _merge_tag_links(Tag, sources: list[int], target: int) -> None:
    for relation in Tag._meta.related_objects:
        if not relation.many_to_many:
            continue
        field = relation.field
        through = field.remote_field.through
        tag_column, owner_column = field.m2m_reverse_field_name(), field.m2m_field_name()
        linked = through.objects.filter(**{f"{tag_column}__in": sources})
        has_target = through.objects.filter(**{tag_column: target}).values(owner_column)
        linked.filter(**{f"{owner_column}__in": has_target}).delete()
        seen: set[int] = set()
        for pk, owner in linked.order_by("pk").values_list("pk", owner_column):
            if owner in seen:
                through.objects.filter(pk=pk).delete()
            else:
                seen.add(owner)
        linked.update(**{tag_column: target})


def recompute_tag_keys(apps, schema_editor):
    Tag = apps.get_model("companies", "Tag")
    groups: dict[str, list] = defaultdict(list)
    for tag in Tag.objects.order_by("pk"):
        groups[normalize_tag(tag.name) or tag.key].append(tag)
    changed = []
    for key, tags in groups.items():
        # The oldest tag stays (its name is the one people saw first).
        target, *sources = tags
        if sources:
            _merge_tag_links(Tag, [tag.pk for tag in sources], target.pk)
            Tag.objects.filter(pk__in=[tag.pk for tag in sources]).delete()
        if target.key != key:
            target.key = key
            changed.append(target)
    # Through a key no tag has, so that no two tags hold one key in between.
    for tag in changed:
        Tag.objects.filter(pk=tag.pk).update(key=f"~{tag.pk}")
    for tag in changed:
        Tag.objects.filter(pk=tag.pk).update(key=tag.key)


def rebuild_search_documents(apps, schema_editor):
    Company = apps.get_model("companies", "Company")
    companies = Company.objects.select_related("town", "industry").prefetch_related(
        "offers", "needs"
    )
    batch = []
    for company in companies.iterator(chunk_size=500):
        offers = [tag.name for tag in company.offers.all()]
        needs = [tag.name for tag in company.needs.all()]
        parts = [
            company.name,
            company.short_description,
            company.description,
            company.town.name if company.town_id else "",
            company.industry.name_de if company.industry is not None else "",
            " ".join(offers),
            " ".join(needs),
        ]
        company.search_document = search_document_text(parts, offers + needs)
        batch.append(company)
        if len(batch) >= 500:
            Company.objects.bulk_update(batch, ["search_document"])
            batch = []
    Company.objects.bulk_update(batch, ["search_document"])


class Migration(migrations.Migration):
    dependencies = [("companies", "0008_cooperation_system_description")]
    operations = [
        TrigramExtensionOnPostgreSQL(),
        migrations.RunPython(
            run_on_postgresql(TRIGRAM_INDEXES), run_on_postgresql(DROP_TRIGRAM_INDEXES)
        ),
        migrations.RunPython(recompute_tag_keys, migrations.RunPython.noop),
        migrations.RunPython(rebuild_search_documents, migrations.RunPython.noop),
    ]
