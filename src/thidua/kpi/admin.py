from django.contrib import admin

from thidua.kpi.models import MonthSheet, ScoringPolicy, UnitMonth


@admin.register(ScoringPolicy)
class ScoringPolicyAdmin(admin.ModelAdmin):
    list_display = ["name", "unit", "updated_at"]


@admin.register(MonthSheet)
class MonthSheetAdmin(admin.ModelAdmin):
    list_display = ["person", "unit", "month", "state", "score", "grade"]
    list_filter = ["state", "grade", "month"]
    raw_id_fields = ["person", "unit", "finalised_by"]
    readonly_fields = ["score", "computed_grade", "grade", "state"]


@admin.register(UnitMonth)
class UnitMonthAdmin(admin.ModelAdmin):
    list_display = ["unit", "month", "state", "closed_at"]
    raw_id_fields = ["unit", "closed_by"]
    readonly_fields = ["state", "policy"]
