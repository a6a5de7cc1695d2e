"""Tags: one row per spelling key, however people type the word."""

from __future__ import annotations

from collections.abc import Iterable

from django.db import IntegrityError, transaction

from ..models import Tag
from ..tags import clean_label, normalize_tag


def get_or_create_tags(labels: Iterable[str]) -> list[Tag]:
    """The tags for typed labels, created where new; order kept, duplicates (by key) dropped."""
    by_key: dict[str, str] = {}
    for label in labels:
        label = clean_label(label)
        key = normalize_tag(label)
        if key and key not in by_key:
            by_key[key] = label
    existing = {tag.key: tag for tag in Tag.objects.filter(key__in=by_key)}
    tags = []
    for key, label in by_key.items():
        tag = existing.get(key)
        if tag is None:
            try:
                with transaction.atomic():
                    tag = Tag.objects.create(key=key, name=label)
            except IntegrityError:  # someone else created it a moment ago
                tag = Tag.objects.get(key=key)
        tags.append(tag)
    return tags
