from django.contrib import admin

from thidua.feedback.models import DeskOfficial, Rating, ServiceDesk


@admin.register(ServiceDesk)
class ServiceDeskAdmin(admin.ModelAdmin):
    list_display = ("name", "unit", "scale", "is_active")
    list_filter = ("scale", "is_active")
    search_fields = ("name", "unit__name")
    raw_id_fields = ("unit",)


@admin.register(DeskOfficial)
class DeskOfficialAdmin(admin.ModelAdmin):
    list_display = ("person", "desk", "is_active")
    raw_id_fields = ("desk", "person")


@admin.register(Rating)
class RatingAdmin(admin.ModelAdmin):
    """Ratings are citizens' words: read only."""

    list_display = ("created_at", "desk", "official", "level", "satisfied", "dossier_code")
    list_filter = ("satisfied",)
    raw_id_fields = ("desk", "official", "unit")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
