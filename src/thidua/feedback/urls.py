from django.urls import path

from thidua.feedback import views, views_public
from thidua.feedback.limits import setting

app_name = "feedback"

urlpatterns = [
    path("", views.index, name="index"),
    path("q/<str:token>/", views_public.rate, name="rate"),
    path("q/<str:token>/cam-on/", views_public.thanks, name="thanks"),
    path("don-vi/<int:unit_pk>/", views.desks, name="desks"),
    path("don-vi/<int:unit_pk>/them-quay/", views.desk_create, name="desk_create"),
    path("don-vi/<int:unit_pk>/ket-qua/", views.month_results, name="results"),
    path("don-vi/<int:unit_pk>/tong-hop/", views.subtree_results, name="subtree"),
    path("don-vi/<int:unit_pk>/tong-hop/excel/", views.subtree_export, name="subtree_export"),
    path("quay/<int:pk>/", views.desk_detail, name="desk"),
    path("quay/<int:pk>/sua/", views.desk_edit, name="desk_edit"),
    path("quay/<int:pk>/ma-qr/", views.desk_qr, name="desk_qr"),
    path("can-bo/<int:pk>/doi-trang-thai/", views.official_toggle, name="official_toggle"),
]

if setting("THIDUA_BENCH_MINIMAL_VIEW", "0") == "1":
    # The ceiling the rating benchmark compares with (bench/rating_bench.py): the same
    # server and middleware, a view that does nothing. Never mounted otherwise.
    urlpatterns.append(path("do-hieu-nang/toi-thieu/", views_public.minimal, name="minimal"))
