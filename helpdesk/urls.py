"""Top-level URLs. The public paths are those of CONTRACT.md."""

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from helpdesk import health

urlpatterns = [
    path("healthz", health.healthz, name="healthz"),
    path("readyz", health.readyz, name="readyz"),
    path("admin/", admin.site.urls),
    path("login/", auth_views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
    path("api/v1/", include("helpdesk.api.urls")),
    path("api/widget/v1/", include("chat.widget_api.urls")),
    path("anymail/", include("anymail.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("", include("chat.widget_urls")),
    path("", include("chat.urls")),
]
