"""Render the bare project's two pages in-process and print their status and query counts (JSON).

`python -m bench.bare_site.check` reads DATABASE_URL (the benchmark's database);
`--scratch` first creates the few tables the pages read, with three companies, in the database
given (the smoke test points it at a throw-away SQLite file).
"""

from __future__ import annotations

import json
import os
import sys


def _scratch() -> None:
    from django.db import connection
    from django.utils import timezone

    from .models import Company, Tag, Town

    with connection.schema_editor() as editor:
        for model in (Town, Tag, Company):
            editor.create_model(model)
    town = Town.objects.create(name="Suhl", slug="suhl")
    tag = Tag.objects.create(name="Spannzangen")
    for number in range(3):
        company = Company.objects.create(
            name=f"Firma {number}",
            slug=f"firma-{number}",
            town=town,
            short_description="Feinmechanik",
            status="published",
            public_consent_at=timezone.now(),
        )
        company.offers.add(tag)


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    os.environ["DJANGO_SETTINGS_MODULE"] = "bench.bare_site.settings"
    import django

    django.setup()
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    if "--scratch" in argv:
        _scratch()
    client = Client()
    result = {}
    for name, path in (("bare-template", "/template/"), ("bare-directory", "/directory/")):
        client.get(path)  # the connection and the templates are warm under load too
        with CaptureQueriesContext(connection) as queries:
            response = client.get(path)
        result[name] = {
            "status": response.status_code,
            "queries": len(queries),
            "bytes": len(response.content),
        }
    print(json.dumps(result))
    return 0 if all(page["status"] == 200 for page in result.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
