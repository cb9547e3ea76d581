from django.urls import path

from thidua.dossiers import views

app_name = "dossiers"

urlpatterns = [
    path("don-vi/<int:unit_pk>/", views.unit_stats, name="unit"),
    path("don-vi/<int:unit_pk>/xuat-excel/", views.export, name="export"),
    path("don-vi/<int:unit_pk>/nhap/", views.import_dossiers, name="import"),
    path("don-vi/<int:unit_pk>/mau-excel/", views.import_template, name="import_template"),
]
