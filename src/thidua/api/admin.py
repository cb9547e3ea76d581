from django.contrib import admin, messages
from django.template.response import TemplateResponse
from django.utils import timezone

from thidua.api.models import ApiToken


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    """Tokens act as their user: only superusers may see or issue them."""

    def has_module_permission(self, request):
        return request.user.is_active and request.user.is_superuser

    def has_view_permission(self, request, obj=None):
        return request.user.is_active and request.user.is_superuser

    def has_add_permission(self, request):
        return request.user.is_active and request.user.is_superuser

    def has_change_permission(self, request, obj=None):
        return request.user.is_active and request.user.is_superuser

    def has_delete_permission(self, request, obj=None):
        return request.user.is_active and request.user.is_superuser

    """Tokens are listed, issued and revoked here; a secret is shown once, at issue."""

    list_display = ["name", "user", "prefix", "created_at", "last_used_at", "expires_at",
                    "status"]
    list_filter = [("revoked_at", admin.EmptyFieldListFilter), "expires_at"]
    search_fields = ["name", "prefix", "user__username"]
    list_select_related = ["user"]
    autocomplete_fields = ["user"]
    actions = ["revoke"]

    def get_fields(self, request, obj=None):
        if obj is None:
            return ["user", "name", "expires_at"]
        return ["user", "name", "prefix", "created_at", "last_used_at", "expires_at",
                "revoked_at"]

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return []
        return ["user", "prefix", "created_at", "last_used_at", "revoked_at"]

    @admin.display(description="trạng thái")
    def status(self, obj):
        if obj.is_revoked:
            return "Đã thu hồi"
        if obj.expires_at and obj.expires_at <= timezone.now():
            return "Hết hạn"
        return "Đang dùng"

    @admin.action(description="Thu hồi các mã đã chọn", permissions=["change"])
    def revoke(self, request, queryset):
        revoked = 0
        for token in queryset.filter(revoked_at__isnull=True):
            token.revoke()  # one by one, so that each revocation is in the audit log
            revoked += 1
        self.message_user(request, f"Đã thu hồi {revoked} mã.", messages.SUCCESS)

    def save_model(self, request, obj, form, change):
        if not change:
            obj._plain_token = obj.set_new_key()
        super().save_model(request, obj, form, change)

    def response_add(self, request, obj, post_url_continue=None):
        """Show the new secret on this one page; it is not stored, in a message or elsewhere."""
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": "Mã truy cập API mới",
            "token": obj,
            "plain_token": obj._plain_token,
        }
        return TemplateResponse(request, "admin/api/apitoken/created.html", context)
