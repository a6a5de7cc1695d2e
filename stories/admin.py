from django.contrib import admin

from .models import Story, StoryApproval, StoryImage


class StoryImageInline(admin.TabularInline):
    model = StoryImage
    extra = 0


class StoryApprovalInline(admin.TabularInline):
    model = StoryApproval
    extra = 0


@admin.register(Story)
class StoryAdmin(admin.ModelAdmin):
    """Read only: an edit here would skip the text versions and approvals (stories.services);
    staff write and publish at /staff/stories/."""

    list_display = ["title", "status", "published_at", "updated_at"]
    list_filter = ["status"]
    search_fields = ["title", "lead"]
    inlines = [StoryImageInline, StoryApprovalInline]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False
