"""URLs of the KPI screens, each screen module contributing its own list."""

from thidua.kpi.views import imports, policy, sheets, unit

app_name = "kpi"

urlpatterns = [
    *sheets.urlpatterns,
    *unit.urlpatterns,
    *policy.urlpatterns,
    *imports.urlpatterns,
]
