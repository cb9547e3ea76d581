"""URLs of documents, each screen module contributing its own list."""

from thidua.documents.views import awards, certificates, issuers, movement, numbers, templates

app_name = "documents"

urlpatterns = [
    *movement.urlpatterns,
    *templates.urlpatterns,
    *issuers.urlpatterns,
    *numbers.urlpatterns,
    *certificates.urlpatterns,
    *awards.urlpatterns,
]
