from __future__ import annotations

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from . import mail
from .models import BarrierReport, MailOptOut, OutboxMail, SitePage, User


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    ordering = ["email"]
    list_display = ["email", "display_name", "preferred_language", "is_staff", "is_active"]
    search_fields = ["email", "display_name"]
    fieldsets = [
        (None, {"fields": ["email", "password"]}),
        (_("Person"), {"fields": ["display_name", "preferred_language"]}),
        (
            _("Permissions"),
            {"fields": ["is_active", "is_staff", "is_superuser", "groups", "user_permissions"]},
        ),
        (_("Dates"), {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [
        (None, {"classes": ["wide"], "fields": ["email", "password1", "password2"]}),
    ]


@admin.register(OutboxMail)
class OutboxMailAdmin(admin.ModelAdmin):
    """Staff see here which mails went out and which failed (with the server's answer)."""

    list_display = ["created_at", "to_email", "subject", "status", "attempts", "sent_at"]
    list_filter = ["status", "topic", "template"]
    search_fields = ["to_email", "subject", "idempotency_key"]
    date_hierarchy = "created_at"
    actions = ["retry_now"]
    # Never the body or the headers: they hold reset, confirmation, invitation and unsubscribe
    # links that act for the recipient. Not even superusers read them here.
    fields = [
        "to_email",
        "recipient",
        "subject",
        "template",
        "language",
        "topic",
        "status",
        "attempts",
        "last_error",
        "due_at",
        "claimed_at",
        "sent_at",
        "body_removed_at",
        "created_at",
        "updated_at",
    ]
    readonly_fields = fields

    def has_add_permission(self, request) -> bool:
        return False

    @admin.action(description=_("Send failed mails again"))
    def retry_now(self, request, queryset):
        pks = list(queryset.filter(status=OutboxMail.Status.FAILED).values_list("pk", flat=True))
        queryset.filter(pk__in=pks).update(status=OutboxMail.Status.QUEUED, attempts=0)
        for pk in pks:
            mail.enqueue_mail(pk)
        count = len(pks)
        message = ngettext("%(count)d mail queued again.", "%(count)d mails queued again.", count)
        self.message_user(request, message % {"count": count})


@admin.register(MailOptOut)
class MailOptOutAdmin(admin.ModelAdmin):
    list_display = ["email", "topic", "created_at"]
    list_filter = ["topic"]
    search_fields = ["email"]


@admin.register(SitePage)
class SitePageAdmin(admin.ModelAdmin):
    list_display = ["title_de", "slug", "is_placeholder", "updated_at"]
    readonly_fields = ["slug"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(BarrierReport)
class BarrierReportAdmin(admin.ModelAdmin):
    list_display = ["created_at", "page_url", "description", "contact_email", "handled_at"]
    list_filter = ["handled_at"]
