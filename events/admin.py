from __future__ import annotations

from django.contrib import admin

from .models import AgendaItem, Event, Registration


class AgendaItemInline(admin.TabularInline):
    model = AgendaItem
    extra = 0


@admin.register(Event)
class EventAdmin(admin.ModelAdmin):
    list_display = ["title", "format", "starts_at", "status", "capacity"]
    list_filter = ["status", "format", "town"]
    search_fields = ["title", "venue_name"]
    date_hierarchy = "starts_at"
    raw_id_fields = ["host_company", "created_by"]
    readonly_fields = ["calendar_uid", "calendar_sequence", "published_at", "cancelled_at"]
    inlines = [AgendaItemInline]


@admin.register(Registration)
class RegistrationAdmin(admin.ModelAdmin):
    list_display = ["name", "company", "event", "status", "requested_at", "checked_in_at"]
    list_filter = ["status"]
    search_fields = ["name", "email", "company__name", "event__title"]
    list_select_related = ["company", "event"]
    raw_id_fields = ["event", "company", "person", "registered_by", "wish_partners"]
