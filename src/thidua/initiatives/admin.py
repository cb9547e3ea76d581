"""Admin: the list of fields of application is edited here; applications, councils and
their ballots are read-only (every change goes through the domain and the workflow)."""

from django.contrib import admin

from thidua.initiatives.models import ApplicationField, Council, Initiative


@admin.register(ApplicationField)
class ApplicationFieldAdmin(admin.ModelAdmin):
    list_display = ("name", "code", "order", "is_active")
    list_editable = ("order", "is_active")
    search_fields = ("name", "code")


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Initiative)
class InitiativeAdmin(ReadOnlyAdmin):
    list_display = ("title", "unit", "level", "year", "state", "review_due_on", "decided_on")
    list_filter = ("state", "level", "year", "field")
    search_fields = ("title", "certificate_number")
    list_select_related = ("unit",)


@admin.register(Council)
class CouncilAdmin(ReadOnlyAdmin):
    list_display = ("name", "unit", "level", "year")
    list_filter = ("level", "year")
    list_select_related = ("unit",)
