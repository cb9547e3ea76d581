from django.contrib import admin

from thidua.core.models import TransitionLog

admin.site.site_header = "Quản trị ThiĐua"
admin.site.site_title = "ThiĐua"
admin.site.index_title = "Dữ liệu dùng chung"


@admin.register(TransitionLog)
class TransitionLogAdmin(admin.ModelAdmin):
    """Read-only: the transition log is evidence, never edited."""

    list_display = ["at", "content_type", "object_id", "transition", "from_state", "to_state", "actor"]
    list_filter = ["content_type", "transition"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
