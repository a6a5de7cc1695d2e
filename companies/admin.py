from django.contrib import admin

from .models import Town


@admin.register(Town)
class TownAdmin(admin.ModelAdmin):
    list_display = ["name", "is_kag_member"]
    list_filter = ["is_kag_member"]
    prepopulated_fields = {"slug": ["name"]}
