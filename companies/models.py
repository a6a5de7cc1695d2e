from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Town(models.Model):
    """A town of the region. The four KAG towns come first wherever towns are listed."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    slug = models.SlugField(max_length=100, unique=True)
    is_kag_member = models.BooleanField(_("KAG member town"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("town")
        verbose_name_plural = _("towns")
        ordering = ["-is_kag_member", "name"]

    def __str__(self) -> str:
        return self.name
