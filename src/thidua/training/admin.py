from django.contrib import admin

from thidua.training.models import TrainingRecord


@admin.register(TrainingRecord)
class TrainingRecordAdmin(admin.ModelAdmin):
    list_display = ("person", "course", "topic", "starts_on", "ends_on", "hours")
    list_filter = ("topic",)
    search_fields = ("person__full_name", "person__staff_code", "course", "certificate")
    raw_id_fields = ("person",)
    readonly_fields = ("created_by", "created_at")
