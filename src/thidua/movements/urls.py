"""URLs of movements, each screen module contributing its own list."""

from thidua.movements.views import dashboard, facts, movements, registrations

app_name = "movements"

urlpatterns = [
    *movements.urlpatterns,
    *registrations.urlpatterns,
    *dashboard.urlpatterns,
    *facts.urlpatterns,
]
