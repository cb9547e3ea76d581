from django.urls import path

from thidua.training import views

app_name = "training"

urlpatterns = [
    path("can-bo/<int:pk>/", views.person, name="person"),
    path("can-bo/<int:person_pk>/them/", views.record_add, name="record_add"),
    path("khoa/<int:pk>/sua/", views.record_edit, name="record_edit"),
    path("khoa/<int:pk>/xoa/", views.record_delete, name="record_delete"),
    path("don-vi/<int:unit_pk>/", views.unit, name="unit"),
    path("don-vi/<int:unit_pk>/xuat-excel/", views.unit_export, name="unit_export"),
    path("don-vi/<int:unit_pk>/nhap-excel/", views.import_records, name="import"),
    path("don-vi/<int:unit_pk>/mau-excel/", views.import_template, name="import_template"),
]
