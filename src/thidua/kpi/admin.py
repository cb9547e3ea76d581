"""The KPI records in the Django admin: to look at, never to change.

Every change of a sheet, a unit's month or a policy goes through
:mod:`thidua.kpi.domain` (the KPI screens, the API, the import, ``thidua kpi``):
it refuses a closed month, logs the leader's adjustments and regrades the open
months after a policy edit. An admin form would do none of that, so these
pages are read-only.
"""

from django.contrib import admin

from thidua.kpi.models import MonthSheet, ScoringPolicy, UnitMonth


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(ScoringPolicy)
class ScoringPolicyAdmin(ReadOnlyAdmin):
    list_display = ["name", "unit", "updated"]
    list_select_related = ["unit"]

    @admin.display(description="cập nhật lúc", ordering="updated_at")
    def updated(self, obj):
        return obj.updated_at


@admin.register(MonthSheet)
class MonthSheetAdmin(ReadOnlyAdmin):
    list_display = ["person", "unit", "month", "state", "score", "grade"]
    list_filter = ["state", "grade", "month"]
    list_select_related = ["person", "unit"]


@admin.register(UnitMonth)
class UnitMonthAdmin(ReadOnlyAdmin):
    list_display = ["unit", "month", "state", "closed_at"]
    list_select_related = ["unit"]
