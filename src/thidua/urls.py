from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from thidua.api.api import api
from thidua.core import notifications
from thidua.core import views as core_views

urlpatterns = [
    path("", core_views.home, name="home"),
    path("dang-nhap/", auth_views.LoginView.as_view(redirect_authenticated_user=True),
         name="login"),
    path("dang-xuat/", auth_views.LogoutView.as_view(), name="logout"),
    path("doi-mat-khau/", auth_views.PasswordChangeView.as_view(), name="password_change"),
    path("doi-mat-khau/xong/", auth_views.PasswordChangeDoneView.as_view(),
         name="password_change_done"),
    path("nhat-ky/<str:app_label>/<str:model_name>/<int:pk>/", core_views.audit_trail,
         name="audit_trail"),
    path("thong-bao/", notifications.notification_list, name="notifications"),
    path("thong-bao/<int:pk>/mo/", notifications.notification_open, name="notification_open"),
    path("thong-bao/doc-het/", notifications.notification_read_all, name="notifications_read_all"),
    path("", include("thidua.org.urls")),
    path("phong-trao/", include("thidua.movements.urls")),
    path("kpi/", include("thidua.kpi.urls")),
    path("van-ban/", include("thidua.documents.urls")),
    path("bo-tieu-chi/", include("thidua.scorecards.urls")),
    path("boi-duong/", include("thidua.training.urls")),
    path("danh-gia/", include("thidua.feedback.urls")),
    path("ho-so-tthc/", include("thidua.dossiers.urls")),
    path("sang-kien/", include("thidua.initiatives.urls")),
    path("khen-thuong/", include("thidua.awards.urls")),
    path("api/v1/", api.urls),
    path("quan-tri/", admin.site.urls),
]

handler400 = "thidua.core.views.bad_request"
handler404 = "thidua.core.views.not_found"
handler403 = "thidua.core.views.forbidden"
