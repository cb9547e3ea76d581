from django.urls import path

from thidua.org import accounts, views, views_edit, views_import

app_name = "org"

urlpatterns = [
    path("don-vi/", views.unit_tree, name="unit_tree"),
    path("don-vi/<int:pk>/", views.unit_detail, name="unit_detail"),
    path("don-vi/<int:pk>/cay/", views.unit_children, name="unit_children"),
    path("don-vi/<int:pk>/sua/", views_edit.unit_edit, name="unit_edit"),
    path("don-vi/<int:pk>/sap-nhap/", views_edit.unit_merge, name="unit_merge"),
    path("don-vi/<int:parent_pk>/them-don-vi/", views_edit.unit_create, name="unit_create"),
    path("don-vi/<int:unit_pk>/them-can-bo/", views_edit.person_create, name="person_create"),
    path("can-bo/", views.person_list, name="person_list"),
    path("can-bo/xuat-excel/", views.person_export, name="person_export"),
    path("can-bo/<int:pk>/", views.person_detail, name="person_detail"),
    path("can-bo/<int:pk>/sua/", views_edit.person_edit, name="person_edit"),
    path("can-bo/<int:pk>/tai-khoan/", accounts.person_account, name="person_account"),
    path("phan-quyen/", views.role_list, name="role_list"),
    path("phan-quyen/xuat-excel/", views.role_export, name="role_export"),
    path("phan-quyen/<int:pk>/thu-hoi/", views.role_revoke, name="role_revoke"),
    path("nhap-du-lieu/don-vi/", views_import.import_units, name="import_units"),
    path("nhap-du-lieu/can-bo/", views_import.import_people, name="import_people"),
    path("nhap-du-lieu/mau/<str:kind>.xlsx", views_import.import_template,
         name="import_template"),
]
