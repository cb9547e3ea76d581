"""Django admin for master data (superusers): unit kinds, units, people, roles, discipline.

Day-to-day work happens in the ThiĐua screens, which are scoped; the admin is
the place to edit vocabularies and fix data across the whole system.
"""

from django.contrib import admin
from treebeard.admin import TreeAdmin
from treebeard.forms import movenodeform_factory

from thidua.org.models import DisciplineRecord, Person, RoleAssignment, Unit, UnitKind


@admin.register(UnitKind)
class UnitKindAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "sector", "order", "is_active"]
    list_editable = ["order", "is_active"]


@admin.register(Unit)
class UnitAdmin(TreeAdmin):
    form = movenodeform_factory(Unit, exclude=["name_folded"])
    list_display = ["name", "code", "kind", "sector", "is_active"]
    list_filter = ["kind", "sector", "is_active"]
    search_fields = ["name_folded", "code"]
    raw_id_fields = ["merged_into"]


@admin.register(Person)
class PersonAdmin(admin.ModelAdmin):
    list_display = ["full_name", "staff_code", "unit", "staff_category", "is_party_member", "status"]
    list_filter = ["staff_category", "is_party_member", "status", "gender"]
    search_fields = ["name_folded", "staff_code"]
    raw_id_fields = ["unit", "party_cell", "user"]
    list_select_related = ["unit"]


@admin.register(DisciplineRecord)
class DisciplineRecordAdmin(admin.ModelAdmin):
    list_display = ["person", "form", "decision_number", "effective_from", "under_review"]
    list_filter = ["form", "under_review"]
    raw_id_fields = ["person"]
    list_select_related = ["person"]


@admin.register(RoleAssignment)
class RoleAssignmentAdmin(admin.ModelAdmin):
    list_display = ["user", "role", "unit", "granted_at"]
    list_filter = ["role"]
    raw_id_fields = ["user", "unit", "granted_by"]
    list_select_related = ["user", "unit"]
