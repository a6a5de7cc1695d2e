"""The portal's company tables as a bare project would map them: unmanaged, a few columns."""

from django.db import models


class Town(models.Model):
    name = models.CharField(max_length=100)
    slug = models.SlugField(max_length=100)

    class Meta:
        managed = False
        db_table = "companies_town"

    def __str__(self) -> str:
        return self.name


class Tag(models.Model):
    name = models.CharField(max_length=60)

    class Meta:
        managed = False
        db_table = "companies_tag"

    def __str__(self) -> str:
        return self.name


class Company(models.Model):
    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=200)
    town = models.ForeignKey(Town, on_delete=models.DO_NOTHING)
    short_description = models.CharField(max_length=300)
    status = models.CharField(max_length=10)
    public_consent_at = models.DateTimeField(null=True)
    offers = models.ManyToManyField(Tag, db_table="companies_company_offers", related_name="+")
    needs = models.ManyToManyField(Tag, db_table="companies_company_needs", related_name="+")

    class Meta:
        managed = False
        db_table = "companies_company"

    def __str__(self) -> str:
        return self.name
