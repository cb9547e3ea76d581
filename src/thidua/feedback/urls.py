from django.urls import path

from thidua.feedback import views, views_public

app_name = "feedback"

urlpatterns = [
    path("", views.index, name="index"),
    path("q/<str:token>/", views_public.rate, name="rate"),
    path("q/<str:token>/cam-on/", views_public.thanks, name="thanks"),
    path("don-vi/<int:unit_pk>/", views.desks, name="desks"),
    path("don-vi/<int:unit_pk>/them-quay/", views.desk_create, name="desk_create"),
    path("don-vi/<int:unit_pk>/ket-qua/", views.month_results, name="results"),
    path("quay/<int:pk>/", views.desk_detail, name="desk"),
    path("quay/<int:pk>/sua/", views.desk_edit, name="desk_edit"),
    path("quay/<int:pk>/ma-qr/", views.desk_qr, name="desk_qr"),
    path("can-bo/<int:pk>/doi-trang-thai/", views.official_toggle, name="official_toggle"),
]
